/**
 * The embedded Bybit v5 (spot) simulator: one HTTP port serving public REST (/v5/market/*) and the
 * public spot stream (/v5/public/spot) over the shared matching engine fed by the synthetic order
 * flow, with fault injection (sim.faults): skipSequence loses a book delta (its `u` is used up),
 * resetSequence is a service restart (a `u: 1` snapshot mid-stream), plus the common drop,
 * malformed frame, silence, rate limit (retCode 10006), clock skew and slow snapshots.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import type { SocketGroup } from '../common/faults';
import { BaseSimOptions, SimAccount, SimServer, Simulator, simulatorEntry } from '../common/simulator';
import { BybitAccount, USER_ACCOUNT } from './account';
import { BybitPrivateWs } from './private-ws';
import { BybitFeed } from './feed';
import { BybitRest } from './rest';
import { BYBIT_DEFAULT_SYMBOLS, BybitInstrument, bybitInstrument, bybitMarketConfig, findInstrument } from './symbols';
import { BybitPublicWs } from './ws';
import { IDLE_CUT_MS, cutIdle, maxActiveTimeMs } from './idle';
import type { SimSocket, SocketServer } from '../common/ws-server';

export interface BybitOptions {
  /** Starting balances of the simulated account (default USDT 100000, BTC 2, ETH 20). */
  balances?: Record<string, number>;
  /**
   * A connection sent nothing (no data, no pong) for this long is cut (ms; default Bybit's 10
   * minutes; 0: never). A private or trade connection's `max_active_time` takes its place there.
   */
  idleMs?: number;
}

const DEFAULT_BALANCES: Record<string, number> = { USDT: 100_000, BTC: 2, ETH: 20 };

export class BybitSim extends SimServer {
  readonly instruments: BybitInstrument[];
  protected readonly feed: BybitFeed;
  protected readonly sockets: SocketGroup[];
  private readonly rest: BybitRest;
  private readonly user: BybitAccount;

  private readonly idleMs: number;
  private readonly publicServer: SocketServer<SimSocket>;
  private readonly privateServers: Array<SocketServer<SimSocket>>;

  constructor(opts: BaseSimOptions, balances: Record<string, number>, idleMs: number = IDLE_CUT_MS) {
    const instruments = opts.symbols.map(bybitInstrument);
    super(
      {
        exchange: 'bybit',
        features: { checksums: false, logins: true, wsApi: true, sequenceResets: true },
        malformedSample: '{"topic":"orderbook.200.BTCUSDT","ts":1,"type":"delta","data":{"s":',
        socketUrls: ['wsPrivate'],
      },
      opts,
      instruments.map((i) => ({ config: bybitMarketConfig(i), mid: i.mid })),
    );
    this.instruments = instruments;
    this.idleMs = idleMs;
    const rt = this.runtime;
    this.feed = new BybitFeed(rt.engine, instruments, () => rt.now());
    rt.engine.addAccount(USER_ACCOUNT, { makerFeePpm: 1000, takerFeePpm: 1000 });
    for (const [asset, n] of Object.entries(balances)) if (n > 0) rt.engine.deposit(USER_ACCOUNT, asset, n);
    this.user = new BybitAccount(rt.engine, instruments, () => rt.now());
    const ws = new BybitPublicWs(this.feed, instruments, this.faults.gate);
    const priv = new BybitPrivateWs(this.user, this.faults, () => rt.now(), this.faults.gate);
    this.sockets = [
      { kind: 'stream', server: ws.server },
      { kind: 'api', server: priv.privateServer },
      { kind: 'api', server: priv.tradeServer },
    ];
    this.publicServer = ws.server;
    this.privateServers = [priv.privateServer, priv.tradeServer];
    this.rest = new BybitRest(rt, this.feed, instruments, this.faults, this.user);
  }

  protected http(req: IncomingMessage, res: ServerResponse, body: string): void {
    this.rest.handle(req, res, body);
  }

  protected override account(): SimAccount {
    return { apiKey: this.user.apiKey, secret: this.user.secret, deposit: (asset, qty) => this.user.deposit(asset, qty), balances: () => this.user.balances() };
  }

  /** The public face, plus `bookTopics()`: the orderbook topics clients subscribe now (which depth they chose). */
  override simulator(): Simulator & { bookTopics(): string[] } {
    return { ...super.simulator(), bookTopics: () => this.feed.bookTopics() };
  }

  protected started(): void {
    this.runtime.every(10, () => this.feed.tick());
    const idle = this.idleMs;
    if (idle > 0) {
      // the idle cut: checked a few times per window (Bybit scans every 30 s); not while silenced
      this.runtime.every(Math.max(10, Math.min(30_000, Math.floor(idle / 4))), () => {
        if (this.faults.isSilenced) return;
        const now = Date.now();
        cutIdle(this.publicServer.clients, now, () => idle);
        for (const s of this.privateServers) cutIdle(s.clients, now, (c) => maxActiveTimeMs(c.query) ?? idle);
      });
    }
  }

  protected findMarket(symbol: string): string | undefined {
    return findInstrument(this.instruments, symbol)?.id;
  }
}

export const bybitSimulator = simulatorEntry<BybitOptions>(BYBIT_DEFAULT_SYMBOLS, (base, o) => new BybitSim(base, o.balances ?? DEFAULT_BALANCES, o.idleMs ?? IDLE_CUT_MS));
