/**
 * Bybit v5 base URLs (DESIGN.md §1 table) and the paths the adapter appends (protocols.md §4
 * "Endpoints": public spot stream at /v5/public/spot, private at /v5/private, order entry at
 * /v5/trade, all on stream.bybit.com; REST on api.bybit.com).
 */
export const BYBIT_URLS = {
  rest: 'https://api.bybit.com',
  ws: 'wss://stream.bybit.com',
  wsPrivate: 'wss://stream.bybit.com',
};

export const PATHS = {
  instruments: '/v5/market/instruments-info',
  orderbook: '/v5/market/orderbook',
  tickers: '/v5/market/tickers',
  recentTrade: '/v5/market/recent-trade',
  kline: '/v5/market/kline',
  /** Public spot stream: orderbook, tickers, publicTrade, kline. */
  wsPublicSpot: '/v5/public/spot',
  wsPrivate: '/v5/private',
  wsTrade: '/v5/trade',
};

/** Every request of this adapter is for the spot category. */
export const CATEGORY = 'spot';
