/**
 * Kraken Spot base URLs (DESIGN.md §1 table) and the paths the adapter appends
 * (protocols.md (the project brief) §2 "Endpoints": public WebSocket v2 at wss://ws.kraken.com/v2,
 * REST at https://api.kraken.com/0).
 */
export const KRAKEN_URLS = {
  rest: 'https://api.kraken.com',
  ws: 'wss://ws.kraken.com',
  wsPrivate: 'wss://ws-auth.kraken.com',
};

export const PATHS = {
  assetPairs: '/0/public/AssetPairs',
  depth: '/0/public/Depth',
  ticker: '/0/public/Ticker',
  trades: '/0/public/Trades',
  ohlc: '/0/public/OHLC',
  // private (signed) REST
  wsToken: '/0/private/GetWebSocketsToken',
  balanceEx: '/0/private/BalanceEx',
  openOrders: '/0/private/OpenOrders',
  closedOrders: '/0/private/ClosedOrders',
  queryOrders: '/0/private/QueryOrders',
  tradesHistory: '/0/private/TradesHistory',
  addOrder: '/0/private/AddOrder',
  amendOrder: '/0/private/AmendOrder',
  cancelOrder: '/0/private/CancelOrder',
  cancelAll: '/0/private/CancelAll',
  addOrderBatch: '/0/private/AddOrderBatch',
  cancelOrderBatch: '/0/private/CancelOrderBatch',
  depositStatus: '/0/private/DepositStatus',
  withdrawStatus: '/0/private/WithdrawStatus',
  withdraw: '/0/private/Withdraw',
  /** WebSocket API v2 (public market data; the private one on urls.wsPrivate). */
  ws: '/v2',
};
