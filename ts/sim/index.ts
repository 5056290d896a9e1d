/**
 * Embedded exchange simulators (DESIGN.md "Simulator"): local servers that speak an exchange's
 * real protocol over a matching engine with synthetic order flow, with fault injection.
 *
 *   const sim = await simulate('binance', { port: 0, seed: 1, symbols: ['BTC/USDT'] });
 *   const ex = new binance({ ws: true, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret });
 *   await sim.close();
 */
import { MatchingEngine } from './engine';
import { BinanceSim } from './binance/server';
import { DEFAULT_BALANCES, DEFAULT_SYMBOLS } from './binance/symbols';
import { Faults } from './binance/faults';

export type { DropFilter, RateLimitFault } from './binance/faults';
export { Faults } from './binance/faults';
export * as engine from './engine';
export { MatchingEngine, OrderFlow } from './engine';

export type SimExchange = 'binance';

export interface SimulateOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Seed of the synthetic order flow (default 1). */
  seed?: number;
  /** Unified symbols (default BTC/USDT, ETH/USDT, BNB/USDT, ETH/BTC). */
  symbols?: string[];
  /** Interval of the synthetic flow's ticks (ms, default 25). */
  tickMs?: number;
  /** Run the synthetic flow on a timer (default true); otherwise only tick() moves the books. */
  autoFlow?: boolean;
  /** Starting balances of the simulated account (default USDT 100000, BTC 2, ETH 20, BNB 50). */
  balances?: Record<string, number>;
  /** Target price levels per book side (default 300). */
  levels?: number;
  /** Server ping interval (ms, default 20000). */
  pingIntervalMs?: number;
  /** Drop clients whose pong is later than this (ms, default 60000). */
  pongTimeoutMs?: number;
  /** Connection lifetime before serverShutdown + close (ms, default 24 h). */
  maxLifetimeMs?: number;
  /** Incoming messages per second on a stream connection before it is dropped (default 5; 0 = off). */
  maxMessagesPerSecond?: number;
  /** Streams per connection (default 1024). */
  maxStreamsPerConnection?: number;
  /** Maker / taker fee rates as fractions (default 0.001). */
  makerFee?: number;
  takerFee?: number;
}

export interface SimBook {
  /** [price, amount], best first. */
  bids: Array<[number, number]>;
  asks: Array<[number, number]>;
  lastUpdateId: number;
}

export interface Simulator {
  exchange: SimExchange;
  /** Base URLs (scheme://host:port, no path) for the exchange constructor's `urls` option. */
  urls: { rest: string; ws: string; wsApi: string };
  port: number;
  /** HMAC key of the simulated account. */
  apiKey: string;
  secret: string;
  /** An Ed25519 key of the same account (for session.logon); private key as PKCS#8 PEM. */
  ed25519: { apiKey: string; privateKey: string };
  engine: MatchingEngine;
  faults: Faults;
  /** The server's truth: the full book of a symbol ('BTC/USDT' or 'BTCUSDT'). */
  book(symbol: string): SimBook;
  /** Runs n (default 1) steps of synthetic flow now. */
  tick(n?: number): void;
  /** Stops / restarts the flow timer (tick() still works). */
  pause(): void;
  resume(): void;
  /** Credits the simulated account and records a deposit (balanceUpdate on user streams). */
  deposit(asset: string, amount: number | string): void;
  /** The simulated account's balances as decimal strings. */
  balances(): Record<string, { free: string; locked: string }>;
  /** Closes every socket and timer. */
  close(): Promise<void>;
}

export async function simulate(exchange: SimExchange, opts: SimulateOptions = {}): Promise<Simulator> {
  if (exchange !== 'binance') throw new RangeError(`no simulator for exchange '${String(exchange)}'`);
  const host = opts.host ?? '127.0.0.1';
  const sim = new BinanceSim({
    port: opts.port ?? 0,
    host,
    seed: opts.seed ?? 1,
    symbols: opts.symbols ?? DEFAULT_SYMBOLS,
    tickMs: opts.tickMs ?? 25,
    autoFlow: opts.autoFlow ?? true,
    balances: opts.balances ?? DEFAULT_BALANCES,
    levels: opts.levels ?? 300,
    limits: {
      pingIntervalMs: opts.pingIntervalMs ?? 20_000,
      pongTimeoutMs: opts.pongTimeoutMs ?? 60_000,
      maxLifetimeMs: opts.maxLifetimeMs ?? 24 * 3600_000,
      maxMessagesPerSecond: opts.maxMessagesPerSecond ?? 5,
    },
    maxStreamsPerConnection: opts.maxStreamsPerConnection ?? 1024,
    makerFee: opts.makerFee ?? 0.001,
    takerFee: opts.takerFee ?? 0.001,
  });
  await sim.listen();
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    exchange,
    urls: { rest: `http://${urlHost}:${sim.port}`, ws: `ws://${urlHost}:${sim.port}`, wsApi: `ws://${urlHost}:${sim.port}` },
    port: sim.port,
    apiKey: sim.apiKey,
    secret: sim.secret,
    ed25519: sim.ed25519,
    engine: sim.engine,
    faults: sim.faults,
    book: (symbol) => sim.book(symbol),
    tick: (n) => sim.tick(n),
    pause: () => sim.pause(),
    resume: () => sim.resume(),
    deposit: (asset, amount) => sim.deposit(asset, amount),
    balances: () => sim.balances(),
    close: () => sim.close(),
  };
}
