/**
 * What every simulator needs around its protocol code: the matching engine with its markets, the
 * seeded synthetic order flow (deep books at start, then a step every `tickMs`), the server's clock
 * (the machine's, or skewed by the skewClock fault), one HTTP server for REST and WebSocket
 * upgrades, timers that die with the server, pause / resume / tick, and a close() that frees
 * everything.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import type { Duplex } from 'stream';
import { MarketConfig, MatchingEngine, OrderFlow } from '../engine';
import { refuseUpgrade } from './ws-server';

export interface RuntimeOptions {
  port: number;
  host: string;
  seed: number;
  tickMs: number;
  autoFlow: boolean;
  /** Target price levels per side. */
  levels: number;
}

/** Base URLs of a simulator for the exchange constructor's `urls` option. */
export interface SimUrls {
  rest: string;
  ws: string;
  [name: string]: string;
}

export interface RuntimeMarket {
  config: MarketConfig;
  /** Starting mid price of the synthetic flow. */
  mid: string;
}

export interface RuntimeHandlers {
  /** A request, once its body has been read. */
  http(req: IncomingMessage, res: ServerResponse, body: string): void;
  /** Takes an upgrade (returns true) or lets it be refused with 404. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean;
  /** Called once when close() starts (sockets, feeds). */
  closing(): void;
}

export class SimRuntime {
  readonly engine: MatchingEngine;
  readonly flow: OrderFlow;
  port = 0;
  /** The server's clock minus the machine's (ms): the skewClock fault. */
  clockSkewMs = 0;
  private readonly server: Server;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly pending = new Set<NodeJS.Timeout>();
  private paused = false;
  private closed = false;

  constructor(
    private readonly opts: RuntimeOptions,
    markets: RuntimeMarket[],
    private readonly handlers: RuntimeHandlers,
  ) {
    this.engine = new MatchingEngine({ seed: opts.seed, now: () => this.now() });
    for (const m of markets) this.engine.addMarket(m.config);
    this.flow = new OrderFlow(
      this.engine,
      markets.map((m) => ({ symbol: m.config.symbol, mid: m.mid })),
      { seed: opts.seed, levels: opts.levels },
    );
    this.flow.init();
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => handlers.http(req, res, Buffer.concat(chunks).toString('utf8')));
      req.on('error', () => res.destroy());
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (this.closed) {
        socket.destroy();
        return;
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (!handlers.upgrade(req, socket, head, url)) refuseUpgrade(socket, 404);
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Starts listening and the flow timer; resolves with the port. */
  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.every(Math.max(1, this.opts.tickMs), () => {
      if (this.opts.autoFlow && !this.paused) this.flow.tick();
    });
    return this.port;
  }

  /** The server's clock (ms). */
  now(): number {
    return Date.now() + this.clockSkewMs;
  }

  /** Base URLs (scheme://host:port, no path): `rest` over HTTP, `ws` and every one of `sockets` over WebSocket. */
  urls(sockets: readonly string[] = []): SimUrls {
    const h = this.opts.host;
    const base = `${h.includes(':') ? `[${h}]` : h}:${this.port}`;
    const out: SimUrls = { rest: `http://${base}`, ws: `ws://${base}` };
    for (const name of sockets) out[name] = `ws://${base}`;
    return out;
  }

  /** Runs `fn` every `ms` until close(). */
  every(ms: number, fn: () => void): void {
    this.timers.push(setInterval(() => {
      if (!this.closed) fn();
    }, Math.max(1, ms)));
  }

  /** Runs `fn` once after `ms` unless the server closes first; returns a cancel function. */
  later(ms: number, fn: () => void): () => void {
    const t = setTimeout(() => {
      this.pending.delete(t);
      if (!this.closed) fn();
    }, ms);
    this.pending.add(t);
    return () => {
      clearTimeout(t);
      this.pending.delete(t);
    };
  }

  tick(n = 1): void {
    for (let i = 0; i < n; i++) this.flow.tick();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
    this.handlers.closing();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** Writes a JSON reply. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** The numbers of a book as the simulators' book() reports them. */
export interface TruthBook {
  /** [price, amount], best first. */
  bids: Array<[number, number]>;
  asks: Array<[number, number]>;
  /** The engine's update id of the market (OKX seqIds are taken from it). */
  lastUpdateId: number;
}

/** The full engine book of a market as numbers, best first. */
export function truthBook(engine: MatchingEngine, symbol: string): TruthBook {
  const info = engine.market(symbol);
  const d = engine.depth(symbol);
  const conv = ([p, q]: [number, number]): [number, number] => [info.priceNumber(p), info.qtyNumber(q)];
  return { bids: d.bids.map(conv), asks: d.asks.map(conv), lastUpdateId: d.updateId };
}

/** Best bid and ask of a market: [ticks, steps]. */
export interface Top {
  bid?: [number, number];
  ask?: [number, number];
}

export function top(engine: MatchingEngine, symbol: string): Top {
  const b = engine.bookSide(symbol, 'bid').best();
  const a = engine.bookSide(symbol, 'ask').best();
  const t: Top = {};
  if (b) t.bid = [b.price, b.total];
  if (a) t.ask = [a.price, a.total];
  return t;
}

/** A key that changes whenever the best bid or ask (price or quantity) does. */
export function topKey(t: Top): string {
  return `${t.bid?.[0]}:${t.bid?.[1]}:${t.ask?.[0]}:${t.ask?.[1]}`;
}
