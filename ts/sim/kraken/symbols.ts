/**
 * The simulated Kraken Spot pair catalog. Names follow Kraken's three spellings of a pair
 * (protocols.md §2 "Endpoints"): the REST key with legacy asset codes (`XXBTZUSD`), the altname
 * (`XBTUSD`) and the v1 `wsname` (`XBT/USD`), while WebSocket v2 and unified symbols use ISO asset
 * names (`BTC/USD`). Rules are those of the real pairs as published by GET /0/public/AssetPairs
 * (krakenfx/api-specs spot-rest/examples/responses/public/assets/pairs.yaml: XXBTZUSD
 * pair_decimals 1, lot_decimals 8, cost_decimals 5, ordermin 0.0001, costmin 0.5, tick_size 0.1);
 * mid prices are arbitrary round numbers.
 */
import type { MarketConfig } from '../engine';
import { RuleBook, unifiedSymbol } from '../common/symbols';

export interface KrakenPair {
  /** Unified and WebSocket v2 symbol, e.g. 'BTC/USD'. */
  symbol: string;
  /** REST pair key, e.g. 'XXBTZUSD' (the engine's market id). */
  key: string;
  altname: string;
  /** v1 name, e.g. 'XBT/USD'. */
  wsname: string;
  /** Kraken asset codes, e.g. 'XXBT' / 'ZUSD'. */
  base: string;
  quote: string;
  /** ISO names, e.g. 'BTC' / 'USD'. */
  baseIso: string;
  quoteIso: string;
  pairDecimals: number;
  lotDecimals: number;
  costDecimals: number;
  ordermin: string;
  costmin: string;
  tickSize: string;
  mid: string;
}

/** ISO name -> [v1 name, legacy 4-letter asset code]. */
export const LEGACY: Record<string, [string, string]> = {
  BTC: ['XBT', 'XXBT'],
  ETH: ['ETH', 'XETH'],
  DOGE: ['XDG', 'XXDG'],
  LTC: ['LTC', 'XLTC'],
  XRP: ['XRP', 'XXRP'],
  XLM: ['XLM', 'XXLM'],
  USD: ['USD', 'ZUSD'],
  EUR: ['EUR', 'ZEUR'],
  GBP: ['GBP', 'ZGBP'],
  CAD: ['CAD', 'ZCAD'],
  JPY: ['JPY', 'ZJPY'],
};

interface Rules {
  pairDecimals: number;
  lotDecimals: number;
  costDecimals: number;
  ordermin: string;
  costmin: string;
  mid: string;
  /** REST key when it is not the usual concatenation. */
  key?: string;
}

const RULES: RuleBook<Rules> = {
  known: {
    'BTC/USD': { pairDecimals: 1, lotDecimals: 8, costDecimals: 5, ordermin: '0.0001', costmin: '0.5', mid: '60000' },
    'ETH/USD': { pairDecimals: 2, lotDecimals: 8, costDecimals: 5, ordermin: '0.001', costmin: '0.5', mid: '3000' },
    'ETH/BTC': { pairDecimals: 5, lotDecimals: 8, costDecimals: 6, ordermin: '0.01', costmin: '0.00002', mid: '0.05' },
    'SOL/USD': { pairDecimals: 2, lotDecimals: 8, costDecimals: 5, ordermin: '0.02', costmin: '0.5', mid: '150' },
    'DOGE/USD': { pairDecimals: 7, lotDecimals: 8, costDecimals: 5, ordermin: '10', costmin: '0.5', mid: '0.15', key: 'XDGUSD' },
  },
  fiatQuotes: new Set(['USD', 'EUR', 'GBP', 'CAD', 'JPY', 'USDT', 'USDC']),
  fiat: { pairDecimals: 2, lotDecimals: 8, costDecimals: 5, ordermin: '0.01', costmin: '0.5', mid: '100' },
  other: { pairDecimals: 7, lotDecimals: 8, costDecimals: 8, ordermin: '1', costmin: '0.00002', mid: '0.001' },
};

export const KRAKEN_DEFAULT_SYMBOLS = ['BTC/USD', 'ETH/USD'];

function tick(decimals: number): string {
  return decimals === 0 ? '1' : `0.${'0'.repeat(decimals - 1)}1`;
}

/** The pair of a unified symbol ('BTC/USD'); unknown pairs get generic rules. */
export function krakenPair(symbol: string): KrakenPair {
  const { base: baseIso, quote: quoteIso, unified, rules } = unifiedSymbol(symbol, RULES, 'BTC/USD');
  const [b1, bCode] = LEGACY[baseIso] ?? [baseIso, baseIso];
  const [q1, qCode] = LEGACY[quoteIso] ?? [quoteIso, quoteIso];
  // legacy 4-letter codes on both sides concatenate (XXBTZUSD); newer assets use the altname
  const key = rules.key ?? (bCode.length === 4 && qCode.length === 4 && (bCode.startsWith('X') || bCode.startsWith('Z')) ? bCode + qCode : b1 + q1);
  return {
    symbol: unified,
    key,
    altname: b1 + q1,
    wsname: `${b1}/${q1}`,
    base: bCode,
    quote: qCode,
    baseIso,
    quoteIso,
    pairDecimals: rules.pairDecimals,
    lotDecimals: rules.lotDecimals,
    costDecimals: rules.costDecimals,
    ordermin: rules.ordermin,
    costmin: rules.costmin,
    mid: rules.mid,
    tickSize: tick(rules.pairDecimals),
  };
}

/** Engine market of a pair: ticks of 10^-pair_decimals, steps of 10^-lot_decimals. */
export function krakenMarketConfig(p: KrakenPair): MarketConfig {
  return {
    symbol: p.key,
    base: p.baseIso,
    quote: p.quoteIso,
    tickSize: p.tickSize,
    stepSize: tick(p.lotDecimals),
    minQty: p.ordermin,
    minNotional: p.costmin,
    priceDecimals: p.pairDecimals,
    qtyDecimals: p.lotDecimals,
  };
}

/** Finds a pair by any of Kraken's spellings (REST `pair=`): key, altname, wsname, ISO name. */
export function findPair(pairs: readonly KrakenPair[], name: string): KrakenPair | undefined {
  const n = name.trim().toUpperCase();
  return pairs.find(
    (p) => p.key === n || p.altname === n || p.wsname === n || p.symbol === n || p.symbol.replace('/', '') === n,
  );
}
