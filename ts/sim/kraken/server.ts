/**
 * The embedded Kraken Spot simulator: one HTTP port serving public REST (/0/public/*) and the
 * WebSocket API v2 (/v2) over the shared matching engine fed by the synthetic order flow, with
 * fault injection (sim.faults).
 */
import type { IncomingMessage, ServerResponse } from 'http';
import type { SocketGroup } from '../common/faults';
import { BaseSimOptions, SimServer, simulatorEntry } from '../common/simulator';
import { KrakenFeed } from './feed';
import { KrakenRest } from './rest';
import { findPair, KRAKEN_DEFAULT_SYMBOLS, KrakenPair, krakenMarketConfig, krakenPair } from './symbols';
import { KrakenWs } from './ws';

export interface KrakenOptions {
  /** Kraken: book updates go out at most this often (ms, default 50). */
  bookIntervalMs?: number;
  /** Kraken: heartbeat interval on subscribed connections (ms, default 1000; 0 = none). */
  heartbeatMs?: number;
}

export interface KrakenSimOptions extends BaseSimOptions {
  /** Book updates are sent at most this often (ms). */
  bookIntervalMs: number;
  /** Heartbeat interval on subscribed connections (ms; 0 = none). */
  heartbeatMs: number;
}

export class KrakenSim extends SimServer {
  readonly pairs: KrakenPair[];
  protected readonly feed: KrakenFeed;
  protected readonly sockets: SocketGroup[];
  private readonly ws: KrakenWs;
  private readonly rest: KrakenRest;

  constructor(private readonly opts: KrakenSimOptions) {
    const pairs = opts.symbols.map(krakenPair);
    super(
      { exchange: 'kraken', features: { checksums: true, logins: false, wsApi: false }, malformedSample: '{"channel":"book","type":"update","data":[{"symbol":' },
      opts,
      pairs.map((p) => ({ config: krakenMarketConfig(p), mid: p.mid })),
    );
    this.pairs = pairs;
    const rt = this.runtime;
    this.feed = new KrakenFeed(rt.engine, pairs, () => rt.now());
    this.ws = new KrakenWs(this.feed, pairs, this.faults.gate);
    this.sockets = [{ kind: 'stream', server: this.ws.server }];
    this.rest = new KrakenRest(rt, this.feed, pairs, this.faults);
  }

  protected http(req: IncomingMessage, res: ServerResponse, body: string): void {
    this.rest.handle(req, res, body);
  }

  protected started(): void {
    this.runtime.every(this.opts.bookIntervalMs, () => this.feed.flush());
    const beat = this.opts.heartbeatMs;
    if (beat > 0) this.runtime.every(beat, () => this.ws.heartbeat(Date.now(), beat));
  }

  /** A pair by unified / v2 symbol ('BTC/USD') or any REST spelling ('XXBTZUSD', 'XBTUSD'). */
  protected findMarket(symbol: string): string | undefined {
    return findPair(this.pairs, symbol)?.key;
  }
}

export const krakenSimulator = simulatorEntry<KrakenOptions>(KRAKEN_DEFAULT_SYMBOLS, (base, o) =>
  new KrakenSim({ ...base, bookIntervalMs: o.bookIntervalMs ?? 50, heartbeatMs: o.heartbeatMs ?? 1000 }));
