/**
 * The embedded Bitfinex simulator: one HTTP port serving public REST (/v2/*) and the WebSocket
 * API v2 (/ws/2) over the shared matching engine fed by the synthetic order flow, with fault
 * injection (sim.faults) and Bitfinex's info events (`infoEvent(20051 | 20060 | 20061)`).
 * `urls.restPrivate` / `urls.wsPrivate` name the same port (the authenticated host).
 */
import type { IncomingMessage, ServerResponse } from 'http';
import type { SocketGroup } from '../common/faults';
import type { SimUrls } from '../common/runtime';
import { BaseSimOptions, SimAccount, SimServer, Simulator, simulatorEntry } from '../common/simulator';
import { BitfinexAccount } from './account';
import { BitfinexRest } from './rest';
import { BfxPair, BITFINEX_DEFAULT_SYMBOLS, bfxMarketConfig, bfxPair, findPair } from './symbols';
import { BitfinexWs } from './ws';

export interface BitfinexOptions {
  /** Bitfinex: starting balances of the simulated account (asset -> amount). */
  balances?: Record<string, string | number>;
  /** Bitfinex: book updates go out at most this often (ms, default 50). */
  bookIntervalMs?: number;
  /** Bitfinex: `[chanId,"hb"]` interval (ms, default 15000 as Bitfinex; 0 = none). */
  heartbeatMs?: number;
}

export interface BitfinexSimOptions extends BaseSimOptions {
  balances: Record<string, string | number>;
  bookIntervalMs: number;
  heartbeatMs: number;
}

/** The Bitfinex simulator's own extra: info events with a code. */
export interface BitfinexSimulator extends Simulator {
  /** Sends `{"event":"info","code":N}` to every connection: 20051 restart, 20060 / 20061 maintenance start / end. */
  infoEvent(code: 20051 | 20060 | 20061): number;
  /** Channels open on the server over every connection (subscribed and not unsubscribed). */
  openChannels(): number;
  /** Every frame clients sent while in maintenance (between 20060 and 20061), pings included. */
  maintenanceRequests(): readonly string[];
  /**
   * A slow server: while on, subscribe requests stay unanswered (no ack, no channel); off answers
   * the held ones in order. Returns how many are held.
   */
  holdSubscribes(on: boolean): number;
  /** Subscribe requests held unanswered right now. */
  heldSubscribes(): number;
}

const INFO_TEXT: Record<number, string> = {
  20051: 'Stopping. Please try to reconnect',
  20060: 'Entering in Maintenance mode. Please pause any activity and resume after receiving the info message 20061',
  20061: 'Maintenance ended. You can resume normal activity. It is advised to unsubscribe/subscribe again all channels.',
};

export class BitfinexSim extends SimServer {
  readonly pairs: BfxPair[];
  protected readonly feed: BitfinexWs;
  protected readonly sockets: SocketGroup[];
  private readonly rest: BitfinexRest;
  private readonly accountState: BitfinexAccount;

  constructor(private readonly opts: BitfinexSimOptions) {
    const pairs = opts.symbols.map(bfxPair);
    super(
      {
        exchange: 'bitfinex',
        features: { checksums: true, logins: true, wsApi: false },
        malformedSample: '[17001,[60000,1,',
        socketUrls: ['wsPrivate'],
      },
      opts,
      pairs.map((p) => ({ config: bfxMarketConfig(p), mid: p.mid })),
    );
    this.pairs = pairs;
    this.accountState = new BitfinexAccount(this.runtime.engine, pairs, this.faults, () => this.runtime.now(), (ms, fn) => void this.runtime.later(ms, fn), opts.seed);
    for (const [asset, qty] of Object.entries(opts.balances)) this.accountState.deposit(asset, qty);
    this.feed = new BitfinexWs(this.runtime.engine, pairs, this.faults.gate, this.accountState);
    this.sockets = [{ kind: 'stream', server: this.feed.server }];
    this.rest = new BitfinexRest(this.runtime, this.feed, pairs, this.faults, this.accountState);
  }

  override get urls(): SimUrls {
    const u = super.urls;
    return { ...u, restPrivate: u.rest };
  }

  protected http(req: IncomingMessage, res: ServerResponse, body: string): void {
    this.rest.handle(req, res, body);
  }

  protected override account(): SimAccount {
    const a = this.accountState;
    return { apiKey: a.apiKey, secret: a.secret, deposit: (asset, qty) => a.deposit(asset, qty), balances: () => a.balances() };
  }

  protected started(): void {
    this.runtime.every(this.opts.bookIntervalMs, () => this.feed.flush());
    if (this.opts.heartbeatMs > 0) this.runtime.every(this.opts.heartbeatMs, () => this.feed.heartbeat());
  }

  protected findMarket(symbol: string): string | undefined {
    return findPair(this.pairs, symbol)?.id;
  }

  override simulator(): BitfinexSimulator {
    return {
      ...super.simulator(),
      infoEvent: (code) => this.feed.info(code, INFO_TEXT[code] ?? 'info'),
      openChannels: () => this.feed.openChannels(),
      maintenanceRequests: () => this.feed.maintenanceRequests.slice(),
      holdSubscribes: (on) => this.feed.holdSubscribes(on),
      heldSubscribes: () => this.feed.heldSubscribes(),
    };
  }
}

export const bitfinexSimulator = simulatorEntry<BitfinexOptions>(BITFINEX_DEFAULT_SYMBOLS, (base, o) =>
  new BitfinexSim({ ...base, balances: o.balances ?? { BTC: 10, ETH: 100, USD: 1_000_000 }, bookIntervalMs: o.bookIntervalMs ?? 50, heartbeatMs: o.heartbeatMs ?? 15_000 }));
