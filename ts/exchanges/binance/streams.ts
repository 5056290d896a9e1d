/**
 * Binance Spot market streams: stream names, control messages and inbound frame classification
 * (web-socket-streams.md; protocols.md (the project brief) §1 "Subscribe and unsubscribe"). Pure functions.
 */
import type { MarketChannel } from '../../core/channels';

/** Stream name of a topic. Names are lowercase (docs: "All symbols for streams are lowercase"). */
export function streamName(kind: MarketChannel, marketId: string, timeframe?: string): string {
  const s = marketId.toLowerCase();
  switch (kind) {
    case 'orderbook':
      return `${s}@depth@100ms`;
    case 'ticker':
      return `${s}@ticker`;
    case 'trades':
      return `${s}@trade`;
    case 'ohlcv':
      return `${s}@kline_${timeframe ?? '1m'}`;
  }
}

/**
 * The stream name an unwrapped (raw-stream) payload belongs to, rebuilt from its event type and
 * symbol (`{"e":"depthUpdate","s":"BNBBTC",...}` -> `bnbbtc@depth@100ms`); '' if it is not one.
 */
export function rawKey(msg: unknown): string {
  const m = msg as { e?: unknown; s?: unknown; k?: { i?: unknown } } | null;
  if (!m || typeof m.e !== 'string' || typeof m.s !== 'string') return '';
  switch (m.e) {
    case 'depthUpdate':
      return streamName('orderbook', m.s);
    case 'trade':
      return streamName('trades', m.s);
    case '24hrTicker':
      return streamName('ticker', m.s);
    case 'kline':
      return streamName('ohlcv', m.s, typeof m.k?.i === 'string' ? m.k.i : undefined);
    default:
      return '';
  }
}

/** `{"method":"SUBSCRIBE","params":[...],"id":1}` */
export function encodeControl(method: 'SUBSCRIBE' | 'UNSUBSCRIBE', names: readonly string[], id: number): string {
  return JSON.stringify({ method, params: names, id });
}

/** What an inbound frame on a market-stream socket is. */
export type Inbound =
  | { type: 'data'; stream: string; data: unknown }
  | { type: 'ack'; id: number }
  | { type: 'error'; id: number | undefined; code: number; msg: string }
  | { type: 'shutdown' }
  | { type: 'other' };

/**
 * Classifies a parsed frame:
 * - combined payload `{"stream":"btcusdt@depth@100ms","data":{...}}`;
 * - ack `{"result":null,"id":1}`;
 * - error `{"code":2,"msg":"Invalid request: ...","id":1}` (id may be absent for code 3, bad JSON);
 * - `{"e":"serverShutdown","E":...}` or its combined form with stream "!serverShutdown", sent
 *   before the 24 h disconnect.
 */
export function classify(msg: unknown): Inbound {
  if (typeof msg !== 'object' || msg === null) return { type: 'other' };
  const m = msg as Record<string, unknown>;
  if (typeof m.stream === 'string' && 'data' in m) {
    const d = m.data as { e?: unknown } | null;
    if (m.stream === '!serverShutdown' || (d && d.e === 'serverShutdown')) return { type: 'shutdown' };
    return { type: 'data', stream: m.stream, data: m.data };
  }
  if (m.e === 'serverShutdown') return { type: 'shutdown' };
  if (typeof m.code === 'number' && typeof m.msg === 'string') {
    return { type: 'error', id: typeof m.id === 'number' ? m.id : undefined, code: m.code, msg: m.msg };
  }
  if ('result' in m && typeof m.id === 'number') return { type: 'ack', id: m.id };
  return { type: 'other' };
}

/** Streams named in the URL of a socket: `/stream?streams=a/b/c`, bounded to keep URLs short. */
export const MAX_STREAMS_IN_URL = 200;
