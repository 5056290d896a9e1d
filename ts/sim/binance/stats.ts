/**
 * Per-symbol market statistics built from engine trades: recent trades (GET /api/v3/trades),
 * candles for every Binance kline interval (1s from second candles, the rest aggregated from minute
 * candles, empty periods carried forward at the last close), and the rolling 24 h ticker.
 * Intervals and alignment as in rest-api.md "Kline/Candlestick data" (weeks start Monday 00:00
 * UTC, months on the 1st).
 */

export interface TradeRecord {
  id: number;
  /** Ticks. */
  price: number;
  /** Steps. */
  qty: number;
  quote: bigint;
  time: number;
  buyerIsMaker: boolean;
}

export interface Bar {
  openTime: number;
  closeTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  quoteVolume: bigint;
  count: number;
  firstId: number;
  lastId: number;
  takerBuyVolume: number;
  takerBuyQuote: bigint;
}

export interface Ticker24h {
  open: number;
  high: number;
  low: number;
  last: number;
  lastQty: number;
  prevClose: number;
  volume: number;
  quoteVolume: bigint;
  firstId: number;
  lastId: number;
  count: number;
  openTime: number;
  closeTime: number;
}

export const INTERVALS = ['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M'] as const;
export type Interval = (typeof INTERVALS)[number];

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const WEEK = 7 * 86_400_000;
const MONDAY_OFFSET = 4 * 86_400_000; // 1970-01-05 was a Monday
const MAX_TRADES = 1000;
const MAX_SECONDS = 2 * 3600;
const MAX_MINUTES = 45 * 1440;

export function isInterval(s: string): s is Interval {
  return (INTERVALS as readonly string[]).includes(s);
}

/** Open time of the interval bucket containing `ts`. */
export function bucketStart(ts: number, interval: Interval): number {
  if (interval === '1M') {
    const d = new Date(ts);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  if (interval === '1w') return Math.floor((ts - MONDAY_OFFSET) / WEEK) * WEEK + MONDAY_OFFSET;
  const ms = intervalMs(interval);
  return Math.floor(ts / ms) * ms;
}

/** Open time of the bucket after the one opening at `start`. */
export function nextBucket(start: number, interval: Interval): number {
  if (interval === '1M') {
    const d = new Date(start);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return start + (interval === '1w' ? WEEK : intervalMs(interval));
}

function intervalMs(interval: Interval): number {
  const n = Number(interval.slice(0, -1));
  return n * (UNIT_MS[interval.slice(-1)] ?? 60_000);
}

function emptyBar(openTime: number, closeTime: number, price: number): Bar {
  return {
    openTime, closeTime, open: price, high: price, low: price, close: price, volume: 0, quoteVolume: 0n,
    count: 0, firstId: -1, lastId: -1, takerBuyVolume: 0, takerBuyQuote: 0n,
  };
}

function addToBar(bar: Bar, t: TradeRecord): void {
  if (bar.count === 0) {
    bar.open = bar.high = bar.low = t.price;
    bar.firstId = t.id;
  }
  bar.high = Math.max(bar.high, t.price);
  bar.low = Math.min(bar.low, t.price);
  bar.close = t.price;
  bar.volume += t.qty;
  bar.quoteVolume += t.quote;
  bar.count++;
  bar.lastId = t.id;
  if (!t.buyerIsMaker) {
    bar.takerBuyVolume += t.qty;
    bar.takerBuyQuote += t.quote;
  }
}

function mergeBar(into: Bar, b: Bar): void {
  if (b.count === 0) return;
  if (into.count === 0) {
    into.open = into.high = into.low = b.open;
    into.firstId = b.firstId;
  }
  into.high = Math.max(into.high, b.high);
  into.low = Math.min(into.low, b.low);
  into.close = b.close;
  into.volume += b.volume;
  into.quoteVolume += b.quoteVolume;
  into.count += b.count;
  into.lastId = b.lastId;
  into.takerBuyVolume += b.takerBuyVolume;
  into.takerBuyQuote += b.takerBuyQuote;
}

export class MarketStats {
  /** Most recent trades, oldest first. */
  readonly trades: TradeRecord[] = [];
  private readonly seconds: Bar[] = [];
  private readonly minutes: Bar[] = [];

  get last(): TradeRecord | undefined {
    return this.trades[this.trades.length - 1];
  }

  addTrade(t: TradeRecord): void {
    this.trades.push(t);
    if (this.trades.length > MAX_TRADES * 2) this.trades.splice(0, this.trades.length - MAX_TRADES);
    this.addTo(this.seconds, t, 1000, MAX_SECONDS);
    this.addTo(this.minutes, t, 60_000, MAX_MINUTES);
  }

  recentTrades(limit: number): TradeRecord[] {
    return this.trades.slice(-Math.min(limit, MAX_TRADES));
  }

  /** Klines, gaps filled with empty bars, up to the bucket containing `now`. */
  klines(interval: Interval, now: number, opts: { startTime?: number; endTime?: number; limit: number }): Bar[] {
    const source = interval === '1s' ? this.seconds : this.minutes;
    const bars: Bar[] = [];
    for (const c of source) {
      if (opts.endTime !== undefined && c.openTime > opts.endTime) break;
      const start = bucketStart(c.openTime, interval);
      let bar = bars[bars.length - 1];
      if (!bar || bar.openTime !== start) {
        this.fillGap(bars, start, interval);
        bar = emptyBar(start, nextBucket(start, interval) - 1, c.open);
        bars.push(bar);
      }
      mergeBar(bar, c);
    }
    if (bars.length > 0 && (opts.endTime === undefined || opts.endTime >= now)) {
      this.fillGap(bars, bucketStart(now, interval) + 1, interval);
    }
    const inRange = bars.filter(
      (b) => (opts.startTime === undefined || b.openTime >= opts.startTime) && (opts.endTime === undefined || b.openTime <= opts.endTime),
    );
    return opts.startTime !== undefined ? inRange.slice(0, opts.limit) : inRange.slice(-opts.limit);
  }

  /** The bar of the bucket containing `now` (empty at the last price when no trade yet). */
  currentBar(interval: Interval, now: number): Bar | undefined {
    const start = bucketStart(now, interval);
    const source = interval === '1s' ? this.seconds : this.minutes;
    const last = this.last;
    if (!last) return undefined;
    const bar = emptyBar(start, nextBucket(start, interval) - 1, last.price);
    let i = source.length - 1;
    while (i > 0 && (source[i - 1] as Bar).openTime >= start) i--;
    for (; i < source.length; i++) {
      const c = source[i] as Bar;
      if (c.openTime >= start) mergeBar(bar, c);
    }
    return bar;
  }

  /** Rolling 24 h statistics (minute resolution at the window's start). */
  ticker(now: number): Ticker24h {
    const from = now - 86_400_000;
    const agg = emptyBar(from, now, 0);
    let prevClose = 0;
    for (const c of this.minutes) {
      if (c.openTime + 60_000 <= from) {
        prevClose = c.close;
        continue;
      }
      mergeBar(agg, c);
    }
    const last = this.last;
    if (agg.count > 0 && prevClose === 0) prevClose = agg.open;
    return {
      open: agg.count > 0 ? agg.open : 0,
      high: agg.count > 0 ? agg.high : 0,
      low: agg.count > 0 ? agg.low : 0,
      last: last?.price ?? 0,
      lastQty: last?.qty ?? 0,
      prevClose,
      volume: agg.volume,
      quoteVolume: agg.quoteVolume,
      firstId: agg.count > 0 ? agg.firstId : -1,
      lastId: agg.count > 0 ? agg.lastId : -1,
      count: agg.count,
      openTime: from,
      closeTime: now,
    };
  }

  private addTo(list: Bar[], t: TradeRecord, ms: number, max: number): void {
    const start = Math.floor(t.time / ms) * ms;
    let bar = list[list.length - 1];
    if (!bar || bar.openTime !== start) {
      bar = emptyBar(start, start + ms - 1, t.price);
      list.push(bar);
      if (list.length > max) list.shift();
    }
    addToBar(bar, t);
  }

  /** Appends empty bars from after the last bar up to (not including) the bucket opening at `until`. */
  private fillGap(bars: Bar[], until: number, interval: Interval): void {
    const prev = bars[bars.length - 1];
    if (!prev) return;
    for (let t = nextBucket(prev.openTime, interval); t < until; t = nextBucket(t, interval)) {
      const p = (bars[bars.length - 1] as Bar).close;
      bars.push(emptyBar(t, nextBucket(t, interval) - 1, p));
      if (bars.length > 100_000) break;
    }
  }
}
