/**
 * WebSocket plumbing shared by the simulators: upgrades on a set of paths, one SimSocket per
 * connection with silence-aware sends (the silence fault withholds frames, pongs to protocol pings
 * and server pings), and the operations faults need (drop, broadcast a raw frame).
 *
 * Optional connection rules (ConnLimits), after Binance (web-socket-streams.md "WebSocket Limits",
 * web-socket-api.md "General API Information"): the server sends a ping frame every
 * `pingIntervalMs` and drops a client whose pong (echoing the ping's payload) is later than
 * `pongTimeoutMs` (unsolicited pongs do not count); a connection lives `maxLifetimeMs` and is told
 * so with the exchange's notice (SimSocket.lifetimeNotice); a client may send at most
 * `maxMessagesPerSecond` messages a second (pings, pongs and text alike) or is disconnected.
 * Every rule is off at 0, which is what a simulator gets when it passes no limits.
 */
import { IncomingMessage, STATUS_CODES } from 'http';
import type { Duplex } from 'stream';
import { WebSocket, WebSocketServer } from 'ws';

export interface SocketGate {
  /** The server's clock (skewed by the skewClock fault), for times a socket reports. */
  now(): number;
  /** True while the silence fault is on. */
  silenced(): boolean;
  /** Counts what the silence fault withheld. */
  withheld(what: 'pong' | 'frame'): void;
}

export interface ConnLimits {
  /** Server ping interval (ms); 0: no pings. */
  pingIntervalMs: number;
  /** Drop a client whose pong is this late (ms). */
  pongTimeoutMs: number;
  /** Connection lifetime (ms); 0: unlimited. */
  maxLifetimeMs: number;
  /** Incoming messages per second before disconnecting; 0: unlimited. */
  maxMessagesPerSecond: number;
}

export const NO_LIMITS: ConnLimits = { pingIntervalMs: 0, pongTimeoutMs: 0, maxLifetimeMs: 0, maxMessagesPerSecond: 0 };

/**
 * One connection. Its own timing (connectedAt, lastSentAt, pings, the message rate) runs on the
 * machine's clock, so that skewing the server's clock neither drops nor pings anyone.
 */
export class SimSocket {
  readonly connectedAt: number;
  /** Last time a frame went out (withheld frames do not count). */
  lastSentAt: number;
  closed = false;
  private lastPingAt: number;
  private pendingPing: { payload: string; sentAt: number } | undefined;
  private readonly recent: number[] = [];
  private lifetimeTimer: NodeJS.Timeout | undefined;
  private pingSeq = 0;

  constructor(
    readonly ws: WebSocket,
    readonly path: string,
    readonly query: URLSearchParams,
    readonly id: string,
    protected readonly gate: SocketGate,
    private readonly limits: ConnLimits = NO_LIMITS,
  ) {
    this.connectedAt = Date.now();
    this.lastSentAt = this.connectedAt;
    this.lastPingAt = this.connectedAt;
    ws.on('ping', (data: Buffer) => {
      if (!this.countIncoming()) return;
      if (gate.silenced()) gate.withheld('pong');
      else {
        try {
          ws.pong(data);
        } catch {
          // closing
        }
      }
    });
    ws.on('pong', (data: Buffer) => {
      if (!this.countIncoming()) return;
      if (this.pendingPing && data.toString() === this.pendingPing.payload) this.pendingPing = undefined;
    });
    ws.on('close', () => {
      this.closed = true;
      this.clearLifetime();
    });
    ws.on('error', () => undefined);
    if (limits.maxLifetimeMs > 0) {
      this.lifetimeTimer = setTimeout(() => {
        this.lifetimeTimer = undefined;
        this.lifetimeNotice();
        this.close(1000, 'Connection lifetime expired');
      }, limits.maxLifetimeMs);
    }
  }

  /** Sent when the connection's lifetime is over, just before it is closed (none by default). */
  protected lifetimeNotice(): void {}

  /** Whether the connection is subscribed to a stream of this name (dropConnections({ stream })). */
  subscribedTo(_stream: string): boolean {
    return false;
  }

  /** Counts one incoming message; over the rate limit the connection is closed and false returned. */
  countIncoming(): boolean {
    if (this.closed) return false;
    const max = this.limits.maxMessagesPerSecond;
    if (max <= 0) return true;
    const now = Date.now();
    this.recent.push(now);
    while (this.recent.length > 0 && (this.recent[0] as number) <= now - 1000) this.recent.shift();
    if (this.recent.length > max) {
      this.close(1008, 'Too many messages');
      return false;
    }
    return true;
  }

  /** Periodic check at `now` (machine clock): send a ping when due, drop the client if its pong is overdue (not while silenced). */
  housekeeping(now: number): void {
    if (this.closed || this.gate.silenced()) return;
    if (this.pendingPing && now - this.pendingPing.sentAt > this.limits.pongTimeoutMs) {
      this.terminate();
      return;
    }
    if (this.limits.pingIntervalMs > 0 && now - this.lastPingAt >= this.limits.pingIntervalMs) {
      this.lastPingAt = now;
      const payload = `${now}-${++this.pingSeq}`;
      this.pendingPing = { payload, sentAt: this.pendingPing?.sentAt ?? now };
      try {
        this.ws.ping(payload);
      } catch {
        // socket already closing
      }
    }
  }

  /** Sends a text frame unless closed or silenced; returns whether it went out. */
  send(text: string): boolean {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return false;
    if (this.gate.silenced()) {
      this.gate.withheld('frame');
      return false;
    }
    this.ws.send(text);
    this.lastSentAt = Date.now();
    return true;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    try {
      this.ws.close(code, reason);
    } catch {
      this.ws.terminate();
    }
  }

  terminate(): void {
    this.clearLifetime();
    this.ws.terminate();
  }

  private clearLifetime(): void {
    if (this.lifetimeTimer) clearTimeout(this.lifetimeTimer);
    this.lifetimeTimer = undefined;
  }
}

export interface SocketHandlers<C extends SimSocket> {
  create(ws: WebSocket, path: string, query: URLSearchParams, id: string): C;
  /** An HTTP status to refuse the upgrade with before the handshake (e.g. too many streams in the URL). */
  refuse?(path: string, query: URLSearchParams): number | undefined;
  opened?(c: C): void;
  message(c: C, text: string): void;
  closed(c: C): void;
}

/** Ends a raw upgrade socket with an empty HTTP error reply. */
export function refuseUpgrade(socket: Duplex, status: number): void {
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export class SocketServer<C extends SimSocket> {
  readonly wss = new WebSocketServer({ noServer: true, autoPong: false, perMessageDeflate: false, clientTracking: false });
  readonly clients = new Set<C>();
  private seq = 0;

  constructor(
    private readonly accepts: (path: string) => boolean,
    private readonly handlers: SocketHandlers<C>,
  ) {}

  /** Takes over the upgrade when the path is one of ours; false otherwise. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean {
    const path = url.pathname;
    if (!this.accepts(path)) return false;
    const refused = this.handlers.refuse?.(path, url.searchParams);
    if (refused !== undefined) {
      refuseUpgrade(socket, refused);
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const c = this.handlers.create(ws, path, url.searchParams, `${Date.now().toString(16)}${(++this.seq).toString(16)}`);
      this.clients.add(c);
      ws.on('close', () => {
        this.clients.delete(c);
        this.handlers.closed(c);
      });
      ws.on('message', (data: Buffer) => {
        if (c.countIncoming()) this.handlers.message(c, data.toString('utf8'));
      });
      this.handlers.opened?.(c);
    });
    return true;
  }

  /** Terminates the connections matching `match` (all by default); returns how many. */
  drop(match: (c: C) => boolean = () => true): number {
    let n = 0;
    for (const c of [...this.clients]) {
      if (!match(c)) continue;
      c.terminate();
      n++;
    }
    return n;
  }

  /** Sends `text` to every connection (subscribed or not); returns how many got it. */
  broadcast(text: string): number {
    let n = 0;
    for (const c of this.clients) if (c.send(text)) n++;
    return n;
  }

  /** Pings and pong checks of every connection (ConnLimits). */
  housekeeping(now: number): void {
    for (const c of this.clients) c.housekeeping(now);
  }

  close(): void {
    for (const c of this.clients) c.terminate();
    this.clients.clear();
    this.wss.close();
  }
}
