/**
 * Snapshot + delta synchronisation of one order book, generic over exchanges: no I/O, no timers.
 * The caller feeds deltas and snapshots (already parsed by an exchange adapter) and acts on the
 * returned {@link SyncResult}: fetch / resubscribe for a snapshot on 'gap', 'checksum' or
 * 'snapshot-too-old', emit the book on 'applied' / 'synced'.
 *
 * States:
 * - 'waiting': no trustworthy book. The book is kept empty and deltas are buffered (up to
 *   `maxBuffer`) for the next snapshot.
 * - 'synced': the book is the exchange's book as of `book.nonce`.
 * A book known to be wrong is never left 'synced': a gap, a checksum mismatch or `reset()` clears it
 * and moves to 'waiting'.
 *
 * Buffer overflow policy: when `maxBuffer` deltas are already buffered, the OLDEST is dropped (and
 * counted in `dropped`). Dropping from the front never creates a hole inside the buffer, only makes
 * it start later; if the next snapshot is then older than the first kept delta, `onSnapshot`
 * answers 'snapshot-too-old' and the caller fetches a newer one. So overflow can delay a sync but
 * never yield a wrong book, and it is not reported as a gap.
 *
 * The sequence check itself is a {@link SequenceRule}, named by what it checks (the book knows no
 * exchange): `straddleRule` (each delta covers an id range; the first applied one must straddle
 * snapshot id + 1, then ranges are contiguous), `prevIdRule` (each delta names the id of the one
 * before it), `prevIdJoinRule` (the same chain joined to a REST snapshot: the first delta may
 * straddle the snapshot id) and `noSequenceRule` (no ids: integrity comes from checksums, through
 * `verify`).
 */
import type { OrderBook } from './orderbook';
import type { BookDelta, BookSnapshot } from './types';
import { LevelNumbers, badIds, badPacked, badSnapshot, convertLevels, unpackDecimals, unpackLevels } from './validate';

/**
 * A delta as the buffer keeps it: packed levels (the scanner's reused buffers) copied out as number
 * levels, or, when the scanner gave their scales, as the decimal strings they were on the wire
 * (rendered again exactly: a `keepScales` book reads the scales back from them).
 */
function kept(d: BookDelta): BookDelta {
  const p = d.packed;
  if (p === undefined) return d;
  const copy: BookDelta =
    p.bidScales !== undefined && p.askScales !== undefined
      ? { ...d, bids: unpackDecimals(p.bids, p.bidScales, p.bidCount), asks: unpackDecimals(p.asks, p.askScales, p.askCount) }
      : { ...d, bids: unpackLevels(p.bids, p.bidCount), asks: unpackLevels(p.asks, p.askCount) };
  delete copy.packed;
  return copy;
}

export type SequenceVerdict = 'apply' | 'stale' | 'gap';

export interface SequenceRule {
  name: string;
  /**
   * Decide for the first delta after a snapshot (nonce = snapshot nonce, firstAfterSnapshot = true)
   * and for every later one (nonce = book nonce, i.e. the previous applied delta's `last`).
   */
  accept(nonce: number, d: BookDelta, firstAfterSnapshot: boolean): SequenceVerdict;
  /** Human-readable reason for a 'gap' verdict (used in SyncResult.detail). */
  describe?(nonce: number, d: BookDelta, firstAfterSnapshot: boolean): string;
  /**
   * Whether deltas that arrive while waiting for a snapshot are buffered (default true). Rules
   * without sequence numbers set this to false: nothing could tell which buffered deltas the next
   * snapshot already covers, so they are dropped (reported as 'stale').
   */
  bufferWhileWaiting?: boolean;
}

/**
 * Id ranges (`first`..`last` per delta), "the first event must straddle the snapshot id". After a
 * snapshot with id N: `last <= N` stale, `first <= N+1 <= last` apply, `first > N+1` gap. Later
 * events: `last <= nonce` stale, `first > nonce+1` gap, otherwise apply (normally
 * `first == previous last + 1`). Binance diff depth (`U`/`u`) follows it.
 */
export const straddleRule: SequenceRule = {
  name: 'straddle',
  accept(nonce: number, d: BookDelta): SequenceVerdict {
    if (d.last <= nonce) return 'stale';
    // here u >= nonce + 1, so for the first event after a snapshot `U <= nonce + 1` is exactly the
    // straddle test U <= N+1 <= u; for later events it is the same test (no missing ids)
    if (d.first > nonce + 1) return 'gap';
    return 'apply';
  },
  describe(nonce: number, d: BookDelta, firstAfterSnapshot: boolean): string {
    return firstAfterSnapshot
      ? `first event after snapshot id ${nonce} has first=${d.first} last=${d.last}: expected first <= ${nonce + 1} <= last`
      : `expected first=${nonce + 1}, got first=${d.first} last=${d.last}`;
  },
};

/**
 * A chain: each delta names the id of the one before it (`prev`; `last` is its own id).
 * `prev === nonce` applies (including a no-change delta with prev == last, and an id reset where
 * last < prev); otherwise `last <= nonce` is stale and anything else a gap. OKX's
 * prevSeqId/seqId follows it.
 */
export const prevIdRule: SequenceRule = {
  name: 'prevId',
  accept(nonce: number, d: BookDelta): SequenceVerdict {
    if (d.prev === nonce) return 'apply';
    if (d.last <= nonce) return 'stale';
    return 'gap';
  },
  describe(nonce: number, d: BookDelta): string {
    return `expected prev=${nonce}, got prev=${d.prev === undefined ? 'none' : d.prev} id=${d.last}`;
  },
};

/**
 * A prevId chain joined to a snapshot taken OUTSIDE the stream (a REST snapshot carrying the id it
 * is current to): OKX's documented procedure since its 2026 books change (protocols.md §3 "2026
 * change"). The first delta applied after a snapshot with id N must satisfy `prev <= N < last`
 * (the snapshot was taken between that delta's predecessor and the delta; its levels carry their
 * final values) or simply `prev === N`; a first delta with `last <= N` is stale (already in the
 * snapshot). After that, the chain is strict: `prev === nonce` applies (a no-change delta with
 * prev == last, and an id reset where last < prev, included) and anything else is a gap — so a
 * reset that follows a lost delta is caught rather than read as stale.
 */
export const prevIdJoinRule: SequenceRule = {
  name: 'prevIdJoin',
  accept(nonce: number, d: BookDelta, firstAfterSnapshot: boolean): SequenceVerdict {
    const prev = d.prev;
    if (prev === nonce) return 'apply';
    if (!firstAfterSnapshot) return 'gap';
    if (prev !== undefined && prev <= nonce && nonce < d.last) return 'apply';
    if (d.last <= nonce) return 'stale';
    return 'gap';
  },
  describe(nonce: number, d: BookDelta, firstAfterSnapshot: boolean): string {
    const prev = d.prev === undefined ? 'none' : d.prev;
    const base = `expected prev=${nonce}, got prev=${prev} id=${d.last}`;
    return firstAfterSnapshot ? `${base} (first event after the snapshot: prev <= ${nonce} < id also joins)` : base;
  },
};

/** No sequence ids: every delta applies; wire a checksum `verify` to catch loss (Kraken). */
export const noSequenceRule: SequenceRule = {
  name: 'none',
  accept(): SequenceVerdict {
    return 'apply';
  },
  bufferWhileWaiting: false,
};

export type SyncResult =
  | { kind: 'buffered' }
  | { kind: 'applied' }
  | { kind: 'stale' }
  | { kind: 'gap'; detail: string }
  | { kind: 'checksum'; detail: string }
  /** The book's best bid reached its best ask (an integrity check that needs no checksum). */
  | { kind: 'crossed'; detail: string }
  /** The delta or snapshot failed validation (book/validate.ts): nothing of it was applied. */
  | { kind: 'invalid'; detail: string }
  | { kind: 'synced'; applied: number }
  | { kind: 'snapshot-too-old'; detail: string };

export type SyncState = 'waiting' | 'synced';

export interface BookSyncOptions {
  /** Most deltas buffered while waiting (default 10000, minimum 1). Overflow drops the oldest. */
  maxBuffer?: number;
  /**
   * Integrity check run after the snapshot is loaded and after every applied delta; returns a
   * mismatch description, or undefined when the book is right. A mismatch clears the book and the
   * buffer, moves to 'waiting' and returns { kind: 'checksum' } for a string, or the mismatch's own
   * kind ({ kind: 'crossed' }) for a {@link Mismatch} object.
   */
  verify?: (book: OrderBook, d: BookDelta | BookSnapshot) => string | Mismatch | undefined;
  /**
   * Truncate each side to this many levels after every snapshot and applied delta, before
   * `verify` (Kraken: the server sends no deletions for levels that fall out of the subscribed depth).
   */
  maxDepth?: number;
}

/** A failed integrity check that is not a checksum (a crossed book). */
export interface Mismatch {
  kind: 'crossed';
  detail: string;
}

/** The SyncResult for what `verify` returned. */
function mismatch(bad: string | Mismatch): SyncResult {
  return typeof bad === 'string' ? { kind: 'checksum', detail: bad } : { kind: bad.kind, detail: bad.detail };
}

/**
 * A ready `verify` for exchanges without a checksum: a book whose best bid is at or above its best
 * ask cannot be the exchange's book, so it is never served (Bybit, Coinbase).
 */
export function notCrossed(book: OrderBook): Mismatch | undefined {
  const bid = book.priceAt('bids', 0);
  const ask = book.priceAt('asks', 0);
  if (bid === undefined || ask === undefined || bid < ask) return undefined;
  return { kind: 'crossed', detail: `crossed book: best bid ${bid} >= best ask ${ask}` };
}

// Shared, frozen results for the frequent cases: no allocation per delta.
const BUFFERED: SyncResult = Object.freeze({ kind: 'buffered' as const });
const APPLIED: SyncResult = Object.freeze({ kind: 'applied' as const });
const STALE: SyncResult = Object.freeze({ kind: 'stale' as const });

export class BookSync {
  readonly book: OrderBook;
  readonly rule: SequenceRule;
  /** Deltas dropped from the front of a full buffer since construction. */
  dropped = 0;

  private readonly maxBuffer: number;
  private readonly verify: BookSyncOptions['verify'];
  private readonly maxDepth: number | undefined;
  private _state: SyncState = 'waiting';
  /** Buffered deltas are buf[head..]. */
  private buf: BookDelta[] = [];
  private head = 0;
  private firstAfterSnapshot = false;
  private nonce = 0;
  /** The current delta's level numbers, converted while checked (reused: no allocation per delta). */
  private readonly nb = new LevelNumbers();
  private readonly na = new LevelNumbers();

  constructor(book: OrderBook, rule: SequenceRule, opts: BookSyncOptions = {}) {
    this.book = book;
    this.rule = rule;
    this.maxBuffer = Math.max(1, Math.floor(opts.maxBuffer ?? 10000));
    this.verify = opts.verify;
    this.maxDepth = opts.maxDepth;
    book.clear();
  }

  get state(): SyncState {
    return this._state;
  }

  /** Number of buffered deltas. */
  get buffered(): number {
    return this.buf.length - this.head;
  }

  /** The oldest buffered delta (Binance: its `first` is the U a snapshot must reach). */
  get firstBuffered(): BookDelta | undefined {
    return this.head < this.buf.length ? this.buf[this.head] : undefined;
  }

  /** Feed one delta. */
  onDelta(d: BookDelta): SyncResult {
    // checked and converted in one pass; the numbers are applied below if the delta applies now
    const packed = d.packed;
    const bad =
      packed === undefined
        ? badIds(d) ?? convertLevels('bids', d.bids, this.nb) ?? convertLevels('asks', d.asks, this.na)
        : badIds(d) ??
          (this.book.keepStrings
            ? 'packed levels (numbers) given to a book that keeps wire strings'
            : this.book.keepScales && (packed.bidScales === undefined || packed.askScales === undefined)
              ? 'packed levels without scales given to a book that keeps scales'
              : badPacked(packed));
    if (bad !== undefined) {
      // whatever it changed is unknown: the book (and what was buffered before it) is void
      this.toWaiting();
      return { kind: 'invalid', detail: bad };
    }
    if (this._state === 'waiting') {
      if (this.rule.bufferWhileWaiting === false) return STALE;
      this.push(kept(d));
      return BUFFERED;
    }
    const v = this.rule.accept(this.nonce, d, this.firstAfterSnapshot);
    if (v === 'apply') {
      this.apply(d, true);
      this.firstAfterSnapshot = false;
      if (this.verify !== undefined) {
        const bad = this.verify(this.book, d);
        if (bad !== undefined) {
          this.toWaiting();
          return mismatch(bad);
        }
      }
      return APPLIED;
    }
    if (v === 'stale') return STALE;
    const detail = this.describe(this.nonce, d, this.firstAfterSnapshot);
    this.toWaiting();
    this.push(kept(d));
    return { kind: 'gap', detail };
  }

  /**
   * Feed a snapshot: drop buffered deltas it already covers, check that the first remaining one joins
   * it (rule with firstAfterSnapshot = true), load it and apply the rest of the buffer.
   */
  onSnapshot(s: BookSnapshot): SyncResult {
    const bad = badSnapshot(s);
    if (bad !== undefined) return { kind: 'invalid', detail: bad };
    const rule = this.rule;
    const buf = this.buf;
    const end = buf.length;
    let i = this.head;
    let v: SequenceVerdict = 'apply';
    while (i < end) {
      v = rule.accept(s.nonce, buf[i], true);
      if (v !== 'stale') break;
      i++;
    }
    if (i < end && v === 'gap') {
      // Ids that went down inside the buffer (a sequence reset, after which ids start again lower)
      // leave deltas from before the reset ahead of the join point: look for a later delta that
      // joins the snapshot. With ids that only grow (no reset) no later delta can join when this
      // one does not, so this changes nothing for them.
      let j = i + 1;
      while (j < end && rule.accept(s.nonce, buf[j], true) !== 'apply') j++;
      if (j < end) {
        i = j;
        v = 'apply';
      } else if (buf[end - 1].last === s.nonce) {
        // the snapshot is exactly at the newest buffered delta (after a reset): nothing to apply
        i = end;
      } else {
        // the snapshot predates the buffered stream: keep everything and wait for a newer one
        const d = buf[i];
        return {
          kind: 'snapshot-too-old',
          detail: `snapshot nonce ${s.nonce} is older than the first buffered delta (first=${d.first}, last=${d.last}): ${this.describe(s.nonce, d, true)}`,
        };
      }
    }

    const book = this.book;
    book.reset(s, s.nonce, s.timestamp);
    this.nonce = s.nonce;
    if (this.maxDepth !== undefined) book.truncate(this.maxDepth);
    if (this.verify !== undefined) {
      const bad = this.verify(book, s);
      if (bad !== undefined) {
        this.toWaiting();
        return mismatch(bad);
      }
    }

    let applied = 0;
    for (; i < end; i++) {
      const d = buf[i];
      // the first non-stale delta was judged above with firstAfterSnapshot = true
      if (applied > 0) v = rule.accept(this.nonce, d, false);
      if (v === 'stale') continue;
      if (v === 'gap') {
        const detail = this.describe(this.nonce, d, false);
        // keep the deltas from the gap on: they are newer than the hole and serve the next snapshot
        this.toWaiting(i);
        return { kind: 'gap', detail };
      }
      this.apply(d);
      applied++;
      if (this.verify !== undefined) {
        const bad = this.verify(book, d);
        if (bad !== undefined) {
          this.toWaiting();
          return mismatch(bad);
        }
      }
    }
    this.buf = [];
    this.head = 0;
    this._state = 'synced';
    this.firstAfterSnapshot = applied === 0;
    return { kind: 'synced', applied };
  }

  /** Forget everything (reconnects): 'waiting', empty buffer, empty book. */
  reset(): void {
    this.toWaiting();
  }

  // ---- internals ----

  /** Applies a delta; `converted`: its levels' numbers are in this.nb / this.na (checked just now). */
  private apply(d: BookDelta, converted = false): void {
    const book = this.book;
    const packed = d.packed;
    if (converted && packed !== undefined) {
      book.applyNumbers('bids', packed.bids, packed.bidCount, d.bids, packed.bidScales);
      book.applyNumbers('asks', packed.asks, packed.askCount, d.asks, packed.askScales);
    } else if (converted) {
      book.applyNumbers('bids', this.nb.nums, this.nb.count, d.bids);
      book.applyNumbers('asks', this.na.nums, this.na.count, d.asks);
    } else {
      // a buffered delta (checked when it arrived): converted again now
      book.applyRaw('bids', d.bids);
      book.applyRaw('asks', d.asks);
    }
    book.nonce = d.last;
    this.nonce = d.last;
    if (d.timestamp !== undefined) book.timestamp = d.timestamp;
    if (this.maxDepth !== undefined) book.truncate(this.maxDepth);
  }

  /** Move to 'waiting' with an empty book; keep buffered deltas from index `keepFrom` (none by default). */
  private toWaiting(keepFrom = -1): void {
    this._state = 'waiting';
    this.firstAfterSnapshot = false;
    this.book.clear();
    if (keepFrom >= 0 && keepFrom < this.buf.length) {
      this.buf = this.buf.slice(keepFrom);
    } else {
      this.buf = [];
    }
    this.head = 0;
  }

  private push(d: BookDelta): void {
    if (this.buf.length - this.head >= this.maxBuffer) {
      this.head++;
      this.dropped++;
      // compact now and then so the dropped prefix does not grow without bound (amortised O(1))
      if (this.head >= 1024 && this.head * 2 >= this.buf.length) {
        this.buf = this.buf.slice(this.head);
        this.head = 0;
      }
    }
    this.buf.push(d);
  }

  private describe(nonce: number, d: BookDelta, first: boolean): string {
    return this.rule.describe !== undefined
      ? this.rule.describe(nonce, d, first)
      : `${this.rule.name}: nonce ${nonce}, delta first=${d.first} last=${d.last}${d.prev !== undefined ? ` prev=${d.prev}` : ''}`;
  }
}
