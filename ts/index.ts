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
import { errors } from './base/errors';

export { binance, BinanceOptions } from './exchanges/binance';
export { Exchange, ExchangeSpec } from './base/exchange';
export { Watch } from './base/watch';
export { OrderBook } from './book/orderbook';
export * from './base/errors';
export * from './base/types';
export { errors };

/** Exchange classes by id. */
export const exchanges = { binance };

/** Ids of the supported exchanges. */
export const exchangeIds = Object.keys(exchanges) as (keyof typeof exchanges)[];

/** Library version. */
export const version: string = (require('../package.json') as { version: string }).version;
