/**
 * exstream: one ccxt-compatible API over crypto exchanges' WebSocket and REST interfaces.
 *
 * ```js
 * const { binance, errors } = require('exstream');
 * const ex = new binance({ ws: true });
 * const book = await ex.fetchOrderBook('BTC/USDT');
 * ```
 */
import { binance } from './exchanges/binance';
import { kraken } from './exchanges/kraken';
import { okx } from './exchanges/okx';
import { errors } from './core/errors';

export { binance, BinanceOptions } from './exchanges/binance';
export { kraken, KrakenOptions } from './exchanges/kraken';
export { okx, OkxOptions } from './exchanges/okx';
export { Exchange, ExchangeSpec } from './base/exchange';
export { Watch } from './base/watch';
export { OrderBook } from './book/orderbook';
export * from './core/errors';
export * from './core/types';
export { errors };

/** Exchange classes by id. */
export const exchanges = { binance, kraken, okx };

/** Ids of the supported exchanges. */
export const exchangeIds = Object.keys(exchanges) as (keyof typeof exchanges)[];

/** Library version. */
export const version: string = (require('../package.json') as { version: string }).version;
