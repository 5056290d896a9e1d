/**
 * The embedded Kraken Spot simulator: one HTTP port serving public REST (/0/public/*) and the
 * WebSocket API v2 (/v2) over the shared matching engine fed by the synthetic order flow, with
 * fault injection (sim.faults).
 */
import type { IncomingMessage, ServerResponse } from 'http';
import type { SocketGroup } from '../common/faults';
import { BaseSimOptions, SimAccount, SimServer, simulatorEntry } from '../common/simulator';
import type { SimUrls } from '../common/runtime';
import { AUTH_PREFIX, KrakenAccount, USER } from './account';
import { KrakenFeed } from './feed';
import { KrakenRest } from './rest';
import { findPair, KRAKEN_DEFAULT_SYMBOLS, KrakenPair, krakenMarketConfig, krakenPair } from './symbols';
import { KrakenWs } from './ws';

export interface KrakenOptions {
  /** Kraken: book updates go out at most this often (ms, default 50). */
  bookIntervalMs?: number;
  /** Kraken: heartbeat interval on subscribed connections (ms, default 1000; 0 = none). */
  heartbeatMs?: number;
  /** Kraken: starting balances of the simulated account (default USD 100000, BTC 2, ETH 20). */
  balances?: Record<string, number>;
  /** Kraken: maker / taker fee rates as fractions (default 0.0016 / 0.0026, Kraken's first tier). */
  makerFee?: number;
  takerFee?: number;
}

export interface KrakenSimOptions extends BaseSimOptions {
  balances: Record<string, number>;
  makerFee: number;
  takerFee: number;
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
  private readonly acct: KrakenAccount;

  constructor(private readonly opts: KrakenSimOptions) {
    const pairs = opts.symbols.map(krakenPair);
    super(
      { exchange: 'kraken', features: { checksums: true, logins: true, wsApi: true }, malformedSample: '{"channel":"book","type":"update","data":[{"symbol":' },
      opts,
      pairs.map((p) => ({ config: krakenMarketConfig(p), mid: p.mid })),
    );
    this.pairs = pairs;
    const rt = this.runtime;
    this.feed = new KrakenFeed(rt.engine, pairs, () => rt.now());
    this.ws = new KrakenWs(this.feed, pairs, this.faults.gate);
    const ppm = (f: number): number => Math.round(f * 1_000_000);
    rt.engine.addAccount(USER, { makerFeePpm: ppm(opts.makerFee), takerFeePpm: ppm(opts.takerFee) });
    for (const [asset, n] of Object.entries(opts.balances)) if (n > 0) rt.engine.deposit(USER, asset, n);
    this.acct = new KrakenAccount(rt.engine, pairs, this.faults, this.faults.gate, () => rt.now());
    this.sockets = [{ kind: 'stream', server: this.ws.server }, { kind: 'api', server: this.acct.server }];
    this.rest = new KrakenRest(rt, this.feed, pairs, this.faults, this.acct);
  }

  protected http(req: IncomingMessage, res: ServerResponse, body: string): void {
    this.rest.handle(req, res, body);
  }

  /** The ws-auth host is served under /auth on the same port: urls.wsPrivate + /v2. */
  override get urls(): SimUrls {
    const u = this.runtime.urls();
    return { ...u, wsPrivate: `${u.ws}${AUTH_PREFIX}` };
  }

  protected override account(): SimAccount {
    const a = this.acct;
    return {
      apiKey: a.apiKey,
      secret: a.secret,
      deposit: (asset, qty) => a.deposit(asset, qty),
      withdraw: (asset, qty) => void a.withdraw(asset, qty),
      balances: () => a.balances(),
    };
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
  new KrakenSim({
    ...base,
    bookIntervalMs: o.bookIntervalMs ?? 50,
    heartbeatMs: o.heartbeatMs ?? 1000,
    balances: o.balances ?? { USD: 100_000, BTC: 2, ETH: 20 },
    makerFee: o.makerFee ?? 0.0016,
    takerFee: o.takerFee ?? 0.0026,
  }));
