/**
 * The channels of the push API (`on(channel, ...)`) and their event keys: plain data shared by every
 * layer (adapters name their streams by channel, the Exchange API routes events by key).
 */
/** Channels that take a symbol: `on('orderbook', 'BTC/USDT', cb)`. */
export type MarketChannel = 'orderbook' | 'ticker' | 'trades' | 'ohlcv';
/** Private channels: all symbols, or narrowed with a symbol ('transactions': deposits and withdrawals, never narrowed). */
export type PrivateChannel = 'balance' | 'orders' | 'myTrades' | 'transactions';
/** Channels about the client itself. */
export type ClientChannel = 'status' | 'resync' | 'error';
export type Channel = MarketChannel | PrivateChannel | ClientChannel;

/** Every channel `on()` accepts. */
export const CHANNELS: ReadonlySet<string> = new Set<string>(['orderbook', 'ticker', 'trades', 'ohlcv', 'balance', 'orders', 'myTrades', 'transactions', 'status', 'resync', 'error']);

export function isPrivateChannel(c: string): c is PrivateChannel {
  return c === 'balance' || c === 'orders' || c === 'myTrades' || c === 'transactions';
}

export function isMarketChannel(c: string): c is MarketChannel {
  return c === 'orderbook' || c === 'ticker' || c === 'trades' || c === 'ohlcv';
}

/** Event key of a channel narrowed to a symbol (and timeframe for OHLCV). */
export function eventKey(channel: Channel, symbol?: string, timeframe?: string): string {
  if (symbol === undefined) return channel;
  return timeframe === undefined ? `${channel}|${symbol}` : `${channel}|${symbol}|${timeframe}`;
}
