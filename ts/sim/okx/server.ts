/**
 * The embedded OKX v5 simulator: one HTTP port serving public REST (/api/v5/*) and the public and
 * business WebSockets (/ws/v5/public, /ws/v5/business) over the shared matching engine fed by the
 * synthetic order flow, with fault injection (sim.faults).
 */
import { MarketFaults } from '../common/faults';
import { wireFaults } from '../common/fault-wiring';
import { RuntimeOptions, SimRuntime, truthBook, TruthBook } from '../common/runtime';
import { BooksMode, OkxFeed } from './feed';
import { OkxRest } from './rest';
import { findInstrument, OkxInstrument, okxInstrument, okxMarketConfig } from './symbols';
import { OkxWs } from './ws';

export interface OkxSimOptions extends RuntimeOptions {
  /** Unified symbols, e.g. 'BTC/USDT'. */
  symbols: string[];
  /** Close connections without subscription, or without pushes, for this long (ms; 0 = never). */
  idleTimeoutMs: number;
  /** An unchanged `books` channel sends an empty update after this long (ms; 0 = never). */
  noChangeMs: number;
  /**
   * How the `books` channel behaves: 'rest-snapshot' (default, OKX from 2026: no snapshot frame,
   * checksum 0, clients join REST /market/books by its seqId) or 'stream-snapshot' (OKX before:
   * a snapshot frame first, real checksums). REST books carry the seqId either way.
   */
  books?: BooksMode;
}

export class OkxSim {
  readonly runtime: SimRuntime;
  readonly faults: MarketFaults;
  readonly instruments: OkxInstrument[];
  private readonly feed: OkxFeed;
  private readonly ws: OkxWs;
  private readonly rest: OkxRest;

  constructor(private readonly opts: OkxSimOptions) {
    this.instruments = opts.symbols.map(okxInstrument);
    this.runtime = new SimRuntime(
      opts,
      this.instruments.map((i) => ({ config: okxMarketConfig(i), mid: i.mid })),
      {
        http: (req, res) => this.rest.handle(req, res),
        upgrade: (req, socket, head, url) => this.ws.handleUpgrade(req, socket, head, url),
        closing: () => this.ws.server.close(),
      },
    );
    const engine = this.runtime.engine;
    const now = (): number => Date.now();
    const { faults, gate } = wireFaults({
      server: () => this.ws.server,
      runtime: this.runtime,
      skipSequence: (symbol) => this.feed.skipSequence(this.resolve(symbol).instId),
      corruptChecksum: (symbol) => this.feed.corruptChecksum(this.resolve(symbol).instId),
      resetSequence: (symbol) => this.feed.resetSequence(this.resolve(symbol).instId),
      malformedSample: '{"arg":{"channel":"books","instId":',
    });
    this.faults = faults;
    this.feed = new OkxFeed(engine, this.instruments, now, opts.noChangeMs, opts.books ?? 'rest-snapshot');
    this.ws = new OkxWs(this.feed, this.instruments, gate);
    this.rest = new OkxRest(engine, this.feed, this.instruments, this.faults, (ms, fn) => void this.runtime.later(ms, fn));
  }

  async listen(): Promise<void> {
    await this.runtime.listen();
    this.runtime.every(100, () => this.feed.flush());
    if (this.opts.idleTimeoutMs > 0) {
      const every = Math.max(10, Math.min(1000, Math.floor(this.opts.idleTimeoutMs / 4)));
      this.runtime.every(every, () => this.ws.housekeeping(Date.now(), this.opts.idleTimeoutMs));
    }
  }

  get urls(): { rest: string; ws: string } {
    const base = `${this.runtime.urlHost}:${this.runtime.port}`;
    return { rest: `http://${base}`, ws: `ws://${base}` };
  }

  /** An instrument by unified symbol ('BTC/USDT') or instId ('BTC-USDT'). */
  resolve(symbol: string): OkxInstrument {
    const i = findInstrument(this.instruments, symbol);
    if (!i) throw new RangeError(`unknown simulator symbol ${symbol}`);
    return i;
  }

  /** The server's full book of an instrument, as numbers, best first. */
  book(symbol: string): TruthBook {
    return truthBook(this.runtime.engine, this.resolve(symbol).instId);
  }

  /** Sends pending book, books5 and ticker pushes now (instead of at the next 100 ms tick). */
  flush(): void {
    this.feed.flush();
  }

  close(): Promise<void> {
    return this.runtime.close();
  }
}
