/**
 * OKX v5 public and business channels: stream names, subscribe / unsubscribe requests and inbound
 * frame classification (protocols.md §3 "Subscribe, ack, limits and liveness"). Pure functions.
 *
 * A stream name is `<channel>:<instId>`, e.g. `books:BTC-USDT`, `tickers:BTC-USDT`,
 * `trades:BTC-USDT`, `candle1m:BTC-USDT` (the name inbound pushes are routed by: their `arg`).
 */
import type { MarketChannel } from '../../core/channels';
import { TIMEFRAME_BARS } from './parse';

/** Book channels the adapter can stream: incremental 400 levels, or 5 / 1 level snapshots. */
export type BookChannel = 'books' | 'books5' | 'bbo-tbt';

/** Channel of a topic. */
export function channelOf(kind: MarketChannel, bookChannel: BookChannel, timeframe?: string): string {
  switch (kind) {
    case 'orderbook':
      return bookChannel;
    case 'ticker':
      return 'tickers';
    case 'trades':
      return 'trades';
    case 'ohlcv':
      return `candle${TIMEFRAME_BARS[timeframe ?? '1m']}`;
  }
}

/** Candles are served on /ws/v5/business, everything else here on /ws/v5/public. */
export function isBusinessChannel(channel: string): boolean {
  return channel.startsWith('candle');
}

export function streamName(channel: string, instId: string): string {
  return `${channel}:${instId}`;
}

function argOf(name: string): { channel: string; instId: string } {
  const i = name.indexOf(':');
  return { channel: name.slice(0, i), instId: name.slice(i + 1) };
}

/** `{"id":"7","op":"subscribe","args":[{"channel":"books","instId":"BTC-USDT"},...]}` */
export function encodeRequest(op: 'subscribe' | 'unsubscribe', names: readonly string[], id: number): string {
  return JSON.stringify({ id: String(id), op, args: names.map(argOf) });
}

/** What an inbound (JSON) frame is. */
export type Inbound =
  | { type: 'data'; stream: string; action: 'snapshot' | 'update' | 'unknown' | undefined; data: unknown[] }
  | { type: 'ack'; id: number | undefined; stream: string | undefined }
  | { type: 'error'; id: number | undefined; code: string; msg: string }
  | { type: 'notice'; code: string; msg: string }
  | { type: 'other' };

function idOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return +v;
  return undefined;
}

/**
 * Classifies a parsed frame (the text `pong` is handled before JSON.parse):
 * - push `{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot","data":[...]}`;
 * - ack `{"id":"1512","event":"subscribe"|"unsubscribe","arg":{...},"connId":".."}` (one per arg);
 * - error `{"id":"1512","event":"error","code":"60012","msg":"Invalid request: ...","connId":".."}`;
 * - notice `{"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade..."}`.
 */
export function classify(msg: unknown): Inbound {
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return { type: 'other' };
  const m = msg as Record<string, unknown>;
  const arg = m.arg as { channel?: unknown; instId?: unknown } | undefined;
  const stream =
    arg && typeof arg.channel === 'string' && typeof arg.instId === 'string' ? streamName(arg.channel, arg.instId) : undefined;
  if (typeof m.event === 'string') {
    switch (m.event) {
      case 'subscribe':
      case 'unsubscribe':
        return { type: 'ack', id: idOf(m.id), stream };
      case 'error':
        return { type: 'error', id: idOf(m.id), code: String(m.code ?? ''), msg: typeof m.msg === 'string' ? m.msg : '' };
      case 'notice':
        return { type: 'notice', code: String(m.code ?? ''), msg: typeof m.msg === 'string' ? m.msg : '' };
      default:
        return { type: 'other' };
    }
  }
  if (stream !== undefined && Array.isArray(m.data)) {
    // absent (books5, bbo-tbt, tickers...), one of the two, or something no push carries
    const action = m.action === undefined ? undefined : m.action === 'snapshot' || m.action === 'update' ? m.action : 'unknown';
    return { type: 'data', stream, action, data: m.data };
  }
  return { type: 'other' };
}
