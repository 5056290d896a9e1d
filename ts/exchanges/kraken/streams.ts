/**
 * Kraken WebSocket v2 public channels: stream names, subscribe / unsubscribe requests and inbound
 * frame classification (protocols.md §2 "Envelope, subscribe and acks"; docs.kraken.com
 * websocket-v2 book / ticker / trade / ohlc pages). Pure functions.
 *
 * A stream name is `<channel>:<v2 symbol>` plus the channel's parameter where it has one:
 * `book:BTC/USD`, `ticker:BTC/USD`, `trade:BTC/USD`, `ohlc:BTC/USD:1` (interval in minutes).
 * The book depth is one per client (the `bookDepth` option), so it is not part of the name.
 * `instrument` (no symbol) is the reference-data channel kept subscribed while books are open.
 */
import type { MarketChannel } from '../../core/channels';

export type V2Channel = 'book' | 'ticker' | 'trade' | 'ohlc' | 'instrument';

/**
 * The stream of the `instrument` channel (docs.kraken.com websocket-v2 "instrument": reference
 * data of every asset and pair, `price_precision` / `qty_precision` among it, a snapshot and then
 * updates when something changes). It has no symbol.
 */
export const INSTRUMENT_STREAM = 'instrument';

/** Depths the book channel accepts. */
export const BOOK_DEPTHS = [10, 25, 100, 500, 1000] as const;
export type BookDepth = (typeof BOOK_DEPTHS)[number];

const CHANNEL_OF: Record<MarketChannel, V2Channel> = {
  orderbook: 'book',
  ticker: 'ticker',
  trades: 'trade',
  ohlcv: 'ohlc',
};

/** Stream name of a topic. */
export function streamName(kind: MarketChannel, wsSymbol: string, intervalMinutes?: number): string {
  const ch = CHANNEL_OF[kind];
  return ch === 'ohlc' ? `ohlc:${wsSymbol}:${intervalMinutes ?? 1}` : `${ch}:${wsSymbol}`;
}

/** Stream name of an inbound data element (`channel` of the message, `symbol` of the element). */
export function dataStreamName(channel: string, symbol: string, interval?: number): string {
  return channel === 'ohlc' ? `ohlc:${symbol}:${interval ?? 1}` : `${channel}:${symbol}`;
}

interface Parsed {
  channel: V2Channel;
  symbol: string;
  interval?: number;
}

/** Splits a stream name (symbols contain '/', never ':'). */
export function parseStreamName(name: string): Parsed {
  const parts = name.split(':');
  const channel = parts[0] as V2Channel;
  return channel === 'ohlc' ? { channel, symbol: parts[1], interval: +parts[2] } : { channel, symbol: parts[1] };
}

/**
 * `{"method":"subscribe","params":{"channel":"book","symbol":["BTC/USD"],"depth":100,"snapshot":true},"req_id":7}`.
 * All names must be of the same channel (and interval); the adapter sends one name per request,
 * so each acknowledgement or refusal maps to exactly one stream.
 */
export function encodeRequest(
  method: 'subscribe' | 'unsubscribe',
  names: readonly string[],
  reqId: number,
  bookDepth: BookDepth,
): string {
  if (names[0] === INSTRUMENT_STREAM) {
    // {"method":"subscribe","params":{"channel":"instrument","snapshot":true},"req_id":N}
    const params: Record<string, unknown> = { channel: 'instrument' };
    if (method === 'subscribe') params.snapshot = true;
    return JSON.stringify({ method, params, req_id: reqId });
  }
  const first = parseStreamName(names[0]);
  const params: Record<string, unknown> = { channel: first.channel, symbol: names.map((n) => parseStreamName(n).symbol) };
  if (first.channel === 'book') params.depth = bookDepth;
  if (first.channel === 'ohlc') params.interval = first.interval;
  if (method === 'subscribe') {
    // a fresh snapshot on every book subscription is what resyncs the book; trades want only new
    // trades (fetchTrades seeds history from REST)
    params.snapshot = first.channel !== 'trade';
  }
  return JSON.stringify({ method, params, req_id: reqId });
}

/** `{"method":"ping","req_id":N}`: Kraken's application-level ping (answered with method "pong"). */
export function encodePing(reqId: number): string {
  return JSON.stringify({ method: 'ping', req_id: reqId });
}

/** What an inbound frame is. */
export type Inbound =
  | { type: 'data'; channel: string; kind: 'snapshot' | 'update'; data: unknown[] }
  | { type: 'instrument'; kind: 'snapshot' | 'update'; pairs: unknown[] }
  | { type: 'ack'; method: string; reqId: number | undefined; channel: string | undefined; symbol: string | undefined }
  | { type: 'error'; method: string | undefined; reqId: number | undefined; error: string; symbol: string | undefined }
  | { type: 'heartbeat' }
  | { type: 'pong' }
  | { type: 'status'; system: string | undefined }
  | { type: 'other' };

/**
 * Classifies a parsed frame:
 * - channel data `{"channel":"book","type":"snapshot"|"update","data":[...]}`;
 * - ack `{"method":"subscribe","result":{"channel":"book","symbol":"BTC/USD",...},"success":true,"req_id":1}`
 *   (one per symbol);
 * - refusal `{"method":"subscribe","success":false,"error":"Currency pair not supported XBT/USD","symbol":"XBT/USD",...}`;
 * - `{"channel":"heartbeat"}`, `{"method":"pong","req_id":..}`,
 *   `{"channel":"status","type":"update","data":[{"system":"online",...}]}`.
 */
export function classify(msg: unknown): Inbound {
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return { type: 'other' };
  const m = msg as Record<string, unknown>;
  const reqId = typeof m.req_id === 'number' ? m.req_id : undefined;
  if (typeof m.method === 'string') {
    if (m.method === 'pong') return { type: 'pong' };
    if (m.success === false || typeof m.error === 'string') {
      return {
        type: 'error',
        method: m.method,
        reqId,
        error: typeof m.error === 'string' ? m.error : 'request failed',
        symbol: typeof m.symbol === 'string' ? m.symbol : undefined,
      };
    }
    if (m.success === true) {
      const r = (m.result ?? {}) as { channel?: unknown; symbol?: unknown };
      return {
        type: 'ack',
        method: m.method,
        reqId,
        channel: typeof r.channel === 'string' ? r.channel : undefined,
        symbol: typeof r.symbol === 'string' ? r.symbol : undefined,
      };
    }
    return { type: 'other' };
  }
  if (m.success === false && typeof m.error === 'string') {
    return { type: 'error', method: undefined, reqId, error: m.error, symbol: typeof m.symbol === 'string' ? m.symbol : undefined };
  }
  if (typeof m.channel === 'string') {
    if (m.channel === 'heartbeat') return { type: 'heartbeat' };
    if (m.channel === 'status') {
      const d = Array.isArray(m.data) ? (m.data[0] as { system?: unknown } | undefined) : undefined;
      return { type: 'status', system: typeof d?.system === 'string' ? d.system : undefined };
    }
    if (m.channel === 'instrument' && (m.type === 'snapshot' || m.type === 'update')) {
      // data is one object: {"assets":[...],"pairs":[...]} (an update lists what changed)
      const d = m.data as { pairs?: unknown } | undefined;
      return { type: 'instrument', kind: m.type, pairs: d && Array.isArray(d.pairs) ? d.pairs : [] };
    }
    if (Array.isArray(m.data) && (m.type === 'snapshot' || m.type === 'update')) {
      return { type: 'data', channel: m.channel, kind: m.type, data: m.data };
    }
  }
  return { type: 'other' };
}
