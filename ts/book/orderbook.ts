/**
 * A plain in-memory L2 order book: no I/O, no timers, no exchange knowledge (DESIGN.md §2, §4).
 *
 * Each side is a {@link BookSide} (sorted blocks of at most 16 levels, best level at the end), so an
 * update anywhere in a large book moves at most half a block of numbers and never copies the side.
 *
 * Reading:
 * - `bids` / `asks` give ccxt-shaped `[price, amount][]`, best first. They are built lazily on first
 *   read and cached until that side next changes, so reading them after every update of a deep book
 *   costs a full copy each time. Callbacks that run on every update should prefer `limit(n)`,
 *   `bestBid()` / `bestAsk()` or `priceAt` / `amountAt`. Treat the cached arrays as read-only.
 * - `limit(n)` and `snapshot()` return detached copies: later updates never change them.
 */
import type { Level, OrderBookSnapshot, OrderBookView } from '../core/types';
import { BookSide } from './book-side';
import type { RawLevel } from './types';

export type Side = 'bids' | 'asks';

export interface OrderBookOptions {
  /**
   * Also keep each level's original price / amount strings, for checksums computed from the
   * exchange's own strings (see `levelStrings`). Costs two extra arrays per side.
   */
  keepStrings?: boolean;
  /**
   * Keep each level's price / amount SCALES (digits after the decimal point as written, from the
   * wire strings or a byte scanner's packed scales; book/decimal.ts): the exchange's own strings
   * are then rendered again exactly from (number, scale) for checksums (see `levelsScaled`),
   * without a string per level. One extra Uint16 array per side.
   */
  keepScales?: boolean;
}

function isoOf(ts: number | undefined): string | undefined {
  return ts === undefined || !Number.isFinite(ts) ? undefined : new Date(ts).toISOString();
}

function copyLevels(levels: readonly Level[], n: number | undefined): Level[] {
  const count = n === undefined ? levels.length : Math.max(0, Math.min(levels.length, Math.floor(n)));
  const out: Level[] = new Array(count);
  for (let i = 0; i < count; i++) out[i] = [levels[i][0], levels[i][1]];
  return out;
}

/** A detached copy of (part of) an order book. Plain data fields plus `limit(n)`. */
export class OrderBookCopy implements OrderBookSnapshot {
  constructor(
    public symbol: string,
    public bids: Level[],
    public asks: Level[],
    public timestamp: number | undefined,
    public datetime: string | undefined,
    public nonce: number | undefined,
  ) {}

  /** Top n levels of each side (all when n is undefined), as a new detached copy. */
  limit(n?: number): OrderBookSnapshot {
    return new OrderBookCopy(
      this.symbol,
      copyLevels(this.bids, n),
      copyLevels(this.asks, n),
      this.timestamp,
      this.datetime,
      this.nonce,
    );
  }
}

export class OrderBook implements OrderBookView {
  readonly symbol: string;
  /** Exchange sequence number of the last applied update (Binance: lastUpdateId / u). */
  nonce: number | undefined = undefined;
  /** Exchange time (ms) of the last applied update, or undefined when the exchange gives none. */
  timestamp: number | undefined = undefined;
  readonly keepStrings: boolean;
  readonly keepScales: boolean;

  private readonly sideBids: BookSide;
  private readonly sideAsks: BookSide;
  private bidsCache: Level[] | undefined = undefined;
  private asksCache: Level[] | undefined = undefined;
  private isoTs: number | undefined = undefined;
  private isoStr: string | undefined = undefined;

  constructor(symbol: string, opts: OrderBookOptions = {}) {
    this.symbol = symbol;
    this.keepStrings = opts.keepStrings === true;
    this.keepScales = opts.keepScales === true;
    this.sideBids = new BookSide('bids', this.keepStrings, 2, this.keepScales);
    this.sideAsks = new BookSide('asks', this.keepStrings, 2, this.keepScales);
  }

  /** ISO-8601 form of `timestamp` (computed on read, cached per timestamp). */
  get datetime(): string | undefined {
    const ts = this.timestamp;
    if (ts !== this.isoTs) {
      this.isoTs = ts;
      this.isoStr = isoOf(ts);
    }
    return this.isoStr;
  }

  /**
   * Bids, best (highest) first. Built lazily and cached until the bids next change: cheap to read
   * repeatedly, a full copy after every change. Prefer `limit(n)` in per-update callbacks.
   */
  get bids(): Level[] {
    return (this.bidsCache ??= this.sideBids.toLevels());
  }

  /** Asks, best (lowest) first. Same caching as `bids`. */
  get asks(): Level[] {
    return (this.asksCache ??= this.sideAsks.toLevels());
  }

  /** Set one level: amount > 0 inserts or replaces; 0 (or less) deletes; deleting an absent level is a no-op. */
  update(side: Side, price: number, amount: number): void {
    if (side === 'bids') {
      this.sideBids.set(price, amount);
      this.bidsCache = undefined;
    } else {
      this.sideAsks.set(price, amount);
      this.asksCache = undefined;
    }
  }

  /** Apply levels converted beforehand (book/validate.ts convertLevels): see BookSide.applyNumbers. */
  applyNumbers(side: Side, nums: Float64Array, count: number, levels: readonly RawLevel[], scales?: Uint8Array): void {
    if (count === 0) return;
    if (side === 'bids') {
      this.sideBids.applyNumbers(nums, count, levels, scales);
      this.bidsCache = undefined;
    } else {
      this.sideAsks.applyNumbers(nums, count, levels, scales);
      this.asksCache = undefined;
    }
  }

  /** Apply wire levels (`[price, amount, ...]`, strings or numbers) in order. Hot path. */
  applyRaw(side: Side, levels: readonly RawLevel[]): void {
    if (levels.length === 0) return;
    if (side === 'bids') {
      this.sideBids.applyRaw(levels);
      this.bidsCache = undefined;
    } else {
      this.sideAsks.applyRaw(levels);
      this.asksCache = undefined;
    }
  }

  /**
   * Replace the whole book. Levels are expected best first (as exchanges send them); other orders
   * are accepted too, just slower. `nonce` / `timestamp` default to the snapshot's own fields.
   */
  reset(
    snapshot: { bids: readonly RawLevel[]; asks: readonly RawLevel[]; nonce?: number; timestamp?: number },
    nonce?: number,
    timestamp?: number,
  ): void {
    this.sideBids.load(snapshot.bids);
    this.sideAsks.load(snapshot.asks);
    this.bidsCache = undefined;
    this.asksCache = undefined;
    this.nonce = nonce ?? snapshot.nonce;
    this.timestamp = timestamp ?? snapshot.timestamp;
  }

  /** Empty both sides and forget nonce and timestamp. */
  clear(): void {
    this.sideBids.clear();
    this.sideAsks.clear();
    this.bidsCache = undefined;
    this.asksCache = undefined;
    this.nonce = undefined;
    this.timestamp = undefined;
  }

  /** Keep only the best `depth` levels of each side. */
  truncate(depth: number): void {
    if (this.sideBids.length > depth) {
      this.sideBids.truncate(depth);
      this.bidsCache = undefined;
    }
    if (this.sideAsks.length > depth) {
      this.sideAsks.truncate(depth);
      this.asksCache = undefined;
    }
  }

  bestBid(): Level | undefined {
    return this.sideBids.best();
  }

  bestAsk(): Level | undefined {
    return this.sideAsks.best();
  }

  /** Number of levels on a side. */
  depth(side: Side): number {
    return side === 'bids' ? this.sideBids.length : this.sideAsks.length;
  }

  /** Price at `rank` (0 = best) without building arrays; undefined past the end. */
  priceAt(side: Side, rank: number): number | undefined {
    return (side === 'bids' ? this.sideBids : this.sideAsks).priceAt(rank);
  }

  /** Amount at `rank` (0 = best) without building arrays; undefined past the end. */
  amountAt(side: Side, rank: number): number | undefined {
    return (side === 'bids' ? this.sideBids : this.sideAsks).amountAt(rank);
  }

  /** The kept price string at `rank` (0 = best; `{ keepStrings: true }` only), undefined past the end. */
  priceStrAt(side: Side, rank: number): string | undefined {
    return (side === 'bids' ? this.sideBids : this.sideAsks).priceStrAt(rank);
  }

  /** The kept amount string at `rank` (0 = best; `{ keepStrings: true }` only), undefined past the end. */
  amountStrAt(side: Side, rank: number): string | undefined {
    return (side === 'bids' ? this.sideBids : this.sideAsks).amountStrAt(rank);
  }

  /** Amount resting at `price`, 0 when there is no such level. */
  amountOf(side: Side, price: number): number {
    return (side === 'bids' ? this.sideBids : this.sideAsks).amountOf(price);
  }

  /**
   * The top n levels' original `[priceStr, amountStr]`, best first (all levels when n is undefined).
   * Requires `{ keepStrings: true }`. Levels that arrived as JSON numbers, or through `update()`,
   * hold `String(number)`.
   */
  levelStrings(side: Side, n?: number): [string, string][] {
    return (side === 'bids' ? this.sideBids : this.sideAsks).strings(n);
  }

  /**
   * The top n levels' numbers and scales, best first, into the caller's reused arrays (no
   * allocation): `nums[2r]` price, `nums[2r + 1]` amount, `scales[r]` price scale | amount scale
   * << 8 (render them with book/decimal.ts writeDecimal). Returns how many. Requires
   * `{ keepScales: true }`.
   */
  levelsScaled(side: Side, n: number, nums: Float64Array, scales: Uint16Array): number {
    return (side === 'bids' ? this.sideBids : this.sideAsks).scaled(n, nums, scales);
  }

  /** Detached copy of the top n levels of each side (all when n is undefined), best first. */
  limit(n?: number): OrderBookSnapshot {
    return new OrderBookCopy(
      this.symbol,
      this.sideBids.toLevels(n),
      this.sideAsks.toLevels(n),
      this.timestamp,
      this.datetime,
      this.nonce,
    );
  }

  /** Detached copy of the whole book. */
  snapshot(): OrderBookSnapshot {
    return this.limit();
  }

  /** `JSON.stringify(book)` gives the ccxt shape. */
  toJSON(): OrderBookSnapshot {
    return this.limit();
  }

  /** console.log / util.inspect show the ccxt shape, not the internal arrays. */
  [Symbol.for('nodejs.util.inspect.custom')](): OrderBookSnapshot {
    return this.limit();
  }
}
