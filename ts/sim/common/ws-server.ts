/**
 * WebSocket plumbing shared by the Kraken and OKX simulators: upgrades on a set of paths, one
 * SimSocket per connection with silence-aware sends (the silence fault withholds frames and the
 * pongs to protocol pings), and the operations faults need (drop, broadcast a raw frame).
 */
import type { IncomingMessage } from 'http';
import type { Duplex } from 'stream';
import { WebSocket, WebSocketServer } from 'ws';

export interface SocketGate {
  now(): number;
  /** True while the silence fault is on. */
  silenced(): boolean;
  /** Counts what the silence fault withheld. */
  withheld(what: 'pong' | 'frame'): void;
}

export class SimSocket {
  readonly connectedAt: number;
  /** Last time a frame went out (withheld frames do not count). */
  lastSentAt: number;
  closed = false;

  constructor(
    readonly ws: WebSocket,
    readonly path: string,
    readonly query: URLSearchParams,
    readonly id: string,
    private readonly gate: SocketGate,
  ) {
    this.connectedAt = gate.now();
    this.lastSentAt = this.connectedAt;
    ws.on('ping', (data: Buffer) => {
      if (gate.silenced()) gate.withheld('pong');
      else {
        try {
          ws.pong(data);
        } catch {
          // closing
        }
      }
    });
    ws.on('error', () => undefined);
  }

  /** Sends a text frame unless closed or silenced; returns whether it went out. */
  send(text: string): boolean {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return false;
    if (this.gate.silenced()) {
      this.gate.withheld('frame');
      return false;
    }
    this.ws.send(text);
    this.lastSentAt = this.gate.now();
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
    this.ws.terminate();
  }
}

export interface SocketHandlers<C extends SimSocket> {
  create(ws: WebSocket, path: string, query: URLSearchParams, id: string): C;
  opened?(c: C): void;
  message(c: C, text: string): void;
  closed(c: C): void;
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
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const c = this.handlers.create(ws, path, url.searchParams, `${Date.now().toString(16)}${(++this.seq).toString(16)}`);
      this.clients.add(c);
      ws.on('close', () => {
        c.closed = true;
        this.clients.delete(c);
        this.handlers.closed(c);
      });
      ws.on('message', (data: Buffer) => {
        if (!c.closed) this.handlers.message(c, data.toString('utf8'));
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

  close(): void {
    for (const c of this.clients) c.terminate();
    this.clients.clear();
    this.wss.close();
  }
}
