/**
 * Bybit v5 spot: pure functions from wire messages (public stream topics and REST market
 * endpoints) to unified structures. No I/O, no timers.
 *
 * Shapes follow Bybit's v5 docs (websocket/public orderbook, ticker, trade, kline; market
 * instrument, orderbook, tickers, recent-trade, kline) and the book was checked against the nautilus_trader capture of `orderbook.500.XRPUSDT`
 * (test/bybit-fixtures.test.js: one snapshot then 49 deltas, `u` contiguous).
 */
import type { OrderBook } from '../../book/orderbook';
import type { SequenceRule, SequenceVerdict } from '../../book/sync';
import type { BookDelta, BookSnapshot, RawLevel } from '../../book/types';
import type { OHLCV, Ticker, Trade } from '../../core/types';

/** ISO-8601 time of a ms timestamp, or undefined. */
export function iso(ts: number | undefined): string | undefined {
  return ts === undefined || !Number.isFinite(ts) ? undefined : new Date(ts).toISOString();
}

export function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = +(v as string);
  return Number.isFinite(n) ? n : undefined;
}

// ------------------------------------------------------------------ books

/** `data` of an orderbook push: `{"s":"BTCUSDT","b":[[px,sz]],"a":[[px,sz]],"u":18521288,"seq":7961638724}`. */
export interface BookData {
  s: string;
  b: [string, string][];
  a: [string, string][];
  u: number;
  seq?: number;
}

function checkLevels(list: unknown, side: string): RawLevel[] {
  if (!Array.isArray(list)) throw new Error(`${side} is not an array`);
  for (const l of list) {
    if (!Array.isArray(l) || typeof l[0] !== 'string' || typeof l[1] !== 'string' || !Number.isFinite(+l[0]) || !Number.isFinite(+l[1])) {
      throw new Error(`${side} level ${JSON.stringify(l)} is not [price, size] strings`);
    }
  }
  return list as RawLevel[];
}

function updateId(d: BookData): number {
  if (typeof d.u !== 'number' || !Number.isInteger(d.u) || d.u < 0) throw new Error(`update id u=${JSON.stringify(d.u)} is not an integer`);
  return d.u;
}

/**
 * Whether a push replaces the book: every `type: "snapshot"` does ("if you receive a new snapshot
 * message, you will have to reset your local orderbook"), and so does any push with `u: 1`
 * ("occasionally you'll receive u=1, which is a snapshot data due to the restart of the service:
 * overwrite your local orderbook").
 */
export function isBookSnapshot(type: unknown, d: { u?: unknown }): boolean {
  return type === 'snapshot' || d.u === 1;
}

/** A snapshot push: the nonce is its `u`. `ts` is the push's `ts` (ms). */
export function parseBookSnapshot(d: BookData, ts?: number): BookSnapshot {
  return { nonce: updateId(d), bids: checkLevels(d.b, 'b'), asks: checkLevels(d.a, 'a'), timestamp: ts };
}

/** A delta push: upserts, size "0" deletes; `first = last = u`. */
export function parseBookDelta(d: BookData, ts?: number): BookDelta {
  const u = updateId(d);
  return { first: u, last: u, bids: checkLevels(d.b, 'b'), asks: checkLevels(d.a, 'a'), timestamp: ts };
}

/**
 * The book's sequence rule. Bybit documents `u` as the update id which "in general is continuous"
 * (orderbook page of Bybit's v3 docs, 更新id，一般情況下該id是連續的; the v5 page does not restate it)
 * and the real capture agrees (`u` contiguous over 49 deltas). So each delta must carry
 * `u = previous u + 1`: a larger `u` is a lost update ('gap'), a smaller or equal one an
 * out-of-order push ('gap' too, named so). `strict: false` keeps only the ordering check.
 */
export function bookRule(strict = true): SequenceRule {
  return {
    name: strict ? 'bybit-u' : 'bybit-u-increasing',
    accept(nonce: number, d: BookDelta): SequenceVerdict {
      if (d.last <= nonce) return 'gap';
      if (strict && d.last !== nonce + 1) return 'gap';
      return 'apply';
    },
    describe(nonce: number, d: BookDelta): string {
      return d.last <= nonce
        ? `out-of-order u: got u=${d.last} after u=${nonce}`
        : `expected u=${nonce + 1}, got u=${d.last} (${d.last - nonce - 1} update(s) lost)`;
    },
    // every subscription starts with a snapshot: a delta seen before it belongs to no known book
    bufferWhileWaiting: false,
  };
}


// ------------------------------------------------------------------ tickers

/**
 * `tickers.{symbol}` data (spot: snapshot only, no bid/ask) and the REST tickers element (which
 * adds bid1Price, bid1Size, ask1Price, ask1Size).
 */
export interface BybitTicker {
  symbol: string;
  lastPrice: string;
  highPrice24h?: string;
  lowPrice24h?: string;
  prevPrice24h?: string;
  volume24h?: string;
  turnover24h?: string;
  price24hPcnt?: string;
  usdIndexPrice?: string;
  bid1Price?: string;
  bid1Size?: string;
  ask1Price?: string;
  ask1Size?: string;
}

export function parseTicker(t: BybitTicker, symbol: string, ts?: number): Ticker {
  if (!t || typeof t !== 'object' || typeof t.lastPrice !== 'string') throw new Error('ticker has no lastPrice');
  const last = num(t.lastPrice);
  const open = num(t.prevPrice24h);
  const change = last !== undefined && open !== undefined ? last - open : undefined;
  const pcnt = num(t.price24hPcnt);
  const base = num(t.volume24h);
  const quote = num(t.turnover24h);
  return {
    symbol,
    timestamp: ts,
    datetime: iso(ts),
    high: num(t.highPrice24h),
    low: num(t.lowPrice24h),
    bid: num(t.bid1Price),
    bidVolume: num(t.bid1Size),
    ask: num(t.ask1Price),
    askVolume: num(t.ask1Size),
    vwap: base && quote !== undefined ? quote / base : undefined,
    open,
    close: last,
    last,
    previousClose: open,
    change,
    // price24hPcnt is a fraction ("0.0123" = 1.23%)
    percentage: pcnt !== undefined ? pcnt * 100 : undefined,
    average: open !== undefined && last !== undefined ? (open + last) / 2 : undefined,
    baseVolume: base,
    quoteVolume: quote,
    info: t,
  };
}

// ------------------------------------------------------------------ trades

/** publicTrade element: `{"T":ms,"s":"BTCUSDT","S":"Buy","v":"0.001","p":"16578.50","L":"PlusTick","i":"..","BT":false,"seq":..}`. */
export interface WsTrade {
  T: number;
  s: string;
  S: 'Buy' | 'Sell';
  v: string;
  p: string;
  i: string;
  seq?: number;
}

function side(s: unknown): 'buy' | 'sell' | undefined {
  return s === 'Buy' ? 'buy' : s === 'Sell' ? 'sell' : undefined;
}

export function parseWsTrade(t: WsTrade, symbol: string): Trade {
  const price = num(t.p);
  const amount = num(t.v);
  if (price === undefined || amount === undefined) throw new Error('trade without price or size');
  const ts = typeof t.T === 'number' ? t.T : num(t.T);
  return { id: String(t.i), symbol, timestamp: ts, datetime: iso(ts), side: side(t.S), price, amount, cost: price * amount, info: t };
}

/** REST recent-trade element: `{execId, symbol, price, size, side, time, isBlockTrade, seq}`. */
export interface RestTrade {
  execId: string;
  symbol: string;
  price: string;
  size: string;
  side: 'Buy' | 'Sell';
  time: string;
}

export function parseRestTrade(t: RestTrade, symbol: string): Trade {
  const price = num(t.price) ?? NaN;
  const amount = num(t.size) ?? NaN;
  const ts = num(t.time);
  return { id: t.execId, symbol, timestamp: ts, datetime: iso(ts), side: side(t.side), price, amount, cost: price * amount, info: t };
}

// ------------------------------------------------------------------ candles

/** kline element: `{start, end, interval, open, close, high, low, volume, turnover, confirm, timestamp}`. */
export interface WsKline {
  start: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

export function parseWsKline(k: WsKline): OHLCV {
  const row = [num(k.start), num(k.open), num(k.high), num(k.low), num(k.close), num(k.volume)];
  if (row.some((x) => x === undefined)) throw new Error('kline has a missing field');
  return row as OHLCV;
}

/** REST kline row: `[startTime, open, high, low, close, volume, turnover]`, strings, newest first. */
export function parseRestKline(row: readonly unknown[]): OHLCV {
  if (!Array.isArray(row) || row.length < 6) throw new Error('kline row is not [start, o, h, l, c, volume, ...]');
  return [+(row[0] as string), +(row[1] as string), +(row[2] as string), +(row[3] as string), +(row[4] as string), +(row[5] as string)];
}

/** Unified timeframe -> Bybit kline interval (1 3 5 15 30 60 120 240 360 720 D W M). */
export const TIMEFRAME_INTERVALS: Readonly<Record<string, string>> = {
  '1m': '1',
  '3m': '3',
  '5m': '5',
  '15m': '15',
  '30m': '30',
  '1h': '60',
  '2h': '120',
  '4h': '240',
  '6h': '360',
  '12h': '720',
  '1d': 'D',
  '1w': 'W',
  '1M': 'M',
};

export const TIMEFRAMES = Object.keys(TIMEFRAME_INTERVALS);

// ------------------------------------------------------------------ REST

/** REST envelope: `{"retCode":0,"retMsg":"OK","result":{...},"retExtInfo":{},"time":..}`. */
export interface RestEnvelope<T> {
  retCode: number;
  retMsg?: string;
  result?: T;
  time?: number;
}

/** `GET /v5/market/orderbook` result: `{"s","a":[[px,sz]],"b":[..],"ts","u","seq","cts"}`. */
export interface RestBook {
  s: string;
  b: [string, string][];
  a: [string, string][];
  ts: number;
  u: number;
  seq?: number;
}

export function parseRestBook(r: RestBook): BookSnapshot {
  return { nonce: typeof r.u === 'number' ? r.u : 0, bids: checkLevels(r.b, 'b'), asks: checkLevels(r.a, 'a'), timestamp: num(r.ts) };
}
