/**
 * Fault injection on a running simulator (sim.faults), one set for every exchange: drop
 * connections, lose a book update (skipSequence), corrupt the next book checksum, send a malformed
 * frame, go silent (no data, no replies, no pongs, no server pings), reject logins, answer REST (or
 * the WebSocket API) with the exchange's rate-limit error, skew the server's clock, delay REST book
 * snapshots. A fault the exchange has nothing for (a checksum on Binance, logins on a public-only
 * simulator) throws; `supports(name)` says which apply.
 */
import type { SimSocket, SocketGate, SocketServer } from './ws-server';

export interface DropFilter {
  /** 'stream' (market data sockets), 'api' (WebSocket trading / private API) or both (default). */
  kind?: SocketKind;
  /** Only connections whose path matches (e.g. '/stream', /^\/ws\//, '/ws/v5/business'). */
  path?: string | RegExp;
  /**
   * Only connections subscribed to this stream, in the exchange's own naming: Binance
   * 'btcusdt@depth', Kraken 'book:BTC/USD' ('ohlc:BTC/USD:5'), OKX 'books:BTC-USDT'.
   */
  stream?: string;
}

export interface RateLimitFault {
  /** HTTP status of the refusal (default 429; Binance also 418). */
  status?: number;
  /** Retry-After in seconds (default 1; 0 = no header where the exchange may omit it). */
  retryAfterSec?: number;
  /** How many requests are refused (default 1). */
  count?: number;
  /** Which API refuses: 'rest' (default) or 'wsApi' (the WebSocket API, where there is one). */
  api?: 'rest' | 'wsApi';
}

export type SocketKind = 'stream' | 'api';

export interface SocketGroup {
  kind: SocketKind;
  server: SocketServer<SimSocket>;
}

/** What a simulator has beyond public market data over sockets, and so which faults apply to it. */
export interface FaultFeatures {
  /** Its books carry checksums (corruptChecksum). */
  checksums: boolean;
  /** It has logins (rejectLogins). */
  logins: boolean;
  /** It has a WebSocket API that can be rate-limited (rateLimit({ api: 'wsApi' })). */
  wsApi: boolean;
  /** Its books carry sequence ids that can restart (resetSequence, OKX). */
  sequenceResets?: boolean;
}

export type FaultName =
  | 'dropConnections' | 'skipSequence' | 'corruptChecksum' | 'malformedFrame' | 'silence'
  | 'rejectLogins' | 'rateLimit' | 'wsApiRateLimit' | 'skewClock' | 'delaySnapshots' | 'resetSequence';

/** What the faults act on; implemented by each simulator server. */
export interface FaultTarget {
  exchange: string;
  /** Its socket servers (read when a fault acts). */
  sockets(): readonly SocketGroup[];
  /** Loses the next book update of a market (exchange symbol or unified). */
  skipSequence(symbol: string): void;
  corruptChecksum(symbol: string): void;
  /** Restarts a book's sequence ids (only where features.sequenceResets). */
  resetSequence(symbol: string): void;
  /** Runs `fn` after `ms` unless the server closes first; returns a cancel function. */
  later(ms: number, fn: () => void): () => void;
  setClockSkew(ms: number): void;
  /** A truncated frame of this protocol, sent by malformedFrame() by default. */
  malformedSample: string;
  features: FaultFeatures;
}

interface PendingLimit {
  status: number;
  retryAfterSec: number;
  count: number;
}

export class Faults {
  /** What the silence fault has withheld so far (pongs to protocol pings, outgoing frames). */
  readonly withheld = { pongs: 0, frames: 0 };
  /** Delay (ms) of REST order book replies (see delaySnapshots()). */
  snapshotDelayMs = 0;
  /** Delay (ms) of REST order replies, the order itself taking effect at once (see delayOrderReplies()). */
  orderReplyDelayMs = 0;
  /** The server's clock minus the machine's (ms): see skewClock(). */
  clockSkewMs = 0;
  /** Logins are refused (see rejectLogins()). */
  loginsRejected = false;
  /** The socket side of silence, for the simulator's sockets. */
  readonly gate: SocketGate;
  private readonly pendingLimits: Partial<Record<'rest' | 'wsApi', PendingLimit>> = {};
  private silenced = false;
  private cancelResume: (() => void) | undefined;

  constructor(private readonly target: FaultTarget) {
    this.gate = {
      now: () => Date.now() + this.clockSkewMs,
      silenced: () => this.silenced,
      withheld: (what) => {
        if (what === 'pong') this.withheld.pongs++;
        else this.withheld.frames++;
      },
    };
  }

  /** Whether this simulator has what the fault acts on. */
  supports(name: FaultName): boolean {
    const f = this.target.features;
    if (name === 'corruptChecksum') return f.checksums;
    if (name === 'rejectLogins') return f.logins;
    if (name === 'wsApiRateLimit') return f.wsApi;
    if (name === 'resetSequence') return f.sequenceResets === true;
    return true;
  }

  /** Terminates matching WebSocket connections (all by default); returns how many. */
  dropConnections(filter: DropFilter = {}): number {
    let n = 0;
    for (const { kind, server } of this.target.sockets()) {
      if (filter.kind !== undefined && filter.kind !== kind) continue;
      n += server.drop((c) => pathMatches(filter, c.path) && (filter.stream === undefined || c.subscribedTo(filter.stream)));
    }
    return n;
  }

  /**
   * The next book update of `symbol` (unified, or the exchange's id) is lost on every connection
   * subscribed to it: Binance's next diff depth event then jumps U, OKX's next update names a
   * prevSeqId the client never saw, Kraken (no sequence numbers) publishes the next checksum over a
   * book the client does not have.
   */
  skipSequence(symbol: string): void {
    this.target.skipSequence(symbol);
  }

  /** The next book message (snapshot or update) of `symbol` carries a wrong checksum. */
  corruptChecksum(symbol: string): void {
    this.require('corruptChecksum', 'book checksums');
    this.target.corruptChecksum(symbol);
  }

  /**
   * OKX: the sequence ids of `symbol`'s book restart from a small number, as after OKX maintenance
   * ("an update arrives with seqId < prevSeqId: accept it and continue"); REST snapshots follow the
   * new numbering. Throws on a simulator whose books have no sequence ids to restart.
   */
  resetSequence(symbol: string): void {
    this.require('resetSequence', 'book sequence ids to reset');
    this.target.resetSequence(symbol);
  }

  /** Sends a text frame that is not valid JSON to every market data connection; returns how many got it. */
  malformedFrame(text = this.target.malformedSample): number {
    let n = 0;
    for (const { kind, server } of this.target.sockets()) if (kind === 'stream') n += server.broadcast(text);
    return n;
  }

  /** Withholds every outgoing frame (data, replies, events), pong and server ping for `ms` or until resume(). */
  silence(ms?: number): void {
    this.cancelResume?.();
    this.cancelResume = undefined;
    this.silenced = true;
    if (ms !== undefined && ms > 0) this.cancelResume = this.target.later(ms, () => this.resume());
  }

  resume(): void {
    this.cancelResume?.();
    this.cancelResume = undefined;
    this.silenced = false;
  }

  get isSilenced(): boolean {
    return this.silenced;
  }

  /** Refuses logins (Binance: session.logon and userDataStream.subscribe.signature, -2015). */
  rejectLogins(on = true): void {
    this.require('rejectLogins', 'logins');
    this.loginsRejected = on;
  }

  /**
   * The next `count` REST requests (or, with `api: 'wsApi'`, WebSocket API requests) are refused
   * with the exchange's rate-limit error and `status`: Binance -1003 (REST with Retry-After, the
   * WebSocket API with `error.data.retryAfter`), Kraken `EGeneral:Too many requests`, OKX 50011.
   */
  rateLimit(opts: RateLimitFault = {}): void {
    const api = opts.api ?? 'rest';
    if (api === 'wsApi') this.require('wsApiRateLimit', 'WebSocket API');
    this.pendingLimits[api] = { status: opts.status ?? 429, retryAfterSec: opts.retryAfterSec ?? 1, count: opts.count ?? 1 };
  }

  /**
   * From now on the server's clock runs `ms` ahead of the machine's (negative: behind), as a real
   * exchange's clock does from a client with a drifting clock: timestamps of signed requests are
   * checked against it (Binance -1021), and every time the server reports comes from it.
   */
  skewClock(ms: number): void {
    this.clockSkewMs = ms;
    this.target.setClockSkew(ms);
  }

  /**
   * Delays REST order book replies by `ms` (0 turns it off). Binance takes the snapshot when the
   * request arrives; Kraken and OKX read the book when the reply goes out.
   */
  delaySnapshots(ms: number): void {
    this.snapshotDelayMs = Math.max(0, ms);
  }

  /**
   * Order requests over REST take effect when they arrive but their replies go out `ms` later
   * (0 turns it off): a client whose timeout is shorter sees a timed-out order that did land.
   */
  delayOrderReplies(ms: number): void {
    this.orderReplyDelayMs = Math.max(0, ms);
  }

  /** Consumes one pending rate-limit refusal of the REST API (or the WebSocket API), if any. */
  takeRateLimit(api: 'rest' | 'wsApi' = 'rest'): { status: number; retryAfterSec: number } | undefined {
    const r = this.pendingLimits[api];
    if (!r) return undefined;
    if (--r.count <= 0) delete this.pendingLimits[api];
    return { status: r.status, retryAfterSec: r.retryAfterSec };
  }

  /** Turns every fault off. */
  reset(): void {
    this.resume();
    this.loginsRejected = false;
    this.snapshotDelayMs = 0;
    this.orderReplyDelayMs = 0;
    this.skewClock(0);
    delete this.pendingLimits.rest;
    delete this.pendingLimits.wsApi;
  }

  private require(name: FaultName, what: string): void {
    if (!this.supports(name)) throw new RangeError(`the ${this.target.exchange} simulator has no ${what} (faults.supports('${name}') is false)`);
  }
}

/** Whether a socket path passes a filter. */
export function pathMatches(filter: { path?: string | RegExp }, path: string): boolean {
  const f = filter.path;
  if (f === undefined) return true;
  return typeof f === 'string' ? path === f || path.startsWith(f) : f.test(path);
}
