/**
 * The simulated OKX SPOT instrument catalog: unified symbol <-> instId (`BTC/USDT` <-> `BTC-USDT`)
 * and trading rules after GET /api/v5/public/instruments?instType=SPOT (the capture
 * the cryptofeed capture OKX.0: BTC-USDT tickSz 0.1, lotSz 0.00000001, minSz 0.00001;
 * ETH-USDT tickSz 0.01, lotSz 0.000001, minSz 0.001). Mid prices are arbitrary round numbers.
 */
import type { MarketConfig } from '../engine';
import { RuleBook, unifiedSymbol } from '../common/symbols';

export interface OkxInstrument {
  /** Unified symbol, e.g. 'BTC/USDT'. */
  symbol: string;
  /** e.g. 'BTC-USDT' (the engine's market id). */
  instId: string;
  base: string;
  quote: string;
  tickSz: string;
  lotSz: string;
  minSz: string;
  /** The integer instrument code of the 2026 docs (stable per instId here). */
  instIdCode: number;
  mid: string;
}

interface Rules {
  tickSz: string;
  lotSz: string;
  minSz: string;
  mid: string;
}

const RULES: RuleBook<Rules> = {
  known: {
    'BTC/USDT': { tickSz: '0.1', lotSz: '0.00000001', minSz: '0.00001', mid: '60000' },
    'ETH/USDT': { tickSz: '0.01', lotSz: '0.000001', minSz: '0.001', mid: '3000' },
    'SOL/USDT': { tickSz: '0.01', lotSz: '0.000001', minSz: '0.01', mid: '150' },
    'ETH/BTC': { tickSz: '0.00001', lotSz: '0.000001', minSz: '0.001', mid: '0.05' },
    'BTC/USDC': { tickSz: '0.1', lotSz: '0.00000001', minSz: '0.00001', mid: '60000' },
  },
  fiatQuotes: new Set(['USDT', 'USDC', 'USD', 'EUR', 'DAI']),
  fiat: { tickSz: '0.01', lotSz: '0.0001', minSz: '0.001', mid: '100' },
  other: { tickSz: '0.0000001', lotSz: '0.01', minSz: '1', mid: '0.001' },
};

export const OKX_DEFAULT_SYMBOLS = ['BTC/USDT', 'ETH/USDT'];

function code(instId: string): number {
  let h = 0;
  for (let i = 0; i < instId.length; i++) h = (h * 31 + instId.charCodeAt(i)) % 900_000;
  return 100_000 + h;
}

/** The instrument of a unified symbol ('BTC/USDT'); unknown pairs get generic rules. */
export function okxInstrument(symbol: string): OkxInstrument {
  const { base, quote, unified, rules } = unifiedSymbol(symbol, RULES);
  const instId = `${base}-${quote}`;
  return { symbol: unified, instId, base, quote, ...rules, instIdCode: code(instId) };
}

/** Engine market of an instrument (prices in ticks of tickSz, sizes in steps of lotSz). */
export function okxMarketConfig(i: OkxInstrument): MarketConfig {
  return {
    symbol: i.instId,
    base: i.base,
    quote: i.quote,
    tickSize: i.tickSz,
    stepSize: i.lotSz,
    minQty: i.minSz,
  };
}

/** An instrument by instId ('BTC-USDT') or unified symbol ('BTC/USDT'). */
export function findInstrument(list: readonly OkxInstrument[], name: string): OkxInstrument | undefined {
  return list.find((i) => i.instId === name || i.symbol === name);
}
