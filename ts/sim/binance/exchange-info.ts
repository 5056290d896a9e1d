/**
 * GET /api/v3/exchangeInfo (and the WS API `exchangeInfo` method), shaped after the response in
 * web-socket-api.md "Exchange information" and filters.md. Only rules the simulator enforces are
 * advertised: PRICE_FILTER, LOT_SIZE and NOTIONAL; order types LIMIT, LIMIT_MAKER, MARKET.
 */
import { Json } from './format';
import { E } from './errors';
import { EXCHANGE_RATE_LIMITS } from './rate-limits';
import { eightDecimals, SymbolSpec } from './symbols';

export function symbolInfo(s: SymbolSpec): Json {
  return {
    symbol: s.id,
    status: 'TRADING',
    baseAsset: s.base,
    baseAssetPrecision: 8,
    quoteAsset: s.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET'],
    icebergAllowed: false,
    ocoAllowed: false,
    otoAllowed: false,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: false,
    cancelReplaceAllowed: true,
    allowAmend: false,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: eightDecimals(s.minPrice), maxPrice: eightDecimals(s.maxPrice), tickSize: eightDecimals(s.tickSize) },
      { filterType: 'LOT_SIZE', minQty: eightDecimals(s.minQty), maxQty: eightDecimals(s.maxQty), stepSize: eightDecimals(s.stepSize) },
      {
        filterType: 'NOTIONAL',
        minNotional: eightDecimals(s.minNotional),
        applyMinToMarket: false,
        maxNotional: eightDecimals(s.maxNotional),
        applyMaxToMarket: false,
        avgPriceMins: 5,
      },
    ],
    permissions: [],
    permissionSets: [['SPOT']],
    defaultSelfTradePreventionMode: 'NONE',
    allowedSelfTradePreventionModes: ['NONE'],
  };
}

/**
 * The whole document. `symbols` narrows it (unknown names: -1121); `symbolStatus` other than
 * TRADING gives an empty list.
 */
export function exchangeInfoJson(all: SymbolSpec[], now: number, filter: { symbols?: string[]; symbolStatus?: string } = {}): Json {
  let list = all;
  if (filter.symbols) {
    list = filter.symbols.map((id) => {
      const s = all.find((x) => x.id === id);
      if (!s) throw E.invalidSymbol();
      return s;
    });
  }
  if (filter.symbolStatus !== undefined) {
    if (!['TRADING', 'HALT', 'BREAK'].includes(filter.symbolStatus)) throw E.invalidParam('symbolStatus');
    if (filter.symbolStatus !== 'TRADING') list = [];
  }
  return {
    timezone: 'UTC',
    serverTime: now,
    rateLimits: EXCHANGE_RATE_LIMITS,
    exchangeFilters: [],
    symbols: list.map(symbolInfo),
  };
}
