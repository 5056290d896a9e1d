/**
 * Bitfinex v2 base URLs (DESIGN.md §1 table) and the paths the adapter appends (protocols.md §6
 * "Endpoints", "REST"). Public data lives on api-pub.bitfinex.com; the authenticated host
 * api.bitfinex.com is `restPrivate` / `wsPrivate`.
 */
export const BITFINEX_URLS = {
  rest: 'https://api-pub.bitfinex.com',
  ws: 'wss://api-pub.bitfinex.com',
  restPrivate: 'https://api.bitfinex.com',
  wsPrivate: 'wss://api.bitfinex.com',
};

export const PATHS = {
  pairList: '/v2/conf/pub:list:pair:exchange',
  pairInfo: '/v2/conf/pub:info:pair',
  /** + `/{symbol}/{precision}` */
  book: '/v2/book',
  /** + `/{symbol}` */
  ticker: '/v2/ticker',
  tickers: '/v2/tickers',
  /** + `/{symbol}/hist` */
  trades: '/v2/trades',
  /** + `/trade:{tf}:{symbol}/hist` */
  candles: '/v2/candles',
  status: '/v2/platform/status',
  ws: '/ws/2',
};
