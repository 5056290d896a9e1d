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
  time: '/api/v5/public/time',
  // private (signed) REST
  balance: '/api/v5/account/balance',
  order: '/api/v5/trade/order',
  cancelOrder: '/api/v5/trade/cancel-order',
  amendOrder: '/api/v5/trade/amend-order',
  batchOrders: '/api/v5/trade/batch-orders',
  cancelBatchOrders: '/api/v5/trade/cancel-batch-orders',
  ordersPending: '/api/v5/trade/orders-pending',
  ordersHistory: '/api/v5/trade/orders-history',
  fills: '/api/v5/trade/fills',
  depositHistory: '/api/v5/asset/deposit-history',
  withdrawalHistory: '/api/v5/asset/withdrawal-history',
  withdrawal: '/api/v5/asset/withdrawal',
  /** Private socket: login, orders and account channels, order entry. */
  wsPrivate: '/ws/v5/private',
  /** Public socket: books, tickers, trades. */
  wsPublic: '/ws/v5/public',
  /** Business socket: candles. */
  wsBusiness: '/ws/v5/business',
};
