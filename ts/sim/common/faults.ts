/**
 * Fault injection on the market-data simulators (Kraken, OKX), in the style of the Binance
 * simulator's sim.faults: drop connections, lose a book update (skipSequence), corrupt the next book
 * checksum, restart the book's sequence ids (OKX), send a malformed frame, go silent, answer REST
 * with a rate-limit error, delay REST book snapshots.
 */

export interface SocketFilter {
  /** Only connections whose path matches (e.g. '/ws/v5/public', /business/). */
  path?: string | RegExp;
}

export interface RestRateLimit {
  /** HTTP status of the refusal (default 429). */
  status?: number;
  /** Retry-After header value in seconds (default 1; 0 = no header). */
  retryAfterSec?: number;
  /** How many REST requests are refused (default 1). */
  count?: number;
}

/** What the faults act on; implemented by each simulator server. */
export interface MarketFaultTarget {
  drop(filter: SocketFilter): number;
  skipSequence(symbol: string): void;
  corruptChecksum(symbol: string): void;
  /** Only where books carry sequence ids (OKX). */
  resetSequence?(symbol: string): void;
  malformed(text: string): number;
  setSilenced(on: boolean): void;
  setTimer(ms: number, fn: () => void): () => void;
}

export class MarketFaults {
  /** What the silence fault has withheld so far (pongs to protocol pings, outgoing frames). */
  readonly withheld = { pongs: 0, frames: 0 };
  /** Delay (ms) of REST order book replies; the book is read when the reply goes out. */
  snapshotDelayMs = 0;
  private pendingRateLimit: { status: number; retryAfterSec: number; count: number } | undefined;
  private silenced = false;
  private cancelResume: (() => void) | undefined;

  constructor(
    private readonly target: MarketFaultTarget,
    private readonly defaultMalformed: string,
  ) {}

  /** Terminates matching WebSocket connections (all by default); returns how many. */
  dropConnections(filter: SocketFilter = {}): number {
    return this.target.drop(filter);
  }

  /**
   * The next book update of `symbol` is lost on every connection subscribed to it: OKX's next
   * update then names a prevSeqId the client never saw; Kraken (no sequence numbers) publishes
   * the next checksum over a book the client does not have.
   */
  skipSequence(symbol: string): void {
    this.target.skipSequence(symbol);
  }

  /** The next book message (snapshot or update) of `symbol` carries a wrong checksum. */
  corruptChecksum(symbol: string): void {
    this.target.corruptChecksum(symbol);
  }

  /**
   * OKX: the sequence ids of `symbol`'s book restart from a small number, as after OKX maintenance
   * ("an update arrives with seqId < prevSeqId: accept it and continue"); REST snapshots follow the
   * new numbering. Throws on a simulator whose books have no sequence ids (Kraken).
   */
  resetSequence(symbol: string): void {
    if (!this.target.resetSequence) throw new RangeError('this simulator has no book sequence ids to reset');
    this.target.resetSequence(symbol);
  }

  /** Sends a text frame that is not valid JSON to every connection; returns how many got it. */
  malformedFrame(text = this.defaultMalformed): number {
    return this.target.malformed(text);
  }

  /** Withholds every outgoing frame (data, replies, heartbeats, pongs) for `ms` or until resume(). */
  silence(ms?: number): void {
    this.cancelResume?.();
    this.cancelResume = undefined;
    this.silenced = true;
    this.target.setSilenced(true);
    if (ms !== undefined && ms > 0) this.cancelResume = this.target.setTimer(ms, () => this.resume());
  }

  resume(): void {
    this.cancelResume?.();
    this.cancelResume = undefined;
    this.silenced = false;
    this.target.setSilenced(false);
  }

  get isSilenced(): boolean {
    return this.silenced;
  }

  /** The next `count` REST requests are refused with the exchange's rate-limit error. */
  rateLimit(opts: RestRateLimit = {}): void {
    this.pendingRateLimit = { status: opts.status ?? 429, retryAfterSec: opts.retryAfterSec ?? 1, count: opts.count ?? 1 };
  }

  /** Delays REST order book replies by `ms` (0 turns it off). */
  delaySnapshots(ms: number): void {
    this.snapshotDelayMs = Math.max(0, ms);
  }

  /** Consumes one pending rate-limit refusal, if any. */
  takeRateLimit(): { status: number; retryAfterSec: number } | undefined {
    const r = this.pendingRateLimit;
    if (!r) return undefined;
    if (--r.count <= 0) this.pendingRateLimit = undefined;
    return { status: r.status, retryAfterSec: r.retryAfterSec };
  }

  /** Turns every fault off. */
  reset(): void {
    this.resume();
    this.snapshotDelayMs = 0;
    this.pendingRateLimit = undefined;
  }
}

/** Whether a socket path passes a filter. */
export function pathMatches(filter: SocketFilter, path: string): boolean {
  const f = filter.path;
  if (f === undefined) return true;
  return typeof f === 'string' ? path === f || path.startsWith(f) : f.test(path);
}
