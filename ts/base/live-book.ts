/**
 * LiveBook: keeps one symbol's order book synced from a stream, generically.
 *
 * It drives the pure BookSync (ts/book/sync.ts) with the I/O the book layer may not do: fetching
 * REST snapshots (Binance-style exchanges) or asking for a fresh WS snapshot (Kraken-style),
 * retrying with backoff, and telling waiters when the book is trustworthy. A book is served or
 * emitted only while it is synced (DESIGN.md §3).
 *
 * One book may have both sources (OKX since its 2026 books change): the REST snapshot joins the
 * buffered stream by sequence id (initial sync, and every resync after a gap, a checksum mismatch,
 * a reconnect or a stale stream), and a snapshot the stream sends itself is still taken whenever
 * it comes. A REST source that cannot be joined (its reply carries no sequence id: `fetchSnapshot`
 * resolves undefined) is given up for that book, which then resyncs by `resubscribe` as a
 * stream-snapshot book does.
 */
import { OrderBook } from '../book/orderbook';
import { BookSync, Mismatch, SequenceRule } from '../book/sync';
import type { BookDelta, BookSnapshot } from '../book/types';
import { backoffDelay } from '../transport/backoff';
import { BadResponse, BaseError, ExchangeNotAvailable, RequestTimeout } from '../core/errors';
import type { ResyncEvent } from '../core/types';

/** Snapshots in a row older than the buffered stream before the buffer is dropped. */
const MAX_TOO_OLD = 3;

export interface LiveBookOptions {
  exchange: string;
  symbol: string;
  rule: SequenceRule;
  /**
   * REST snapshot source; leave undefined when the stream sends snapshots itself. Resolving
   * undefined means "this source cannot be joined to the stream" (no sequence id): the book then
   * relies on stream snapshots (`resubscribe`) from then on.
   */
  fetchSnapshot?: () => Promise<BookSnapshot | undefined>;
  /** Asks the adapter for a fresh stream snapshot (resubscribe), for stream-snapshot exchanges. */
  resubscribe?: () => void;
  /**
   * Called after every change that leaves the book synced, with the delta just applied, or with
   * none when the book was (re)built from a snapshot (a relay republishes exactly these changes).
   */
  onBook: (book: OrderBook, delta?: BookDelta) => void;
  onResync: (e: ResyncEvent) => void;
  onError: (err: Error) => void;
  /** Fetch the snapshot this long after (re)subscribing even if no delta came (quiet markets). */
  snapshotFallbackMs?: number;
  keepStrings?: boolean;
  keepScales?: boolean;
  /** Keep only this many levels a side (Kraken: the subscribed depth). */
  maxDepth?: number;
  verify?: (book: OrderBook, d: BookDelta | BookSnapshot) => string | Mismatch | undefined;
}

interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class LiveBook {
  readonly book: OrderBook;
  readonly sync: BookSync;
  private readonly opts: LiveBookOptions;
  private waiters: Waiter[] = [];
  /** Bumped on every reset so a snapshot fetched for an older chain is discarded. */
  private generation = 0;
  /** Generation of the REST fetch in flight, if any (one for an older generation does not count). */
  private fetchingGen: number | undefined;
  /** False once the REST source answered that it cannot be joined (no sequence id). */
  private restJoin = true;
  private fetchAttempt = 0;
  /** Snapshots in a row older than the buffered stream. */
  private tooOld = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private fallbackTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  /** Why the stream is paused (an exchange maintenance), until the book is synced again. */
  private pausedFor: string | undefined;

  constructor(opts: LiveBookOptions) {
    this.opts = opts;
    this.book = new OrderBook(opts.symbol, { keepStrings: opts.keepStrings, keepScales: opts.keepScales });
    this.sync = new BookSync(this.book, opts.rule, { verify: opts.verify, maxDepth: opts.maxDepth });
  }

  /** True when the book is synced and may be served. */
  get ready(): boolean {
    return this.sync.state === 'synced';
  }

  /** A REST snapshot for the current chain is being fetched. */
  private get fetching(): boolean {
    return this.fetchingGen === this.generation;
  }

  /** Snapshots come from REST (else from the stream, via resubscribe). */
  private get fromRest(): boolean {
    return this.opts.fetchSnapshot !== undefined && this.restJoin;
  }

  /** The stream subscription went out: arm the quiet-market fallback. */
  started(): void {
    this.armFallback();
  }

  /** Hot path: one delta from the stream. */
  onDelta(d: BookDelta): void {
    if (this.closed) return;
    // read before the sync runs: on a gap or mismatch it clears the book
    const nonce = this.book.nonce;
    const r = this.sync.onDelta(d);
    switch (r.kind) {
      case 'applied':
        this.opts.onBook(this.book, d);
        return;
      case 'buffered':
        if (!this.fetching && this.fromRest && this.retryTimer === undefined) this.fetch();
        return;
      case 'stale':
        return;
      case 'gap':
        this.resync('gap', r.detail, nonce);
        return;
      case 'checksum':
      case 'crossed':
        this.resync(r.kind, r.detail, nonce);
        return;
      case 'invalid':
        this.opts.onError(
          new BadResponse(`order book update rejected: ${r.detail}`, { exchange: this.opts.exchange, symbol: this.opts.symbol, raw: d }),
        );
        this.resync('invalid', r.detail, nonce);
        return;
      default:
        return;
    }
  }

  /**
   * A snapshot delivered by the stream itself (Kraken, OKX before its 2026 change, or a resend).
   * It supersedes a REST fetch in flight (whose result is then discarded).
   */
  onStreamSnapshot(s: BookSnapshot): void {
    if (this.closed) return;
    this.generation++;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.handleSnapshot(s);
  }

  /**
   * The stream was interrupted (reconnect, stale, or paused for the exchange's maintenance), or its
   * source says the book must be rebuilt ('relay': a relay consumer reloads from the relay's
   * snapshot): forget the book until it is rebuilt.
   */
  interrupt(reason: 'reconnect' | 'stale' | 'maintenance' | 'relay', detail = 'stream interrupted'): void {
    if (this.closed) return;
    const nonce = this.book.nonce;
    this.reset();
    this.pausedFor = reason === 'maintenance' ? detail : undefined;
    this.opts.onResync({ symbol: this.opts.symbol, reason, nonce, detail });
    this.armFallback();
  }

  /**
   * The book is subscribed again for another depth (StreamEngine.limitsChanged): not served until the new
   * stream's snapshot rebuilds it. Nothing was wrong with it: no resync event.
   */
  restart(): void {
    if (this.closed) return;
    this.reset();
    this.armFallback();
  }

  /**
   * A frame meant for this book failed validation and was dropped unapplied: whatever it changed is
   * unknown, so the book is rebuilt (reason 'invalid').
   */
  invalid(detail: string): void {
    if (this.closed) return;
    const nonce = this.book.nonce;
    this.sync.reset();
    this.resync('invalid', detail, nonce);
  }

  /**
   * Messages of this book's socket were lost (a connection-wide sequence jumped): whatever the book
   * missed is unknown, so it is rebuilt (reason 'gap').
   */
  lost(detail: string): void {
    if (this.closed) return;
    const nonce = this.book.nonce;
    this.sync.reset();
    this.resync('gap', detail, nonce);
  }

  /** Resolves when the book is synced; rejects with RequestTimeout after `timeoutMs`. */
  whenReady(timeoutMs: number): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((x) => x !== w);
          const where = { exchange: this.opts.exchange, symbol: this.opts.symbol };
          // the exchange paused the stream for maintenance: say so, typed as the exchange being unavailable
          reject(
            this.pausedFor !== undefined
              ? new ExchangeNotAvailable(`order book not served within ${timeoutMs} ms: ${this.pausedFor}`, where)
              : new RequestTimeout(`order book not synced within ${timeoutMs} ms`, where),
          );
        }, timeoutMs),
      };
      this.waiters.push(w);
    });
  }

  /** Rejects every waiter (the subscription was refused, or the exchange closed). */
  fail(err: Error): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  }

  close(): void {
    this.closed = true;
    this.clearTimers();
    this.fail(new BaseError('closed', { exchange: this.opts.exchange, symbol: this.opts.symbol }));
  }

  private resync(reason: 'gap' | 'checksum' | 'crossed' | 'invalid', detail: string, nonce: number | undefined): void {
    this.opts.onResync({ symbol: this.opts.symbol, reason, detail, nonce });
    this.generation++;
    this.fetchAttempt = 0;
    if (this.fromRest) {
      // BookSync already moved to 'waiting' with the offending delta buffered (gap) or with the
      // book cleared (checksum): a fresh snapshot joins the buffered chain.
      if (!this.fetching && this.retryTimer === undefined) this.fetch();
    } else {
      this.sync.reset();
      this.opts.resubscribe?.();
    }
  }

  private reset(): void {
    this.generation++;
    this.clearTimers();
    this.fetchAttempt = 0;
    this.sync.reset();
  }

  private armFallback(): void {
    if (!this.fromRest || this.closed) return;
    if (this.fallbackTimer) clearTimeout(this.fallbackTimer);
    this.fallbackTimer = setTimeout(() => {
      this.fallbackTimer = undefined;
      if (!this.ready && !this.fetching && this.retryTimer === undefined) this.fetch();
    }, this.opts.snapshotFallbackMs ?? 3000);
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.fallbackTimer) clearTimeout(this.fallbackTimer);
    this.retryTimer = undefined;
    this.fallbackTimer = undefined;
  }

  private fetch(): void {
    const source = this.opts.fetchSnapshot;
    if (!source || this.closed) return;
    if (this.fallbackTimer) {
      clearTimeout(this.fallbackTimer);
      this.fallbackTimer = undefined;
    }
    const gen = this.generation;
    this.fetchingGen = gen;
    source().then(
      (snap) => {
        if (this.fetchingGen === gen) this.fetchingGen = undefined;
        if (gen !== this.generation || this.closed) return;
        if (snap === undefined) {
          // the REST source cannot be placed in the stream's sequence: ask the stream instead
          this.restJoin = false;
          this.sync.reset();
          if (this.opts.resubscribe) this.opts.resubscribe();
          else
            this.opts.onError(
              new BaseError('REST snapshot has no sequence id and the stream sends none: the book cannot sync', {
                exchange: this.opts.exchange,
                symbol: this.opts.symbol,
              }),
            );
          return;
        }
        this.handleSnapshot(snap);
      },
      (err: unknown) => {
        if (this.fetchingGen === gen) this.fetchingGen = undefined;
        if (gen !== this.generation || this.closed) return;
        this.opts.onError(err instanceof Error ? err : new BaseError(String(err)));
        this.retryLater();
      },
    );
  }

  private retryLater(): void {
    this.fetchAttempt++;
    const delay = backoffDelay(this.fetchAttempt, { baseDelayMs: 250, maxDelayMs: 10000, factor: 2, jitter: 0.3 });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.ready) this.fetch();
    }, delay);
  }

  private handleSnapshot(s: BookSnapshot): void {
    const r = this.sync.onSnapshot(s);
    switch (r.kind) {
      case 'synced': {
        this.pausedFor = undefined;
        this.fetchAttempt = 0;
        this.tooOld = 0;
        const ws = this.waiters;
        this.waiters = [];
        for (const w of ws) {
          clearTimeout(w.timer);
          w.resolve();
        }
        this.opts.onBook(this.book);
        return;
      }
      case 'snapshot-too-old':
        // Binance: "If the snapshot's lastUpdateId is strictly less than the U from step 2, go
        // back to step 3" — fetch again, keeping the buffer. A buffered id far beyond anything the
        // exchange's snapshots reach (a bogus frame) would make that loop forever: after a few
        // rounds the buffer is dropped and the join starts over from fresh deltas.
        if (++this.tooOld >= MAX_TOO_OLD) {
          this.tooOld = 0;
          this.sync.reset();
          this.opts.onError(
            new BaseError(`${MAX_TOO_OLD} snapshots in a row were older than the buffered stream (${r.detail}): buffer dropped, joining again`, {
              exchange: this.opts.exchange,
              symbol: this.opts.symbol,
            }),
          );
        }
        this.retryLater();
        return;
      case 'invalid':
      case 'gap':
      case 'checksum':
      case 'crossed':
        if (r.kind === 'invalid') {
          this.opts.onError(
            new BadResponse(`order book snapshot rejected: ${r.detail}`, { exchange: this.opts.exchange, symbol: this.opts.symbol, raw: s }),
          );
        }
        this.opts.onResync({ symbol: this.opts.symbol, reason: r.kind, detail: r.detail, nonce: s.nonce });
        if (this.fromRest) this.retryLater();
        else {
          this.sync.reset();
          this.opts.resubscribe?.();
        }
        return;
      default:
        return;
    }
  }
}
