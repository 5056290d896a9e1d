/**
 * Embedded exchange simulators (DESIGN.md "Simulator"): local servers that speak an exchange's
 * real protocol over a matching engine with synthetic order flow, with fault injection.
 *
 *   const sim = await simulate('binance', { port: 0, seed: 1, symbols: ['BTC/USDT'] });
 *   const ex = new binance({ ws: true, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret });
 *   await sim.close();
 *
 * Every simulator has the same shape (Simulator); SIMULATORS below is the one list of them.
 * Binance serves REST, market streams, the WebSocket API and user data; Kraken (REST
 * /0/public/*, WebSocket v2 /v2) and OKX (REST /api/v5/*, /ws/v5/public, /ws/v5/business) serve
 * public market data; Bybit (REST /v5/market/*, /v5/public/spot), Coinbase (REST
 * /api/v3/brokerage/market/*, the market-data socket) and Bitfinex (REST /v2/*, WebSocket /ws/2,
 * with its info events: `infoEvent`) too. Adding an exchange: its folder (a SimServer and a SimulatorEntry) and one
 * row here.
 *
 * @module exstream/sim
 */
import type { SimOptions, Simulator, SimulatorEntry } from './common/simulator';
import { binanceSimulator } from './binance/server';
import { bybitSimulator } from './bybit/server';
import { krakenSimulator } from './kraken/server';
import { okxSimulator } from './okx/server';
import { coinbaseSimulator } from './coinbase/server';
import { bitfinexSimulator } from './bitfinex/server';

/** The simulators, by exchange id. */
const SIMULATORS = {
  binance: binanceSimulator,
  kraken: krakenSimulator,
  okx: okxSimulator,
  bybit: bybitSimulator,
  coinbase: coinbaseSimulator,
  bitfinex: bitfinexSimulator,
};

export type SimExchange = keyof typeof SIMULATORS;

/** The exchanges with a simulator. */
export const SIM_EXCHANGES = Object.keys(SIMULATORS) as readonly SimExchange[];

type EntryOptions<T> = T extends SimulatorEntry<infer O> ? O : never;
type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** The options of simulate(): those every simulator takes, and each exchange's own (ignored by the others). */
export type SimulateOptions = SimOptions & Intersection<EntryOptions<(typeof SIMULATORS)[SimExchange]>>;

export function isSimExchange(id: string): id is SimExchange {
  return Object.prototype.hasOwnProperty.call(SIMULATORS, id);
}

/** The symbols a simulator serves when `symbols` is not given. */
export function defaultSymbols(exchange: SimExchange): string[] {
  return [...SIMULATORS[exchange].defaultSymbols];
}

export async function simulate(exchange: SimExchange, opts: SimulateOptions = {}): Promise<Simulator> {
  if (!isSimExchange(exchange)) throw new RangeError(`no simulator for exchange '${String(exchange)}'`);
  const entry: SimulatorEntry<SimulateOptions> = SIMULATORS[exchange];
  return entry.start(opts);
}

export type { DropFilter, FaultName, RateLimitFault } from './common/faults';
export { Faults } from './common/faults';
export type { SimAccount, SimBook, SimOptions, Simulator, SimulatorEntry } from './common/simulator';
export type { SimUrls } from './common/runtime';
export * as engine from './engine';
export { MatchingEngine, OrderFlow } from './engine';
