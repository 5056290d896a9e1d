/**
 * Bybit v5 public spot topics: stream names, subscribe / unsubscribe requests and inbound frame
 * classification (protocols.md §4 "Subscribe, ack, limits and heartbeat"). Pure functions.
 *
 * A stream name is Bybit's own topic: `orderbook.{depth}.{symbol}`, `tickers.{symbol}`,
 * `publicTrade.{symbol}`, `kline.{interval}.{symbol}` — the name pushes are routed by (`topic`).
 */
import type { MarketChannel } from '../../core/channels';
import { TIMEFRAME_INTERVALS } from './parse';

/** Spot book depths with deltas (level 1 is snapshot-only and not offered). */
export const BOOK_DEPTHS = [50, 200, 1000] as const;
export type BookDepth = (typeof BOOK_DEPTHS)[number];

/**
 * The smallest depth whose book holds `limit` levels a side; 200 when no limit is given (a middle
 * ground: 50 is often too shallow to be a ladder, 1000 pushes five times slower); 1000 for any
 * limit beyond it (the deepest Bybit streams).
 */
export function depthFor(limit: number | undefined): BookDepth {
  if (limit === undefined) return 200;
  return BOOK_DEPTHS.find((d) => d >= limit) ?? 1000;
}

/** The depth of an `orderbook.{depth}.{symbol}` stream name. */
export function depthOfStream(name: string): BookDepth | undefined {
  const d = Number(name.split('.')[1]);
  return (BOOK_DEPTHS as readonly number[]).includes(d) ? (d as BookDepth) : undefined;
}

export function streamName(kind: MarketChannel, symbolId: string, depth: BookDepth, timeframe?: string): string {
  switch (kind) {
    case 'orderbook':
      return `orderbook.${depth}.${symbolId}`;
    case 'ticker':
      return `tickers.${symbolId}`;
    case 'trades':
      return `publicTrade.${symbolId}`;
    case 'ohlcv':
      return `kline.${TIMEFRAME_INTERVALS[timeframe ?? '1m']}.${symbolId}`;
  }
}

/** `{"req_id":"7","op":"subscribe","args":["orderbook.200.BTCUSDT","publicTrade.BTCUSDT"]}` */
export function encodeRequest(op: 'subscribe' | 'unsubscribe', names: readonly string[], id: number): string {
  return JSON.stringify({ req_id: String(id), op, args: names });
}

/** `{"req_id":"p1","op":"ping"}`: answered `{"success":true,"ret_msg":"pong","op":"ping",..}`. */
export function encodePing(n: number): string {
  return JSON.stringify({ req_id: `ping${n}`, op: 'ping' });
}

/** What an inbound (JSON) frame is. */
export type Inbound =
  | { type: 'data'; topic: string; kind: unknown; ts: number | undefined; data: unknown }
  | { type: 'ack'; id: number | undefined }
  | { type: 'refused'; id: number | undefined; op: string; msg: string }
  | { type: 'pong' }
  | { type: 'other' };

function idOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return +v;
  return undefined;
}

/**
 * Classifies a parsed frame:
 * - push `{"topic":"orderbook.50.BTCUSDT","type":"snapshot"|"delta","ts":..,"data":{..}}`;
 * - ack `{"success":true,"ret_msg":"subscribe","conn_id":"..","req_id":"10001","op":"subscribe"}`;
 * - refusal `{"success":false,"ret_msg":"error:handler not found,topic:..","req_id":"..","op":"subscribe"}`;
 * - pong `{"success":true,"ret_msg":"pong","conn_id":"..","op":"ping"}` (or `op: "pong"`).
 */
export function classify(msg: unknown): Inbound {
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return { type: 'other' };
  const m = msg as Record<string, unknown>;
  if (typeof m.topic === 'string' && m.data !== undefined) {
    return { type: 'data', topic: m.topic, kind: m.type, ts: typeof m.ts === 'number' ? m.ts : undefined, data: m.data };
  }
  if (m.op === 'ping' || m.op === 'pong') return { type: 'pong' };
  if (typeof m.op === 'string' && typeof m.success === 'boolean') {
    if (m.success) return { type: 'ack', id: idOf(m.req_id) };
    return { type: 'refused', id: idOf(m.req_id), op: m.op, msg: typeof m.ret_msg === 'string' ? m.ret_msg : '' };
  }
  return { type: 'other' };
}
