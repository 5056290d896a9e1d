/**
 * Coinbase Advanced Trade: pure functions from wire messages (market-data WebSocket channels and
 * REST market endpoints) to unified structures. No I/O, no timers.
 *
 * Shapes follow the example messages of Coinbase's "Advanced Trade WebSocket Channels" page
 * (docs.cdp.coinbase.com/coinbase-app/advanced-trade-apis/websocket/websocket-channels) and the
 * REST reference, as summarised in protocols.md (the project brief) §5; test/coinbase-parse.test.js feeds
 * them those documented examples. Every message has the envelope
 * `{"channel","client_id","timestamp","sequence_num","events":[...]}`.
 */
import type { OHLCV, Ticker, Trade } from '../../core/types';
import type { BookDelta, BookSnapshot, RawLevel } from '../../book/types';

/** ms of an ISO-8601 / RFC 3339 time (nanosecond fractions allowed), or undefined. */
export function parseTime(v: unknown): number | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : undefined;
}

export function iso(ts: number | undefined): string | undefined {
  return ts === undefined || !Number.isFinite(ts) ? undefined : new Date(ts).toISOString();
}

function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = +(v as string);
  return Number.isFinite(n) ? n : undefined;
}

function req(v: unknown, what: string): number {
  const n = num(v);
  if (n === undefined) throw new Error(`${what} ${JSON.stringify(v)} is not a number`);
  return n;
}

/** The envelope of every market-data and user message. */
export interface Envelope {
  channel: string;
  client_id?: string;
  timestamp?: string;
  sequence_num?: number;
  events?: unknown[];
}

// ------------------------------------------------------------------ level2 (channel "l2_data")

/** One `updates[]` element: `{"side":"bid"|"offer","event_time","price_level","new_quantity"}`. */
export interface L2Update {
  side: string;
  event_time?: string;
  price_level: string;
  new_quantity: string;
}

/** One l2_data event: `{"type":"snapshot"|"update","product_id","updates":[...]}`. */
export interface L2Event {
  type: 'snapshot' | 'update';
  product_id: string;
  updates: L2Update[];
}

/**
 * Splits an event's updates by side as [price, quantity] wire strings. `new_quantity` is the
 * level's new absolute size; "0" removes it. Throws on an unknown side or a non-numeric field, so
 * nothing of a bad event is applied.
 */
function l2Levels(e: L2Event): { bids: RawLevel[]; asks: RawLevel[]; time: number | undefined } {
  if (!Array.isArray(e.updates)) throw new Error('updates is not an array');
  const bids: RawLevel[] = [];
  const asks: RawLevel[] = [];
  let time: number | undefined;
  for (const u of e.updates) {
    if (!u || typeof u.price_level !== 'string' || typeof u.new_quantity !== 'string') {
      throw new Error(`update ${JSON.stringify(u)} has no price_level / new_quantity strings`);
    }
    req(u.price_level, 'price_level');
    req(u.new_quantity, 'new_quantity');
    if (u.side === 'bid') bids.push([u.price_level, u.new_quantity]);
    // "offer" on the wire; "ask" accepted as well
    else if (u.side === 'offer' || u.side === 'ask') asks.push([u.price_level, u.new_quantity]);
    else throw new Error(`update side ${JSON.stringify(u.side)} is neither bid nor offer`);
    const t = parseTime(u.event_time);
    // snapshot levels carry the epoch as their event_time
    if (t !== undefined && t > 0 && (time === undefined || t > time)) time = t;
  }
  return { bids, asks, time };
}

/**
 * A snapshot event. Its nonce is the message's connection-wide `sequence_num` (the book has no
 * sequence of its own: the connection's is checked by the decoder).
 */
export function parseL2Snapshot(e: L2Event, seq: number, timestamp: number | undefined): BookSnapshot {
  const { bids, asks, time } = l2Levels(e);
  return { nonce: seq, bids, asks, timestamp: time ?? timestamp };
}

/** An update event: applied as it comes (no per-book sequence), numbered by `sequence_num`. */
export function parseL2Update(e: L2Event, seq: number, timestamp: number | undefined): BookDelta {
  const { bids, asks, time } = l2Levels(e);
  return { first: seq, last: seq, bids, asks, timestamp: time ?? timestamp };
}

// ------------------------------------------------------------------ ticker / ticker_batch

/** One `tickers[]` element of the ticker and ticker_batch channels. */
export interface WsTicker {
  type?: string;
  product_id: string;
  price: string;
  volume_24_h?: string;
  low_24_h?: string;
  high_24_h?: string;
  low_52_w?: string;
  high_52_w?: string;
  price_percent_chg_24_h?: string;
  best_bid?: string;
  best_bid_quantity?: string;
  best_ask?: string;
  best_ask_quantity?: string;
}

/**
 * A ticker. `price_percent_chg_24_h` is the change in percent over 24 h, so the 24 h open is
 * `last / (1 + pct / 100)`. Coinbase gives the 24 h volume in base units only.
 */
export function parseTicker(t: WsTicker, symbol: string, timestamp: number | undefined): Ticker {
  const last = req(t.price, 'price');
  const pct = num(t.price_percent_chg_24_h);
  const open = pct !== undefined && pct !== -100 ? last / (1 + pct / 100) : undefined;
  const change = open !== undefined ? last - open : undefined;
  return {
    symbol,
    timestamp,
    datetime: iso(timestamp),
    high: num(t.high_24_h),
    low: num(t.low_24_h),
    bid: num(t.best_bid),
    bidVolume: num(t.best_bid_quantity),
    ask: num(t.best_ask),
    askVolume: num(t.best_ask_quantity),
    open,
    close: last,
    last,
    change,
    percentage: pct,
    average: open !== undefined ? (open + last) / 2 : undefined,
    baseVolume: num(t.volume_24_h),
    info: t,
  };
}

// ------------------------------------------------------------------ market_trades

/** One `trades[]` element (channel and REST `/ticker`): `side` is the MAKER's side. */
export interface WsTrade {
  trade_id: string;
  product_id: string;
  price: string;
  size: string;
  side: string;
  time: string;
}

/**
 * A public trade. Coinbase's `side` is the maker order's side ("BUY" means a resting buy order was
 * hit by a seller); the unified trade's side is the taker's, so it is inverted.
 */
export function parseTrade(t: WsTrade, symbol: string): Trade {
  const ts = parseTime(t.time);
  const price = req(t.price, 'price');
  const amount = req(t.size, 'size');
  const maker = typeof t.side === 'string' ? t.side.toUpperCase() : '';
  return {
    id: String(t.trade_id),
    symbol,
    timestamp: ts,
    datetime: iso(ts),
    side: maker === 'BUY' ? 'sell' : maker === 'SELL' ? 'buy' : undefined,
    price,
    amount,
    cost: price * amount,
    info: t,
  };
}

/** Trades oldest first (a batch may come newest first): by time, then by numeric trade id. */
export function sortTrades(list: Trade[]): Trade[] {
  return list.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0) || idOrder(a.id, b.id));
}

function idOrder(a: string | undefined, b: string | undefined): number {
  const x = Number(a);
  const y = Number(b);
  return Number.isFinite(x) && Number.isFinite(y) ? x - y : 0;
}

// ------------------------------------------------------------------ candles

/** One candle of the channel and of REST: `start` in unix SECONDS, the rest decimal strings. */
export interface WsCandle {
  start: string;
  high: string;
  low: string;
  open: string;
  close: string;
  volume: string;
  product_id?: string;
}

export function parseCandle(c: WsCandle): OHLCV {
  return [req(c.start, 'start') * 1000, req(c.open, 'open'), req(c.high, 'high'), req(c.low, 'low'), req(c.close, 'close'), req(c.volume, 'volume')];
}

/**
 * Unified timeframe -> REST `granularity`. The candles channel pushes only five-minute candles
 * (protocols.md §5 "candles"), so '5m' is the only streamed timeframe.
 */
export const GRANULARITY: Readonly<Record<string, string>> = {
  '1m': 'ONE_MINUTE',
  '5m': 'FIVE_MINUTE',
  '15m': 'FIFTEEN_MINUTE',
  '30m': 'THIRTY_MINUTE',
  '1h': 'ONE_HOUR',
  '2h': 'TWO_HOUR',
  '6h': 'SIX_HOUR',
  '1d': 'ONE_DAY',
};

export const GRANULARITY_SECONDS: Readonly<Record<string, number>> = {
  '1m': 60,
  '5m': 300,
  '15m': 900,
  '30m': 1800,
  '1h': 3600,
  '2h': 7200,
  '6h': 21600,
  '1d': 86400,
};

export const TIMEFRAMES = Object.keys(GRANULARITY);

/** The one timeframe of the candles channel. */
export const STREAMED_TIMEFRAME = '5m';

// ------------------------------------------------------------------ REST

/** `GET /market/product_book`: `{"pricebook":{"product_id","bids":[{"price","size"}],"asks":[...],"time"}}`. */
export interface RestPriceBook {
  pricebook?: { product_id?: string; bids?: { price: string; size: string }[]; asks?: { price: string; size: string }[]; time?: string };
}

export function parseRestBook(r: RestPriceBook): BookSnapshot {
  const pb = r.pricebook;
  if (!pb || !Array.isArray(pb.bids) || !Array.isArray(pb.asks)) throw new Error('reply has no pricebook with bids and asks');
  const lv = (l: { price: string; size: string }): RawLevel => {
    req(l?.price, 'price');
    req(l?.size, 'size');
    return [l.price, l.size];
  };
  const ts = parseTime(pb.time);
  return { nonce: 0, bids: pb.bids.map(lv), asks: pb.asks.map(lv), timestamp: ts };
}

/** `GET /market/products/{id}/ticker`: `{"trades":[...newest first],"best_bid","best_ask"}`. */
export interface RestTickerReply {
  trades?: WsTrade[];
  best_bid?: string;
  best_ask?: string;
}
