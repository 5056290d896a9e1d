/**
 * One side of an order book, built for frequent updates anywhere in large books.
 *
 * Layout: the levels are kept sorted ascending by key in BLOCKS of at most {@link BLOCK} levels,
 * with the BEST level at the end of the last block. The key is the price for bids and the negated
 * price for asks, so both sides sort the same way (negation is exact in IEEE-754: no precision lost).
 *
 * - Every block lives in one slot of a shared pool (`keys` / `amounts`, Float64Array, slot b at
 *   `[b * BLOCK, (b + 1) * BLOCK)`); inside its slot a block occupies `[start, start + count)`.
 * - `order` lists the blocks' slots from worst to best and `mins` their first (lowest) keys: a
 *   lookup gallops down `mins` from the top, then gallops down the one block, so a level d places
 *   from the top costs O(log d).
 * - Inserting or removing a level moves only the levels between it and the nearer end of its
 *   block (at most BLOCK / 2), never the rest of the side. A full block splits in two; a block
 *   that falls under a quarter full merges with a neighbour when both fit in half a block; an empty
 *   one is freed. Those touch `order` (a few dozen ints for tens of thousands of levels).
 * - `truncate` (drop the worst levels) frees whole blocks and moves the start of one: no copying.
 * - The pool doubles when it runs out of free slots (amortised O(1)) and is never given back, so a
 *   book of stable size allocates nothing in steady state.
 *
 * With `keepStrings`, two more pool-sized arrays (same indices) hold the price / amount strings
 * exactly as they came off the wire, for checksums computed from the exchange's own strings.
 * With `keepScales`, one more (Uint16, same indices) holds each level's price and amount SCALES
 * (digits after the decimal point as written; book/decimal.ts), from which those strings' digits
 * are rendered again exactly without keeping a string per level: `price | amount << 8`.
 *
 * Ranks used by the public accessors count from the best level: rank 0 is the best bid / ask.
 * Reading by rank walks the blocks from the top: O(rank / BLOCK).
 */
import type { Level } from '../core/types';
import type { RawLevel } from './types';
import { scaleOf, scaleOfNumber, scaleOfString } from './decimal';

/**
 * Levels per block. Measured with bench/experiments/book-apply.js (Node 20, the shared 2-core
 * machine), once searches started at the previous level of a batch: on the real capture's frames
 * (sorted, 1-2k levels a side) 16 took 74 ns a level against 82 for 32 (8 and 12: 73); on table 2's
 * unsorted stream 16 was level with 32 at 1k and 2-4% ahead at 5k and 20k. Smaller blocks move
 * fewer levels per insert or delete, and the finger search makes the longer block index cheap.
 * (Before the finger search, 32 was best: bench/lib/book-stream.js, 16-128 against a flat array.)
 */
const BLOCK = 16;
/** A load fills blocks this full, leaving room for inserts before the first splits. */
const LOAD_FILL = 12;
/** Below this many elements a hand-written loop beats TypedArray#copyWithin (measured on Node 20). */
const COPY_LOOP_MAX = 24;

/** Move `count` elements from `from` to `to` inside one typed array (overlap allowed). */
function moveNum(a: Float64Array, to: number, from: number, count: number): void {
  if (count >= COPY_LOOP_MAX) {
    a.copyWithin(to, from, from + count);
  } else if (to < from) {
    for (let j = 0; j < count; j++) a[to + j] = a[from + j]!;
  } else {
    for (let j = count - 1; j >= 0; j--) a[to + j] = a[from + j]!;
  }
}

/** Same for a string array (a plain loop: Array#copyWithin is far slower on Node 20). */
function moveStr(a: string[], to: number, from: number, count: number): void {
  if (to < from) {
    for (let j = 0; j < count; j++) a[to + j] = a[from + j]!;
  } else {
    for (let j = count - 1; j >= 0; j--) a[to + j] = a[from + j]!;
  }
}

/** Same for the scales array. */
function moveScale(a: Uint16Array, to: number, from: number, count: number): void {
  if (count >= COPY_LOOP_MAX) {
    a.copyWithin(to, from, from + count);
  } else if (to < from) {
    for (let j = 0; j < count; j++) a[to + j] = a[from + j]!;
  } else {
    for (let j = count - 1; j >= 0; j--) a[to + j] = a[from + j]!;
  }
}

/** Scales of a wire level (strings: as written; numbers: their shortest form), packed `price | amount << 8`. */
function levelScales(p: unknown, a: unknown): number {
  return scaleOf(p) | (scaleOf(a) << 8);
}

function filledStrings(n: number): string[] {
  return new Array<string>(n).fill('');
}

export class BookSide {
  /** +1 for bids (key = price), -1 for asks (key = -price). */
  readonly sign: 1 | -1;
  readonly keepStrings: boolean;
  /** The pool: slot b holds a block's keys / amounts in [b * BLOCK, (b + 1) * BLOCK). */
  private keys: Float64Array;
  private amounts: Float64Array;
  /** With keepStrings: same indices as `keys`; '' outside live ranges. */
  private priceStrs: string[] | undefined;
  private amountStrs: string[] | undefined;
  /** With keepScales: same indices as `keys`; price scale | amount scale << 8. */
  private scales: Uint16Array | undefined;
  /** Per slot: where its block starts inside the slot, and how many levels it holds. */
  private start: Int32Array;
  private count: Int32Array;
  /** Slots of the live blocks, worst block first; `mins[p]` is the first key of block `order[p]`. */
  private order: Int32Array;
  private mins: Float64Array;
  private blocks = 0;
  /** Free slots (a stack). */
  private free: Int32Array;
  private freeCount: number;
  private n = 0;
  /** Results of `find` (no allocation): position in `order`, absolute index, end of that block. */
  private fp = 0;
  private fi = 0;
  private fe = 0;
  /** Pool index of the last level a batch touched (a start for the next search; checked before use). */
  private hint = -1;

  constructor(readonly name: 'bids' | 'asks', keepStrings = false, initialBlocks = 2, keepScales = false) {
    this.sign = name === 'bids' ? 1 : -1;
    this.keepStrings = keepStrings;
    const slots = Math.max(1, initialBlocks | 0);
    this.keys = new Float64Array(slots * BLOCK);
    this.amounts = new Float64Array(slots * BLOCK);
    if (keepStrings) {
      this.priceStrs = filledStrings(slots * BLOCK);
      this.amountStrs = filledStrings(slots * BLOCK);
    }
    if (keepScales) this.scales = new Uint16Array(slots * BLOCK);
    this.start = new Int32Array(slots);
    this.count = new Int32Array(slots);
    this.order = new Int32Array(slots);
    this.mins = new Float64Array(slots);
    this.free = new Int32Array(slots);
    for (let i = 0; i < slots; i++) this.free[i] = slots - 1 - i;
    this.freeCount = slots;
  }

  /** Number of levels. */
  get length(): number {
    return this.n;
  }

  /**
   * Set the amount at a price: amount > 0 inserts or replaces, anything else (0, negative, NaN)
   * removes the level; removing an absent level is a no-op. A NaN price is ignored.
   */
  set(price: number, amount: number, priceStr?: string, amountStr?: string, scales?: number): void {
    if (price !== price) return;
    this.put(this.sign === 1 ? price : -price, amount, priceStr, amountStr, scales, this.blocks, -1);
  }

  /**
   * `set` by key. The search for the key's block starts below order position `top` (the caller
   * guarantees that `top` is `blocks` or that `mins[top]` is above `key`), and inside the block at
   * `hint` when that index lies in it at or above `key` (-1: none).
   */
  private put(key: number, amount: number, priceStr: string | undefined, amountStr: string | undefined, scales: number | undefined, top: number, hint: number): void {
    if (this.scales !== undefined && scales === undefined && amount > 0) {
      // no scales given (OrderBook.update): the strings', else the numbers' shortest form
      scales =
        (priceStr !== undefined ? scaleOfString(priceStr) : scaleOfNumber(this.sign === 1 ? key : -key)) |
        ((amountStr !== undefined ? scaleOfString(amountStr) : scaleOfNumber(amount)) << 8);
    }
    if (this.blocks === 0) {
      if (amount > 0) this.insertFirst(key, amount, priceStr, amountStr, scales);
      return;
    }
    this.find(key, top, hint);
    const i = this.fi;
    this.hint = i;
    const found = i < this.fe && this.keys[i] === key;
    if (amount > 0) {
      if (this.priceStrs !== undefined) {
        // strings are only materialised when kept: no allocation otherwise
        if (priceStr === undefined) priceStr = String(this.sign === 1 ? key : -key);
        if (amountStr === undefined) amountStr = String(amount);
      }
      if (found) {
        this.amounts[i] = amount;
        if (this.priceStrs !== undefined) {
          this.priceStrs[i] = priceStr!;
          this.amountStrs![i] = amountStr!;
        }
        if (this.scales !== undefined) this.scales[i] = scales!;
      } else {
        this.insertAt(this.fp, i, key, amount, priceStr, amountStr, scales);
      }
    } else if (found) {
      this.removeAt(this.fp, i);
    }
  }

  /**
   * Where the search for the next level of a batch may start. Exchanges send a side's levels best
   * first (every frame of the Binance capture does: bids falling, asks rising), so a level usually
   * lies in or just below the previous one's block: starting there (a finger search) replaces the
   * gallop down from the best block. Checked against `mins` every time, so it is right whatever
   * happened since; batches use it only while their levels run best first (out-of-order input,
   * such as table 2's random stream, pays nothing for it past its first misordered level).
   */
  private topAfter(key: number): number {
    const h = this.fp + 1;
    return h < this.blocks && this.mins[h]! > key ? h : this.blocks;
  }

  /** Apply wire levels in order (later duplicates win). Hot path: no allocation per level. */
  applyRaw(levels: readonly RawLevel[]): void {
    const len = levels.length;
    const sign = this.sign;
    const keep = this.priceStrs !== undefined;
    const scaled = this.scales !== undefined && !keep;
    let prevKey = Infinity;
    let finger = true;
    for (let j = 0; j < len; j++) {
      const lv = levels[j]!;
      const p = lv[0];
      const a = lv[1];
      const price = +(p as string);
      if (price !== price) continue;
      const key = sign === 1 ? price : -price;
      let top = this.blocks;
      let hint = -1;
      if (finger) {
        if (key < prevKey) {
          top = this.topAfter(key);
          hint = this.hint;
        } else {
          finger = false;
        }
      }
      prevKey = key;
      if (keep) this.put(key, +(a as string), typeof p === 'string' ? p : String(p), typeof a === 'string' ? a : String(a), undefined, top, hint);
      else this.put(key, +(a as string), undefined, undefined, scaled ? levelScales(p, a) : undefined, top, hint);
    }
  }

  /**
   * Apply levels whose numbers were already converted (and checked) into `nums` (price, amount
   * pairs; see book/validate.ts convertLevels, or a byte scanner's packed levels); `levels`
   * supplies the wire strings when they are kept. Hot path: no conversion, no allocation.
   */
  applyNumbers(nums: Float64Array, count: number, levels: readonly RawLevel[], scales?: Uint8Array): void {
    const sign = this.sign;
    const keep = this.priceStrs !== undefined;
    // keepScales: the scanner's scales (packed levels), else the wire strings'
    const scaled = this.scales !== undefined && !keep;
    let prevKey = Infinity;
    let finger = true;
    for (let j = 0; j < count; j++) {
      const price = nums[2 * j]!;
      if (price !== price) continue;
      const key = sign === 1 ? price : -price;
      let top = this.blocks;
      let hint = -1;
      if (finger) {
        if (key < prevKey) {
          top = this.topAfter(key);
          hint = this.hint;
        } else {
          finger = false;
        }
      }
      prevKey = key;
      if (scaled) {
        const sc = scales !== undefined ? scales[2 * j]! | (scales[2 * j + 1]! << 8) : levelScales(levels[j]![0], levels[j]![1]);
        this.put(key, nums[2 * j + 1]!, undefined, undefined, sc, top, hint);
      } else if (keep) {
        const lv = levels[j]!;
        const p = lv[0];
        const a = lv[1];
        this.put(key, nums[2 * j + 1]!, typeof p === 'string' ? p : String(p), typeof a === 'string' ? a : String(a), undefined, top, hint);
      } else {
        this.put(key, nums[2 * j + 1]!, undefined, undefined, undefined, top, hint);
      }
    }
  }

  /**
   * Replace the whole side with `levels`. Fast path for input sorted best first with unique prices
   * (REST and WebSocket snapshots): one pass to convert and check, one to fill blocks 3/4 full.
   * Anything else falls back to applying the levels one by one, which sorts them and lets later
   * duplicates win.
   */
  load(levels: readonly RawLevel[]): void {
    this.clear();
    const len = levels.length;
    // scratch of one load (snapshots are rare; not kept, so 500 idle books hold no spare arrays)
    const sk = new Float64Array(len);
    const sa = new Float64Array(len);
    const src = new Int32Array(len);
    const sign = this.sign;
    let prev = Infinity;
    let m = 0;
    for (let j = 0; j < len; j++) {
      const lv = levels[j]!;
      const price = +(lv[0] as string);
      const key = sign === 1 ? price : -price;
      // best first means strictly decreasing keys; anything else (or a NaN) takes the slow path
      if (!(key < prev)) {
        this.applyRaw(levels);
        return;
      }
      prev = key;
      const amount = +(lv[1] as string);
      if (!(amount > 0)) continue;
      sk[m] = key;
      sa[m] = amount;
      src[m] = j;
      m++;
    }
    if (m === 0) return;
    // ascending index a (worst first) is scratch index m - 1 - a; block q holds a in [q * FILL, (q + 1) * FILL)
    const nBlocks = Math.ceil(m / LOAD_FILL);
    this.reserve(nBlocks);
    const keys = this.keys;
    const amounts = this.amounts;
    const ps = this.priceStrs;
    const as = this.amountStrs;
    const sc = this.scales;
    for (let q = 0; q < nBlocks; q++) {
      const b = this.alloc();
      const c = Math.min(LOAD_FILL, m - q * LOAD_FILL);
      // room on both ends; more above, where the best levels (and most inserts) are
      const s = (BLOCK - c) >> 2;
      this.start[b] = s;
      this.count[b] = c;
      this.order[q] = b;
      const base = b * BLOCK + s;
      for (let k = 0; k < c; k++) {
        const from = m - 1 - (q * LOAD_FILL + k);
        keys[base + k] = sk[from]!;
        amounts[base + k] = sa[from]!;
        if (ps !== undefined) {
          const lv = levels[src[from]!]!;
          const p = lv[0];
          const a = lv[1];
          ps[base + k] = typeof p === 'string' ? p : String(p);
          as![base + k] = typeof a === 'string' ? a : String(a);
        }
        if (sc !== undefined) {
          const lv = levels[src[from]!]!;
          sc[base + k] = levelScales(lv[0], lv[1]);
        }
      }
      this.mins[q] = keys[base]!;
    }
    this.blocks = nBlocks;
    this.n = m;
  }

  /** Remove every level (the pool is kept, so a book that is refilled does not reallocate). */
  clear(): void {
    for (let p = 0; p < this.blocks; p++) this.release(this.order[p]!);
    this.blocks = 0;
    this.n = 0;
  }

  /** Keep only the best `depth` levels. */
  truncate(depth: number): void {
    const d = Math.max(0, Math.floor(depth));
    if (this.n <= d) return;
    let drop = this.n - d;
    this.n = d;
    // whole blocks from the bottom, then the start of one
    let p = 0;
    while (p < this.blocks && this.count[this.order[p]!]! <= drop) {
      drop -= this.count[this.order[p]!]!;
      this.release(this.order[p]!);
      p++;
    }
    if (p > 0) {
      this.order.copyWithin(0, p, this.blocks);
      this.mins.copyWithin(0, p, this.blocks);
      this.blocks -= p;
    }
    if (drop > 0) {
      const b = this.order[0]!;
      const s = this.start[b]!;
      this.clearStrings(b * BLOCK + s, drop);
      this.start[b] = s + drop;
      this.count[b] -= drop;
      this.mins[0] = this.keys[b * BLOCK + s + drop]!;
    }
  }

  /** Rank of a price (0 = best), or -1 when absent. */
  rankOf(price: number): number {
    if (this.blocks === 0) return -1;
    const key = this.sign === 1 ? price : -price;
    this.find(key);
    const i = this.fi;
    if (!(i < this.fe && this.keys[i] === key)) return -1;
    let r = this.fe - 1 - i;
    for (let p = this.fp + 1; p < this.blocks; p++) r += this.count[this.order[p]!]!;
    return r;
  }

  /** Amount at a price, or 0 when absent. */
  amountOf(price: number): number {
    if (this.blocks === 0) return 0;
    const key = this.sign === 1 ? price : -price;
    this.find(key);
    const i = this.fi;
    return i < this.fe && this.keys[i] === key ? this.amounts[i]! : 0;
  }

  /** Price at `rank` (0 = best); undefined past the end. */
  priceAt(rank: number): number | undefined {
    const i = this.indexOfRank(rank);
    if (i < 0) return undefined;
    return this.sign === 1 ? this.keys[i] : -this.keys[i]!;
  }

  /** Amount at `rank` (0 = best); undefined past the end. */
  amountAt(rank: number): number | undefined {
    const i = this.indexOfRank(rank);
    return i < 0 ? undefined : this.amounts[i];
  }

  /** Best level as a fresh tuple, or undefined when the side is empty. */
  best(): Level | undefined {
    if (this.blocks === 0) return undefined;
    const b = this.order[this.blocks - 1]!;
    const i = b * BLOCK + this.start[b]! + this.count[b]! - 1;
    return [this.sign === 1 ? this.keys[i]! : -this.keys[i]!, this.amounts[i]!];
  }

  /** The best `limit` levels (all when undefined), best first, as fresh tuples. */
  toLevels(limit?: number): Level[] {
    const total = this.countFor(limit);
    const out: Level[] = new Array(total);
    const keys = this.keys;
    const amounts = this.amounts;
    const neg = this.sign === -1;
    let r = 0;
    for (let p = this.blocks - 1; p >= 0 && r < total; p--) {
      const b = this.order[p]!;
      const lo = b * BLOCK + this.start[b]!;
      for (let i = lo + this.count[b]! - 1; i >= lo && r < total; i--) {
        out[r++] = [neg ? -keys[i]! : keys[i]!, amounts[i]!];
      }
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
    const total = this.countFor(limit);
    const out: [string, string][] = new Array(total);
    let r = 0;
    for (let p = this.blocks - 1; p >= 0 && r < total; p--) {
      const b = this.order[p]!;
      const lo = b * BLOCK + this.start[b]!;
      for (let i = lo + this.count[b]! - 1; i >= lo && r < total; i--) out[r++] = [ps[i]!, as[i]!];
    }
    return out;
  }

  /** Price string at `rank` (keepStrings only). */
  priceStrAt(rank: number): string | undefined {
    const i = this.priceStrs === undefined ? -1 : this.indexOfRank(rank);
    return i < 0 ? undefined : this.priceStrs![i];
  }

  /** Amount string at `rank` (keepStrings only). */
  amountStrAt(rank: number): string | undefined {
    const i = this.amountStrs === undefined ? -1 : this.indexOfRank(rank);
    return i < 0 ? undefined : this.amountStrs![i];
  }

  /**
   * The best `limit` levels' numbers and scales (keepScales only), best first, into the caller's
   * reused arrays: `nums[2r]` price, `nums[2r + 1]` amount, `scales[r]` price scale | amount scale
   * << 8 of rank r. Returns how many were written (at most `limit`; the arrays must hold them).
   */
  scaled(limit: number, nums: Float64Array, scales: Uint16Array): number {
    const sc = this.scales;
    if (sc === undefined) throw new Error('BookSide: level scales are kept only with { keepScales: true }');
    const total = this.countFor(limit);
    const keys = this.keys;
    const amounts = this.amounts;
    const neg = this.sign === -1;
    let r = 0;
    for (let p = this.blocks - 1; p >= 0 && r < total; p--) {
      const b = this.order[p]!;
      const lo = b * BLOCK + this.start[b]!;
      for (let i = lo + this.count[b]! - 1; i >= lo && r < total; i--) {
        nums[2 * r] = neg ? -keys[i]! : keys[i]!;
        nums[2 * r + 1] = amounts[i]!;
        scales[r] = sc[i]!;
        r++;
      }
    }
    return r;
  }

  // ---- internals ----

  private countFor(limit: number | undefined): number {
    const n = this.n;
    return limit === undefined ? n : Math.max(0, Math.min(n, Math.floor(limit)));
  }

  /** Absolute pool index of the level at `rank`, or -1 past the end (walks blocks from the top). */
  private indexOfRank(rank: number): number {
    if (!(rank >= 0 && rank < this.n)) return -1;
    let r = Math.floor(rank);
    for (let p = this.blocks - 1; p >= 0; p--) {
      const b = this.order[p]!;
      const c = this.count[b]!;
      if (r < c) return b * BLOCK + this.start[b]! + c - 1 - r;
      r -= c;
    }
    return -1;
  }

  /**
   * Where `key` is or would go (blocks > 0): sets `fp` (position in `order` of its block), `fi`
   * (first index of that block whose key is >= key, or the block's end) and `fe` (the block's end).
   * A key below every block goes to the front of the worst block. The search starts below order
   * position `top` (`blocks`, or a position whose first key is above `key`).
   */
  private find(key: number, top = this.blocks, hint = -1): void {
    const mins = this.mins;
    // the last block whose first key is <= key: gallop down from the best block, then bisect.
    // invariant: mins[l] <= key (l === -1: virtual -inf), mins[h] > key (h === blocks: virtual +inf)
    let h = top;
    let l = h - 1;
    let step = 1;
    while (l >= 0) {
      if (mins[l]! <= key) break;
      h = l;
      l = h - step;
      step <<= 1;
    }
    if (l < -1) l = -1;
    while (h - l > 1) {
      const mid = l + ((h - l) >> 1);
      if (mins[mid]! <= key) l = mid;
      else h = mid;
    }
    const p = l < 0 ? 0 : l;
    const b = this.order[p]!;
    const base = b * BLOCK + this.start[b]!;
    const end = base + this.count[b]!;
    // first index in [base, end) with keys >= key: gallop down from the block's top (or from the
    // hint when it lies in this block at or above key), then bisect
    const keys = this.keys;
    let hi = hint >= base && hint < end && keys[hint]! >= key ? hint : end;
    let lo = hi - 1;
    step = 1;
    while (lo >= base) {
      if (keys[lo]! < key) break;
      hi = lo;
      lo = hi - step;
      step <<= 1;
    }
    if (lo < base - 1) lo = base - 1;
    while (hi - lo > 1) {
      const mid = lo + ((hi - lo) >> 1);
      if (keys[mid]! < key) lo = mid;
      else hi = mid;
    }
    this.fp = p;
    this.fi = hi;
    this.fe = end;
  }

  /** The first level of an empty side: one block, room on both ends (more above). */
  private insertFirst(key: number, amount: number, ps: string | undefined, as: string | undefined, sc?: number): void {
    const b = this.alloc();
    const s = BLOCK >> 2;
    this.start[b] = s;
    this.count[b] = 1;
    this.order[0] = b;
    this.mins[0] = key;
    this.blocks = 1;
    this.n = 1;
    const i = b * BLOCK + s;
    this.keys[i] = key;
    this.amounts[i] = amount;
    if (this.priceStrs !== undefined) {
      this.priceStrs[i] = ps ?? String(this.sign === 1 ? key : -key);
      this.amountStrs![i] = as ?? String(amount);
    }
    if (this.scales !== undefined) this.scales[i] = sc!;
  }

  /** Insert at absolute index i (the find result) of the block at order position p. */
  private insertAt(p: number, i: number, key: number, amount: number, ps: string | undefined, as: string | undefined, sc?: number): void {
    let b = this.order[p]!;
    if (this.count[b] === BLOCK) {
      // split the full block: its better half moves to a new block just above it
      const nb = this.split(p);
      const half = this.count[b]!;
      const rel = i - (b * BLOCK + this.start[b]!);
      if (rel > half) {
        // the new level belongs to the better half
        p++;
        b = nb;
        i = b * BLOCK + this.start[b]! + (rel - half);
      }
    }
    const base = b * BLOCK;
    const s = this.start[b]!;
    const c = this.count[b]!;
    const rel = i - (base + s);
    const below = rel;
    const above = c - rel;
    const keys = this.keys;
    const amounts = this.amounts;
    const pss = this.priceStrs;
    const scs = this.scales;
    if (s > 0 && (below < above || s + c === BLOCK)) {
      // shift the worse part down by one
      moveNum(keys, base + s - 1, base + s, below);
      moveNum(amounts, base + s - 1, base + s, below);
      if (pss !== undefined) {
        moveStr(pss, base + s - 1, base + s, below);
        moveStr(this.amountStrs!, base + s - 1, base + s, below);
      }
      if (scs !== undefined) moveScale(scs, base + s - 1, base + s, below);
      this.start[b] = s - 1;
      i--;
    } else {
      // shift the better part up by one (there is room: c < BLOCK and s + c < BLOCK here)
      moveNum(keys, i + 1, i, above);
      moveNum(amounts, i + 1, i, above);
      if (pss !== undefined) {
        moveStr(pss, i + 1, i, above);
        moveStr(this.amountStrs!, i + 1, i, above);
      }
      if (scs !== undefined) moveScale(scs, i + 1, i, above);
    }
    keys[i] = key;
    amounts[i] = amount;
    if (pss !== undefined) {
      pss[i] = ps!;
      this.amountStrs![i] = as!;
    }
    if (scs !== undefined) scs[i] = sc!;
    this.hint = i;
    this.count[b] = c + 1;
    if (rel === 0) this.mins[p] = key;
    this.n++;
  }

  /** Remove absolute index i of the block at order position p. */
  private removeAt(p: number, i: number): void {
    const b = this.order[p]!;
    const base = b * BLOCK;
    const s = this.start[b]!;
    const c = this.count[b]!;
    const rel = i - (base + s);
    const below = rel;
    const above = c - 1 - rel;
    const keys = this.keys;
    const amounts = this.amounts;
    const pss = this.priceStrs;
    const scs = this.scales;
    if (below < above) {
      moveNum(keys, base + s + 1, base + s, below);
      moveNum(amounts, base + s + 1, base + s, below);
      if (scs !== undefined) moveScale(scs, base + s + 1, base + s, below);
      if (pss !== undefined) {
        moveStr(pss, base + s + 1, base + s, below);
        moveStr(this.amountStrs!, base + s + 1, base + s, below);
        pss[base + s] = '';
        this.amountStrs![base + s] = '';
      }
      this.start[b] = s + 1;
    } else {
      moveNum(keys, i, i + 1, above);
      moveNum(amounts, i, i + 1, above);
      if (scs !== undefined) moveScale(scs, i, i + 1, above);
      if (pss !== undefined) {
        moveStr(pss, i, i + 1, above);
        moveStr(this.amountStrs!, i, i + 1, above);
        pss[base + s + c - 1] = '';
        this.amountStrs![base + s + c - 1] = '';
      }
    }
    this.count[b] = c - 1;
    this.n--;
    if (c === 1) {
      this.dropBlock(p);
      return;
    }
    if (rel === 0) this.mins[p] = keys[base + this.start[b]!]!;
    if (c - 1 < BLOCK >> 2) this.maybeMerge(p);
  }

  /** Merge the block at p with a neighbour when both fit in half a block (keeps blocks dense). */
  private maybeMerge(p: number): void {
    const half = BLOCK >> 1;
    const c = this.count[this.order[p]!]!;
    if (p > 0 && c + this.count[this.order[p - 1]!]! <= half) this.merge(p - 1);
    else if (p + 1 < this.blocks && c + this.count[this.order[p + 1]!]! <= half) this.merge(p);
  }

  /** Moves the levels of block p + 1 to the end of block p and frees p + 1's slot. */
  private merge(p: number): void {
    const lb = this.order[p]!;
    const ub = this.order[p + 1]!;
    const lc = this.count[lb]!;
    const uc = this.count[ub]!;
    let ls = this.start[lb]!;
    if (ls + lc + uc > BLOCK) {
      // make room above: move the lower block's levels to the start of its slot
      const to = lb * BLOCK;
      this.moveLevels(to, to + ls, lc);
      this.clearStrings(to + Math.max(lc, ls), ls + lc - Math.max(lc, ls));
      ls = 0;
      this.start[lb] = 0;
    }
    const from = ub * BLOCK + this.start[ub]!;
    this.moveLevels(lb * BLOCK + ls + lc, from, uc);
    this.clearStrings(from, uc);
    this.count[lb] = lc + uc;
    this.count[ub] = 0;
    this.dropBlock(p + 1);
  }

  /** Splits the (full) block at order position p: its better half goes to a new block at p + 1. Returns the new slot. */
  private split(p: number): number {
    if (this.freeCount === 0) this.grow();
    const b = this.order[p]!;
    const nb = this.alloc();
    const c = this.count[b]!;
    const keep = c >> 1;
    const moved = c - keep;
    // the new block (the better half) gets more room above, where inserts cluster
    const ns = (BLOCK - moved) >> 2;
    const from = b * BLOCK + this.start[b]! + keep;
    this.moveLevels(nb * BLOCK + ns, from, moved);
    this.clearStrings(from, moved);
    this.start[nb] = ns;
    this.count[nb] = moved;
    this.count[b] = keep;
    // open position p + 1 in order / mins
    this.order.copyWithin(p + 2, p + 1, this.blocks);
    this.mins.copyWithin(p + 2, p + 1, this.blocks);
    this.order[p + 1] = nb;
    this.mins[p + 1] = this.keys[nb * BLOCK + ns]!;
    this.blocks++;
    return nb;
  }

  /** Removes order position p (its block is empty or merged away) and frees its slot. */
  private dropBlock(p: number): void {
    this.release(this.order[p]!);
    this.order.copyWithin(p, p + 1, this.blocks);
    this.mins.copyWithin(p, p + 1, this.blocks);
    this.blocks--;
  }

  /** Copies `count` levels (numbers and strings) between pool indices; the ranges do not overlap or `to` < `from`. */
  private moveLevels(to: number, from: number, count: number): void {
    moveNum(this.keys, to, from, count);
    moveNum(this.amounts, to, from, count);
    if (this.scales !== undefined) moveScale(this.scales, to, from, count);
    if (this.priceStrs !== undefined) {
      moveStr(this.priceStrs, to, from, count);
      moveStr(this.amountStrs!, to, from, count);
    }
  }

  /** Blanks the strings of pool indices [from, from + count), so dropped strings can be collected. */
  private clearStrings(from: number, count: number): void {
    const ps = this.priceStrs;
    if (ps === undefined || count <= 0) return;
    const as = this.amountStrs!;
    for (let i = from; i < from + count; i++) {
      ps[i] = '';
      as[i] = '';
    }
  }

  /** A free slot (the pool grows when none is left). */
  private alloc(): number {
    if (this.freeCount === 0) this.grow();
    const b = this.free[--this.freeCount]!;
    this.start[b] = 0;
    this.count[b] = 0;
    return b;
  }

  /** Gives a slot back (its strings blanked). */
  private release(b: number): void {
    this.clearStrings(b * BLOCK + this.start[b]!, this.count[b]!);
    this.count[b] = 0;
    this.free[this.freeCount++] = b;
  }

  /** At least `blocks` free slots. */
  private reserve(blocks: number): void {
    while (this.freeCount < blocks) this.grow();
  }

  /** Doubles the pool (amortised O(1) per block ever used; the pool is never shrunk). */
  private grow(): void {
    const slots = this.start.length;
    const more = slots * 2;
    const keys = new Float64Array(more * BLOCK);
    keys.set(this.keys);
    this.keys = keys;
    const amounts = new Float64Array(more * BLOCK);
    amounts.set(this.amounts);
    this.amounts = amounts;
    if (this.priceStrs !== undefined) {
      const ps = filledStrings(more * BLOCK);
      const as = filledStrings(more * BLOCK);
      for (let i = 0; i < this.priceStrs.length; i++) {
        ps[i] = this.priceStrs[i]!;
        as[i] = this.amountStrs![i]!;
      }
      this.priceStrs = ps;
      this.amountStrs = as;
    }
    if (this.scales !== undefined) {
      const sc = new Uint16Array(more * BLOCK);
      sc.set(this.scales);
      this.scales = sc;
    }
    const grown = (a: Int32Array): Int32Array => {
      const out = new Int32Array(more);
      out.set(a);
      return out;
    };
    this.start = grown(this.start);
    this.count = grown(this.count);
    this.order = grown(this.order);
    const mins = new Float64Array(more);
    mins.set(this.mins);
    this.mins = mins;
    const free = new Int32Array(more);
    free.set(this.free.subarray(0, this.freeCount));
    // new slots are handed out lowest first
    for (let b = more - 1; b >= slots; b--) free[this.freeCount++] = b;
    this.free = free;
  }
}
