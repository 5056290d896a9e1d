/**
 * The simulated Bybit spot instrument catalog: unified symbol <-> Bybit symbol (`BTC/USDT` <->
 * `BTCUSDT`) and trading rules after GET /v5/market/instruments-info?category=spot (Bybit's docs
 * example: BTCUSDT tickSize 0.01, basePrecision 0.000001, minOrderQty 0.000048, minOrderAmt 1).
 * Mid prices are arbitrary round numbers.
 */
import type { MarketConfig } from '../engine';
import { RuleBook, unifiedSymbol } from '../common/symbols';

export interface BybitInstrument {
  /** Unified symbol, e.g. 'BTC/USDT'. */
  symbol: string;
  /** e.g. 'BTCUSDT' (the engine's market id). */
  id: string;
  base: string;
  quote: string;
  tickSize: string;
  basePrecision: string;
  minOrderQty: string;
  maxOrderQty: string;
  minOrderAmt: string;
  maxOrderAmt: string;
  mid: string;
}

interface Rules {
  tickSize: string;
  basePrecision: string;
  minOrderQty: string;
  mid: string;
}

const RULES: RuleBook<Rules> = {
  known: {
    'BTC/USDT': { tickSize: '0.01', basePrecision: '0.000001', minOrderQty: '0.000048', mid: '60000' },
    'ETH/USDT': { tickSize: '0.01', basePrecision: '0.00001', minOrderQty: '0.00062', mid: '3000' },
    'SOL/USDT': { tickSize: '0.01', basePrecision: '0.001', minOrderQty: '0.017', mid: '150' },
    'XRP/USDT': { tickSize: '0.0001', basePrecision: '0.01', minOrderQty: '1.7', mid: '0.6' },
  },
  fiatQuotes: new Set(['USDT', 'USDC', 'USD', 'EUR', 'DAI']),
  fiat: { tickSize: '0.01', basePrecision: '0.0001', minOrderQty: '0.001', mid: '100' },
  other: { tickSize: '0.0000001', basePrecision: '0.01', minOrderQty: '1', mid: '0.001' },
};

export const BYBIT_DEFAULT_SYMBOLS = ['BTC/USDT', 'ETH/USDT'];

export function bybitInstrument(symbol: string): BybitInstrument {
  const { base, quote, unified, rules } = unifiedSymbol(symbol, RULES);
  return { symbol: unified, id: `${base}${quote}`, base, quote, ...rules, maxOrderQty: '10000', minOrderAmt: '1', maxOrderAmt: '2000000' };
}

/** Engine market of an instrument (prices in ticks of tickSize, sizes in steps of basePrecision). */
export function bybitMarketConfig(i: BybitInstrument): MarketConfig {
  return { symbol: i.id, base: i.base, quote: i.quote, tickSize: i.tickSize, stepSize: i.basePrecision, minQty: i.minOrderQty, maxQty: i.maxOrderQty };
}

export function findInstrument(list: readonly BybitInstrument[], name: string): BybitInstrument | undefined {
  return list.find((i) => i.id === name || i.symbol === name);
}
