/**
 * The embedded Coinbase Advanced Trade simulator: one HTTP port serving the public REST market
 * endpoints (/api/v3/brokerage/...) and the market-data WebSocket (no path, as
 * wss://advanced-trade-ws.coinbase.com) over the shared matching engine fed by the synthetic order
 * flow, with fault injection (sim.faults): skipSequence loses a level2 message (the connection's
 * sequence_num jumps), dropConnections, malformedFrame, silence, rateLimit (REST 429),
 * rejectLogins (every JWT refused). The simulated account (private.ts) serves the private REST
 * endpoints and the `user` channel, on the same port (`urls.wsPrivate` is the same socket server).
 */
import type { IncomingMessage, ServerResponse } from 'http';
import type { SocketGroup } from '../common/faults';
import { BaseSimOptions, SimServer, simulatorEntry } from '../common/simulator';
import { CoinbaseFeed } from './feed';
import { CoinbaseAccountSim } from './private';
import type { SimAccount } from '../common/simulator';
import { CoinbaseRest } from './rest';
import { COINBASE_DEFAULT_SYMBOLS, CoinbaseProduct, coinbaseMarketConfig, coinbaseProduct, findProduct } from './symbols';

export interface CoinbaseOptions {
  /** Coinbase: close a connection that sent no subscribe this long after connecting (ms, default 5000). */
  firstSubscribeMs?: number;
  /** Coinbase: with no heartbeats subscription, close a channel (its subscription; the connection stays) that sent nothing this long (ms, default 60000; 0 = never). */
  idleMs?: number;
  /** Coinbase: client messages a second per connection before it is closed (default 8; 0 = unlimited). */
  maxMessagesPerSecond?: number;
  /** Coinbase: the account's CDP key (name and an EC P-256 or Ed25519 private key, PEM); default: a P-256 key made at start. */
  cdpKey?: { name: string; privateKey: string };
}

export interface CoinbaseSimOptions extends BaseSimOptions {
  firstSubscribeMs: number;
  idleMs: number;
  maxMessagesPerSecond: number;
  cdpKey?: { name: string; privateKey: string };
}

export class CoinbaseSim extends SimServer {
  readonly products: CoinbaseProduct[];
  protected readonly feed: CoinbaseFeed;
  protected readonly sockets: SocketGroup[];
  private readonly rest: CoinbaseRest;
  private readonly user: CoinbaseAccountSim;

  constructor(opts: CoinbaseSimOptions) {
    const products = opts.symbols.map(coinbaseProduct);
    super(
      { exchange: 'coinbase', features: { checksums: false, logins: true, wsApi: false }, socketUrls: ['wsPrivate'], malformedSample: '{"channel":"l2_data","client_id":"","timestamp":' },
      opts,
      products.map((p) => ({ config: coinbaseMarketConfig(p), mid: p.mid })),
    );
    this.products = products;
    const rt = this.runtime;
    this.feed = new CoinbaseFeed(rt.engine, products, () => rt.now(), this.faults.gate, { firstSubscribeMs: opts.firstSubscribeMs, idleMs: opts.idleMs }, opts.maxMessagesPerSecond);
    this.sockets = [{ kind: 'stream', server: this.feed.server }];
    this.rest = new CoinbaseRest(rt, this.feed, products, this.faults);
    this.user = new CoinbaseAccountSim(rt.engine, products, this.faults, () => rt.now(), opts.cdpKey);
    this.user.attach(() => this.feed.server.clients, (ms, fn) => void rt.later(ms, fn));
    this.feed.user = this.user;
  }

  protected http(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!this.user.handle(req, res, body, url, () => this.faults.takeRateLimit())) this.rest.handle(req, res);
  }

  protected override account(): SimAccount {
    const u = this.user;
    return { apiKey: u.apiKey, secret: u.secret, deposit: (a, n) => u.deposit(a, n), balances: () => u.balances() };
  }

  protected started(): void {
    this.runtime.every(100, () => this.feed.flush());
    this.runtime.every(1000, () => this.feed.second());
    this.runtime.every(5000, () => this.feed.batch());
  }

  protected findMarket(symbol: string): string | undefined {
    return findProduct(this.products, symbol)?.productId;
  }
}

export const coinbaseSimulator = simulatorEntry<CoinbaseOptions>(COINBASE_DEFAULT_SYMBOLS, (base, o) => {
  return new CoinbaseSim({ ...base, firstSubscribeMs: o.firstSubscribeMs ?? 5000, idleMs: o.idleMs ?? 60_000, maxMessagesPerSecond: o.maxMessagesPerSecond ?? 8, cdpKey: o.cdpKey });
});
