/**
 * One WebSocket connection that stays up: connect timeout, reconnect with capped exponential
 * backoff and jitter, heartbeat (client pings + stale detection), and a send queue that is flushed
 * after the 'open' handlers have re-sent their subscriptions. Every handshake (first connect and
 * each reconnect) first takes a slot of its host's connection budget when one is declared
 * (connection-budget.ts): the exchange's per-IP connection-rate limit holds for the whole process.
 *
 * Built directly on `ws`. All timers are the global setTimeout/setInterval looked up at call time,
 * so sinon fake timers control them; after close() no timer or socket is left to hold the process.
 */
import WebSocket from 'ws';
import mitt, { Emitter, Handler, WildcardHandler } from 'mitt';
import { ExchangeNotAvailable, NetworkError, RequestTimeout } from '../core/errors';
import type { StatusEvent } from '../core/types';
import { BackoffOptions, backoffDelay } from './backoff';
import { connectionGate, GateTicket } from './connection-budget';
import { redactError, redactUrls, stripQuery } from './redact';

/** Lifecycle of a {@link WsConnection}. 'closed' is final. */
export type WsState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Events of {@link WsConnection.events}. */
export type WsEvents = {
  /** The socket is open. `reconnect` is true for every open after the first: re-subscribe now. */
  open: { attempt: number; reconnect: boolean };
  /** An open socket went away (server close, drop, stale, reconnect(), close()). */
  close: { code: number; reason: string };
  /** Connection status as data; the url has no query string. */
  status: StatusEvent;
  /** No frame arrived for `silentMs`; the socket is being terminated and reconnected. */
  stale: { silentMs: number };
  /** Socket errors (already redacted) and exceptions thrown by handlers / onMessage. */
  error: Error;
  /** The socket has been open for `healthyAfterMs` and carried a frame: backoff starts over. */
  healthy: { afterMs: number };
};

/** Options of {@link WsConnection}. */
export interface WsConnectionOptions {
  /**
   * ws:// or wss:// URL, possibly with a query string (it never appears in errors or status
   * events). A function is called again before every (re)connect, e.g. for URLs that name the
   * streams a socket carries.
   */
  url: string | (() => string);
  /** Exchange id, put on every error. */
  exchange: string;
  /** Give up on a handshake after this long and retry (ms). Default 10000; 0 disables. */
  connectTimeoutMs?: number;
  /** Send a client ping this often while open (ms). Default 0: no client pings. */
  pingIntervalMs?: number;
  /** Text to send as the ping (exchanges with application-level pings) instead of a ws ping frame. */
  appPing?: () => string;
  /** Declare the socket stale when no frame at all arrived for this long (ms). Default 0: off. */
  staleTimeoutMs?: number;
  /** Reconnect delays; see backoffDelay(). */
  backoff?: Partial<BackoffOptions>;
  /** Consecutive failed attempts after which the connection gives up and closes. Default Infinity. */
  maxAttempts?: number;
  /**
   * A connection counts as healthy once it has been open this long (ms) and carried a frame; only
   * then does the backoff start over. A server that accepts and closes at once therefore meets a
   * growing delay, not a handshake storm that breaks the exchange's connection limit
   * (Binance: 300 connections per 5 minutes per IP). Default 5000.
   */
  healthyAfterMs?: number;
  /** Random source for backoff jitter (inject for deterministic tests). */
  random?: () => number;
  /** Extra HTTP headers for the handshake (never logged). */
  headers?: Record<string, string>;
  /**
   * Awaited before every socket is opened (first connect and each reconnect): a connection-rate
   * limit shared by several connections (Bitfinex: 20 connections a minute on its public host).
   * Default: none.
   */
  connectGate?: () => Promise<void>;
}

type Timer = ReturnType<typeof setTimeout>;

const noop = (): void => {};

/**
 * A self-healing WebSocket connection.
 *
 * Status sequence: `connecting(0) -> open(0) -> reconnecting(1, delayMs, error) -> connecting(1)
 * -> open(1) -> ... -> closed`. `attempt` counts consecutive retries: 0 for the first connect, and
 * it starts again from 0 once a connection has been healthy (open for `healthyAfterMs` with at
 * least one frame), not merely opened.
 */
export class WsConnection {
  /**
   * Called with every inbound text (binary frames are decoded as UTF-8). A plain property rather
   * than an event: it runs once per frame, and a direct call is the cheapest dispatch there is.
   * If it throws, the error is reported on 'error' and the stream goes on.
   */
  onMessage: (text: string) => void = noop;
  /**
   * Optional, called first with the frame's bytes (before any UTF-8 decoding): returns true when it
   * consumed the frame, false to have it decoded to text and passed to `onMessage`. For decoders
   * that read hot frames straight from the bytes. A throw is reported on 'error' like onMessage's.
   */
  onBytes: ((bytes: Buffer) => boolean) | undefined = undefined;
  /** Lifecycle events (mitt). Handlers that throw are reported on 'error' and do not stop other handlers. */
  readonly events: Emitter<WsEvents> = mitt<WsEvents>();
  /** The URL of the current/last connect, as given (with its query string: do not log it). */
  get url(): string {
    return this.currentUrl;
  }
  /** Exchange id. */
  readonly exchange: string;

  private readonly urlSource: string | (() => string);
  private currentUrl = '';
  /** currentUrl without query string: the only form that goes into errors and status events. */
  private safeUrl = '';
  private readonly connectTimeoutMs: number;
  private readonly pingIntervalMs: number;
  private readonly appPing: (() => string) | undefined;
  private readonly staleTimeoutMs: number;
  private readonly backoff: Partial<BackoffOptions>;
  private readonly maxAttempts: number;
  private readonly healthyAfterMs: number;
  private readonly random: () => number;
  private readonly headers: Record<string, string> | undefined;
  private readonly connectGate: (() => Promise<void>) | undefined;
  /** Bumped on every connection attempt that waits for the gate. */
  private gateEpoch = 0;
  /** This connection's place in its host's connection budget queue, while it waits there. */
  private budgetTicket: GateTicket | undefined;

  private _state: WsState = 'idle';
  /** The current socket; anything emitted by an older socket is ignored (compare with this). */
  private ws: WebSocket | undefined;
  /** Last 'error' of the current socket, reported with the reconnect that follows its 'close'. */
  private socketError: Error | undefined;
  private attempt = 0;
  private everOpened = false;
  /** The current socket carried a frame / has been open for healthyAfterMs. */
  private sawFrame = false;
  private openLongEnough = false;
  private healthyTimer: Timer | undefined;
  private queue: string[] = [];
  private connectTimer: Timer | undefined;
  private reconnectTimer: Timer | undefined;
  private pingTimer: Timer | undefined;
  private staleTimer: Timer | undefined;
  private closeTimer: Timer | undefined;
  private closePromise: Promise<void> | undefined;
  private resolveClose: (() => void) | undefined;

  constructor(opts: WsConnectionOptions) {
    this.urlSource = opts.url;
    if (typeof opts.url === 'string') this.setUrl(opts.url);
    this.exchange = opts.exchange;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
    this.pingIntervalMs = opts.pingIntervalMs ?? 0;
    this.appPing = opts.appPing;
    this.staleTimeoutMs = opts.staleTimeoutMs ?? 0;
    this.backoff = opts.backoff ?? {};
    this.maxAttempts = opts.maxAttempts ?? Infinity;
    this.healthyAfterMs = opts.healthyAfterMs ?? 5000;
    this.random = opts.random ?? Math.random;
    this.headers = opts.headers;
    this.connectGate = opts.connectGate;
  }

  /** Current lifecycle state. */
  get state(): WsState {
    return this._state;
  }

  /** True while the socket is open and send() writes straight to it (false once close() was called). */
  get isOpen(): boolean {
    return this._state === 'open' && this.closePromise === undefined;
  }

  /** Starts the connect/reconnect loop. Idempotent; does nothing after close(). */
  connect(): void {
    if (this._state !== 'idle') return;
    this.openSocket();
  }

  /**
   * Sends `text` now if the socket is open; otherwise queues it, and the queue is flushed right
   * after the next 'open' handlers have run (so re-subscriptions go out first). After close()
   * (or after giving up) it is a silent no-op, like a browser WebSocket: teardown code such as
   * unsubscribes must not throw.
   */
  send(text: string): void {
    if (this._state === 'open' && this.closePromise === undefined) {
      this.ws!.send(text);
    } else if (this._state !== 'closed' && this.closePromise === undefined) {
      this.queue.push(text);
    }
  }

  /**
   * Drops the current socket at once and reconnects through the backoff schedule (e.g. the
   * exchange announced a restart). No-op unless connecting or open.
   */
  reconnect(reason = 'reconnect requested'): void {
    const ws = this.ws;
    if (!ws || this.closePromise) return;
    const e = new ExchangeNotAvailable(`websocket ${this.safeUrl}: ${reason}`, { exchange: this.exchange });
    this.drop(ws, e, 1006, reason);
  }

  /**
   * Closes for good: no more reconnects, queued messages are discarded. Resolves once the socket
   * is closed (after the close handshake, or after terminating a server that does not answer it).
   */
  close(): Promise<void> {
    if (this.closePromise) return this.closePromise;
    this.closePromise = new Promise<void>((resolve) => (this.resolveClose = resolve));
    this.clearTimers();
    const ws = this.ws;
    if (!ws) {
      this.finish(undefined);
    } else if (ws.readyState === WebSocket.CONNECTING) {
      ws.terminate(); // its 'close' event completes the close
    } else {
      ws.close(1000, 'client close');
      // A server that never answers the close frame must not keep us (or the process) waiting.
      this.closeTimer = setTimeout(() => ws.terminate(), this.connectTimeoutMs > 0 ? this.connectTimeoutMs : 10_000);
    }
    return this.closePromise;
  }

  private openSocket(): void {
    this._state = 'connecting';
    const epoch = ++this.gateEpoch;
    const gate = this.connectGate;
    if (!gate) {
      this.passBudget(epoch);
      return;
    }
    gate().then(
      () => this.passBudget(epoch),
      (err: unknown) => {
        if (epoch !== this.gateEpoch || this.closePromise) return;
        this.emitError(new ExchangeNotAvailable(`websocket ${this.safeUrl}: connect gate failed: ${String((err as Error)?.message ?? err)}`, { exchange: this.exchange }));
        this.passBudget(epoch);
      },
    );
  }

  /**
   * Takes a slot of the host's connection budget (connection-budget.ts), waiting in line when the
   * window is full, then opens the socket. close() while waiting gives the place up.
   */
  private passBudget(epoch: number): void {
    // closed, or another attempt started, while waiting for the gate
    if (epoch !== this.gateEpoch || this.closePromise || this._state !== 'connecting') return;
    let url: string;
    try {
      url = typeof this.urlSource === 'function' ? this.urlSource() : this.currentUrl;
    } catch (err) {
      this.badUrl(err);
      return;
    }
    this.setUrl(url);
    const hostGate = connectionGate(url);
    if (!hostGate || hostGate.tryPass()) {
      this.openSocketNow(false);
      return;
    }
    this.budgetTicket = hostGate.wait(() => {
      this.budgetTicket = undefined;
      if (epoch !== this.gateEpoch || this.closePromise || this._state !== 'connecting') return;
      // the URL again: what it names may have changed while waiting
      this.openSocketNow(true);
    });
  }

  /** Only a malformed URL (or a throwing url function) ends up here; retrying cannot fix it. */
  private badUrl(err: unknown): void {
    const detail = redactUrls(String((err as Error)?.message ?? err), this.currentUrl);
    const e = new ExchangeNotAvailable(`websocket ${this.safeUrl}: ${detail}`, {
      exchange: this.exchange,
      cause: redactError(err, this.currentUrl),
    });
    this.emitError(e);
    this.finish(e);
  }

  /** Opens the socket; `freshUrl`: ask the url function again first. */
  private openSocketNow(freshUrl: boolean): void {
    let ws: WebSocket;
    try {
      if (freshUrl && typeof this.urlSource === 'function') this.setUrl(this.urlSource());
      ws = new WebSocket(this.currentUrl, this.headers ? { headers: this.headers } : {});
    } catch (err) {
      this.badUrl(err);
      return;
    }
    this.ws = ws;
    this.socketError = undefined;

    ws.on('open', () => this.handleOpen(ws));
    // Hot path: one identity check, one timer refresh, one decode, one call.
    ws.on('message', (data: WebSocket.RawData) => {
      if (ws !== this.ws) return;
      if (this.staleTimer !== undefined) this.staleTimer.refresh();
      if (!this.sawFrame) this.frameSeen();
      try {
        if (this.onBytes !== undefined && this.onBytes(data as Buffer)) return;
        this.onMessage((data as Buffer).toString('utf8'));
      } catch (err) {
        this.reportThrow(err);
      }
    });
    // Control frames count as life signs too; `ws` answers server pings itself (autoPong).
    ws.on('ping', () => {
      if (ws === this.ws && this.staleTimer !== undefined) this.staleTimer.refresh();
    });
    ws.on('pong', () => {
      if (ws === this.ws && this.staleTimer !== undefined) this.staleTimer.refresh();
    });
    // Always listen for 'error': an unhandled one would crash the process. `ws` follows every
    // error with 'close', which is where we reconnect.
    ws.on('error', (err: Error) => {
      if (ws !== this.ws || this.closePromise) return;
      const e = new ExchangeNotAvailable(`websocket ${this.safeUrl}: ${redactUrls(err.message, this.currentUrl)}`, {
        exchange: this.exchange,
        cause: redactError(err, this.currentUrl),
      });
      this.socketError = e;
      this.emitError(e);
    });
    ws.on('close', (code: number, reasonBuf: Buffer) => {
      if (ws !== this.ws) return;
      const reason = redactUrls(reasonBuf.toString('utf8'), this.currentUrl);
      const error =
        this.socketError ??
        new ExchangeNotAvailable(`websocket ${this.safeUrl} closed (code ${code}${reason ? ', ' + reason : ''})`, {
          exchange: this.exchange,
        });
      this.drop(ws, error, code, reason);
    });

    if (this.connectTimeoutMs > 0) {
      this.connectTimer = setTimeout(() => {
        this.connectTimer = undefined;
        if (ws !== this.ws || this._state !== 'connecting') return;
        const e = new RequestTimeout(`websocket ${this.safeUrl}: not open after ${this.connectTimeoutMs} ms`, {
          exchange: this.exchange,
        });
        this.emitError(e);
        this.drop(ws, e, 1006, 'connect timeout');
      }, this.connectTimeoutMs);
    }
    this.emitStatus('connecting', undefined, undefined);
  }

  private setUrl(url: string): void {
    this.currentUrl = url;
    this.safeUrl = stripQuery(url);
  }

  private handleOpen(ws: WebSocket): void {
    if (ws !== this.ws || this.closePromise) return;
    if (this.connectTimer !== undefined) clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    const attempt = this.attempt;
    const reconnect = this.everOpened;
    this.everOpened = true;
    // backoff starts over only once this connection proves healthy (see healthyAfterMs)
    this.sawFrame = false;
    this.openLongEnough = false;
    this.healthyTimer = setTimeout(() => {
      this.healthyTimer = undefined;
      if (ws !== this.ws) return;
      this.openLongEnough = true;
      if (this.sawFrame) this.becameHealthy();
    }, this.healthyAfterMs);
    this._state = 'open';
    if (this.pingIntervalMs > 0) {
      this.pingTimer = setInterval(() => this.ping(ws), this.pingIntervalMs);
    }
    if (this.staleTimeoutMs > 0) {
      this.staleTimer = setTimeout(() => this.onStale(ws), this.staleTimeoutMs);
    }
    this.emitStatus('open', undefined, undefined, attempt);
    this.safeEmit('open', { attempt, reconnect });
    this.flush(ws);
  }

  private frameSeen(): void {
    this.sawFrame = true;
    if (this.openLongEnough) this.becameHealthy();
  }

  private becameHealthy(): void {
    this.attempt = 0;
    this.safeEmit('healthy', { afterMs: this.healthyAfterMs });
  }

  /** Sends what was queued while not open, unless an 'open' handler already closed or dropped the socket. */
  private flush(ws: WebSocket): void {
    if (this.queue.length === 0) return;
    const queued = this.queue;
    this.queue = [];
    for (let i = 0; i < queued.length; i++) {
      if (ws !== this.ws || this._state !== 'open' || this.closePromise) {
        this.queue = queued.slice(i).concat(this.queue);
        return;
      }
      ws.send(queued[i]!);
    }
  }

  private ping(ws: WebSocket): void {
    if (ws !== this.ws || this._state !== 'open') return;
    try {
      if (this.appPing) ws.send(this.appPing());
      else ws.ping();
    } catch (err) {
      this.reportThrow(err);
    }
  }

  private onStale(ws: WebSocket): void {
    this.staleTimer = undefined;
    if (ws !== this.ws || this._state !== 'open') return;
    const silentMs = this.staleTimeoutMs;
    this.safeEmit('stale', { silentMs });
    if (ws !== this.ws || this.closePromise) return; // a 'stale' handler already acted
    const e = new NetworkError(`websocket ${this.safeUrl}: stale, no frame for ${silentMs} ms`, {
      exchange: this.exchange,
    });
    this.drop(ws, e, 1006, 'stale');
  }

  /** Forgets the socket, makes sure it is gone, then reconnects (or completes close()). */
  private drop(ws: WebSocket, error: Error, code: number, reason: string): void {
    const wasOpen = this._state === 'open';
    this.ws = undefined;
    this.clearSocketTimers();
    // Harmless if already closed; a CONNECTING socket is aborted. Its late events are ignored
    // because it is no longer this.ws (its 'error' listener stays attached, so nothing is unhandled).
    ws.terminate();
    // Leave 'open' before handlers run, so a send() from a 'close' handler is queued, not lost.
    if (!this.closePromise) this._state = 'reconnecting';
    if (wasOpen) this.safeEmit('close', { code, reason });
    if (this.closePromise) {
      this.finish(undefined);
      return;
    }
    if (this.ws !== undefined || this._state === 'closed') return; // a 'close' handler reconnected or closed
    this.scheduleReconnect(error);
  }

  private scheduleReconnect(error: Error): void {
    const attempt = this.attempt + 1;
    if (attempt > this.maxAttempts) {
      const e = new ExchangeNotAvailable(`websocket ${this.safeUrl}: giving up after ${this.maxAttempts} attempts`, {
        exchange: this.exchange,
        cause: error,
      });
      this.emitError(e);
      this.finish(e);
      return;
    }
    this.attempt = attempt;
    const delayMs = backoffDelay(attempt, this.backoff, this.random);
    this._state = 'reconnecting';
    this.emitStatus('reconnecting', delayMs, error);
    if (this._state !== 'reconnecting' || this.closePromise) return; // a status handler called close()
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this._state === 'reconnecting' && !this.closePromise) this.openSocket();
    }, delayMs);
  }

  /** Enters the final state. */
  private finish(error: Error | undefined): void {
    this.clearTimers();
    if (this.ws) {
      const ws = this.ws;
      this.ws = undefined;
      ws.terminate();
    }
    this.queue = [];
    if (this._state !== 'closed') {
      this._state = 'closed';
      this.emitStatus('closed', undefined, error);
    }
    this.resolveClose?.();
  }

  private clearSocketTimers(): void {
    if (this.connectTimer !== undefined) clearTimeout(this.connectTimer);
    if (this.pingTimer !== undefined) clearInterval(this.pingTimer);
    if (this.staleTimer !== undefined) clearTimeout(this.staleTimer);
    if (this.healthyTimer !== undefined) clearTimeout(this.healthyTimer);
    this.healthyTimer = undefined;
    if (this.closeTimer !== undefined) clearTimeout(this.closeTimer);
    this.connectTimer = this.pingTimer = this.staleTimer = this.closeTimer = undefined;
  }

  private clearTimers(): void {
    this.clearSocketTimers();
    this.budgetTicket?.cancel();
    this.budgetTicket = undefined;
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }

  private emitStatus(
    state: StatusEvent['state'],
    delayMs: number | undefined,
    error: Error | undefined,
    attempt = this.attempt,
  ): void {
    const s: StatusEvent = { url: this.safeUrl, state, attempt };
    if (delayMs !== undefined) s.delayMs = delayMs;
    if (error !== undefined) s.error = error;
    this.safeEmit('status', s);
  }

  /**
   * Like mitt's emit, but one throwing handler neither stops the others nor unwinds into our
   * socket code: the throw is reported on 'error'.
   */
  private safeEmit<K extends Exclude<keyof WsEvents, 'error'>>(type: K, evt: WsEvents[K]): void {
    const handlers = this.events.all.get(type) as Handler<WsEvents[K]>[] | undefined;
    if (handlers) {
      for (const h of handlers.slice()) {
        try {
          h(evt);
        } catch (err) {
          this.reportThrow(err);
        }
      }
    }
    const wildcard = this.events.all.get('*') as WildcardHandler<WsEvents>[] | undefined;
    if (wildcard) {
      for (const h of wildcard.slice()) {
        try {
          h(type, evt);
        } catch (err) {
          this.reportThrow(err);
        }
      }
    }
  }

  private reportThrow(err: unknown): void {
    this.emitError(err instanceof Error ? err : new Error(String(err)));
  }

  /** Emits 'error'. A throwing 'error' handler has nowhere left to report to, so its throw is dropped. */
  private emitError(err: Error): void {
    const handlers = this.events.all.get('error') as Handler<Error>[] | undefined;
    if (handlers) {
      for (const h of handlers.slice()) {
        try {
          h(err);
        } catch {
          /* see above */
        }
      }
    }
    const wildcard = this.events.all.get('*') as WildcardHandler<WsEvents>[] | undefined;
    if (wildcard) {
      for (const h of wildcard.slice()) {
        try {
          h('error', err);
        } catch {
          /* see above */
        }
      }
    }
  }
}
