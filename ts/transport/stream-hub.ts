/**
 * StreamHub: the subscriptions of one exchange's public stream family over one or more sockets.
 *
 * - One socket carries many streams; a new socket opens when the exchange's per-connection limit
 *   is reached (Binance: 1024 streams).
 * - Subscriptions asked for in the same tick go out in one message, and control messages are
 *   paced under the exchange's inbound message rate (Binance: 5/s, pings included).
 * - After a reconnect every stream of that socket is subscribed again; the owner is told which
 *   streams were interrupted so it can resync their state.
 * The protocol details (URLs, message encoding) come from the adapter through `HubProtocol`.
 */
import { WsConnection, WsConnectionOptions } from './ws-connection';
import { BaseError } from '../core/errors';
import type { StatusEvent } from '../core/types';

/**
 * Scratch state of ONE connection of a hub socket: a fresh one on every (re)open, so nothing of it
 * outlives the connection it describes. For protocols that route by ids the server hands out per
 * connection (Bitfinex's chanId) or that number every frame of a connection (Bitfinex's sequence
 * numbers): the encoders and the frame decoder of that socket share it.
 */
export class ConnectionState {
  private value: unknown;

  /** The adapter's state for this connection, created by `init` on first use. */
  get<T>(init: () => T): T {
    if (this.value === undefined) this.value = init();
    return this.value as T;
  }
}

export interface HubProtocol {
  /** Which of a socket's `names` to put in its URL (Binance can name streams there; may be none). */
  namesInUrl(names: readonly string[]): readonly string[];
  /** URL for a socket whose URL subscribes exactly `names` (the result of namesInUrl). */
  url(names: readonly string[]): string;
  /**
   * Frames sent first on every (re)open, before any subscription (Bitfinex's `conf` flags,
   * Coinbase's `heartbeats` subscribe). They count against `maxMessagesPerSecond`.
   */
  greeting?(state: ConnectionState): readonly string[];
  /** `state` is the socket's current {@link ConnectionState} (protocols that route by per-connection ids). */
  encodeSubscribe(names: readonly string[], id: number, state: ConnectionState): string;
  encodeUnsubscribe(names: readonly string[], id: number, state: ConnectionState): string;
  maxStreamsPerConnection: number;
  maxNamesPerMessage: number;
  /** Control messages allowed per second from the client. */
  maxMessagesPerSecond: number;
  /** The exchange acknowledges each name of a request separately (OKX): the request is done after the last. */
  ackPerName?: boolean;
  /**
   * An unsubscribe names what the subscribe ack handed out (Bitfinex's chanId): a stream removed
   * while its subscribe is unanswered is unsubscribed when that ack comes (never left open on the
   * server), and a resubscribe of a stream whose subscribe is unanswered happens once it is
   * answered (there is no channel to unsubscribe before).
   */
  unsubscribeAfterAck?: boolean;
  /**
   * The greeting frames are requests the exchange answers like subscriptions (Coinbase's
   * `heartbeats` subscribe): each becomes a pending request without names, so replies that carry
   * no request id stay in order (see oldestPending).
   */
  greetingIsRequest?: boolean;
  /** Transport options (heartbeat, stale window, backoff) for every socket. */
  connection: Omit<WsConnectionOptions, 'url'>;
}

export interface HubHandlers {
  /** Every inbound text frame (hot path). */
  frame(text: string, socket: HubSocket): void;
  /**
   * Optional: every inbound frame's bytes, before `frame` (hot path). True: consumed; false: the
   * frame is decoded to text and passed to `frame`.
   */
  bytes?(bytes: Buffer, socket: HubSocket): boolean;
  /** The streams of a socket stopped (drop or stale): their state must be resynced. */
  interrupted(names: readonly string[], reason: 'reconnect' | 'stale' | 'maintenance', detail?: string): void;
  /** A subscription request was refused by the exchange. */
  refused(names: readonly string[], err: BaseError): void;
  status(s: StatusEvent): void;
  error(err: Error): void;
}

interface Pending {
  names: readonly string[];
  method: 'subscribe' | 'unsubscribe';
  /** Acks still expected. */
  acks: number;
}

/** One socket of the hub and the streams it carries. */
export class HubSocket {
  readonly conn: WsConnection;
  readonly names = new Set<string>();
  /** Names whose SUBSCRIBE has not gone out yet. */
  toSubscribe = new Set<string>();
  toUnsubscribe = new Set<string>();
  readonly pending = new Map<number, Pending>();
  /** Times (ms) of recent control messages, for pacing. */
  sentAt: number[] = [];
  flushTimer: ReturnType<typeof setTimeout> | undefined;
  flushQueued = false;
  /** Set when the socket went down, cleared when it is open again. */
  down = false;
  /** Streams the URL of the current connection attempt subscribed. */
  urlNames = new Set<string>();
  /** This connection's scratch state (replaced on every open). */
  state = new ConnectionState();
  /** Removed while their subscribe was unanswered: unsubscribed when it is (`unsubscribeAfterAck`). */
  unsubscribeOnAck = new Set<string>();
  /** Resubscribed while their subscribe was unanswered: done when it is (`unsubscribeAfterAck`). */
  resubscribeOnAck = new Set<string>();
  /** The exchange asked for a pause (maintenance): nothing is sent until it says resume. */
  paused = false;

  constructor(conn: WsConnection) {
    this.conn = conn;
  }
}

export class StreamHub {
  private readonly protocol: HubProtocol;
  private readonly handlers: HubHandlers;
  private readonly sockets: HubSocket[] = [];
  private readonly where = new Map<string, HubSocket>();
  private nextId = 1;
  private closed = false;

  constructor(protocol: HubProtocol, handlers: HubHandlers) {
    this.protocol = protocol;
    this.handlers = handlers;
  }

  /** True if the stream is wanted (subscribed or about to be). */
  has(name: string): boolean {
    return this.where.has(name);
  }

  /** Subscribes a stream (no-op if it is already). */
  add(name: string): void {
    if (this.closed) throw new BaseError('stream hub is closed');
    if (this.where.has(name)) return;
    // removed while its subscribe was unanswered, and wanted again: that subscribe still serves it
    const waiting = this.sockets.find((s) => s.unsubscribeOnAck.has(name));
    if (waiting) {
      waiting.unsubscribeOnAck.delete(name);
      waiting.names.add(name);
      this.where.set(name, waiting);
      return;
    }
    // a channel waiting for its ack to be unsubscribed still counts on the server
    let sock = this.sockets.find((s) => s.names.size + s.unsubscribeOnAck.size < this.protocol.maxStreamsPerConnection);
    if (!sock) sock = this.open();
    sock.names.add(name);
    // An unsubscribe of this name still waiting to go out stays: the server still streams it, so
    // a subscribe alone would be refused ("Already subscribed") or ignored, and a book that starts
    // with a snapshot needs a fresh one. flush() sends the unsubscribe, then the subscribe.
    sock.toSubscribe.add(name);
    this.where.set(name, sock);
    this.schedule(sock);
  }

  /** Unsubscribes a stream; a socket left with no streams is closed. */
  remove(name: string): void {
    const sock = this.where.get(name);
    if (!sock) return;
    this.where.delete(name);
    sock.names.delete(name);
    sock.resubscribeOnAck.delete(name);
    if (sock.toSubscribe.has(name)) sock.toSubscribe.delete(name);
    else if (this.protocol.unsubscribeAfterAck && this.subscribing(sock, name)) sock.unsubscribeOnAck.add(name);
    else sock.toUnsubscribe.add(name);
    if (sock.names.size === 0) {
      this.sockets.splice(this.sockets.indexOf(sock), 1);
      if (sock.flushTimer) clearTimeout(sock.flushTimer);
      void sock.conn.close();
      return;
    }
    this.schedule(sock);
  }

  /**
   * Asks the exchange to restart a stream: an unsubscribe, then a subscribe, on its socket
   * (exchanges whose streams begin with a snapshot, e.g. Kraken and OKX books, resync this way).
   * No-op if the stream is not wanted; if its subscribe has not gone out yet, that one suffices.
   */
  resubscribe(name: string): void {
    const sock = this.where.get(name);
    if (!sock || sock.toSubscribe.has(name)) return;
    if (this.protocol.unsubscribeAfterAck && this.subscribing(sock, name)) {
      sock.resubscribeOnAck.add(name);
      return;
    }
    // flush() sends every pending unsubscribe before any subscribe
    sock.toUnsubscribe.add(name);
    sock.toSubscribe.add(name);
    this.schedule(sock);
  }

  /** The exchange acknowledged request `id`. */
  ack(id: number, socket: HubSocket): void {
    const p = socket.pending.get(id);
    if (!p || --p.acks > 0) return;
    socket.pending.delete(id);
    if (p.method !== 'subscribe' || (socket.unsubscribeOnAck.size === 0 && socket.resubscribeOnAck.size === 0)) return;
    let any = false;
    for (const n of p.names) {
      if (socket.unsubscribeOnAck.delete(n)) {
        socket.toUnsubscribe.add(n);
        any = true;
      } else if (socket.resubscribeOnAck.delete(n) && socket.names.has(n)) {
        socket.toUnsubscribe.add(n);
        socket.toSubscribe.add(n);
        any = true;
      }
    }
    if (any) this.schedule(socket);
  }

  /** A subscribe request carrying `name` went out on `socket` and is unanswered. */
  private subscribing(socket: HubSocket, name: string): boolean {
    for (const p of socket.pending.values()) if (p.method === 'subscribe' && p.names.includes(name)) return true;
    return false;
  }

  /**
   * The exchange announced a pause of this socket (Bitfinex maintenance, info 20060): its streams
   * are interrupted (reason 'maintenance': books are not served until rebuilt) and no request goes
   * out on it — subscribes and unsubscribes wait — until {@link resume}. Not a failure: the socket
   * stays open and no backoff is counted.
   */
  pause(socket: HubSocket, detail?: string): void {
    if (socket.paused) return;
    socket.paused = true;
    if (socket.flushTimer) {
      clearTimeout(socket.flushTimer);
      socket.flushTimer = undefined;
    }
    if (this.sockets.includes(socket) && socket.names.size > 0) this.handlers.interrupted([...socket.names], 'maintenance', detail);
  }

  /**
   * The pause is over (Bitfinex info 20061): every stream of the socket is subscribed again
   * (unsubscribe, then subscribe: a fresh snapshot each), with whatever waited during the pause.
   */
  resume(socket: HubSocket): void {
    if (!socket.paused) return;
    socket.paused = false;
    for (const n of socket.names) this.resubscribe(n);
    this.schedule(socket);
  }

  /** Id of the socket's oldest unanswered request (for replies that carry no request id). */
  oldestPending(socket: HubSocket): number | undefined {
    for (const id of socket.pending.keys()) return id;
    return undefined;
  }

  /** The exchange refused request `id`; the names it carried are dropped. */
  refuse(id: number, socket: HubSocket, err: BaseError): boolean {
    const p = socket.pending.get(id);
    if (!p) return false;
    socket.pending.delete(id);
    if (p.method === 'subscribe' && p.names.length > 0) {
      for (const n of p.names) {
        socket.unsubscribeOnAck.delete(n);
        socket.resubscribeOnAck.delete(n);
        if (this.where.get(n) === socket) {
          this.where.delete(n);
          socket.names.delete(n);
        }
      }
      this.handlers.refused(p.names, err);
    } else {
      this.handlers.error(err);
    }
    return true;
  }

  /** Describes request `id` for error messages ("SUBSCRIBE btcusdt@depth@100ms"). */
  describe(id: number, socket: HubSocket): string | undefined {
    const p = socket.pending.get(id);
    return p ? `${p.method.toUpperCase()} ${p.names.join(',')}` : undefined;
  }

  /** Forces every socket to reconnect (e.g. the exchange announced a shutdown). */
  reconnect(socket: HubSocket, reason: string): void {
    socket.conn.reconnect(reason);
  }

  get socketCount(): number {
    return this.sockets.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    const socks = this.sockets.splice(0);
    this.where.clear();
    for (const s of socks) if (s.flushTimer) clearTimeout(s.flushTimer);
    await Promise.all(socks.map((s) => s.conn.close()));
  }

  private open(): HubSocket {
    // The URL is computed on every (re)connect so it can name the streams the socket carries.
    let sock: HubSocket | undefined;
    const conn = new WsConnection({
      ...this.protocol.connection,
      url: () => {
        const inUrl = sock ? this.protocol.namesInUrl([...sock.names]) : [];
        if (sock) sock.urlNames = new Set(inUrl);
        return this.protocol.url(inUrl);
      },
    });
    sock = new HubSocket(conn);
    const s = sock;
    conn.onMessage = (text) => this.handlers.frame(text, s);
    if (this.handlers.bytes !== undefined) {
      const handlers = this.handlers;
      conn.onBytes = (bytes) => handlers.bytes!(bytes, s);
    }
    conn.events.on('open', () => this.onOpen(s));
    conn.events.on('close', () => this.onDown(s, 'reconnect'));
    conn.events.on('stale', () => this.onDown(s, 'stale'));
    conn.events.on('status', (st) => this.handlers.status(st));
    conn.events.on('error', (e) => this.handlers.error(e));
    this.sockets.push(s);
    // Connect on the next tick so names added in this tick are in the first URL.
    queueMicrotask(() => {
      if (!this.closed && this.sockets.includes(s)) conn.connect();
    });
    return s;
  }

  private onOpen(s: HubSocket): void {
    s.down = false;
    s.state = new ConnectionState();
    s.pending.clear();
    s.toUnsubscribe.clear();
    s.unsubscribeOnAck.clear();
    s.resubscribeOnAck.clear();
    s.paused = false;
    // whatever the URL did not subscribe must be sent (again, after a reconnect); names removed
    // since the URL was built must be unsubscribed
    s.toSubscribe = new Set([...s.names].filter((n) => !s.urlNames.has(n)));
    for (const n of s.urlNames) if (!s.names.has(n)) s.toUnsubscribe.add(n);
    s.sentAt = [];
    const greeting = this.protocol.greeting?.(s.state) ?? [];
    for (const g of greeting) {
      if (this.protocol.greetingIsRequest) s.pending.set(this.nextId++, { names: [], method: 'subscribe', acks: 1 });
      s.sentAt.push(Date.now());
      s.conn.send(g);
    }
    this.flush(s);
  }

  private onDown(s: HubSocket, reason: 'reconnect' | 'stale'): void {
    // 'stale' is followed by 'close' for the same drop: report once, with the first cause,
    // until the socket is open again
    if (s.down) return;
    s.down = true;
    if (s.flushTimer) {
      clearTimeout(s.flushTimer);
      s.flushTimer = undefined;
    }
    s.flushQueued = false;
    if (!this.sockets.includes(s) || s.names.size === 0) return;
    this.handlers.interrupted([...s.names], reason);
  }

  private schedule(s: HubSocket): void {
    if (s.flushQueued || s.flushTimer) return;
    s.flushQueued = true;
    queueMicrotask(() => {
      s.flushQueued = false;
      this.flush(s);
    });
  }

  /** Sends pending (un)subscriptions, batched and paced under the exchange's message rate. */
  private flush(s: HubSocket): void {
    if (!s.conn.isOpen || this.closed || s.paused) return;
    while (s.toUnsubscribe.size || s.toSubscribe.size) {
      const now = Date.now();
      s.sentAt = s.sentAt.filter((t) => now - t < 1000);
      // leave one slot a second for pings/pongs, which count against the same limit
      if (s.sentAt.length >= Math.max(1, this.protocol.maxMessagesPerSecond - 1)) {
        const wait = 1000 - (now - s.sentAt[0]) + 5;
        s.flushTimer = setTimeout(() => {
          s.flushTimer = undefined;
          this.flush(s);
        }, wait);
        return;
      }
      const unsub = s.toUnsubscribe.size > 0;
      const set = unsub ? s.toUnsubscribe : s.toSubscribe;
      const batch = [...set].slice(0, this.protocol.maxNamesPerMessage);
      for (const n of batch) set.delete(n);
      const id = this.nextId++;
      s.pending.set(id, { names: batch, method: unsub ? 'unsubscribe' : 'subscribe', acks: this.protocol.ackPerName ? batch.length : 1 });
      s.sentAt.push(now);
      s.conn.send(unsub ? this.protocol.encodeUnsubscribe(batch, id, s.state) : this.protocol.encodeSubscribe(batch, id, s.state));
    }
  }
}
