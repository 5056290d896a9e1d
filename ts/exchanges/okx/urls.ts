/**
 * OKX v5 base URLs (DESIGN.md §1 table) and the paths the adapter appends (protocols.md §3
 * "Endpoints"; candles live on the /business socket per the OKX docs' candlesticks channel page).
 */
export const OKX_URLS = {
  rest: 'https://www.okx.com',
  ws: 'wss://ws.okx.com:8443',
};

export const PATHS = {
  instruments: '/api/v5/public/instruments',
  books: '/api/v5/market/books',
  ticker: '/api/v5/market/ticker',
  tickers: '/api/v5/market/tickers',
  trades: '/api/v5/market/trades',
  candles: '/api/v5/market/candles',
  /** Public socket: books, tickers, trades. */
  wsPublic: '/ws/v5/public',
  /** Business socket: candles. */
  wsBusiness: '/ws/v5/business',
};
