/**
 * The embedded OKX v5 simulator: one HTTP port serving public REST (/api/v5/*) and the public and
 * business WebSockets (/ws/v5/public, /ws/v5/business) over the shared matching engine fed by the
 * synthetic order flow, with fault injection (sim.faults).
 */
import type { IncomingMessage, ServerResponse } from 'http';
import type { SocketGroup } from '../common/faults';
import { BaseSimOptions, SimAccount, SimServer, simulatorEntry } from '../common/simulator';
import { OkxAccount, USER } from './account';
import { BooksMode, OkxFeed } from './feed';
import { OkxRest } from './rest';
import { findInstrument, OKX_DEFAULT_SYMBOLS, OkxInstrument, okxInstrument, okxMarketConfig } from './symbols';
import { OkxWs } from './ws';

export interface OkxOptions {
  /** OKX: close connections without a subscription, or without pushes, this long (ms, default 30000; 0 = never). */
  idleTimeoutMs?: number;
  /** OKX: an unchanged `books` channel sends an empty update after this long (ms, default 60000; 0 = never). */
  noChangeMs?: number;
  /**
   * OKX: how the `books` channel behaves. 'rest-snapshot' (default: OKX from 2026) sends no
   * snapshot frame after subscribing and `checksum` 0, so clients join the REST snapshot
   * (GET /api/v5/market/books, which carries its seqId) to the buffered updates; 'stream-snapshot'
   * (OKX before its change) sends a 400-level snapshot frame first and the CRC-32 checksum on every
   * message. `faults.corruptChecksum` sends a wrong non-zero checksum in either mode.
   */
  books?: BooksMode;
  /** OKX: starting balances of the simulated account (default USDT 100000, BTC 2, ETH 20). */
  balances?: Record<string, number>;
  /** OKX: maker / taker fee rates as fractions (default 0.0008 / 0.001, OKX's base spot tier). */
  makerFee?: number;
  takerFee?: number;
}

export interface OkxSimOptions extends BaseSimOptions {
  balances: Record<string, number>;
  makerFee: number;
  takerFee: number;
  /** Close connections without subscription, or without pushes, for this long (ms; 0 = never). */
  idleTimeoutMs: number;
  /** An unchanged `books` channel sends an empty update after this long (ms; 0 = never). */
  noChangeMs: number;
  books: BooksMode;
}

export class OkxSim extends SimServer {
  readonly instruments: OkxInstrument[];
  protected readonly feed: OkxFeed;
  protected readonly sockets: SocketGroup[];
  private readonly ws: OkxWs;
  private readonly rest: OkxRest;
  private readonly acct: OkxAccount;

  constructor(private readonly opts: OkxSimOptions) {
    const instruments = opts.symbols.map(okxInstrument);
    super(
      { exchange: 'okx', features: { checksums: true, logins: true, wsApi: true, sequenceResets: true }, malformedSample: '{"arg":{"channel":"books","instId":' },
      opts,
      instruments.map((i) => ({ config: okxMarketConfig(i), mid: i.mid })),
    );
    this.instruments = instruments;
    const rt = this.runtime;
    this.feed = new OkxFeed(rt.engine, instruments, () => rt.now(), opts.noChangeMs, opts.books);
    const ppm = (f: number): number => Math.round(f * 1_000_000);
    rt.engine.addAccount(USER, { makerFeePpm: ppm(opts.makerFee), takerFeePpm: ppm(opts.takerFee) });
    for (const [asset, n] of Object.entries(opts.balances)) if (n > 0) rt.engine.deposit(USER, asset, n);
    this.acct = new OkxAccount(rt.engine, instruments, this.faults, this.faults.gate, () => rt.now());
    this.ws = new OkxWs(this.feed, instruments, this.faults.gate, (args) => this.acct.checkLogin(args));
    this.acct.onTransfer = (channel, data) => this.ws.pushFunding(channel, data);
    this.sockets = [{ kind: 'stream', server: this.ws.server }, { kind: 'api', server: this.acct.server }];
    this.rest = new OkxRest(rt, this.feed, instruments, this.faults, this.acct);
  }

  protected http(req: IncomingMessage, res: ServerResponse, body: string): void {
    this.rest.handle(req, res, body);
  }

  protected override account(): SimAccount {
    const a = this.acct;
    return {
      apiKey: a.apiKey,
      secret: a.secret,
      password: a.password,
      deposit: (asset, qty) => void a.deposit(asset, qty),
      withdraw: (asset, qty) => void a.withdraw(asset, qty),
      balances: () => a.balances(),
    };
  }

  protected started(): void {
    this.runtime.every(100, () => this.feed.flush());
    const idle = this.opts.idleTimeoutMs;
    if (idle > 0) {
      const every = Math.max(10, Math.min(1000, Math.floor(idle / 4)));
      this.runtime.every(every, () => this.ws.housekeeping(Date.now(), idle));
    }
  }

  /** An instrument by unified symbol ('BTC/USDT') or instId ('BTC-USDT'). */
  protected findMarket(symbol: string): string | undefined {
    return findInstrument(this.instruments, symbol)?.instId;
  }
}

export const okxSimulator = simulatorEntry<OkxOptions>(OKX_DEFAULT_SYMBOLS, (base, o) => {
  const books = o.books ?? 'rest-snapshot';
  if (books !== 'rest-snapshot' && books !== 'stream-snapshot') {
    throw new RangeError(`books must be 'rest-snapshot' or 'stream-snapshot', got ${JSON.stringify(books)}`);
  }
  return new OkxSim({
    ...base,
    idleTimeoutMs: o.idleTimeoutMs ?? 30_000,
    noChangeMs: o.noChangeMs ?? 60_000,
    books,
    balances: o.balances ?? { USDT: 100_000, BTC: 2, ETH: 20 },
    makerFee: o.makerFee ?? 0.0008,
    takerFee: o.takerFee ?? 0.001,
  });
});
