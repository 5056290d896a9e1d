/**
 * Coinbase Advanced Trade base URLs (DESIGN.md §1 table) and the paths the adapter appends
 * (protocols.md §5 "Endpoints"): market data on wss://advanced-trade-ws.coinbase.com, the user
 * channel on wss://advanced-trade-ws-user.coinbase.com, REST under
 * https://api.coinbase.com/api/v3/brokerage. Users override only `scheme://host[:port]`.
 */
export const COINBASE_URLS = {
  rest: 'https://api.coinbase.com',
  ws: 'wss://advanced-trade-ws.coinbase.com',
  wsPrivate: 'wss://advanced-trade-ws-user.coinbase.com',
};

const B = '/api/v3/brokerage';

export const PATHS = {
  products: `${B}/market/products`,
  product: (id: string) => `${B}/market/products/${encodeURIComponent(id)}`,
  productBook: `${B}/market/product_book`,
  ticker: (id: string) => `${B}/market/products/${encodeURIComponent(id)}/ticker`,
  candles: (id: string) => `${B}/market/products/${encodeURIComponent(id)}/candles`,
  time: `${B}/time`,
  /** The market-data socket has no path. */
  ws: '',
};
