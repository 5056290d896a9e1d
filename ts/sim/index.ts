/**
 * Embedded exchange simulators (DESIGN.md "Simulator"): local servers that speak an exchange's
 * real protocol over a matching engine with synthetic order flow, with fault injection.
 *
 *   const sim = await simulate('binance', { port: 0, seed: 1, symbols: ['BTC/USDT'] });
 *   const ex = new binance({ ws: true, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret });
 *   await sim.close();
 *
 * Kraken (REST /0/public/*, WebSocket v2 /v2) and OKX (REST /api/v5/*, /ws/v5/public,
 * /ws/v5/business) serve public market data: `simulate('kraken' | 'okx', opts)`.
 */
import { MatchingEngine } from './engine';
import { BinanceSim } from './binance/server';
import { DEFAULT_BALANCES, DEFAULT_SYMBOLS } from './binance/symbols';
import { Faults } from './binance/faults';
import { MarketFaults } from './common/faults';
import { KrakenSim } from './kraken/server';
import { KRAKEN_DEFAULT_SYMBOLS } from './kraken/symbols';
import { OkxSim } from './okx/server';
import { OKX_DEFAULT_SYMBOLS } from './okx/symbols';

export type { DropFilter, RateLimitFault } from './binance/faults';
export { Faults } from './binance/faults';
export type { RestRateLimit, SocketFilter } from './common/faults';
export { MarketFaults } from './common/faults';
export * as engine from './engine';
export { MatchingEngine, OrderFlow } from './engine';

/** The symbols a simulator serves when `symbols` is not given. */
export function defaultSymbols(exchange: SimExchange): string[] {
  switch (exchange) {
    case 'kraken':
      return [...KRAKEN_DEFAULT_SYMBOLS];
    case 'okx':
      return [...OKX_DEFAULT_SYMBOLS];
    default:
      return [...DEFAULT_SYMBOLS];
  }
}

export type SimExchange = 'binance' | 'kraken' | 'okx';

export interface SimulateOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Seed of the synthetic order flow (default 1). */
  seed?: number;
  /** Unified symbols (Binance default BTC/USDT, ETH/USDT, BNB/USDT, ETH/BTC; Kraken BTC/USD, ETH/USD; OKX BTC/USDT, ETH/USDT). */
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
  /** Kraken: book updates go out at most this often (ms, default 50). */
  bookIntervalMs?: number;
  /** Kraken: heartbeat interval on subscribed connections (ms, default 1000; 0 = none). */
  heartbeatMs?: number;
  /** OKX: close connections without a subscription, or without pushes, this long (ms, default 30000; 0 = never). */
  idleTimeoutMs?: number;
  /** OKX: an unchanged `books` channel sends an empty update after this long (ms, default 60000; 0 = never). */
  noChangeMs?: number;
  /**
   * OKX: how the `books` channel behaves. 'rest-snapshot' (default: OKX from 2026) sends no
   * snapshot frame after subscribing and `checksum` 0, so clients join the REST snapshot
   * (GET /api/v5/market/books, which carries its seqId) to the buffered updates; 'stream-snapshot'
   * (OKX before its change) sends a 400-level snapshot frame first and the CRC-32 checksum on every
   * message. `faults.corruptChecksum` sends a wrong non-zero checksum in either mode.
   */
  books?: 'rest-snapshot' | 'stream-snapshot';
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

/** A market-data simulator (Kraken, OKX): public REST and streams over the engine, with faults. */
export interface MarketSimulator<E extends SimExchange> {
  exchange: E;
  /** Base URLs (scheme://host:port, no path) for the exchange constructor's `urls` option. */
  urls: { rest: string; ws: string };
  port: number;
  engine: MatchingEngine;
  faults: MarketFaults;
  /** The server's truth: the full book of a symbol (unified, or the exchange's own id). */
  book(symbol: string): SimBook;
  /** Runs n (default 1) steps of synthetic flow now. */
  tick(n?: number): void;
  /** Stops / restarts the flow timer (tick() still works). */
  pause(): void;
  resume(): void;
  /** Sends pending book (and ticker) updates now instead of at the next interval. */
  flush(): void;
  /** Closes every socket and timer. */
  close(): Promise<void>;
}

/** Kraken Spot: public REST /0/public/*, public WebSocket v2 at /v2. */
export type KrakenSimulator = MarketSimulator<'kraken'>;

/** OKX v5: REST /api/v5/*, WebSockets /ws/v5/public and /ws/v5/business. */
export type OkxSimulator = MarketSimulator<'okx'>;

/**
 * The simulator type of an exchange literal. A non-literal SimExchange argument is typed as the
 * Binance Simulator (what existing callers that only simulate Binance expect): narrow the
 * exchange to a literal to get the Kraken or OKX type.
 */
export type SimulatorOf<E extends SimExchange> = [E] extends ['kraken'] ? KrakenSimulator : [E] extends ['okx'] ? OkxSimulator : Simulator;

export async function simulate<E extends SimExchange>(exchange: E, opts: SimulateOptions = {}): Promise<SimulatorOf<E>> {
  if (exchange === 'kraken') return (await simulateKraken(opts)) as SimulatorOf<E>;
  if (exchange === 'okx') return (await simulateOkx(opts)) as SimulatorOf<E>;
  if (exchange !== 'binance') throw new RangeError(`no simulator for exchange '${String(exchange)}'`);
  return (await simulateBinance(opts)) as SimulatorOf<E>;
}

async function simulateBinance(opts: SimulateOptions): Promise<Simulator> {
  const exchange = 'binance';
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

function runtimeOptions(opts: SimulateOptions): { port: number; host: string; seed: number; tickMs: number; autoFlow: boolean; levels: number } {
  return {
    port: opts.port ?? 0,
    host: opts.host ?? '127.0.0.1',
    seed: opts.seed ?? 1,
    tickMs: opts.tickMs ?? 25,
    autoFlow: opts.autoFlow ?? true,
    levels: opts.levels ?? 300,
  };
}

async function simulateKraken(opts: SimulateOptions): Promise<KrakenSimulator> {
  const sim = new KrakenSim({
    ...runtimeOptions(opts),
    symbols: opts.symbols ?? KRAKEN_DEFAULT_SYMBOLS,
    bookIntervalMs: opts.bookIntervalMs ?? 50,
    heartbeatMs: opts.heartbeatMs ?? 1000,
  });
  await sim.listen();
  const rt = sim.runtime;
  return {
    exchange: 'kraken',
    urls: sim.urls,
    port: rt.port,
    engine: rt.engine,
    faults: sim.faults,
    book: (symbol) => sim.book(symbol),
    tick: (n) => rt.tick(n),
    pause: () => rt.pause(),
    resume: () => rt.resume(),
    flush: () => sim.flush(),
    close: () => sim.close(),
  };
}

async function simulateOkx(opts: SimulateOptions): Promise<OkxSimulator> {
  if (opts.books !== undefined && opts.books !== 'rest-snapshot' && opts.books !== 'stream-snapshot') {
    throw new RangeError(`books must be 'rest-snapshot' or 'stream-snapshot', got ${String(opts.books)}`);
  }
  const sim = new OkxSim({
    ...runtimeOptions(opts),
    symbols: opts.symbols ?? OKX_DEFAULT_SYMBOLS,
    idleTimeoutMs: opts.idleTimeoutMs ?? 30_000,
    noChangeMs: opts.noChangeMs ?? 60_000,
    books: opts.books ?? 'rest-snapshot',
  });
  await sim.listen();
  const rt = sim.runtime;
  return {
    exchange: 'okx',
    urls: sim.urls,
    port: rt.port,
    engine: rt.engine,
    faults: sim.faults,
    book: (symbol) => sim.book(symbol),
    tick: (n) => rt.tick(n),
    pause: () => rt.pause(),
    resume: () => rt.resume(),
    flush: () => sim.flush(),
    close: () => sim.close(),
  };
}
