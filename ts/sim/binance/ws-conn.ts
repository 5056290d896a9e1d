/**
 * Connection rules shared by market-stream and WS API sockets (web-socket-streams.md "WebSocket
 * Limits", web-socket-api.md "General API Information"): the server sends a ping frame every 20 s
 * and drops a client whose pong (echoing the ping's payload) has not arrived within a minute
 * (unsolicited pongs do not count); a connection lives 24 h and is told so with a serverShutdown
 * event; stream connections may send at most 5 messages a second (pings, pongs and JSON messages
 * alike) or are disconnected. Pongs are answered by hand so the silence fault can withhold them.
 */
import type { WebSocket } from 'ws';

export interface ConnLimits {
  /** Server ping interval (ms), default 20000. 0 disables pings. */
  pingIntervalMs: number;
  /** Drop a client whose pong is this late (ms), default 60000. */
  pongTimeoutMs: number;
  /** Connection lifetime (ms), default 24 h. 0 = unlimited. */
  maxLifetimeMs: number;
  /** Incoming messages per second before disconnecting (0 = unlimited). */
  maxMessagesPerSecond: number;
}

export interface ConnHooks {
  now(): number;
  /** True while the silence fault is on: no pongs, no pings, no data. */
  silenced(): boolean;
  /** Counts what the silence fault withheld. */
  withheld(what: 'pong' | 'frame'): void;
  /** Sends the serverShutdown notice in the connection's own framing. */
  shutdownNotice(conn: ManagedConn): void;
  /** Called once the socket has closed. */
  closed(conn: ManagedConn): void;
}

export class ManagedConn {
  readonly connectedSince: number;
  private lastPingAt: number;
  private pending: { payload: string; sentAt: number } | undefined;
  private readonly recent: number[] = [];
  private lifetimeTimer: NodeJS.Timeout | undefined;
  private pingSeq = 0;
  isClosed = false;

  constructor(
    readonly ws: WebSocket,
    readonly kind: 'stream' | 'api',
    readonly path: string,
    private readonly limits: ConnLimits,
    private readonly hooks: ConnHooks,
  ) {
    this.connectedSince = hooks.now();
    this.lastPingAt = this.connectedSince;
    ws.on('ping', (data: Buffer) => {
      if (!this.countIncoming()) return;
      if (hooks.silenced()) hooks.withheld('pong');
      else ws.pong(data);
    });
    ws.on('pong', (data: Buffer) => {
      if (!this.countIncoming()) return;
      if (this.pending && data.toString() === this.pending.payload) this.pending = undefined;
    });
    ws.on('close', () => {
      this.isClosed = true;
      if (this.lifetimeTimer) clearTimeout(this.lifetimeTimer);
      hooks.closed(this);
    });
    ws.on('error', () => undefined);
    if (limits.maxLifetimeMs > 0) {
      this.lifetimeTimer = setTimeout(() => {
        this.lifetimeTimer = undefined;
        hooks.shutdownNotice(this);
        this.close(1000, 'Connection lifetime expired');
      }, limits.maxLifetimeMs);
    }
  }

  /** Counts one incoming message; over the rate limit the connection is closed and false returned. */
  countIncoming(): boolean {
    const max = this.limits.maxMessagesPerSecond;
    if (this.isClosed) return false;
    if (max <= 0) return true;
    const now = this.hooks.now();
    this.recent.push(now);
    while (this.recent.length > 0 && (this.recent[0] as number) <= now - 1000) this.recent.shift();
    if (this.recent.length > max) {
      this.close(1008, 'Too many messages');
      return false;
    }
    return true;
  }

  /** Periodic check: send a ping when due, drop the client if its pong is overdue. */
  housekeeping(now: number): void {
    if (this.isClosed || this.hooks.silenced()) return;
    if (this.pending && now - this.pending.sentAt > this.limits.pongTimeoutMs) {
      this.terminate();
      return;
    }
    if (this.limits.pingIntervalMs > 0 && now - this.lastPingAt >= this.limits.pingIntervalMs) {
      this.lastPingAt = now;
      const payload = `${now}-${++this.pingSeq}`;
      if (!this.pending) this.pending = { payload, sentAt: now };
      else this.pending = { payload, sentAt: this.pending.sentAt };
      try {
        this.ws.ping(payload);
      } catch {
        // socket already closing
      }
    }
  }

  send(text: string): void {
    if (this.isClosed || this.ws.readyState !== this.ws.OPEN) return;
    if (this.hooks.silenced()) {
      this.hooks.withheld('frame');
      return;
    }
    this.ws.send(text);
  }

  close(code: number, reason: string): void {
    if (this.isClosed) return;
    try {
      this.ws.close(code, reason);
    } catch {
      this.ws.terminate();
    }
  }

  terminate(): void {
    if (this.lifetimeTimer) clearTimeout(this.lifetimeTimer);
    this.lifetimeTimer = undefined;
    this.ws.terminate();
  }
}
