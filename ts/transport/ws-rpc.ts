/**
 * A request/reply client over one self-healing WebSocket (WsConnection): the shape of every
 * exchange's WebSocket trading API (Binance /ws-api/v3, Kraken v2 ws-auth, OKX /ws/v5/private,
 * Bybit /v5/trade). Exchange-agnostic: the adapter supplies the frame codec and the per-connection
 * preparation (authentication).
 *
 * - every request gets a fresh numeric id; replies are matched by id, each with its own timeout
 *   (RequestTimeout); frames that answer no request are 'event's (user data, session notices);
 * - after every (re)connect `prepare` runs (e.g. session logon) before any other request goes out;
 *   its own requests pass `{ early: true }`; a failed prepare is reported and retried with backoff;
 * - a request is only ever written to an open, prepared socket. When there is none (the API is
 *   unreachable, refused, or reconnecting) it fails at once with RpcNotSent, so the caller can
 *   safely send it another way (REST). A request that was written but whose connection dropped
 *   before the reply fails with RpcReplyLost: its outcome is unknown;
 * - keepalive and stale detection come from WsConnection (pings, silence timeout, backoff).
 */
import mitt, { Emitter, Handler } from 'mitt';
import { BadResponse, ExchangeNotAvailable, RequestTimeout } from '../core/errors';
import type { StatusEvent } from '../core/types';
import { backoffDelay } from './backoff';
import { WsConnection, WsConnectionOptions } from './ws-connection';

/** The request was never written to a socket: sending it elsewhere cannot duplicate it. */
export class RpcNotSent extends ExchangeNotAvailable {}
/** The request was written but the connection dropped before its reply: its outcome is unknown. */
export class RpcReplyLost extends ExchangeNotAvailable {}

export interface RpcCodec {
  /** The frame of request `id`. */
  encode(id: number, method: string, params: Record<string, unknown> | undefined): string;
  /** The id of the request a parsed frame answers, or undefined for an unsolicited frame. */
  replyId(msg: unknown): number | undefined;
  /**
   * True for a text frame that is a keepalive answer and not JSON (OKX's bare `pong`): a life sign,
   * neither a reply nor an event nor a malformed frame. Optional.
   */
  isKeepalive?(text: string): boolean;
}

export type RpcState = 'idle' | 'connecting' | 'preparing' | 'ready' | 'down' | 'closed';

export type WsRpcEvents = {
  /** Open and prepared: requests flow. `reconnect` is false the first time. */
  ready: { reconnect: boolean };
  /** The connection went away or could not be opened; requests fail with RpcNotSent until 'ready'. */
  down: { error?: Error };
  /** A frame that answers no request (parsed JSON). */
  event: unknown;
  status: StatusEvent;
  error: Error;
};

export interface WsRpcOptions extends Omit<WsConnectionOptions, 'url'> {
  url: string;
  codec: RpcCodec;
  /** Reply timeout when a request does not give its own (ms). */
  requestTimeoutMs: number;
  /** Runs after every open before other requests are sent; its requests pass `{ early: true }`. */
  prepare?: (reconnect: boolean) => Promise<void>;
}

export interface RpcRequestOptions {
  timeoutMs?: number;
  /** Send while the connection is still being prepared (prepare's own requests). */
  early?: boolean;
}

interface Pending {
  method: string;
  resolve: (msg: unknown) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class WsRpc {
  readonly events: Emitter<WsRpcEvents> = mitt<WsRpcEvents>();
  private readonly conn: WsConnection;
  private readonly opts: WsRpcOptions;
  private readonly exchange: string;
  private _state: RpcState = 'idle';
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private waiters: Waiter[] = [];
  private everReady = false;
  private prepareAttempt = 0;
  /** The last prepare failed (e.g. login refused): requests go elsewhere until one succeeds. */
  private refused = false;
  private prepareTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped on every open/close so a stale prepare cannot mark a newer connection ready. */
  private epoch = 0;

  constructor(opts: WsRpcOptions) {
    this.opts = opts;
    this.exchange = opts.exchange;
    this.conn = new WsConnection({ ...opts, url: opts.url });
    this.conn.onMessage = (text) => this.onMessage(text);
    this.conn.events.on('open', () => this.onOpen());
    this.conn.events.on('close', () => this.onDown(undefined));
    this.conn.events.on('status', (s) => {
      this.emit('status', s);
      if (s.state === 'reconnecting' && this._state !== 'down') this.onDown(s.error);
      if (s.state === 'closed') this.finish(s.error);
    });
    this.conn.events.on('error', (e) => this.emit('error', e));
  }

  get state(): RpcState {
    return this._state;
  }

  /** Open and prepared. */
  get isReady(): boolean {
    return this._state === 'ready';
  }

  /** Connects (idempotent). */
  start(): void {
    if (this._state !== 'idle') return;
    this._state = 'connecting';
    this.conn.connect();
  }

  /** Resolves once ready; rejects with RpcNotSent if the connection fails first or within timeoutMs. */
  whenReady(timeoutMs = this.opts.requestTimeoutMs): Promise<void> {
    if (this._state === 'ready') return Promise.resolve();
    if (this._state === 'idle') this.start();
    if (this._state === 'down' || this._state === 'closed') return Promise.reject(this.notSent('connection is down'));
    if (this.refused) return Promise.reject(this.notSent('connection refused'));
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((x) => x !== w);
          reject(this.notSent(`not ready within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(w);
    });
  }

  /**
   * Sends a request and resolves with the parsed reply frame (whatever its status: the adapter
   * decides what is an error). Rejects with RpcNotSent, RpcReplyLost or RequestTimeout.
   */
  async request(method: string, params?: Record<string, unknown>, o: RpcRequestOptions = {}): Promise<unknown> {
    const timeoutMs = o.timeoutMs ?? this.opts.requestTimeoutMs;
    if (!(o.early && this._state === 'preparing')) await this.whenReady(timeoutMs);
    if (!this.conn.isOpen) throw this.notSent(`${method}: connection is down`);
    const id = ++this.seq;
    const text = this.opts.codec.encode(id, method, params);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestTimeout(`${method}: no reply within ${timeoutMs} ms`, { exchange: this.exchange }));
      }, timeoutMs);
      this.pending.set(id, { method, resolve, reject, timer });
      this.conn.send(text);
    });
  }

  /** Drops the connection and reconnects through the backoff schedule. */
  reconnect(reason: string): void {
    this.conn.reconnect(reason);
  }

  /** Closes for good: pending requests fail with RpcReplyLost, waiting ones with RpcNotSent. */
  async close(): Promise<void> {
    if (this._state === 'closed') return;
    this.finish(undefined);
    await this.conn.close();
  }

  private onOpen(): void {
    const epoch = ++this.epoch;
    this._state = 'preparing';
    this.prepareAttempt = 0;
    this.runPrepare(epoch);
  }

  private runPrepare(epoch: number): void {
    const prepare = this.opts.prepare;
    const reconnect = this.everReady;
    const done = prepare ? prepare(reconnect) : Promise.resolve();
    done.then(
      () => {
        if (epoch !== this.epoch || this._state !== 'preparing') return;
        this._state = 'ready';
        this.everReady = true;
        this.refused = false;
        const ws = this.waiters;
        this.waiters = [];
        for (const w of ws) {
          clearTimeout(w.timer);
          w.resolve();
        }
        this.emit('ready', { reconnect });
      },
      (err: Error) => {
        if (epoch !== this.epoch || this._state !== 'preparing') return;
        this.refused = true;
        this.emit('error', err);
        // requests go elsewhere meanwhile; the socket stays up and preparation is retried
        this.rejectWaiters(`connection refused: ${err.message}`);
        const delay = backoffDelay(++this.prepareAttempt, this.opts.backoff ?? {});
        this.prepareTimer = setTimeout(() => {
          this.prepareTimer = undefined;
          if (epoch === this.epoch && this._state === 'preparing') this.runPrepare(epoch);
        }, delay);
      },
    );
  }

  private onDown(error: Error | undefined): void {
    if (this._state === 'closed') return;
    this.epoch++;
    this.clearPrepare();
    const was = this._state;
    this._state = 'down';
    this.rejectPending('connection lost before the reply');
    this.rejectWaiters('connection is down');
    if (was !== 'down') this.emit('down', error ? { error } : {});
  }

  private finish(error: Error | undefined): void {
    if (this._state === 'closed') return;
    this.epoch++;
    this.clearPrepare();
    this._state = 'closed';
    this.rejectPending('connection closed before the reply');
    this.rejectWaiters('connection closed');
    if (error) this.emit('down', { error });
  }

  private clearPrepare(): void {
    if (this.prepareTimer !== undefined) clearTimeout(this.prepareTimer);
    this.prepareTimer = undefined;
  }

  private rejectPending(why: string): void {
    const list = [...this.pending.values()];
    this.pending.clear();
    for (const p of list) {
      clearTimeout(p.timer);
      p.reject(new RpcReplyLost(`${p.method}: ${why}`, { exchange: this.exchange }));
    }
  }

  private rejectWaiters(why: string): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) {
      clearTimeout(w.timer);
      w.reject(this.notSent(why));
    }
  }

  private notSent(why: string): RpcNotSent {
    return new RpcNotSent(`websocket API: ${why}`, { exchange: this.exchange });
  }

  private onMessage(text: string): void {
    if (this.opts.codec.isKeepalive?.(text)) return;
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.emit('error', new BadResponse(`malformed frame ignored (not JSON): ${text.slice(0, 120)}`, { exchange: this.exchange, raw: text }));
      return;
    }
    const id = this.opts.codec.replyId(msg);
    if (id === undefined) {
      this.emit('event', msg);
      return;
    }
    const p = this.pending.get(id);
    if (!p) return; // the reply to a request that already timed out
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(msg);
  }

  /** mitt emit with every handler isolated: a throw is reported on 'error', never into the socket code. */
  private emit<K extends keyof WsRpcEvents>(type: K, evt: WsRpcEvents[K]): void {
    const handlers = this.events.all.get(type) as Handler<WsRpcEvents[K]>[] | undefined;
    if (!handlers) return;
    for (const h of handlers.slice()) {
      try {
        h(evt);
      } catch (err) {
        if (type !== 'error') this.emit('error', err instanceof Error ? err : new Error(String(err)));
      }
    }
  }
}
