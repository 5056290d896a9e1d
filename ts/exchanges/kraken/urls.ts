/**
 * Kraken Spot base URLs (DESIGN.md §1 table) and the paths the adapter appends
 * (../shared/protocols.md §2 "Endpoints": public WebSocket v2 at wss://ws.kraken.com/v2,
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
  /** WebSocket API v2 (public market data). */
  ws: '/v2',
};
