/**
 * Fault injection on a running simulator (sim.faults): drop connections, lose a diff-depth event,
 * send a malformed frame, go silent (no data, no pongs, no pings), reject logins, answer REST
 * with 429/418, delay order book snapshots.
 */

export interface DropFilter {
  /** 'stream' (market streams), 'api' (/ws-api/v3) or both (default). */
  kind?: 'stream' | 'api';
  /** Only connections whose path matches (e.g. '/stream', /^\/ws\//). */
  path?: string | RegExp;
  /** Only stream connections subscribed to this stream name. */
  stream?: string;
}

export interface RateLimitFault {
  /** 429 (default) or 418. */
  status?: 429 | 418;
  /** Retry-After header value in seconds (default 1). */
  retryAfterSec?: number;
  /** How many REST requests get the reply (default 1). */
  count?: number;
}

/** What the faults act on; implemented by the simulator server. */
export interface FaultTarget {
  drop(filter: DropFilter): number;
  skipSequence(symbol: string): void;
  malformed(text: string): number;
  setSilenced(on: boolean): void;
  setTimer(ms: number, fn: () => void): () => void;
}

export class Faults {
  /** Logins (session.logon, userDataStream.subscribe.signature) are refused with -2015. */
  loginsRejected = false;
  /** What the silence fault has withheld so far (server pongs, outgoing frames). */
  readonly withheld = { pongs: 0, frames: 0 };
  /** Delay (ms) applied to GET /api/v3/depth replies; the snapshot is taken on arrival. */
  snapshotDelayMs = 0;
  private pendingRateLimit: { status: number; retryAfterSec: number; count: number } | undefined;
  private silenced = false;
  private cancelResume: (() => void) | undefined;

  constructor(private readonly target: FaultTarget) {}

  /** Terminates matching WebSocket connections (all by default); returns how many. */
  dropConnections(filter: DropFilter = {}): number {
    return this.target.drop(filter);
  }

  /** The next diff depth event of `symbol` ('BTC/USDT' or 'BTCUSDT') is lost: the following one jumps U. */
  skipSequence(symbol: string): void {
    this.target.skipSequence(symbol);
  }

  /** Sends a non-JSON text frame to every market stream connection; returns how many got it. */
  malformedFrame(text = '{"e":"depthUpdate","E":'): number {
    return this.target.malformed(text);
  }

  /** Stops every outgoing frame (data, replies, events), pong and ping, for `ms` or until resume(). */
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

  rejectLogins(on = true): void {
    this.loginsRejected = on;
  }

  /** The next `count` REST requests are answered with `status` (429/418), -1003 and Retry-After. */
  rateLimit(opts: RateLimitFault = {}): void {
    this.pendingRateLimit = { status: opts.status ?? 429, retryAfterSec: opts.retryAfterSec ?? 1, count: opts.count ?? 1 };
  }

  /** Delays GET /api/v3/depth replies by `ms` (0 turns it off). */
  delaySnapshots(ms: number): void {
    this.snapshotDelayMs = Math.max(0, ms);
  }

  /** Consumes one pending rate-limit reply, if any. */
  takeRateLimit(): { status: number; retryAfterSec: number } | undefined {
    const r = this.pendingRateLimit;
    if (!r) return undefined;
    if (--r.count <= 0) this.pendingRateLimit = undefined;
    return { status: r.status, retryAfterSec: r.retryAfterSec };
  }

  /** Turns every fault off. */
  reset(): void {
    this.resume();
    this.loginsRejected = false;
    this.snapshotDelayMs = 0;
    this.pendingRateLimit = undefined;
  }
}
