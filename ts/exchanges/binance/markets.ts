/**
 * Binance Spot markets from `GET /api/v3/exchangeInfo` (rest-api.md "Exchange information";
 * filters from filters.md). Checked against cryptofeed capture BINANCE.0 (test/fixtures/cryptofeed).
 */
import type { Market } from '../../core/types';

interface Filter {
  filterType: string;
  minPrice?: string;
  maxPrice?: string;
  tickSize?: string;
  minQty?: string;
  maxQty?: string;
  stepSize?: string;
  minNotional?: string;
  maxNotional?: string;
}

/** One `symbols[]` element of exchangeInfo (only the fields we read). */
export interface ExchangeInfoSymbol {
  symbol: string;
  status: string;
  baseAsset: string;
  quoteAsset: string;
  baseAssetPrecision?: number;
  quoteAssetPrecision?: number;
  quotePrecision?: number;
  isSpotTradingAllowed?: boolean;
  filters?: Filter[];
}

export interface ExchangeInfo {
  serverTime?: number;
  symbols: ExchangeInfoSymbol[];
}

function n(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const x = +v;
  // Binance uses 0 for "no limit" in several filters
  return Number.isFinite(x) && x !== 0 ? x : undefined;
}

/** Converts exchangeInfo to unified markets (unified symbol BASE/QUOTE, e.g. BTC/USDT). */
export function parseMarkets(info: ExchangeInfo): Market[] {
  const out: Market[] = [];
  for (const s of info.symbols ?? []) {
    if (s.isSpotTradingAllowed === false) continue;
    const f = new Map((s.filters ?? []).map((x) => [x.filterType, x]));
    const price = f.get('PRICE_FILTER');
    const lot = f.get('LOT_SIZE');
    const notional = f.get('NOTIONAL') ?? f.get('MIN_NOTIONAL');
    out.push({
      id: s.symbol,
      symbol: `${s.baseAsset}/${s.quoteAsset}`,
      base: s.baseAsset,
      quote: s.quoteAsset,
      baseId: s.baseAsset,
      quoteId: s.quoteAsset,
      type: 'spot',
      spot: true,
      active: s.status === 'TRADING',
      precision: { price: n(price?.tickSize), amount: n(lot?.stepSize) },
      limits: {
        amount: { min: n(lot?.minQty), max: n(lot?.maxQty) },
        price: { min: n(price?.minPrice), max: n(price?.maxPrice) },
        cost: { min: n(notional?.minNotional), max: n(notional?.maxNotional) },
      },
      info: s,
    });
  }
  return out;
}
