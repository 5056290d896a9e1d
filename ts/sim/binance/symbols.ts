/**
 * The simulated Binance Spot symbol catalog: unified symbol <-> Binance id, trading rules in the
 * shape of Binance's filters, and the starting mid price of the synthetic flow. Values follow the
 * real BTCUSDT/ETHUSDT/... rules as published by GET /api/v3/exchangeInfo (tick and step sizes,
 * 5 USDT minimum notional); mid prices are arbitrary round numbers.
 */
import type { MarketConfig } from '../engine';
import { RuleBook, unifiedSymbol } from '../common/symbols';

export interface SymbolSpec {
  /** Unified symbol, e.g. 'BTC/USDT'. */
  unified: string;
  /** Binance id, e.g. 'BTCUSDT'. */
  id: string;
  base: string;
  quote: string;
  tickSize: string;
  stepSize: string;
  minQty: string;
  maxQty: string;
  minPrice: string;
  maxPrice: string;
  minNotional: string;
  maxNotional: string;
  /** Starting mid price of the synthetic flow. */
  mid: string;
}

interface Rules {
  tickSize: string;
  stepSize: string;
  minNotional: string;
  mid: string;
}

const RULES: RuleBook<Rules> = {
  known: {
    'BTC/USDT': { tickSize: '0.01', stepSize: '0.00001', minNotional: '5', mid: '60000' },
    'ETH/USDT': { tickSize: '0.01', stepSize: '0.0001', minNotional: '5', mid: '3000' },
    'BNB/USDT': { tickSize: '0.01', stepSize: '0.001', minNotional: '5', mid: '600' },
    'SOL/USDT': { tickSize: '0.01', stepSize: '0.001', minNotional: '5', mid: '150' },
    'XRP/USDT': { tickSize: '0.0001', stepSize: '0.1', minNotional: '5', mid: '0.6' },
    'DOGE/USDT': { tickSize: '0.00001', stepSize: '1', minNotional: '1', mid: '0.15' },
    'ETH/BTC': { tickSize: '0.00001', stepSize: '0.0001', minNotional: '0.0001', mid: '0.05' },
    'BNB/BTC': { tickSize: '0.000001', stepSize: '0.001', minNotional: '0.0001', mid: '0.01' },
  },
  fiatQuotes: new Set(['USDT', 'USDC', 'FDUSD', 'BUSD', 'TUSD', 'USD', 'EUR', 'TRY', 'BRL']),
  fiat: { tickSize: '0.01', stepSize: '0.001', minNotional: '5', mid: '100' },
  other: { tickSize: '0.0000001', stepSize: '0.1', minNotional: '0.0001', mid: '0.001' },
};

export const DEFAULT_SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'BNB/USDT', 'ETH/BTC'];

export const DEFAULT_BALANCES: Record<string, number> = { USDT: 100000, BTC: 2, ETH: 20, BNB: 50 };

/** Pads a decimal to Binance's 8-decimal form ('0.01' -> '0.01000000'). */
export function eightDecimals(value: string): string {
  const [i, f = ''] = value.split('.');
  return `${i}.${(f + '00000000').slice(0, 8)}`;
}

/** The spec of a unified ('BTC/USDT') or Binance ('BTCUSDT') symbol; unknown pairs get generic rules. */
export function symbolSpec(symbol: string): SymbolSpec {
  const { base, quote, unified, rules } = unifiedSymbol(symbol, RULES);
  return {
    unified,
    id: base + quote,
    base,
    quote,
    tickSize: rules.tickSize,
    stepSize: rules.stepSize,
    minQty: rules.stepSize,
    maxQty: '9000000',
    minPrice: rules.tickSize,
    maxPrice: '1000000',
    minNotional: rules.minNotional,
    maxNotional: '9000000',
    mid: rules.mid,
  };
}

/** Engine market config for a spec: Binance prints every price and quantity with 8 decimals. */
export function marketConfig(spec: SymbolSpec): MarketConfig {
  return {
    symbol: spec.id,
    base: spec.base,
    quote: spec.quote,
    tickSize: spec.tickSize,
    stepSize: spec.stepSize,
    minQty: spec.minQty,
    maxQty: spec.maxQty,
    minPrice: spec.minPrice,
    maxPrice: spec.maxPrice,
    minNotional: spec.minNotional,
    maxNotional: spec.maxNotional,
    priceDecimals: 8,
    qtyDecimals: 8,
  };
}
