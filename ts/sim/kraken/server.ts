/**
 * The embedded Kraken Spot simulator: one HTTP port serving public REST (/0/public/*) and the
 * WebSocket API v2 (/v2) over the shared matching engine fed by the synthetic order flow, with
 * fault injection (sim.faults).
 */
import type { IncomingMessage, ServerResponse } from 'http';
import type { SocketGroup } from '../common/faults';
import { BaseSimOptions, SimAccount, SimServer, Simulator, simulatorEntry } from '../common/simulator';
import type { SimUrls } from '../common/runtime';
import { AUTH_PREFIX, KrakenAccount, USER } from './account';
import { KrakenFeed } from './feed';
import { setPublishedPrecision } from './format';
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

/** The Kraken simulator's face: the common one, plus a pair's precision changed live. */
export interface KrakenSimulator extends Simulator {
  /**
   * Changes the precision a pair is published at (v2 `price_precision` / `qty_precision`, REST
   * `pair_decimals` / `lot_decimals`), as Kraken does when it re-tick-sizes a pair: from now on
   * book levels, checksums and every other value go out at the new decimals. It can only grow
   * (never below the pair's starting precision), so every level stays exactly representable; the
   * engine's tick and lot size do not change. The change is announced on the `instrument`
   * channel first (`announce: false` leaves it unannounced: a client can only learn it from a
   * REST reload, as before the channel was followed).
   */
  setPrecision(symbol: string, precision: { price?: number; qty?: number }, opts?: { announce?: boolean }): void;
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

  override simulator(): KrakenSimulator {
    return { ...super.simulator(), setPrecision: (symbol, p, o) => this.setPrecision(symbol, p, o) };
  }

  private setPrecision(symbol: string, p: { price?: number; qty?: number }, opts: { announce?: boolean } = {}): void {
    const pair = findPair(this.pairs, symbol);
    if (!pair) throw new RangeError(`unknown simulator symbol ${symbol}`);
    const info = this.runtime.engine.market(pair.key);
    const price = p.price ?? pair.pairDecimals;
    const qty = p.qty ?? pair.lotDecimals;
    for (const [name, v, min] of [['price', price, info.priceDecimals], ['qty', qty, info.qtyDecimals]] as const) {
      if (!Number.isInteger(v) || v < min || v > 12) throw new RangeError(`${name} precision of ${symbol} must be an integer from ${min} to 12, got ${v}`);
    }
    // pending book changes are sent at the old precision first: a client never sees levels of one
    // precision checked at the other
    this.feed.flush();
    pair.pairDecimals = price;
    pair.lotDecimals = qty;
    setPublishedPrecision(info, price, qty);
    this.feed.repriced(pair.key);
    if (opts.announce !== false) this.ws.publishInstrument([pair]);
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
