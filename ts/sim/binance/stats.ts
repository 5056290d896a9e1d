/**
 * Binance's view of the trade tape (common/tape.ts): the kline intervals and their alignment
 * (rest-api.md "Kline/Candlestick data": weeks start Monday 00:00 UTC, months on the 1st), klines
 * with their close times, and the rolling 24 h ticker window.
 */
import { Candle, nextBucket, Period, TradeTape, WindowStats } from '../common/tape';

export const INTERVALS = ['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M'] as const;
export type Interval = (typeof INTERVALS)[number];

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DAY = 86_400_000;

export function isInterval(s: string): s is Interval {
  return (INTERVALS as readonly string[]).includes(s);
}

/** The tape period of an interval. */
export function periodOf(interval: Interval): Period {
  if (interval === '1M') return { months: 1 };
  if (interval === '1w') return { ms: 7 * DAY, baseMs: 4 * DAY }; // 1970-01-05 was a Monday
  return { ms: Number(interval.slice(0, -1)) * (UNIT_MS[interval.slice(-1)] ?? 60_000) };
}

/** A candle with Binance's close time (the last millisecond of its interval). */
export interface Bar extends Candle {
  closeTime: number;
}

function bar(c: Candle, p: Period): Bar {
  return { ...c, closeTime: nextBucket(c.openTime, p) - 1 };
}

/** Klines, gaps filled with empty bars, up to the interval containing `now` (or `endTime`). */
export function klines(tape: TradeTape, interval: Interval, now: number, opts: { startTime?: number; endTime?: number; limit: number }): Bar[] {
  const p = periodOf(interval);
  const inRange = tape
    .candles(p, now, opts.endTime)
    .filter((c) => (opts.startTime === undefined || c.openTime >= opts.startTime) && (opts.endTime === undefined || c.openTime <= opts.endTime));
  const picked = opts.startTime !== undefined ? inRange.slice(0, opts.limit) : inRange.slice(-opts.limit);
  return picked.map((c) => bar(c, p));
}

/** The bar of the interval containing `now` (empty at the last price when no trade yet in it). */
export function currentBar(tape: TradeTape, interval: Interval, now: number): Bar | undefined {
  const p = periodOf(interval);
  const c = tape.current(p, now);
  return c && bar(c, p);
}

export interface Ticker24h extends WindowStats {
  last: number;
  lastQty: number;
  openTime: number;
  closeTime: number;
}

/** Rolling 24 h statistics (minute resolution at the window's start). */
export function ticker24h(tape: TradeTape, now: number): Ticker24h {
  const from = now - DAY;
  const last = tape.last;
  return { ...tape.since(from), last: last?.price ?? 0, lastQty: last?.qty ?? 0, openTime: from, closeTime: now };
}
