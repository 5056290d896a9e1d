/**
 * Kraken Spot: pure functions from wire messages (WebSocket v2 and REST) to unified structures.
 * No I/O, no timers.
 *
 * WebSocket v2 shapes follow docs.kraken.com/api/docs/websocket-v2/{book,ticker,trade,ohlc} and
 * protocols.md (the project brief) §2; e.g. the book update
 * `{"channel":"book","type":"update","data":[{"symbol":"MATIC/USD","bids":[{"price":0.5657,
 * "qty":1098.3947558}],"asks":[],"checksum":2114181697,"timestamp":"2023-10-06T17:35:55.440295Z"}]}`.
 * REST shapes follow the same section ("REST market endpoints") and the OHLC reply of
 * docs.kraken.com/api-reference/market-data/get-ohlc-data. The v1 book rules (same checksum)
 * were checked against the cryptofeed capture KRAKEN.ws.50.0 (test/fixtures/cryptofeed) (test/kraken-fixtures.test.js).
 */
import type { OHLCV, Ticker, Trade } from '../../core/types';
import type { BookDelta, BookSnapshot, RawLevel } from '../../book/types';

/** ISO-8601 time of a ms timestamp, or undefined. */
export function iso(ts: number | undefined): string | undefined {
  return ts === undefined || !Number.isFinite(ts) ? undefined : new Date(ts).toISOString();
}

/**
 * Milliseconds of an RFC 3339 time with up to nanosecond digits ("2023-10-06T17:35:55.440295Z",
 * "2023-10-04T15:25:00.000000000Z"); undefined when absent or unreadable.
 */
export function parseTime(text: unknown): number | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  // keep milliseconds: Date.parse is only specified for the ISO format with 3 fraction digits
  const t = Date.parse(text.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isFinite(t) ? t : undefined;
}

function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : +(v as string);
  return Number.isFinite(n) ? n : undefined;
}

// ------------------------------------------------------------------ WebSocket v2: envelope

/** `{"channel":"<name>","type":"snapshot"|"update","data":[...]}` */
export interface ChannelMessage<T = unknown> {
  channel: string;
  type?: 'snapshot' | 'update';
  data?: T[];
}

// ------------------------------------------------------------------ book

export interface V2Level {
  price: number;
  qty: number;
}

/** One element of a book message's `data` (always exactly one per symbol). */
export interface V2Book {
  symbol: string;
  bids?: V2Level[];
  asks?: V2Level[];
  checksum?: number;
  timestamp?: string;
}

function levels(list: V2Level[] | undefined): RawLevel[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new Error('book levels are not an array');
  const out: RawLevel[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const l = list[i];
    if (typeof l !== 'object' || l === null || typeof l.price !== 'number' || typeof l.qty !== 'number') {
      throw new Error(`book level ${JSON.stringify(l)} is not {price: number, qty: number}`);
    }
    out[i] = [l.price, l.qty];
  }
  return out;
}

/**
 * A v2 book snapshot. Kraken books carry no sequence number, so `nonce` is the caller's count of
 * messages applied since the snapshot (0 here).
 */
export function parseBookSnapshot(b: V2Book, nonce = 0): BookSnapshot {
  return {
    nonce,
    bids: levels(b.bids),
    asks: levels(b.asks),
    timestamp: parseTime(b.timestamp),
    checksum: typeof b.checksum === 'number' ? b.checksum : undefined,
  };
}

/** A v2 book update; `seq` is the caller's message count (Kraken sends no sequence number). */
export function parseBookUpdate(b: V2Book, seq: number): BookDelta {
  return {
    first: seq,
    last: seq,
    bids: levels(b.bids),
    asks: levels(b.asks),
    timestamp: parseTime(b.timestamp),
    checksum: typeof b.checksum === 'number' ? b.checksum : undefined,
  };
}

// ------------------------------------------------------------------ ticker

/** `ticker` data element. */
export interface V2Ticker {
  symbol: string;
  bid?: number;
  bid_qty?: number;
  ask?: number;
  ask_qty?: number;
  last?: number;
  volume?: number;
  vwap?: number;
  low?: number;
  high?: number;
  change?: number;
  change_pct?: number;
  timestamp?: string;
}

export function parseTicker(t: V2Ticker, symbol: string): Ticker {
  const last = num(t.last);
  const change = num(t.change);
  const open = last !== undefined && change !== undefined ? last - change : undefined;
  const volume = num(t.volume);
  const vwap = num(t.vwap);
  const ts = parseTime(t.timestamp);
  return {
    symbol,
    timestamp: ts,
    datetime: iso(ts),
    high: num(t.high),
    low: num(t.low),
    bid: num(t.bid),
    bidVolume: num(t.bid_qty),
    ask: num(t.ask),
    askVolume: num(t.ask_qty),
    vwap,
    open,
    close: last,
    last,
    change,
    percentage: num(t.change_pct),
    average: open !== undefined && last !== undefined ? (open + last) / 2 : undefined,
    baseVolume: volume,
    quoteVolume: volume !== undefined && vwap !== undefined ? volume * vwap : undefined,
    info: t,
  };
}

// ------------------------------------------------------------------ trade

/** `trade` data element; side and ord_type describe the taker. */
export interface V2Trade {
  symbol: string;
  side: 'buy' | 'sell';
  price: number;
  qty: number;
  ord_type?: string;
  trade_id?: number;
  timestamp?: string;
}

export function parseTrade(t: V2Trade, symbol: string): Trade {
  const ts = parseTime(t.timestamp);
  return {
    id: t.trade_id === undefined ? undefined : String(t.trade_id),
    symbol,
    timestamp: ts,
    datetime: iso(ts),
    side: t.side === 'buy' || t.side === 'sell' ? t.side : undefined,
    type: t.ord_type,
    price: t.price,
    amount: t.qty,
    cost: t.price * t.qty,
    info: t,
  };
}

// ------------------------------------------------------------------ ohlc

/** `ohlc` data element. */
export interface V2Candle {
  symbol: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  vwap?: number;
  trades?: number;
  interval_begin?: string;
  interval: number;
  /** Deprecated alias of interval_begin. */
  timestamp?: string;
}

export function parseCandle(c: V2Candle): OHLCV {
  const t = parseTime(c.interval_begin) ?? parseTime(c.timestamp);
  if (t === undefined) throw new Error('candle without interval_begin');
  return [t, c.open, c.high, c.low, c.close, c.volume];
}

/** Unified timeframe -> Kraken interval in minutes (ohlc channel and REST OHLC). */
export const TIMEFRAME_MINUTES: Readonly<Record<string, number>> = {
  '1m': 1,
  '5m': 5,
  '15m': 15,
  '30m': 30,
  '1h': 60,
  '4h': 240,
  '1d': 1440,
  '1w': 10080,
  // Kraken's longest interval is 21600 minutes (15 days); ccxt calls it '2w'
  '2w': 21600,
};

export const TIMEFRAMES = Object.keys(TIMEFRAME_MINUTES);

// ------------------------------------------------------------------ REST

/** REST envelope: `{"error":["EQuery:Unknown asset pair"],"result":{}}`. */
export interface RestEnvelope<T> {
  error?: string[];
  result?: T;
}

/** `GET /0/public/Depth` result entry: levels are [price, volume, timestamp] strings. */
export interface RestDepth {
  asks: [string, string, number][];
  bids: [string, string, number][];
}

/** A REST depth reply as a snapshot (no sequence number: nonce 0). */
export function parseRestDepth(d: RestDepth): BookSnapshot {
  if (!d || !Array.isArray(d.bids) || !Array.isArray(d.asks)) throw new Error('Depth result has no bids/asks arrays');
  return { nonce: 0, bids: d.bids, asks: d.asks };
}

/**
 * `GET /0/public/Ticker` entry: a [ask, whole-lot vol, lot vol], b [bid, ...], c [last, lot vol],
 * v [today, 24h], p vwap [today, 24h], t trades, l low, h high, o open.
 */
export interface RestTicker {
  a: string[];
  b: string[];
  c: string[];
  v: string[];
  p: string[];
  t: number[];
  l: string[];
  h: string[];
  o: string;
}

export function parseRestTicker(t: RestTicker, symbol: string, now = Date.now()): Ticker {
  const last = num(t.c?.[0]);
  const open = num(t.o);
  const base = num(t.v?.[1]);
  const vwap = num(t.p?.[1]);
  const change = last !== undefined && open !== undefined ? last - open : undefined;
  return {
    symbol,
    timestamp: now,
    datetime: iso(now),
    high: num(t.h?.[1]),
    low: num(t.l?.[1]),
    bid: num(t.b?.[0]),
    bidVolume: num(t.b?.[2]),
    ask: num(t.a?.[0]),
    askVolume: num(t.a?.[2]),
    vwap,
    open,
    close: last,
    last,
    change,
    percentage: change !== undefined && open ? (change / open) * 100 : undefined,
    average: open !== undefined && last !== undefined ? (open + last) / 2 : undefined,
    baseVolume: base,
    quoteVolume: base !== undefined && vwap !== undefined ? base * vwap : undefined,
    info: t,
  };
}

/** `GET /0/public/Trades` row: [price, volume, time (s), "b"|"s", "m"|"l", misc, trade_id?]. */
export type RestTrade = [string, string, number, string, string, string, number?];

export function parseRestTrade(r: RestTrade, symbol: string): Trade {
  const price = +r[0];
  const amount = +r[1];
  const ts = Math.round(+r[2] * 1000);
  return {
    id: r[6] === undefined ? undefined : String(r[6]),
    symbol,
    timestamp: ts,
    datetime: iso(ts),
    side: r[3] === 'b' ? 'buy' : r[3] === 's' ? 'sell' : undefined,
    type: r[4] === 'm' ? 'market' : r[4] === 'l' ? 'limit' : undefined,
    price,
    amount,
    cost: price * amount,
    info: r,
  };
}

/** `GET /0/public/OHLC` row: [time (s), open, high, low, close, vwap, volume, count]. */
export function parseRestCandle(r: readonly unknown[]): OHLCV {
  return [(r[0] as number) * 1000, +(r[1] as string), +(r[2] as string), +(r[3] as string), +(r[4] as string), +(r[6] as string)];
}

/** The single pair entry of a REST result keyed by pair (`{"XXBTZUSD": ..., "last": ...}`). */
export function pairEntry<T>(result: Record<string, unknown> | undefined, id: string): T | undefined {
  if (!result) return undefined;
  if (id in result) return result[id] as T;
  for (const [k, v] of Object.entries(result)) if (k !== 'last') return v as T;
  return undefined;
}
