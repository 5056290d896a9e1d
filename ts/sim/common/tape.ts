/**
 * Per-market trade tape of every simulator: the recent public trades, second and minute candles,
 * candles of any period built from them (fixed periods aligned to an anchor and a time zone, or
 * calendar months: Binance's weeks from Monday, OKX's Hong Kong days), and windowed statistics
 * (rolling 24 h, since midnight). Quantities are engine steps, prices engine ticks, quote amounts
 * 10^-16 units.
 */
import type { EngineTrade, MatchingEngine } from '../engine';

/** A public trade as the tape keeps it (ticks, steps, 10^-16 quote units), with the taker's order type. */
export interface TapeTrade extends Pick<EngineTrade, 'id' | 'price' | 'qty' | 'quote' | 'time' | 'takerSide'> {
  takerType: 'market' | 'limit';
}

/** The tape record of an engine trade (the taker's type looked up while the order is known). */
export function tapeTrade(engine: MatchingEngine, t: EngineTrade): TapeTrade {
  return {
    id: t.id,
    price: t.price,
    qty: t.qty,
    quote: t.quote,
    time: t.time,
    takerSide: t.takerSide,
    takerType: engine.getOrder(t.symbol, { orderId: t.takerOrderId })?.type === 'MARKET' ? 'market' : 'limit',
  };
}

export interface Candle {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Steps. */
  volume: number;
  quote: bigint;
  count: number;
  /** Trade ids of the first and last trade (-1 when empty). */
  firstId: number;
  lastId: number;
  /** What takers bought: steps and 10^-16 quote units. */
  takerBuyVolume: number;
  takerBuyQuote: bigint;
}

/**
 * A candle period: `ms` long and aligned so that a bucket starts at `baseMs` (+ k * ms) in the time
 * zone `tzMs` ahead of UTC; or `months` calendar months (in that time zone).
 */
export interface Period {
  ms?: number;
  months?: number;
  /** Offset of the time zone the buckets are aligned in (Hong Kong: 8 h). */
  tzMs?: number;
  /** A bucket start, in that zone's local time since the epoch (weeks from Monday: 4 days). */
  baseMs?: number;
}

export interface WindowStats {
  open: number;
  high: number;
  low: number;
  /** Steps. */
  volume: number;
  quote: bigint;
  count: number;
  /** Trade ids of the first and last trade in the window (-1 when none). */
  firstId: number;
  lastId: number;
  /** Close of the last minute before the window (its open when none, 0 before the first trade). */
  prevClose: number;
}

const MAX_TRADES = 1000;
const MAX_SECONDS = 2 * 3600;
const MAX_MINUTES = 45 * 1440;

export function bucketStart(t: number, p: Period): number {
  const tz = p.tzMs ?? 0;
  if (p.months) {
    const d = new Date(t + tz);
    const m = d.getUTCMonth();
    return Date.UTC(d.getUTCFullYear(), m - (m % p.months), 1) - tz;
  }
  const ms = p.ms as number;
  const base = p.baseMs ?? 0;
  return Math.floor((t + tz - base) / ms) * ms + base - tz;
}

export function nextBucket(start: number, p: Period): number {
  if (p.months) {
    const tz = p.tzMs ?? 0;
    const d = new Date(start + tz);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + p.months, 1) - tz;
  }
  return start + (p.ms as number);
}

function empty(openTime: number, price: number): Candle {
  return {
    openTime, open: price, high: price, low: price, close: price, volume: 0, quote: 0n, count: 0,
    firstId: -1, lastId: -1, takerBuyVolume: 0, takerBuyQuote: 0n,
  };
}

function merge(into: Candle, c: Candle): void {
  if (c.count === 0) return;
  if (into.count === 0) {
    into.open = c.open;
    into.high = c.high;
    into.low = c.low;
    into.firstId = c.firstId;
  } else {
    into.high = Math.max(into.high, c.high);
    into.low = Math.min(into.low, c.low);
  }
  into.close = c.close;
  into.volume += c.volume;
  into.quote += c.quote;
  into.count += c.count;
  into.lastId = c.lastId;
  into.takerBuyVolume += c.takerBuyVolume;
  into.takerBuyQuote += c.takerBuyQuote;
}

export class TradeTape {
  /** Recent trades, oldest first. */
  private readonly trades: TapeTrade[] = [];
  private readonly seconds: Candle[] = [];
  private readonly minutes: Candle[] = [];

  get last(): TapeTrade | undefined {
    return this.trades[this.trades.length - 1];
  }

  add(t: TapeTrade): void {
    this.trades.push(t);
    if (this.trades.length > MAX_TRADES * 2) this.trades.splice(0, this.trades.length - MAX_TRADES);
    this.addTo(this.seconds, t, 1000, MAX_SECONDS);
    this.addTo(this.minutes, t, 60_000, MAX_MINUTES);
  }

  /** The last `limit` trades, oldest first. */
  recent(limit: number): TapeTrade[] {
    return this.trades.slice(-Math.max(0, Math.min(limit, MAX_TRADES)));
  }

  /** Trades after `time` (ms, exclusive), oldest first, at most `limit`. */
  after(time: number, limit: number): TapeTrade[] {
    const out = this.trades.filter((t) => t.time > time);
    return out.slice(0, limit);
  }

  /**
   * Candles of `p` from the first trade on, empty periods carried at the last close, up to the one
   * containing `now`; oldest first. Empty before the first trade. With `until` (< now), only the
   * trades of the seconds (minutes) opening at or before it count, and no empty periods follow.
   */
  candles(p: Period, now: number, until = Infinity): Candle[] {
    const source = (p.ms ?? Infinity) < 60_000 ? this.seconds : this.minutes;
    const out: Candle[] = [];
    for (const c of source) {
      if (c.openTime > until) break;
      const start = bucketStart(c.openTime, p);
      let bar = out[out.length - 1];
      if (!bar || bar.openTime !== start) {
        this.fill(out, start, p);
        bar = empty(start, c.open);
        out.push(bar);
      }
      merge(bar, c);
    }
    if (out.length > 0 && until >= now) this.fill(out, nextBucket(bucketStart(now, p), p), p);
    return out;
  }

  /** The candle containing `now` (empty at the last price), or undefined before the first trade. */
  current(p: Period, now: number): Candle | undefined {
    const last = this.last;
    if (!last) return undefined;
    const start = bucketStart(now, p);
    const bar = empty(start, last.price);
    const source = (p.ms ?? Infinity) < 60_000 ? this.seconds : this.minutes;
    let i = source.length;
    while (i > 0 && (source[i - 1] as Candle).openTime >= start) i--;
    for (; i < source.length; i++) merge(bar, source[i] as Candle);
    return bar;
  }

  /** Statistics of the trades at or after `from` (minute resolution at the window's start). */
  since(from: number): WindowStats {
    const agg = empty(0, 0);
    const start = Math.floor(from / 60_000) * 60_000;
    let i = this.minutes.length;
    while (i > 0 && (this.minutes[i - 1] as Candle).openTime >= start) i--;
    const before = this.minutes[i - 1];
    for (; i < this.minutes.length; i++) merge(agg, this.minutes[i] as Candle);
    const prevClose = before ? before.close : agg.count > 0 ? agg.open : 0;
    const { open, high, low, volume, quote, count, firstId, lastId } = agg;
    return { open, high, low, volume, quote, count, firstId, lastId, prevClose };
  }

  private addTo(list: Candle[], t: TapeTrade, ms: number, max: number): void {
    const start = Math.floor(t.time / ms) * ms;
    let bar = list[list.length - 1];
    if (!bar || bar.openTime !== start) {
      bar = empty(start, t.price);
      list.push(bar);
      if (list.length > max) list.shift();
    }
    const buy = t.takerSide === 'BUY';
    merge(bar, {
      openTime: start, open: t.price, high: t.price, low: t.price, close: t.price, volume: t.qty, quote: t.quote, count: 1,
      firstId: t.id, lastId: t.id, takerBuyVolume: buy ? t.qty : 0, takerBuyQuote: buy ? t.quote : 0n,
    });
  }

  /** Appends empty candles after the last one up to (not including) the bucket opening at `until`. */
  private fill(out: Candle[], until: number, p: Period): void {
    const prev = out[out.length - 1];
    if (!prev) return;
    for (let t = nextBucket(prev.openTime, p); t < until; t = nextBucket(t, p)) {
      out.push(empty(t, (out[out.length - 1] as Candle).close));
      if (out.length > 200_000) break;
    }
  }
}
