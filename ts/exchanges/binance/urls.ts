/** Binance Spot base URLs (DESIGN.md §1 table) and the paths the adapter appends. */
export const BINANCE_URLS = {
  rest: 'https://api.binance.com',
  ws: 'wss://stream.binance.com:9443',
  wsApi: 'wss://ws-api.binance.com:443',
};

export const PATHS = {
  exchangeInfo: '/api/v3/exchangeInfo',
  depth: '/api/v3/depth',
  ticker24hr: '/api/v3/ticker/24hr',
  trades: '/api/v3/trades',
  klines: '/api/v3/klines',
  time: '/api/v3/time',
  // SIGNED (rest-api.md "Trading endpoints", "Account endpoints"; wallet capital history)
  order: '/api/v3/order',
  cancelReplace: '/api/v3/order/cancelReplace',
  openOrders: '/api/v3/openOrders',
  allOrders: '/api/v3/allOrders',
  account: '/api/v3/account',
  myTrades: '/api/v3/myTrades',
  deposits: '/sapi/v1/capital/deposit/hisrec',
  withdrawals: '/sapi/v1/capital/withdraw/history',
  /** Combined streams: payloads arrive wrapped as {"stream","data"} (web-socket-streams.md). */
  combined: '/stream',
  /** Raw streams: unwrapped payloads, subscriptions by SUBSCRIBE. */
  raw: '/ws',
  /** WebSocket API: orders and the user data stream (web-socket-api.md). */
  wsApi: '/ws-api/v3',
};
