/**
 * Coinbase Advanced Trade market-data channels: stream names and (un)subscribe requests
 * (protocols.md §5 "WebSocket subscribe, ack and limits"). Pure functions.
 *
 * A stream name is `<subscribe channel>:<product id>`: `level2:BTC-USD`, `ticker:BTC-USD`,
 * `market_trades:BTC-USD`, `candles:BTC-USD` (five-minute candles: the channel's only interval).
 * Frames of the level2 subscription carry channel `l2_data`.
 */
import type { MarketChannel } from '../../core/channels';

export type WsChannel = 'level2' | 'ticker' | 'market_trades' | 'candles';

export const CHANNEL_OF: Record<MarketChannel, WsChannel> = {
  orderbook: 'level2',
  ticker: 'ticker',
  trades: 'market_trades',
  ohlcv: 'candles',
};

/** The subscribe channel whose frames carry this `channel` field. */
const FRAME_CHANNEL: Record<string, WsChannel> = {
  l2_data: 'level2',
  level2: 'level2',
  ticker: 'ticker',
  ticker_batch: 'ticker',
  market_trades: 'market_trades',
  candles: 'candles',
};

export function streamName(kind: MarketChannel, productId: string): string {
  return `${CHANNEL_OF[kind]}:${productId}`;
}

/** Stream name of a data element: the frame's `channel` and the element's `product_id`. */
export function dataStreamName(frameChannel: string, productId: string): string | undefined {
  const ch = FRAME_CHANNEL[frameChannel];
  return ch === undefined ? undefined : `${ch}:${productId}`;
}

export function parseStreamName(name: string): { channel: WsChannel; productId: string } {
  const i = name.indexOf(':');
  return { channel: name.slice(0, i) as WsChannel, productId: name.slice(i + 1) };
}

/**
 * `{"type":"subscribe","product_ids":["BTC-USD"],"channel":"level2"}`: one channel per message
 * (Coinbase's rule), so every name must be of the first name's channel. `jwt` is optional for
 * public channels.
 */
export function encodeRequest(type: 'subscribe' | 'unsubscribe', names: readonly string[], jwt?: string): string {
  const channel = parseStreamName(names[0]).channel;
  const req: Record<string, unknown> = { type, product_ids: names.map((n) => parseStreamName(n).productId), channel };
  if (jwt !== undefined) req.jwt = jwt;
  return JSON.stringify(req);
}

/**
 * `{"type":"subscribe","channel":"heartbeats"}`: one message a second on the connection, which
 * keeps every channel of it open (most close after 60-90 s without updates otherwise).
 */
export function encodeHeartbeats(jwt?: string): string {
  const req: Record<string, unknown> = { type: 'subscribe', channel: 'heartbeats' };
  if (jwt !== undefined) req.jwt = jwt;
  return JSON.stringify(req);
}
