/**
 * Binance Spot: pure functions from wire messages to unified structures. No I/O, no timers.
 *
 * Shapes follow Binance's web-socket-streams.md and rest-api.md (see protocols.md (the project brief) §1)
 * and were checked against the cryptofeed captures BINANCE.* (test/fixtures/cryptofeed) and
 * the hftbacktest capture binance_spot_btcusdt_20240808 (test/fixtures/hftbacktest) (test/binance-fixtures.test.js).
 */
import { SequenceRule, straddleRule } from '../../book/sync';
import type { BookDelta, BookSnapshot } from '../../book/types';
import type { OHLCV, Ticker, Trade } from '../../core/types';

/** ISO-8601 time of a ms timestamp, or undefined. */
export function iso(ts: number | undefined): string | undefined {
  return ts === undefined ? undefined : new Date(ts).toISOString();
}

function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = +(v as string);
  return Number.isFinite(n) ? n : undefined;
}

/** `{"e":"depthUpdate","E":..,"s":"BNBBTC","U":157,"u":160,"b":[[p,q]],"a":[[p,q]]}` */
export interface DepthUpdateMsg {
  e: 'depthUpdate';
  E: number;
  s: string;
  U: number;
  u: number;
  b: [string, string][];
  a: [string, string][];
}

/** Diff-depth event -> BookDelta (U/u become first/last: protocols.md §1 "Local book sync"). */
export function parseDepthUpdate(m: DepthUpdateMsg): BookDelta {
  return { first: m.U, last: m.u, bids: m.b, asks: m.a, timestamp: m.E };
}

/** REST `GET /api/v3/depth` reply: `{"lastUpdateId":1027024,"bids":[[p,q]],"asks":[[p,q]]}`. */
/**
 * The diff-depth sequence rule ("How to manage a local order book correctly", protocols.md §1): the
 * generic straddle rule, with its gap explained in Binance's field names.
 */
export const depthRule: SequenceRule = {
  ...straddleRule,
  name: 'binance',
  describe(nonce: number, d: BookDelta, firstAfterSnapshot: boolean): string {
    return firstAfterSnapshot
      ? `first event after snapshot lastUpdateId=${nonce} has U=${d.first} u=${d.last}: expected U <= ${nonce + 1} <= u`
      : `expected U=${nonce + 1}, got U=${d.first} u=${d.last}`;
  },
};

export interface DepthSnapshotMsg {
  lastUpdateId: number;
  bids: [string, string][];
  asks: [string, string][];
}

export function parseDepthSnapshot(m: DepthSnapshotMsg): BookSnapshot {
  return { nonce: m.lastUpdateId, bids: m.bids, asks: m.asks };
}

/** `<sym>@trade`: `{"e":"trade","E","s","t","p","q","T","m","M"}`; m = buyer is the maker. */
export interface TradeMsg {
  e: 'trade';
  E: number;
  s: string;
  t: number;
  p: string;
  q: string;
  T: number;
  m: boolean;
}

export function parseTrade(m: TradeMsg, symbol: string): Trade {
  const price = +m.p;
  const amount = +m.q;
  return {
    id: String(m.t),
    symbol,
    timestamp: m.T,
    datetime: iso(m.T),
    // the buyer being the maker means the taker sold
    side: m.m ? 'sell' : 'buy',
    price,
    amount,
    cost: price * amount,
    info: m,
  };
}

/** REST `GET /api/v3/trades` element. */
export interface RestTrade {
  id: number;
  price: string;
  qty: string;
  quoteQty?: string;
  time: number;
  isBuyerMaker: boolean;
}

export function parseRestTrade(t: RestTrade, symbol: string): Trade {
  const price = +t.price;
  const amount = +t.qty;
  return {
    id: String(t.id),
    symbol,
    timestamp: t.time,
    datetime: iso(t.time),
    side: t.isBuyerMaker ? 'sell' : 'buy',
    price,
    amount,
    cost: t.quoteQty !== undefined ? +t.quoteQty : price * amount,
    info: t,
  };
}

/** `<sym>@ticker` (`24hrTicker`) event. */
export interface TickerMsg {
  e: '24hrTicker';
  E: number;
  s: string;
  p: string;
  P: string;
  w: string;
  x: string;
  c: string;
  Q: string;
  b: string;
  B: string;
  a: string;
  A: string;
  o: string;
  h: string;
  l: string;
  v: string;
  q: string;
  O: number;
  C: number;
}

export function parseTicker(m: TickerMsg, symbol: string): Ticker {
  return {
    symbol,
    timestamp: m.C ?? m.E,
    datetime: iso(m.C ?? m.E),
    high: num(m.h),
    low: num(m.l),
    bid: num(m.b),
    bidVolume: num(m.B),
    ask: num(m.a),
    askVolume: num(m.A),
    vwap: num(m.w),
    open: num(m.o),
    close: num(m.c),
    last: num(m.c),
    previousClose: num(m.x),
    change: num(m.p),
    percentage: num(m.P),
    average: avg(num(m.o), num(m.c)),
    baseVolume: num(m.v),
    quoteVolume: num(m.q),
    info: m,
  };
}

/** REST `GET /api/v3/ticker/24hr` element (FULL type). */
export interface RestTicker {
  symbol: string;
  priceChange: string;
  priceChangePercent: string;
  weightedAvgPrice: string;
  prevClosePrice?: string;
  lastPrice: string;
  bidPrice?: string;
  bidQty?: string;
  askPrice?: string;
  askQty?: string;
  openPrice: string;
  highPrice: string;
  lowPrice: string;
  volume: string;
  quoteVolume: string;
  openTime: number;
  closeTime: number;
}

export function parseRestTicker(t: RestTicker, symbol: string): Ticker {
  return {
    symbol,
    timestamp: t.closeTime,
    datetime: iso(t.closeTime),
    high: num(t.highPrice),
    low: num(t.lowPrice),
    bid: num(t.bidPrice),
    bidVolume: num(t.bidQty),
    ask: num(t.askPrice),
    askVolume: num(t.askQty),
    vwap: num(t.weightedAvgPrice),
    open: num(t.openPrice),
    close: num(t.lastPrice),
    last: num(t.lastPrice),
    previousClose: num(t.prevClosePrice),
    change: num(t.priceChange),
    percentage: num(t.priceChangePercent),
    average: avg(num(t.openPrice), num(t.lastPrice)),
    baseVolume: num(t.volume),
    quoteVolume: num(t.quoteVolume),
    info: t,
  };
}

function avg(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : (a + b) / 2;
}

/** `<sym>@kline_<tf>`: `{"e":"kline","E","s","k":{"t","T","s","i","o","c","h","l","v","x",...}}` */
export interface KlineMsg {
  e: 'kline';
  E: number;
  s: string;
  k: { t: number; T: number; i: string; o: string; c: string; h: string; l: string; v: string; x: boolean };
}

export function parseKline(m: KlineMsg): OHLCV {
  const k = m.k;
  return [k.t, +k.o, +k.h, +k.l, +k.c, +k.v];
}

/** REST `GET /api/v3/klines` row: [openTime, o, h, l, c, v, closeTime, quoteVol, trades, ...]. */
export function parseRestKline(row: readonly unknown[]): OHLCV {
  return [row[0] as number, +(row[1] as string), +(row[2] as string), +(row[3] as string), +(row[4] as string), +(row[5] as string)];
}

/** Timeframes Binance accepts for klines (rest-api.md "Kline/Candlestick chart intervals"). */
export const TIMEFRAMES = ['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M'] as const;
