/**
 * Bitfinex v2: pure functions from channel payloads and REST replies to unified structures
 * (protocols.md §6 "Books", "Ticker and trades"; Bitfinex v2 docs ws-public books / ticker /
 * trades / candles). Checked against cryptofeed capture BITFINEX.ws.11.0 (test/fixtures/cryptofeed)
 * (test/bitfinex-fixtures.test.js): e.g. book snapshot `[225206,[[277520,1,0.00383141],...],15]`,
 * update `[225206,[215350,0,1],18]`, ticker `[232949,[0.068965,60157.36709703,...],1]`, trades
 * snapshot `[232959,[[669899159,1618665870435,166.391496,0.076989],...],8]`.
 *
 * Books: `[PRICE, COUNT, AMOUNT]`, AMOUNT > 0 a bid, < 0 an ask; COUNT 0 deletes the level. Levels
 * go to the book with positive amounts and the renderings the checksum is computed from, those of
 * Bitfinex's reference client (bfx-api-node-models lib/order_book.js `checksum()`): the price as
 * JavaScript renders the received number, an exponent form written out in fixed notation its way
 * ({@link wireString}), the amount exactly as JavaScript renders it (`String()`, an exponent form
 * such as `5e-7` kept) — for the canonical JSON numbers Bitfinex sends, the wire's own text.
 */
import type { OHLCV, Ticker, Trade } from '../../core/types';
import type { RawLevel } from '../../book/types';

export function iso(ts: number | undefined): string | undefined {
  return ts === undefined || !Number.isFinite(ts) ? undefined : new Date(ts).toISOString();
}

/**
 * A price as Bitfinex's reference client renders it for the checksum (bfx-api-node-models
 * lib/order_book.js `checksum()`; protocols.md §6 "Checksum"): `String(n)` (`0.5`, not `0.50`),
 * and when that has an exponent (`5e-7`, `1.7e-7`: JSON carries very small prices so)
 * `n.toFixed(|exponent| + 1)` — `0.00000050`, `0.00000017`, two significant digits, a trailing
 * zero included. UNCONFIRMED against the server itself: no recorded `cs` frame covers such a price
 * (the capture BITFINEX.ws.11.0 has them but was recorded without checksums); the reference client
 * is Bitfinex's own. (It first rounds to 5 significant digits, which P0 prices already are.)
 */
export function wireString(n: number): string {
  const s = String(n);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const exp = Number(s.slice(e + 1));
  if (exp < 0) return n.toFixed(Math.min(100, -exp + 1));
  // 1e21 and above: every digit (no price comes near)
  return BigInt(Math.round(n)).toString();
}

/** `n` as a plain decimal string with exactly the digits of `String(n)` (`5e-7` -> `0.0000005`). */
export function plainDecimal(n: number): string {
  const s = String(n);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const neg = s.startsWith('-');
  const mant = s.slice(neg ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const [intPart, frac = ''] = mant.split('.');
  const digits = intPart + frac;
  const point = intPart.length + exp;
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return neg ? `-${out}` : out;
}

export function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** One P-precision level, validated: [price, count, amount]. */
function level(v: unknown): [number, number, number] {
  if (!Array.isArray(v) || v.length < 3 || !isNum(v[0]) || !isNum(v[1]) || !isNum(v[2])) {
    throw new Error(`book level is not [PRICE, COUNT, AMOUNT]: ${JSON.stringify(v)}`);
  }
  return [v[0], v[1], v[2]];
}

/** Levels split by side (amount sign), as raw levels the book takes: [priceString, |amount| string]. */
export interface SidedLevels {
  bids: RawLevel[];
  asks: RawLevel[];
}

/** Whether `v` is a level (an array starting with a number) rather than a list of levels. */
export function isLevelList(v: unknown[]): boolean {
  return v.length === 0 || Array.isArray(v[0]);
}

/**
 * Book levels (a snapshot's list or an update's single level) -> sides. Count 0 deletes: amount
 * 1 / -1 says the side; the book gets amount 0 there. Throws on a malformed level (nothing applied).
 */
export function parseBookLevels(list: readonly unknown[]): SidedLevels {
  const bids: RawLevel[] = [];
  const asks: RawLevel[] = [];
  for (const raw of list) {
    const [price, count, amount] = level(raw);
    if (amount === 0) throw new Error(`book level has amount 0: ${JSON.stringify(raw)}`);
    const side = amount > 0 ? bids : asks;
    // the amount as JavaScript renders it (the reference client leaves exponent forms of amounts)
    side.push(count === 0 ? [wireString(price), '0'] : [wireString(price), String(Math.abs(amount))]);
  }
  return { bids, asks };
}

/** REST `GET /v2/book/{symbol}/P0` -> sides (same level shape as the channel). */
export function parseRestBook(rows: unknown): SidedLevels {
  if (!Array.isArray(rows)) throw new Error('book reply is not an array of levels');
  return parseBookLevels(rows);
}

// ------------------------------------------------------------------ ticker

/** `[BID, BID_SIZE, ASK, ASK_SIZE, DAILY_CHANGE, DAILY_CHANGE_RELATIVE, LAST_PRICE, VOLUME, HIGH, LOW]`. */
export function parseTicker(t: unknown, symbol: string, timestamp?: number): Ticker {
  if (!Array.isArray(t) || t.length < 10 || !t.slice(0, 10).every((x) => x === null || isNum(x))) {
    throw new Error('ticker is not [BID, BID_SIZE, ASK, ASK_SIZE, CHANGE, CHANGE_REL, LAST, VOLUME, HIGH, LOW]');
  }
  const n = (i: number): number | undefined => (isNum(t[i]) ? (t[i] as number) : undefined);
  const last = n(6);
  const change = n(4);
  const open = last !== undefined && change !== undefined ? last - change : undefined;
  const rel = n(5);
  const base = n(7);
  return {
    symbol,
    timestamp,
    datetime: iso(timestamp),
    high: n(8),
    low: n(9),
    bid: n(0),
    bidVolume: n(1),
    ask: n(2),
    askVolume: n(3),
    open,
    close: last,
    last,
    previousClose: undefined,
    change,
    percentage: rel === undefined ? undefined : rel * 100,
    average: open !== undefined && last !== undefined ? (open + last) / 2 : undefined,
    baseVolume: base,
    quoteVolume: base !== undefined && last !== undefined ? base * last : undefined,
    info: t,
  };
}

// ------------------------------------------------------------------ trades

/** `[ID, MTS, AMOUNT, PRICE]`; AMOUNT > 0: the buyer was the taker, < 0: the seller. */
export function parseTrade(t: unknown, symbol: string): Trade {
  if (!Array.isArray(t) || t.length < 4 || !isNum(t[0]) || !isNum(t[1]) || !isNum(t[2]) || !isNum(t[3])) {
    throw new Error('trade is not [ID, MTS, AMOUNT, PRICE]');
  }
  const amount = Math.abs(t[2]);
  const price = t[3];
  return {
    id: String(t[0]),
    symbol,
    timestamp: t[1],
    datetime: iso(t[1]),
    side: t[2] > 0 ? 'buy' : 'sell',
    price,
    amount,
    cost: price * amount,
    info: t,
  };
}

// ------------------------------------------------------------------ candles

export const TIMEFRAMES = ['1m', '5m', '15m', '30m', '1h', '3h', '6h', '12h', '1d', '1w', '14d', '1M'] as const;
/** Bitfinex's own spelling of a timeframe (`1d` is `1D`, `1w` is `1W`, `14d` is `14D`). */
export const TIMEFRAME_KEY: Record<string, string> = {
  '1m': '1m', '5m': '5m', '15m': '15m', '30m': '30m', '1h': '1h', '3h': '3h', '6h': '6h', '12h': '12h',
  '1d': '1D', '1w': '1W', '14d': '14D', '1M': '1M',
};

/** `[MTS, OPEN, CLOSE, HIGH, LOW, VOLUME]` (note: close before high) -> unified OHLCV. */
export function parseCandle(c: unknown): OHLCV {
  if (!Array.isArray(c) || c.length < 6 || !c.slice(0, 6).every(isNum)) throw new Error('candle is not [MTS, OPEN, CLOSE, HIGH, LOW, VOLUME]');
  return [c[0], c[1], c[3], c[4], c[2], c[5]];
}
