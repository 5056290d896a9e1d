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
  /** How many requests get the reply (default 1). */
  count?: number;
  /** Which API answers so: 'rest' (default) or 'wsApi' (WebSocket API requests, with data.retryAfter). */
  api?: 'rest' | 'wsApi';
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
  /** The server's clock minus the machine's (ms): see skewClock(). */
  clockSkewMs = 0;
  private pendingRateLimit: { status: number; retryAfterSec: number; count: number } | undefined;
  private pendingWsRateLimit: { status: number; retryAfterSec: number; count: number } | undefined;
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

  /**
   * The next `count` REST requests (or, with `api: 'wsApi'`, WebSocket API requests) are answered
   * with `status` (429/418) and -1003: REST with Retry-After, the WebSocket API with
   * `error.data.retryAfter` (epoch ms) and `serverTime`.
   */
  rateLimit(opts: RateLimitFault = {}): void {
    const r = { status: opts.status ?? 429, retryAfterSec: opts.retryAfterSec ?? 1, count: opts.count ?? 1 };
    if (opts.api === 'wsApi') this.pendingWsRateLimit = r;
    else this.pendingRateLimit = r;
  }

  /**
   * From now on the server's clock runs `ms` ahead of the machine's (negative: behind), as a real
   * exchange's clock does from a client with a drifting clock: timestamps of signed requests are
   * checked against it (-1021), and every time the server reports comes from it.
   */
  skewClock(ms: number): void {
    this.clockSkewMs = ms;
  }

  /** Delays GET /api/v3/depth replies by `ms` (0 turns it off). */
  delaySnapshots(ms: number): void {
    this.snapshotDelayMs = Math.max(0, ms);
  }

  /** Consumes one pending rate-limit reply of the REST API (or the WebSocket API), if any. */
  takeRateLimit(api: 'rest' | 'wsApi' = 'rest'): { status: number; retryAfterSec: number } | undefined {
    const r = api === 'wsApi' ? this.pendingWsRateLimit : this.pendingRateLimit;
    if (!r) return undefined;
    if (--r.count <= 0) {
      if (api === 'wsApi') this.pendingWsRateLimit = undefined;
      else this.pendingRateLimit = undefined;
    }
    return { status: r.status, retryAfterSec: r.retryAfterSec };
  }

  /** Turns every fault off. */
  reset(): void {
    this.resume();
    this.loginsRejected = false;
    this.snapshotDelayMs = 0;
    this.clockSkewMs = 0;
    this.pendingRateLimit = undefined;
    this.pendingWsRateLimit = undefined;
  }
}
