/**
 * Every exchange exstream speaks, by id: the one list the client classes (ts/index.ts), the CLI and
 * the docs' support matrix are built from. Adding an exchange: its folder under ts/exchanges/, its
 * simulator under ts/sim/ (listed in ts/sim/registry), a line here, and its name in ts/index.ts's
 * exports (docs/ADD_NEW_EXCHANGE.md).
 */
import { binanceAdapter } from './binance';
import { bybitAdapter } from './bybit';
import { coinbaseAdapter } from './coinbase';
import { bitfinexAdapter } from './bitfinex';
import { krakenAdapter } from './kraken';
import { okxAdapter } from './okx';

export const ADAPTERS = {
  binance: binanceAdapter,
  kraken: krakenAdapter,
  okx: okxAdapter,
  bybit: bybitAdapter,
  coinbase: coinbaseAdapter,
  bitfinex: bitfinexAdapter,
} as const;

export type ExchangeId = keyof typeof ADAPTERS;
