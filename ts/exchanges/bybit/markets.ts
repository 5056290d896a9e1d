/**
 * Bybit v5 spot markets from REST `GET /v5/market/instruments-info?category=spot` (protocols.md §4
 * "REST market endpoints"; bybit-exchange.github.io/docs/v5/market/instrument): `list[]` of
 * `{symbol, baseCoin, quoteCoin, status, lotSizeFilter{basePrecision, quotePrecision, minOrderQty,
 * maxOrderQty, minOrderAmt, maxOrderAmt}, priceFilter{tickSize}}`. Spot takes no pagination.
 */
import type { Market } from '../../core/types';

/** One instruments-info element (only the fields we read). */
export interface Instrument {
  symbol: string;
  baseCoin: string;
  quoteCoin: string;
  /** "Trading", "PreLaunch", "Delivering", "Closed". */
  status?: string;
  lotSizeFilter?: {
    basePrecision?: string;
    quotePrecision?: string;
    minOrderQty?: string;
    maxOrderQty?: string;
    minOrderAmt?: string;
    maxOrderAmt?: string;
  };
  priceFilter?: { tickSize?: string };
}

function num(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const x = +v;
  return Number.isFinite(x) ? x : undefined;
}

/** instruments-info `result.list` -> unified markets (elements without symbol or coins skipped). */
export function parseMarkets(list: readonly Instrument[]): Market[] {
  const out: Market[] = [];
  for (const i of list ?? []) {
    if (!i || typeof i.symbol !== 'string' || typeof i.baseCoin !== 'string' || typeof i.quoteCoin !== 'string') continue;
    const lot = i.lotSizeFilter ?? {};
    out.push({
      id: i.symbol,
      symbol: `${i.baseCoin}/${i.quoteCoin}`,
      base: i.baseCoin,
      quote: i.quoteCoin,
      baseId: i.baseCoin,
      quoteId: i.quoteCoin,
      type: 'spot',
      spot: true,
      active: i.status === undefined || i.status === 'Trading',
      precision: { price: num(i.priceFilter?.tickSize), amount: num(lot.basePrecision) },
      limits: {
        amount: { min: num(lot.minOrderQty), max: num(lot.maxOrderQty) },
        price: {},
        cost: { min: num(lot.minOrderAmt), max: num(lot.maxOrderAmt) },
      },
      info: i,
    });
  }
  return out;
}
