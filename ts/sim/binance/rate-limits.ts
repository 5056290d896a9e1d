/**
 * Request weight and order counters, reported the way Binance reports them: REST headers
 * X-MBX-USED-WEIGHT(-1M) and X-MBX-ORDER-COUNT-10S/-1D (rest-api.md "LIMITS"), and the WS API
 * `rateLimits` array (web-socket-api.md "Rate limits"). Intervals are fixed windows aligned to
 * the clock (a 1 MINUTE window starts every minute). Counting only: nothing is refused.
 */

class WindowCounter {
  private start = 0;
  private count = 0;

  constructor(private readonly ms: number) {}

  add(n: number, now: number): number {
    const start = Math.floor(now / this.ms) * this.ms;
    if (start !== this.start) {
      this.start = start;
      this.count = 0;
    }
    this.count += n;
    return this.count;
  }
}

export interface RateLimitEntry {
  rateLimitType: 'REQUEST_WEIGHT' | 'ORDERS';
  interval: 'SECOND' | 'MINUTE' | 'DAY';
  intervalNum: number;
  limit: number;
  count: number;
}

export const EXCHANGE_RATE_LIMITS = [
  { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
  { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
  { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000 },
  { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
];

export class RateCounters {
  private readonly weight = new WindowCounter(60_000);
  private readonly orders10s = new Map<string, WindowCounter>();
  private readonly orders1d = new Map<string, WindowCounter>();

  /** Adds request weight; returns the minute's total. */
  addWeight(n: number, now: number): number {
    return this.weight.add(n, now);
  }

  /** Counts an order for the account; returns [10 s count, day count]. */
  addOrder(account: string, now: number, n = 1): [number, number] {
    const get = (m: Map<string, WindowCounter>, ms: number): WindowCounter => {
      let c = m.get(account);
      if (!c) {
        c = new WindowCounter(ms);
        m.set(account, c);
      }
      return c;
    };
    return [get(this.orders10s, 10_000).add(n, now), get(this.orders1d, 86_400_000).add(n, now)];
  }

  /** The WS API `rateLimits` array for a request of `weight` (and `orders` new orders). */
  wsRateLimits(weight: number, now: number, account?: string, orders = 0): RateLimitEntry[] {
    const out: RateLimitEntry[] = [];
    if (account !== undefined && orders > 0) {
      const [s, d] = this.addOrder(account, now, orders);
      out.push({ rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100, count: s });
      out.push({ rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000, count: d });
    }
    out.push({ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000, count: this.addWeight(weight, now) });
    return out;
  }
}
