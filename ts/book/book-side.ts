/**
 * One side of an order book, built for frequent updates near the top of large books.
 *
 * Layout: parallel arrays `keys` / `amounts` (Float64Array, grown by doubling) sorted ascending by
 * key, with the BEST level at the END. The key is the price for bids and the negated price for
 * asks, so both sides sort the same way (negation is exact in IEEE-754, so no precision is lost).
 * Inserting or removing a level near the top therefore only moves the few levels above it, and a
 * lookup gallops from the top before bisecting, costing O(log d) for a level d places from the top.
 * No change ever copies the whole side (only growth does, amortised).
 *
 * With `keepStrings`, two more parallel arrays hold the price / amount strings exactly as they came
 * off the wire (for checksums that must be computed from the exchange's own strings).
 *
 * Ranks used by the public accessors count from the best level: rank 0 is the best bid / ask.
 */
import type { Level } from '../base/types';
import type { RawLevel } from './types';

/** Below this many elements a hand-written loop beats TypedArray#copyWithin (measured on Node 20). */
const COPY_LOOP_MAX = 24;

export class BookSide {
  /** +1 for bids (key = price), -1 for asks (key = -price). */
  readonly sign: 1 | -1;
  readonly keepStrings: boolean;
  private keys: Float64Array;
  private amounts: Float64Array;
  private priceStrs: string[] | undefined;
  private amountStrs: string[] | undefined;
  private n = 0;

  constructor(readonly name: 'bids' | 'asks', keepStrings = false, initialCapacity = 32) {
    this.sign = name === 'bids' ? 1 : -1;
    this.keepStrings = keepStrings;
    const cap = Math.max(4, initialCapacity | 0);
    this.keys = new Float64Array(cap);
    this.amounts = new Float64Array(cap);
    if (keepStrings) {
      this.priceStrs = [];
      this.amountStrs = [];
    }
  }

  /** Number of levels. */
  get length(): number {
    return this.n;
  }

  /**
   * Set the amount at a price: amount > 0 inserts or replaces, anything else (0, negative, NaN)
   * removes the level; removing an absent level is a no-op. A NaN price is ignored.
   */
  set(price: number, amount: number, priceStr?: string, amountStr?: string): void {
    if (price !== price) return;
    const key = this.sign === 1 ? price : -price;
    const n = this.n;
    const keys = this.keys;
    const i = this.lowerBound(key);
    const found = i < n && keys[i] === key;
    if (amount > 0) {
      if (this.priceStrs !== undefined) {
        // strings are only materialised when kept: no allocation otherwise
        if (priceStr === undefined) priceStr = String(price);
        if (amountStr === undefined) amountStr = String(amount);
      }
      if (found) {
        this.amounts[i] = amount;
        if (this.priceStrs !== undefined) {
          this.priceStrs[i] = priceStr!;
          this.amountStrs![i] = amountStr!;
        }
      } else {
        this.insertAt(i, key, amount, priceStr, amountStr);
      }
    } else if (found) {
      this.removeAt(i);
    }
  }

  /** Apply wire levels in order (later duplicates win). Hot path: no allocation per level. */
  applyRaw(levels: readonly RawLevel[]): void {
    const len = levels.length;
    if (this.priceStrs === undefined) {
      for (let j = 0; j < len; j++) {
        const lv = levels[j];
        this.set(+(lv[0] as string), +(lv[1] as string));
      }
    } else {
      for (let j = 0; j < len; j++) {
        const lv = levels[j];
        const p = lv[0];
        const a = lv[1];
        this.set(+p, +a, typeof p === 'string' ? p : String(p), typeof a === 'string' ? a : String(a));
      }
    }
  }

  /**
   * Replace the whole side with `levels`. Fast path for input sorted best first with unique prices
   * (REST and WebSocket snapshots): one pass, then a reversal. Anything else falls back to applying
   * the levels one by one, which sorts them and lets later duplicates win.
   */
  load(levels: readonly RawLevel[]): void {
    this.clear();
    const len = levels.length;
    this.ensureCapacity(len);
    const keys = this.keys;
    const amounts = this.amounts;
    const ps = this.priceStrs;
    const as = this.amountStrs;
    const sign = this.sign;
    let prev = Infinity;
    let m = 0;
    for (let j = 0; j < len; j++) {
      const lv = levels[j];
      const price = +(lv[0] as string);
      const key = sign === 1 ? price : -price;
      // best first means strictly decreasing keys; anything else (or a NaN) takes the slow path
      if (!(key < prev)) {
        this.clear();
        this.applyRaw(levels);
        return;
      }
      prev = key;
      const amount = +(lv[1] as string);
      if (!(amount > 0)) continue;
      keys[m] = key;
      amounts[m] = amount;
      if (ps !== undefined) {
        const p = lv[0];
        const a = lv[1];
        ps.push(typeof p === 'string' ? p : String(p));
        as!.push(typeof a === 'string' ? a : String(a));
      }
      m++;
    }
    this.n = m;
    // input was best first: reverse so the best is at the end
    this.reverse(0, m);
  }

  /** Remove every level (capacity is kept, so a book that is refilled does not reallocate). */
  clear(): void {
    this.n = 0;
    if (this.priceStrs !== undefined) {
      this.priceStrs.length = 0;
      this.amountStrs!.length = 0;
    }
  }

  /** Keep only the best `depth` levels. */
  truncate(depth: number): void {
    const d = Math.max(0, Math.floor(depth));
    const n = this.n;
    if (n <= d) return;
    const cut = n - d;
    if (d > 0) {
      this.keys.copyWithin(0, cut, n);
      this.amounts.copyWithin(0, cut, n);
    }
    if (this.priceStrs !== undefined) {
      this.priceStrs.copyWithin(0, cut, n).length = d;
      this.amountStrs!.copyWithin(0, cut, n).length = d;
    }
    this.n = d;
  }

  /** Rank of a price (0 = best), or -1 when absent. */
  rankOf(price: number): number {
    const key = this.sign === 1 ? price : -price;
    const i = this.lowerBound(key);
    return i < this.n && this.keys[i] === key ? this.n - 1 - i : -1;
  }

  /** Amount at a price, or 0 when absent. */
  amountOf(price: number): number {
    const r = this.rankOf(price);
    return r < 0 ? 0 : this.amounts[this.n - 1 - r];
  }

  /** Price at `rank` (0 = best); undefined past the end. */
  priceAt(rank: number): number | undefined {
    const i = this.n - 1 - rank;
    if (rank < 0 || i < 0) return undefined;
    return this.sign === 1 ? this.keys[i] : -this.keys[i];
  }

  /** Amount at `rank` (0 = best); undefined past the end. */
  amountAt(rank: number): number | undefined {
    const i = this.n - 1 - rank;
    if (rank < 0 || i < 0) return undefined;
    return this.amounts[i];
  }

  /** Best level as a fresh tuple, or undefined when the side is empty. */
  best(): Level | undefined {
    const i = this.n - 1;
    if (i < 0) return undefined;
    return [this.sign === 1 ? this.keys[i] : -this.keys[i], this.amounts[i]];
  }

  /** The best `limit` levels (all when undefined), best first, as fresh tuples. */
  toLevels(limit?: number): Level[] {
    const n = this.n;
    const count = limit === undefined ? n : Math.max(0, Math.min(n, Math.floor(limit)));
    const out: Level[] = new Array(count);
    const keys = this.keys;
    const amounts = this.amounts;
    if (this.sign === 1) {
      for (let r = 0, i = n - 1; r < count; r++, i--) out[r] = [keys[i], amounts[i]];
    } else {
      for (let r = 0, i = n - 1; r < count; r++, i--) out[r] = [-keys[i], amounts[i]];
    }
    return out;
  }

  /**
   * The best `limit` levels' original [price, amount] strings, best first. Only with keepStrings;
   * levels that arrived as JSON numbers (or through OrderBook.update) hold String(number).
   */
  strings(limit?: number): [string, string][] {
    const ps = this.priceStrs;
    const as = this.amountStrs;
    if (ps === undefined || as === undefined) {
      throw new Error('BookSide: level strings are kept only with { keepStrings: true }');
    }
    const n = this.n;
    const count = limit === undefined ? n : Math.max(0, Math.min(n, Math.floor(limit)));
    const out: [string, string][] = new Array(count);
    for (let r = 0, i = n - 1; r < count; r++, i--) out[r] = [ps[i], as[i]];
    return out;
  }

  /** Price string at `rank` (keepStrings only). */
  priceStrAt(rank: number): string | undefined {
    const i = this.n - 1 - rank;
    return rank < 0 || i < 0 || this.priceStrs === undefined ? undefined : this.priceStrs[i];
  }

  /** Amount string at `rank` (keepStrings only). */
  amountStrAt(rank: number): string | undefined {
    const i = this.n - 1 - rank;
    return rank < 0 || i < 0 || this.amountStrs === undefined ? undefined : this.amountStrs[i];
  }

  // ---- internals ----

  /** First index whose key is >= key (n when none): gallops down from the top, then bisects. */
  private lowerBound(key: number): number {
    const keys = this.keys;
    const n = this.n;
    // invariant: keys[hi] >= key (hi === n: virtual +inf); keys[lo] < key (lo === -1: virtual -inf)
    let hi = n;
    let lo = n - 1;
    let step = 1;
    while (lo >= 0) {
      if (keys[lo] < key) break;
      hi = lo;
      lo = hi - step;
      step <<= 1;
    }
    if (lo < -1) lo = -1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] < key) lo = mid;
      else hi = mid;
    }
    return hi;
  }

  private insertAt(i: number, key: number, amount: number, ps: string | undefined, as: string | undefined): void {
    const n = this.n;
    if (n === this.keys.length) this.ensureCapacity(n + 1);
    const keys = this.keys;
    const amounts = this.amounts;
    const move = n - i;
    if (move < COPY_LOOP_MAX) {
      for (let j = n; j > i; j--) {
        keys[j] = keys[j - 1];
        amounts[j] = amounts[j - 1];
      }
    } else {
      keys.copyWithin(i + 1, i, n);
      amounts.copyWithin(i + 1, i, n);
    }
    keys[i] = key;
    amounts[i] = amount;
    const pArr = this.priceStrs;
    if (pArr !== undefined) {
      const aArr = this.amountStrs!;
      pArr.push(ps!);
      aArr.push(as!);
      for (let j = n; j > i; j--) {
        pArr[j] = pArr[j - 1];
        aArr[j] = aArr[j - 1];
      }
      pArr[i] = ps!;
      aArr[i] = as!;
    }
    this.n = n + 1;
  }

  private removeAt(i: number): void {
    const n = this.n - 1;
    const keys = this.keys;
    const amounts = this.amounts;
    const move = n - i;
    if (move < COPY_LOOP_MAX) {
      for (let j = i; j < n; j++) {
        keys[j] = keys[j + 1];
        amounts[j] = amounts[j + 1];
      }
    } else {
      keys.copyWithin(i, i + 1, n + 1);
      amounts.copyWithin(i, i + 1, n + 1);
    }
    const pArr = this.priceStrs;
    if (pArr !== undefined) {
      const aArr = this.amountStrs!;
      for (let j = i; j < n; j++) {
        pArr[j] = pArr[j + 1];
        aArr[j] = aArr[j + 1];
      }
      pArr.pop();
      aArr.pop();
    }
    this.n = n;
  }

  private ensureCapacity(need: number): void {
    let cap = this.keys.length;
    if (need <= cap) return;
    while (cap < need) cap *= 2;
    const keys = new Float64Array(cap);
    const amounts = new Float64Array(cap);
    keys.set(this.keys.subarray(0, this.n));
    amounts.set(this.amounts.subarray(0, this.n));
    this.keys = keys;
    this.amounts = amounts;
  }

  private reverse(from: number, to: number): void {
    const keys = this.keys;
    const amounts = this.amounts;
    const ps = this.priceStrs;
    const as = this.amountStrs;
    for (let i = from, j = to - 1; i < j; i++, j--) {
      const k = keys[i];
      keys[i] = keys[j];
      keys[j] = k;
      const a = amounts[i];
      amounts[i] = amounts[j];
      amounts[j] = a;
      if (ps !== undefined) {
        const p = ps[i];
        ps[i] = ps[j];
        ps[j] = p;
        const s = as![i];
        as![i] = as![j];
        as![j] = s;
      }
    }
  }
}
