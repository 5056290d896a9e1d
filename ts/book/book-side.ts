/**
 * One side of an order book, built for frequent updates near the top of large books.
 *
 * Layout: parallel arrays `keys` / `amounts` (Float64Array) sorted ascending by key, with the BEST
 * level at the END of the live region `[lo, hi)`. The key is the price for bids and the negated
 * price for asks, so both sides sort the same way (negation is exact in IEEE-754: no precision lost).
 *
 * - A lookup gallops down from the top before bisecting: O(log d) for a level d places from the top.
 * - Inserting or removing a level moves only the levels between it and the nearer end of the live
 *   region (the top, for the usual updates near the best price), never the whole side.
 * - `truncate` (drop the worst levels) just advances `lo`: O(1) for the numbers.
 * - When the region needs room at an end of the buffer it is re-centred (if at least a third of the
 *   buffer is free) or the buffer doubles; either costs O(n) once per Θ(n) inserts, amortised O(1).
 *   Capacity is never given back, so a book of stable size allocates nothing in steady state.
 *
 * With `keepStrings`, two more parallel arrays (same indices) hold the price / amount strings exactly
 * as they came off the wire, for checksums computed from the exchange's own strings.
 *
 * Ranks used by the public accessors count from the best level: rank 0 is the best bid / ask.
 */
import type { Level } from '../core/types';
import type { RawLevel } from './types';

/** Below this many elements a hand-written loop beats TypedArray#copyWithin (measured on Node 20). */
const COPY_LOOP_MAX = 24;

/** Move `count` elements from `from` to `to` inside one typed array (overlap allowed). */
function moveNum(a: Float64Array, to: number, from: number, count: number): void {
  if (count >= COPY_LOOP_MAX) {
    a.copyWithin(to, from, from + count);
  } else if (to < from) {
    for (let j = 0; j < count; j++) a[to + j] = a[from + j];
  } else {
    for (let j = count - 1; j >= 0; j--) a[to + j] = a[from + j];
  }
}

/** Same for a string array (a plain loop: Array#copyWithin is far slower on Node 20). */
function moveStr(a: string[], to: number, from: number, count: number): void {
  if (to < from) {
    for (let j = 0; j < count; j++) a[to + j] = a[from + j];
  } else {
    for (let j = count - 1; j >= 0; j--) a[to + j] = a[from + j];
  }
}

function filledStrings(n: number): string[] {
  return new Array<string>(n).fill('');
}

export class BookSide {
  /** +1 for bids (key = price), -1 for asks (key = -price). */
  readonly sign: 1 | -1;
  readonly keepStrings: boolean;
  private keys: Float64Array;
  private amounts: Float64Array;
  /** With keepStrings: same length and indices as `keys`; '' outside the live region. */
  private priceStrs: string[] | undefined;
  private amountStrs: string[] | undefined;
  /** Live region [lo, hi): worst level at lo, best at hi - 1. */
  private lo: number;
  private hi: number;

  constructor(readonly name: 'bids' | 'asks', keepStrings = false, initialCapacity = 32) {
    this.sign = name === 'bids' ? 1 : -1;
    this.keepStrings = keepStrings;
    const cap = Math.max(8, initialCapacity | 0);
    this.keys = new Float64Array(cap);
    this.amounts = new Float64Array(cap);
    if (keepStrings) {
      this.priceStrs = filledStrings(cap);
      this.amountStrs = filledStrings(cap);
    }
    this.lo = this.hi = cap >> 2;
  }

  /** Number of levels. */
  get length(): number {
    return this.hi - this.lo;
  }

  /**
   * Set the amount at a price: amount > 0 inserts or replaces, anything else (0, negative, NaN)
   * removes the level; removing an absent level is a no-op. A NaN price is ignored.
   */
  set(price: number, amount: number, priceStr?: string, amountStr?: string): void {
    if (price !== price) return;
    const key = this.sign === 1 ? price : -price;
    const i = this.lowerBound(key);
    const found = i < this.hi && this.keys[i] === key;
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
   * Apply levels whose numbers were already converted (and checked) into `nums` (price, amount
   * pairs; see book/validate.ts convertLevels); `levels` supplies the wire strings when they are
   * kept. Hot path: each level's strings are converted to numbers once per frame, not twice.
   */
  applyNumbers(nums: Float64Array, count: number, levels: readonly RawLevel[]): void {
    if (this.priceStrs === undefined) {
      for (let j = 0; j < count; j++) this.set(nums[2 * j]!, nums[2 * j + 1]!);
    } else {
      for (let j = 0; j < count; j++) {
        const lv = levels[j];
        const p = lv[0];
        const a = lv[1];
        this.set(nums[2 * j]!, nums[2 * j + 1]!, typeof p === 'string' ? p : String(p), typeof a === 'string' ? a : String(a));
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
    // room for the snapshot plus headroom on both ends for the updates that follow
    const need = len + (len >> 1) + 8;
    if (this.keys.length < need) this.regrow(need);
    const base = (this.keys.length - len) >> 2;
    const keys = this.keys;
    const amounts = this.amounts;
    const ps = this.priceStrs;
    const as = this.amountStrs;
    const sign = this.sign;
    let prev = Infinity;
    let w = base;
    for (let j = 0; j < len; j++) {
      const lv = levels[j];
      const price = +(lv[0] as string);
      const key = sign === 1 ? price : -price;
      // best first means strictly decreasing keys; anything else (or a NaN) takes the slow path
      if (!(key < prev)) {
        this.lo = base;
        this.hi = w;
        this.clear();
        this.applyRaw(levels);
        return;
      }
      prev = key;
      const amount = +(lv[1] as string);
      if (!(amount > 0)) continue;
      keys[w] = key;
      amounts[w] = amount;
      if (ps !== undefined) {
        const p = lv[0];
        const a = lv[1];
        ps[w] = typeof p === 'string' ? p : String(p);
        as![w] = typeof a === 'string' ? a : String(a);
      }
      w++;
    }
    this.lo = base;
    this.hi = w;
    // input was best first: reverse so the best is at the end
    this.reverse(base, w);
  }

  /** Remove every level (capacity is kept, so a book that is refilled does not reallocate). */
  clear(): void {
    if (this.priceStrs !== undefined) {
      for (let i = this.lo; i < this.hi; i++) {
        this.priceStrs[i] = '';
        this.amountStrs![i] = '';
      }
    }
    this.lo = this.hi = this.keys.length >> 2;
  }

  /** Keep only the best `depth` levels. */
  truncate(depth: number): void {
    const d = Math.max(0, Math.floor(depth));
    const n = this.hi - this.lo;
    if (n <= d) return;
    const newLo = this.hi - d;
    if (this.priceStrs !== undefined) {
      for (let i = this.lo; i < newLo; i++) {
        this.priceStrs[i] = '';
        this.amountStrs![i] = '';
      }
    }
    this.lo = newLo;
  }

  /** Rank of a price (0 = best), or -1 when absent. */
  rankOf(price: number): number {
    const key = this.sign === 1 ? price : -price;
    const i = this.lowerBound(key);
    return i < this.hi && this.keys[i] === key ? this.hi - 1 - i : -1;
  }

  /** Amount at a price, or 0 when absent. */
  amountOf(price: number): number {
    const r = this.rankOf(price);
    return r < 0 ? 0 : this.amounts[this.hi - 1 - r];
  }

  /** Price at `rank` (0 = best); undefined past the end. */
  priceAt(rank: number): number | undefined {
    const i = this.hi - 1 - rank;
    if (rank < 0 || i < this.lo) return undefined;
    return this.sign === 1 ? this.keys[i] : -this.keys[i];
  }

  /** Amount at `rank` (0 = best); undefined past the end. */
  amountAt(rank: number): number | undefined {
    const i = this.hi - 1 - rank;
    if (rank < 0 || i < this.lo) return undefined;
    return this.amounts[i];
  }

  /** Best level as a fresh tuple, or undefined when the side is empty. */
  best(): Level | undefined {
    const i = this.hi - 1;
    if (i < this.lo) return undefined;
    return [this.sign === 1 ? this.keys[i] : -this.keys[i], this.amounts[i]];
  }

  /** The best `limit` levels (all when undefined), best first, as fresh tuples. */
  toLevels(limit?: number): Level[] {
    const count = this.countFor(limit);
    const out: Level[] = new Array(count);
    const keys = this.keys;
    const amounts = this.amounts;
    const top = this.hi - 1;
    if (this.sign === 1) {
      for (let r = 0; r < count; r++) out[r] = [keys[top - r], amounts[top - r]];
    } else {
      for (let r = 0; r < count; r++) out[r] = [-keys[top - r], amounts[top - r]];
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
    const count = this.countFor(limit);
    const out: [string, string][] = new Array(count);
    const top = this.hi - 1;
    for (let r = 0; r < count; r++) out[r] = [ps[top - r], as[top - r]];
    return out;
  }

  /** Price string at `rank` (keepStrings only). */
  priceStrAt(rank: number): string | undefined {
    const i = this.hi - 1 - rank;
    return rank < 0 || i < this.lo || this.priceStrs === undefined ? undefined : this.priceStrs[i];
  }

  /** Amount string at `rank` (keepStrings only). */
  amountStrAt(rank: number): string | undefined {
    const i = this.hi - 1 - rank;
    return rank < 0 || i < this.lo || this.amountStrs === undefined ? undefined : this.amountStrs[i];
  }

  // ---- internals ----

  private countFor(limit: number | undefined): number {
    const n = this.hi - this.lo;
    return limit === undefined ? n : Math.max(0, Math.min(n, Math.floor(limit)));
  }

  /** First index in [lo, hi) whose key is >= key (hi when none): gallops down from the top, then bisects. */
  private lowerBound(key: number): number {
    const keys = this.keys;
    const base = this.lo;
    // invariant: keys[h] >= key (h === hi: virtual +inf); keys[l] < key (l === lo - 1: virtual -inf)
    let h = this.hi;
    let l = h - 1;
    let step = 1;
    while (l >= base) {
      if (keys[l] < key) break;
      h = l;
      l = h - step;
      step <<= 1;
    }
    if (l < base - 1) l = base - 1;
    while (h - l > 1) {
      const mid = l + ((h - l) >> 1);
      if (keys[mid] < key) l = mid;
      else h = mid;
    }
    return h;
  }

  /** Insert before absolute index i (i in [lo, hi]). */
  private insertAt(i: number, key: number, amount: number, ps: string | undefined, as: string | undefined): void {
    let lo = this.lo;
    let hi = this.hi;
    let below = i - lo; // levels worse than the new one
    const above = hi - i; // levels better than the new one
    if (below < above && lo === 0 && this.roomy()) {
      // a deep insert with no room below: re-centre once rather than shift the better part each time
      this.recentre();
      i += this.lo - lo;
      lo = this.lo;
      hi = this.hi;
      below = i - lo;
    }
    if (lo > 0 && below < above) {
      // shift the worse part down by one
      moveNum(this.keys, lo - 1, lo, below);
      moveNum(this.amounts, lo - 1, lo, below);
      if (this.priceStrs !== undefined) {
        moveStr(this.priceStrs, lo - 1, lo, below);
        moveStr(this.amountStrs!, lo - 1, lo, below);
      }
      this.lo = lo - 1;
      i--;
    } else {
      if (hi === this.keys.length) {
        // no room above: re-centre or grow (amortised O(1)), then shift the better part up
        if (this.roomy()) this.recentre();
        else this.regrow(this.keys.length * 2);
        i += this.lo - lo;
        hi = this.hi;
      }
      moveNum(this.keys, i + 1, i, above);
      moveNum(this.amounts, i + 1, i, above);
      if (this.priceStrs !== undefined) {
        moveStr(this.priceStrs, i + 1, i, above);
        moveStr(this.amountStrs!, i + 1, i, above);
      }
      this.hi = hi + 1;
    }
    this.keys[i] = key;
    this.amounts[i] = amount;
    if (this.priceStrs !== undefined) {
      this.priceStrs[i] = ps!;
      this.amountStrs![i] = as!;
    }
  }

  /** Remove absolute index i (in [lo, hi)). */
  private removeAt(i: number): void {
    const lo = this.lo;
    const hi = this.hi;
    const below = i - lo;
    const above = hi - 1 - i;
    const ps = this.priceStrs;
    if (below < above) {
      moveNum(this.keys, lo + 1, lo, below);
      moveNum(this.amounts, lo + 1, lo, below);
      if (ps !== undefined) {
        moveStr(ps, lo + 1, lo, below);
        moveStr(this.amountStrs!, lo + 1, lo, below);
        ps[lo] = '';
        this.amountStrs![lo] = '';
      }
      this.lo = lo + 1;
    } else {
      moveNum(this.keys, i, i + 1, above);
      moveNum(this.amounts, i, i + 1, above);
      if (ps !== undefined) {
        moveStr(ps, i, i + 1, above);
        moveStr(this.amountStrs!, i, i + 1, above);
        ps[hi - 1] = '';
        this.amountStrs![hi - 1] = '';
      }
      this.hi = hi - 1;
    }
  }

  /** At least a third of the buffer is free: re-centring pays for itself. */
  private roomy(): boolean {
    const cap = this.keys.length;
    return (cap - (this.hi - this.lo)) * 3 >= cap;
  }

  /**
   * Move the live region so 1/4 of the free space is below it and 3/4 above (updates cluster near
   * the best price, at the top). O(n); callers do it only when >= 1/3 of the buffer is free, so it
   * buys Θ(n) cheap inserts.
   */
  private recentre(): void {
    const lo = this.lo;
    const hi = this.hi;
    const n = hi - lo;
    const newLo = (this.keys.length - n) >> 2;
    if (newLo === lo) return;
    moveNum(this.keys, newLo, lo, n);
    moveNum(this.amounts, newLo, lo, n);
    const ps = this.priceStrs;
    if (ps !== undefined) {
      const as = this.amountStrs!;
      moveStr(ps, newLo, lo, n);
      moveStr(as, newLo, lo, n);
      // blank the slots the region left, so dropped strings can be collected
      for (let j = lo; j < hi; j++) {
        if (j < newLo || j >= newLo + n) {
          ps[j] = '';
          as[j] = '';
        }
      }
    }
    this.lo = newLo;
    this.hi = newLo + n;
  }

  /** Reallocate to at least `need` slots (power-of-two growth), re-centring the live region. */
  private regrow(need: number): void {
    let cap = this.keys.length;
    while (cap < need) cap *= 2;
    const n = this.hi - this.lo;
    const newLo = (cap - n) >> 2;
    const keys = new Float64Array(cap);
    const amounts = new Float64Array(cap);
    keys.set(this.keys.subarray(this.lo, this.hi), newLo);
    amounts.set(this.amounts.subarray(this.lo, this.hi), newLo);
    if (this.priceStrs !== undefined) {
      const ps = filledStrings(cap);
      const as = filledStrings(cap);
      for (let j = 0; j < n; j++) {
        ps[newLo + j] = this.priceStrs[this.lo + j];
        as[newLo + j] = this.amountStrs![this.lo + j];
      }
      this.priceStrs = ps;
      this.amountStrs = as;
    }
    this.keys = keys;
    this.amounts = amounts;
    this.lo = newLo;
    this.hi = newLo + n;
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
