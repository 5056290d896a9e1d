/**
 * One side of a price-time priority order book. Levels are kept in a sorted array of tick prices,
 * worst first, so the best level is at the end: the busy top of the book is touched with
 * push/pop and short splices near the end. Each level holds its resting orders in arrival order.
 */
import { BookSideName, Side } from './types';

/** A resting order as the book sees it. */
export interface RestingOrder {
  orderId: number;
  account: string;
  side: Side;
  /** Limit price (ticks). */
  price: number;
  /** Quantity still open (steps). */
  remaining: number;
}

export class Level<T extends RestingOrder = RestingOrder> {
  /** Total open quantity at this price (steps). */
  total = 0;
  readonly orders: T[] = [];

  constructor(readonly price: number) {}
}

export class BookSide<T extends RestingOrder = RestingOrder> {
  readonly name: BookSideName;
  /** Sorted worst-first: bids ascending, asks descending. */
  private readonly prices: number[] = [];
  private readonly levels = new Map<number, Level<T>>();

  constructor(name: BookSideName) {
    this.name = name;
  }

  get size(): number {
    return this.prices.length;
  }

  /** Best level, or undefined when the side is empty. */
  best(): Level<T> | undefined {
    const n = this.prices.length;
    return n === 0 ? undefined : this.levels.get(this.prices[n - 1] as number);
  }

  /** The i-th best level (0 = best). */
  levelAt(i: number): Level<T> | undefined {
    const idx = this.prices.length - 1 - i;
    return idx < 0 || idx >= this.prices.length ? undefined : this.levels.get(this.prices[idx] as number);
  }

  level(price: number): Level<T> | undefined {
    return this.levels.get(price);
  }

  /** True when `a` is a better price than `b` for this side. */
  better(a: number, b: number): boolean {
    return this.name === 'bid' ? a > b : a < b;
  }

  /** Appends an order at the back of its level's queue; returns the level. */
  add(order: T): Level<T> {
    let level = this.levels.get(order.price);
    if (!level) {
      level = new Level<T>(order.price);
      this.levels.set(order.price, level);
      this.insertPrice(order.price);
    }
    level.orders.push(order);
    level.total += order.remaining;
    return level;
  }

  /** Removes an order (cancel); returns the level's new total, or undefined if not found. */
  remove(order: T): number | undefined {
    const level = this.levels.get(order.price);
    if (!level) return undefined;
    const idx = level.orders.indexOf(order);
    if (idx < 0) return undefined;
    level.orders.splice(idx, 1);
    level.total -= order.remaining;
    if (level.orders.length === 0) this.dropLevel(level.price);
    return level.orders.length === 0 ? 0 : level.total;
  }

  /** Reduces an order in place (a fill or a keep-priority amend); removes it at zero. */
  reduce(level: Level<T>, order: T, by: number): void {
    order.remaining -= by;
    level.total -= by;
    if (order.remaining === 0) {
      if (level.orders[0] === order) level.orders.shift();
      else {
        const idx = level.orders.indexOf(order);
        if (idx >= 0) level.orders.splice(idx, 1);
      }
    }
    if (level.orders.length === 0) this.dropLevel(level.price);
  }

  /** Top n levels as [ticks, steps], best first. */
  depth(n: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let i = this.prices.length - 1; i >= 0 && out.length < n; i--) {
      const p = this.prices[i] as number;
      out.push([p, (this.levels.get(p) as Level<T>).total]);
    }
    return out;
  }

  /** Open quantity at prices at least as good as `limit` (steps), stopping once `enough` is reached. */
  availableUpTo(limit: number | undefined, enough: number): number {
    let sum = 0;
    for (let i = this.prices.length - 1; i >= 0 && sum < enough; i--) {
      const p = this.prices[i] as number;
      if (limit !== undefined && this.better(limit, p)) break;
      sum += (this.levels.get(p) as Level<T>).total;
    }
    return sum;
  }

  private insertPrice(price: number): void {
    const arr = this.prices;
    // Binary search for the insertion point in the worst-first order.
    let lo = 0;
    let hi = arr.length;
    const asc = this.name === 'bid';
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const v = arr[mid] as number;
      if (asc ? v < price : v > price) lo = mid + 1;
      else hi = mid;
    }
    if (lo === arr.length) arr.push(price);
    else arr.splice(lo, 0, price);
  }

  private dropLevel(price: number): void {
    this.levels.delete(price);
    const arr = this.prices;
    const last = arr.length - 1;
    if (arr[last] === price) {
      arr.pop();
      return;
    }
    let lo = 0;
    let hi = arr.length - 1;
    const asc = this.name === 'bid';
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = arr[mid] as number;
      if (v === price) {
        arr.splice(mid, 1);
        return;
      }
      if (asc ? v < price : v > price) lo = mid + 1;
      else hi = mid - 1;
    }
  }
}
