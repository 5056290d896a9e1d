/**
 * The embedded Binance Spot simulator: one HTTP port serving REST, market streams (/ws, /stream)
 * and the WebSocket API (/ws-api/v3) over the shared matching engine fed by the synthetic order
 * flow, with the simulated account (HMAC and Ed25519 keys, deposits) and fault injection.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import { MarketInfo, toDecimalString } from '../engine';
import type { SocketGroup } from '../common/faults';
import { BaseSimOptions, SimAccount, SimServer, simulatorEntry } from '../common/simulator';
import type { ConnLimits } from '../common/ws-server';
import { KeyStore } from './auth';
import { exchangeInfoJson } from './exchange-info';
import { amount, Json } from './format';
import { MarketFeed } from './market-feed';
import { SymbolResolver } from './params';
import { RateCounters } from './rate-limits';
import { RestApi } from './rest';
import { StreamHub } from './stream-hub';
import { StreamServer } from './stream-server';
import { DEFAULT_BALANCES, DEFAULT_SYMBOLS, eightDecimals, marketConfig, SymbolSpec, symbolSpec } from './symbols';
import { Trading } from './trading';
import { UserStreams } from './user-stream';
import { ApiServer } from './ws-api';

export interface BinanceOptions {
  /** Starting balances of the simulated account (default USDT 100000, BTC 2, ETH 20, BNB 50). */
  balances?: Record<string, number>;
  /** Server ping interval (ms, default 20000). */
  pingIntervalMs?: number;
  /** Drop clients whose pong is later than this (ms, default 60000). */
  pongTimeoutMs?: number;
  /** Connection lifetime before serverShutdown + close (ms, default 24 h). */
  maxLifetimeMs?: number;
  /** Incoming messages per second on a stream connection before it is dropped (default 5; 0 = off). */
  maxMessagesPerSecond?: number;
  /** Streams per connection (default 1024). */
  maxStreamsPerConnection?: number;
  /** Maker / taker fee rates as fractions (default 0.001). */
  makerFee?: number;
  takerFee?: number;
}

export interface BinanceSimOptions extends BaseSimOptions {
  balances: Record<string, number>;
  limits: ConnLimits;
  maxStreamsPerConnection: number;
  /** Fee rates as fractions (default 0.001 each). */
  makerFee: number;
  takerFee: number;
}

export const USER_ACCOUNT = 'user';

export class BinanceSim extends SimServer {
  readonly keys = new KeyStore();
  readonly specs: SymbolSpec[];
  protected readonly feed: MarketFeed;
  protected readonly sockets: SocketGroup[];
  private readonly hub = new StreamHub();
  private readonly api: ApiServer;
  private readonly rest: RestApi;
  private readonly byId = new Map<string, MarketInfo>();
  private readonly deposits: Json[] = [];
  private readonly credentials: Pick<SimAccount, 'apiKey' | 'secret' | 'ed25519'>;

  constructor(private readonly opts: BinanceSimOptions) {
    const specs = opts.symbols.map(symbolSpec);
    super(
      { exchange: 'binance', features: { checksums: false, logins: true, wsApi: true }, malformedSample: '{"e":"depthUpdate","E":', socketUrls: ['wsApi'] },
      opts,
      specs.map((s) => ({ config: marketConfig(s), mid: s.mid })),
    );
    this.specs = specs;
    const rt = this.runtime;
    const engine = rt.engine;
    const now = (): number => rt.now();
    for (const spec of specs) this.byId.set(spec.id, engine.market(spec.id));
    const toPpm = (f: number): number => Math.round(f * 1_000_000);
    engine.addAccount(USER_ACCOUNT, { makerFeePpm: toPpm(opts.makerFee), takerFeePpm: toPpm(opts.takerFee) });
    for (const [asset, n] of Object.entries(opts.balances)) if (n > 0) engine.deposit(USER_ACCOUNT, asset, n);
    const hmac = this.keys.addHmac(USER_ACCOUNT);
    const ed = this.keys.addEd25519(USER_ACCOUNT);
    this.credentials = { apiKey: hmac.apiKey, secret: hmac.secret as string, ed25519: { apiKey: ed.key.apiKey, privateKey: ed.privateKeyPem } };

    this.feed = new MarketFeed(engine, this.hub, now);
    for (const info of this.byId.values()) this.feed.add(info);
    const symbols = new SymbolResolver(this.byId);
    const counters = new RateCounters();
    const trading = new Trading(engine, symbols, () => 1000001);
    const users = new UserStreams(engine, now);
    const exchangeInfo = (f: { symbols?: string[]; symbolStatus?: string }): Json => exchangeInfoJson(specs, now(), f);
    const gate = this.faults.gate;
    const streams = new StreamServer(this.hub, opts.limits, opts.maxStreamsPerConnection, gate);
    this.api = new ApiServer(
      {
        engine,
        keys: this.keys,
        trading,
        symbols,
        counters,
        users,
        now,
        exchangeInfo,
        loginsRejected: () => this.faults.loginsRejected,
        takeRateLimit: () => this.faults.takeRateLimit('wsApi'),
      },
      { ...opts.limits, maxMessagesPerSecond: 0 },
      gate,
    );
    this.sockets = [{ kind: 'stream', server: streams.server }, { kind: 'api', server: this.api.server }];
    this.rest = new RestApi({
      engine,
      keys: this.keys,
      trading,
      symbols,
      tape: (info) => this.feed.tape(info.symbol),
      counters,
      now,
      exchangeInfo,
      deposits: (account) => (account === USER_ACCOUNT ? this.deposits.slice() : []),
      faults: this.faults,
      later: (ms, fn) => void rt.later(ms, fn),
    });
  }

  protected http(req: IncomingMessage, res: ServerResponse, body: string): void {
    this.rest.handle(req, res, body);
  }

  protected started(): void {
    const rt = this.runtime;
    rt.every(100, () => this.feed.fastTick());
    rt.every(1000, () => this.feed.slowTick());
    const l = this.opts.limits;
    const hk = Math.min(1000, Math.max(10, Math.floor(Math.min(l.pingIntervalMs || 1000, l.pongTimeoutMs || 1000) / 4)));
    rt.every(hk, () => {
      const now = Date.now();
      for (const { server } of this.sockets) server.housekeeping(now);
    });
  }

  /** A market by unified symbol ('BTC/USDT') or Binance id ('BTCUSDT'). */
  protected findMarket(symbol: string): string | undefined {
    return (this.byId.get(symbol) ?? this.byId.get(symbol.replace('/', '').toUpperCase()))?.symbol;
  }

  protected override account(): SimAccount {
    return { ...this.credentials, deposit: (asset, qty) => this.deposit(asset, qty), balances: () => this.balances() };
  }

  /** Credits the user's account (balanceUpdate + outboundAccountPosition on user streams). */
  deposit(asset: string, qty: number | string): void {
    const engine = this.runtime.engine;
    engine.deposit(USER_ACCOUNT, asset, qty);
    const now = this.runtime.now();
    this.deposits.push({
      id: `sim${this.deposits.length + 1}`,
      amount: eightDecimals(toDecimalString(qty)),
      coin: asset,
      network: asset,
      status: 1,
      address: 'sim-address',
      addressTag: '',
      txId: `simtx${now}${this.deposits.length}`,
      insertTime: now,
      completeTime: now,
      transferType: 0,
      confirmTimes: '1/1',
      unlockConfirm: 0,
      walletType: 0,
    });
  }

  /** The user's balances as decimal strings. */
  balances(): Record<string, { free: string; locked: string }> {
    const out: Record<string, { free: string; locked: string }> = {};
    for (const b of this.runtime.engine.balances(USER_ACCOUNT)) out[b.asset] = { free: amount(b.free), locked: amount(b.locked) };
    return out;
  }
}

export const binanceSimulator = simulatorEntry<BinanceOptions>(DEFAULT_SYMBOLS, (base, o) =>
  new BinanceSim({
    ...base,
    balances: o.balances ?? DEFAULT_BALANCES,
    limits: {
      pingIntervalMs: o.pingIntervalMs ?? 20_000,
      pongTimeoutMs: o.pongTimeoutMs ?? 60_000,
      maxLifetimeMs: o.maxLifetimeMs ?? 24 * 3600_000,
      maxMessagesPerSecond: o.maxMessagesPerSecond ?? 5,
    },
    maxStreamsPerConnection: o.maxStreamsPerConnection ?? 1024,
    makerFee: o.makerFee ?? 0.001,
    takerFee: o.takerFee ?? 0.001,
  }));
