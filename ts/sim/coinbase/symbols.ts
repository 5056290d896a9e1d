/**
 * The simulated Coinbase Advanced Trade product catalog: unified symbol <-> product id
 * (`BTC/USD` <-> `BTC-USD`) and trading rules after GET /api/v3/brokerage/market/products
 * (BTC-USD: price_increment 0.01, base_increment 0.00000001, base_min_size 0.00000001,
 * quote_min_size 1). Mid prices are arbitrary round numbers.
 */
import type { MarketConfig } from '../engine';
import { RuleBook, unifiedSymbol } from '../common/symbols';

export interface CoinbaseProduct {
  /** Unified symbol, e.g. 'BTC/USD'. */
  symbol: string;
  /** e.g. 'BTC-USD' (the engine's market id). */
  productId: string;
  base: string;
  quote: string;
  priceIncrement: string;
  baseIncrement: string;
  baseMinSize: string;
  baseMaxSize: string;
  quoteMinSize: string;
  quoteMaxSize: string;
  mid: string;
}

interface Rules {
  priceIncrement: string;
  baseIncrement: string;
  baseMinSize: string;
  baseMaxSize: string;
  quoteMinSize: string;
  quoteMaxSize: string;
  mid: string;
}

const RULES: RuleBook<Rules> = {
  known: {
    'BTC/USD': { priceIncrement: '0.01', baseIncrement: '0.00000001', baseMinSize: '0.00000001', baseMaxSize: '3400', quoteMinSize: '1', quoteMaxSize: '150000000', mid: '60000' },
    'ETH/USD': { priceIncrement: '0.01', baseIncrement: '0.00000001', baseMinSize: '0.00000001', baseMaxSize: '38000', quoteMinSize: '1', quoteMaxSize: '150000000', mid: '3000' },
    'SOL/USD': { priceIncrement: '0.01', baseIncrement: '0.001', baseMinSize: '0.001', baseMaxSize: '90000', quoteMinSize: '1', quoteMaxSize: '50000000', mid: '150' },
    'ETH/BTC': { priceIncrement: '0.00001', baseIncrement: '0.00000001', baseMinSize: '0.00000001', baseMaxSize: '15000', quoteMinSize: '0.00001', quoteMaxSize: '3000', mid: '0.05' },
  },
  fiatQuotes: new Set(['USD', 'USDC', 'USDT', 'EUR', 'GBP']),
  fiat: { priceIncrement: '0.01', baseIncrement: '0.0001', baseMinSize: '0.0001', baseMaxSize: '1000000', quoteMinSize: '1', quoteMaxSize: '10000000', mid: '100' },
  other: { priceIncrement: '0.0000001', baseIncrement: '0.01', baseMinSize: '0.01', baseMaxSize: '1000000', quoteMinSize: '0.0001', quoteMaxSize: '100', mid: '0.001' },
};

export const COINBASE_DEFAULT_SYMBOLS = ['BTC/USD', 'ETH/USD'];

export function coinbaseProduct(symbol: string): CoinbaseProduct {
  const { base, quote, unified, rules } = unifiedSymbol(symbol, RULES, 'BTC/USD');
  return { symbol: unified, productId: `${base}-${quote}`, base, quote, ...rules };
}

/** Engine market of a product (prices in ticks of price_increment, sizes in steps of base_increment). */
export function coinbaseMarketConfig(p: CoinbaseProduct): MarketConfig {
  return { symbol: p.productId, base: p.base, quote: p.quote, tickSize: p.priceIncrement, stepSize: p.baseIncrement, minQty: p.baseMinSize };
}

export function findProduct(list: readonly CoinbaseProduct[], name: string): CoinbaseProduct | undefined {
  return list.find((p) => p.productId === name || p.symbol === name);
}
