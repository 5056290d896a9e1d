/**
 * The embedded Binance Spot simulator: one HTTP port serving REST, market streams (/ws, /stream)
 * and the WebSocket API (/ws-api/v3) over a matching engine fed by the synthetic order flow.
 */
import { createServer, IncomingMessage, Server } from 'http';
import type { AddressInfo } from 'net';
import type { Duplex } from 'stream';
import { MarketInfo, MatchingEngine, OrderFlow, toDecimalString } from '../engine';
import { KeyStore } from './auth';
import { exchangeInfoJson } from './exchange-info';
import { DropFilter, Faults } from './faults';
import { amount, Json } from './format';
import { MarketFeed } from './market-feed';
import { SymbolResolver } from './params';
import { RateCounters } from './rate-limits';
import { RestApi } from './rest';
import { MarketStats } from './stats';
import { StreamHub } from './stream-hub';
import { StreamServer } from './stream-server';
import { eightDecimals, marketConfig, SymbolSpec, symbolSpec } from './symbols';
import { Trading } from './trading';
import { UserStreams } from './user-stream';
import { ApiServer } from './ws-api';
import { ConnLimits } from './ws-conn';

export interface BinanceSimOptions {
  port: number;
  host: string;
  seed: number;
  /** Unified symbols. */
  symbols: string[];
  tickMs: number;
  autoFlow: boolean;
  balances: Record<string, number>;
  /** Target price levels per side (default 300). */
  levels: number;
  limits: ConnLimits;
  maxStreamsPerConnection: number;
  /** Fee rates as fractions (default 0.001 each). */
  makerFee: number;
  takerFee: number;
}

export const USER_ACCOUNT = 'user';

export class BinanceSim {
  readonly engine: MatchingEngine;
  readonly flow: OrderFlow;
  readonly keys = new KeyStore();
  readonly faults: Faults;
  readonly specs: SymbolSpec[];
  readonly apiKey: string;
  readonly secret: string;
  readonly ed25519: { apiKey: string; privateKey: string };
  port = 0;
  private readonly hub = new StreamHub();
  private readonly feed: MarketFeed;
  private readonly streams: StreamServer;
  private readonly api: ApiServer;
  private readonly rest: RestApi;
  private readonly users: UserStreams;
  private readonly stats = new Map<string, MarketStats>();
  private readonly byId = new Map<string, MarketInfo>();
  private readonly deposits: Json[] = [];
  private readonly server: Server;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly pending = new Set<NodeJS.Timeout>();
  private paused = false;
  private silenced = false;
  private closed = false;

  constructor(private readonly opts: BinanceSimOptions) {
    // the skewClock fault: the server's clock runs ahead of (or behind) the machine's
    // (read at call time: faults is created below, after the first deposits)
    const now = (): number => Date.now() + (this.faults?.clockSkewMs ?? 0);
    this.engine = new MatchingEngine({ seed: opts.seed, now });
    this.specs = opts.symbols.map(symbolSpec);
    for (const spec of this.specs) {
      const info = this.engine.addMarket(marketConfig(spec));
      this.byId.set(spec.id, info);
      this.stats.set(spec.id, new MarketStats());
    }
    const toPpm = (f: number): number => Math.round(f * 1_000_000);
    this.engine.addAccount(USER_ACCOUNT, { makerFeePpm: toPpm(opts.makerFee), takerFeePpm: toPpm(opts.takerFee) });
    for (const [asset, n] of Object.entries(opts.balances)) if (n > 0) this.engine.deposit(USER_ACCOUNT, asset, n);
    const hmac = this.keys.addHmac(USER_ACCOUNT);
    this.apiKey = hmac.apiKey;
    this.secret = hmac.secret as string;
    const ed = this.keys.addEd25519(USER_ACCOUNT);
    this.ed25519 = { apiKey: ed.key.apiKey, privateKey: ed.privateKeyPem };

    this.feed = new MarketFeed(this.engine, this.hub, now);
    for (const spec of this.specs) this.feed.add(this.byId.get(spec.id) as MarketInfo, this.stats.get(spec.id) as MarketStats);
    this.flow = new OrderFlow(this.engine, this.specs.map((s) => ({ symbol: s.id, mid: s.mid })), { seed: opts.seed, levels: opts.levels });
    this.flow.init();

    this.faults = new Faults({
      drop: (f) => this.drop(f),
      skipSequence: (symbol) => this.feed.skipSequence(this.resolve(symbol).symbol),
      malformed: (text) => {
        let n = 0;
        for (const c of this.streams.clients) {
          c.conn.send(text);
          n++;
        }
        return n;
      },
      setSilenced: (on) => {
        this.silenced = on;
      },
      setTimer: (ms, fn) => {
        const t = this.later(ms, fn);
        return () => {
          clearTimeout(t);
          this.pending.delete(t);
        };
      },
    });
    const symbols = new SymbolResolver(this.byId);
    const counters = new RateCounters();
    const trading = new Trading(this.engine, symbols, () => 1000001);
    this.users = new UserStreams(this.engine, now);
    const exchangeInfo = (f: { symbols?: string[]; symbolStatus?: string }): Json => exchangeInfoJson(this.specs, now(), f);
    const connHooks = {
      now,
      silenced: () => this.silenced,
      withheld: (what: 'pong' | 'frame') => {
        if (what === 'pong') this.faults.withheld.pongs++;
        else this.faults.withheld.frames++;
      },
      shutdownEvent: () => JSON.stringify({ e: 'serverShutdown', E: now() }),
    };
    this.streams = new StreamServer(this.hub, opts.limits, opts.maxStreamsPerConnection, connHooks);
    this.api = new ApiServer(
      {
        engine: this.engine,
        keys: this.keys,
        trading,
        symbols,
        counters,
        users: this.users,
        now,
        exchangeInfo,
        loginsRejected: () => this.faults.loginsRejected,
        takeRateLimit: () => this.faults.takeRateLimit('wsApi'),
      },
      { ...opts.limits, maxMessagesPerSecond: 0 },
      connHooks,
    );
    this.rest = new RestApi({
      engine: this.engine,
      keys: this.keys,
      trading,
      symbols,
      stats: this.stats,
      counters,
      now,
      exchangeInfo,
      deposits: (account) => (account === USER_ACCOUNT ? this.deposits.slice() : []),
      takeRateLimit: () => this.faults.takeRateLimit(),
      snapshotDelayMs: () => this.faults.snapshotDelayMs,
      later: (ms, fn) => void this.later(ms, fn),
    });
    this.server = createServer((req, res) => this.rest.handle(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.feed.reset();
    const every = (ms: number, fn: () => void): void => void this.timers.push(setInterval(fn, ms));
    every(Math.max(1, this.opts.tickMs), () => {
      if (this.opts.autoFlow && !this.paused) this.flow.tick();
    });
    every(100, () => this.feed.fastTick());
    every(1000, () => this.feed.slowTick());
    const l = this.opts.limits;
    const hk = Math.min(1000, Math.max(10, Math.floor(Math.min(l.pingIntervalMs || 1000, l.pongTimeoutMs || 1000) / 4)));
    every(hk, () => {
      const now = Date.now();
      this.streams.housekeeping(now);
      this.api.housekeeping(now);
    });
  }

  /** A market by unified symbol ('BTC/USDT') or Binance id ('BTCUSDT'). */
  resolve(symbol: string): MarketInfo {
    const info = this.byId.get(symbol) ?? this.byId.get(symbol.replace('/', '').toUpperCase());
    if (!info) throw new RangeError(`unknown simulator symbol ${symbol}`);
    return info;
  }

  /** The server's book as numbers, best first. */
  book(symbol: string): { bids: Array<[number, number]>; asks: Array<[number, number]>; lastUpdateId: number } {
    const info = this.resolve(symbol);
    const d = this.engine.depth(info.symbol);
    const conv = ([p, q]: [number, number]): [number, number] => [Number(info.formatPrice(p)), Number(info.formatQty(q))];
    return { bids: d.bids.map(conv), asks: d.asks.map(conv), lastUpdateId: d.updateId };
  }

  tick(n = 1): void {
    for (let i = 0; i < n; i++) this.flow.tick();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  /** Credits the user's account (balanceUpdate + outboundAccountPosition on user streams). */
  deposit(asset: string, qty: number | string): void {
    this.engine.deposit(USER_ACCOUNT, asset, qty);
    const now = Date.now() + this.faults.clockSkewMs;
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
    for (const b of this.engine.balances(USER_ACCOUNT)) out[b.asset] = { free: amount(b.free), locked: amount(b.locked) };
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
    this.streams.close();
    this.api.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.pending.delete(t);
      if (!this.closed) fn();
    }, ms);
    this.pending.add(t);
    return t;
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (this.streams.handleUpgrade(req, socket, head, url)) return;
    if (this.api.handleUpgrade(req, socket, head, url)) return;
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  }

  private drop(f: DropFilter): number {
    const pathOk = (path: string): boolean =>
      f.path === undefined || (typeof f.path === 'string' ? path === f.path || path.startsWith(f.path) : f.path.test(path));
    let n = 0;
    if (f.kind !== 'api') n += this.streams.drop((c) => pathOk(c.conn.path) && (f.stream === undefined || c.streams.has(f.stream)));
    if (f.kind !== 'stream' && f.stream === undefined) n += this.api.drop((c) => pathOk(c.path));
    return n;
  }
}
