/**
 * The simulated Bitfinex exchange pairs: unified symbol <-> trading symbol (`BTC/USD` <-> `tBTCUSD`,
 * `TESTBTC/TESTUSD` <-> `tTESTBTC:TESTUSD`; USDT is Bitfinex's `UST`), after
 * /v2/conf/pub:list:pair:exchange (the capture the cryptofeed capture BITFINEX.0). Bitfinex
 * prices have 5 significant digits and amounts 8 decimals: ticks are chosen so the simulated mid
 * prices keep 5 significant digits. Mid prices are arbitrary round numbers.
 */
import type { MarketConfig } from '../engine';
import { RuleBook, unifiedSymbol } from '../common/symbols';

export interface BfxPair {
  /** Unified symbol, e.g. 'BTC/USD'. */
  symbol: string;
  /** The pair, e.g. 'BTCUSD' or 'TESTBTC:TESTUSD'. */
  pair: string;
  /** The trading symbol, e.g. 'tBTCUSD' (the engine's market id). */
  id: string;
  base: string;
  quote: string;
  tick: string;
  minSize: string;
  maxSize: string;
  mid: string;
}

interface Rules {
  tick: string;
  minSize: string;
  maxSize: string;
  mid: string;
}

const RULES: RuleBook<Rules> = {
  known: {
    'BTC/USD': { tick: '1', minSize: '0.00004', maxSize: '2000', mid: '60000' },
    'ETH/USD': { tick: '0.1', minSize: '0.0008', maxSize: '5000', mid: '3000' },
    'BTC/USDT': { tick: '1', minSize: '0.00004', maxSize: '2000', mid: '60000' },
    'ETH/BTC': { tick: '0.000001', minSize: '0.0008', maxSize: '5000', mid: '0.05' },
  },
  fiatQuotes: new Set(['USD', 'USDT', 'EUR', 'GBP', 'JPY', 'TESTUSD']),
  fiat: { tick: '0.01', minSize: '0.1', maxSize: '100000', mid: '100' },
  other: { tick: '0.00000001', minSize: '1', maxSize: '1000000', mid: '0.001' },
};

export const BITFINEX_DEFAULT_SYMBOLS = ['BTC/USD', 'ETH/USD'];

const NATIVE: Record<string, string> = { USDT: 'UST', USDC: 'UDC' };

export function bfxPair(symbol: string): BfxPair {
  const { base, quote, unified, rules } = unifiedSymbol(symbol, RULES, 'BTC/USD');
  const b = NATIVE[base] ?? base;
  const q = NATIVE[quote] ?? quote;
  const pair = b.length === 3 && q.length === 3 ? b + q : `${b}:${q}`;
  return { symbol: unified, pair, id: `t${pair}`, base, quote, ...rules };
}

/** Engine market: prices in ticks, amounts in steps of 10^-8. */
export function bfxMarketConfig(p: BfxPair): MarketConfig {
  return { symbol: p.id, base: p.base, quote: p.quote, tickSize: p.tick, stepSize: '0.00000001', minQty: p.minSize, maxQty: p.maxSize };
}

/** A pair by trading symbol ('tBTCUSD'), pair ('BTCUSD') or unified symbol ('BTC/USD'). */
export function findPair(list: readonly BfxPair[], name: string): BfxPair | undefined {
  return list.find((p) => p.id === name || p.pair === name || p.symbol === name);
}
