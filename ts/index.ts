/**
 * exstream: one ccxt-compatible API over crypto exchanges' WebSocket and REST interfaces.
 *
 * ```js
 * const { binance, errors } = require('exstream');
 * const ex = new binance({ ws: true });
 * const book = await ex.fetchOrderBook('BTC/USDT');
 * ```
 *
 * @module exstream
 */
import { errors } from './core/errors';
import { Exchange, ExchangeClass, exchangeClass } from './base/exchange';
import type { ExchangeAdapter } from './exchanges/adapter';
import type { SourceHooks } from './base/source';
import type { RelayGroup, RelayGroupOptions } from './relay/group';
import type { Relay, RelayOptions } from './relay/relay';
import { ADAPTERS } from './exchanges/registry';

export type { BinanceOptions } from './exchanges/binance';
export type { KrakenOptions, KrakenTier } from './exchanges/kraken';
export type { OkxOptions } from './exchanges/okx';
export type { BybitOptions } from './exchanges/bybit';
export type { CoinbaseOptions } from './exchanges/coinbase';
export type { BitfinexOptions } from './exchanges/bitfinex';
export { Exchange, ExchangeClass } from './base/exchange';
export type { ExchangeAdapter, HostConnectionBudget } from './exchanges/adapter';
export { Watch } from './base/watch';
export { OrderBook } from './book/orderbook';
export * from './core/errors';
export * from './core/types';
export type { Channel, ClientChannel, MarketChannel, PrivateChannel } from './core/channels';
export type { OrderParams } from './core/private-adapter';
export type { BatchOrder } from './base/trading';
export { errors };

type OptionsOf<A> = A extends ExchangeAdapter<infer O> ? O : never;

/**
 * The sources an exchange class can read instead of the exchange: `relay` (ts/relay, Redis
 * Streams), loaded only when an instance is created with the `relay` option.
 */
const SOURCES: SourceHooks = {
  relay: (ctx) => (require('./relay/source') as typeof import('./relay/source')).relaySource(ctx),
};

export type { RelayGroup, RelayGroupOptions, GroupEntryInfo, GroupHandler } from './relay/group';
/** A relay consumer's trades stream was trimmed past its position (emitted on 'error'). */
export { TradesLost } from './relay/keys';

/**
 * Private events (fills, orders, balance) written by `exstream relay --private`, read through a
 * Redis consumer group: each is handled by one consumer of the group, acknowledged when its
 * handler resolves, and claimed by another when a consumer dies holding it.
 */
export function relayGroup(options: RelayGroupOptions): RelayGroup {
  const { RelayGroup: Group } = require('./relay/group') as typeof import('./relay/group');
  return new Group(options);
}

export type { Relay, RelayOptions, RelayStats } from './relay/relay';
export type { RelayChannel } from './relay/keys';

/**
 * An in-process relay (the writer side of `exstream relay`): `upstream` is an exchange client
 * (`new binance({ ws: true, ... })`); `start()` publishes its markets and writes the symbols' books,
 * trades and tickers to Redis Streams for `new <exchange>({ relay })` consumers, competing with other
 * relays for each symbol's lease; `stop()` hands the leases back. Loads ioredis only when called.
 */
export function createRelay(upstream: Exchange, options: RelayOptions): Relay {
  const { Relay: R } = require('./relay/relay') as typeof import('./relay/relay');
  return new R(upstream, options);
}

/** Exchange classes by id, one per adapter in the registry (ts/exchanges/registry.ts). */
export const exchanges = Object.fromEntries(Object.entries(ADAPTERS).map(([id, a]) => [id, exchangeClass(a as ExchangeAdapter, SOURCES)])) as {
  readonly [K in keyof typeof ADAPTERS]: ExchangeClass<OptionsOf<(typeof ADAPTERS)[K]>>;
};

export const { binance, kraken, okx, bybit, coinbase, bitfinex } = exchanges;
/** An instance of an exchange class is an Exchange. */
export type binance = Exchange;
export type kraken = Exchange;
export type okx = Exchange;
export type bybit = Exchange;
export type coinbase = Exchange;
export type bitfinex = Exchange;

/** Ids of the supported exchanges. */
export const exchangeIds = Object.keys(exchanges) as (keyof typeof exchanges)[];

/** Library version. */
export const version: string = (require('../package.json') as { version: string }).version;
