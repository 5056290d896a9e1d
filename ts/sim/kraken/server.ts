/**
 * The embedded Kraken Spot simulator: one HTTP port serving public REST (/0/public/*) and the
 * WebSocket API v2 (/v2) over the shared matching engine fed by the synthetic order flow, with
 * fault injection (sim.faults).
 */
import { MarketFaults } from '../common/faults';
import { wireFaults } from '../common/fault-wiring';
import { RuntimeOptions, SimRuntime, truthBook, TruthBook } from '../common/runtime';
import { KrakenFeed } from './feed';
import { KrakenRest } from './rest';
import { findPair, KrakenPair, krakenMarketConfig, krakenPair } from './symbols';
import { KrakenWs } from './ws';

export interface KrakenSimOptions extends RuntimeOptions {
  /** Unified symbols, e.g. 'BTC/USD'. */
  symbols: string[];
  /** Book updates are sent at most this often (ms). */
  bookIntervalMs: number;
  /** Heartbeat interval on subscribed connections (ms; 0 = none). */
  heartbeatMs: number;
}

export class KrakenSim {
  readonly runtime: SimRuntime;
  readonly faults: MarketFaults;
  readonly pairs: KrakenPair[];
  private readonly feed: KrakenFeed;
  private readonly ws: KrakenWs;
  private readonly rest: KrakenRest;

  constructor(private readonly opts: KrakenSimOptions) {
    this.pairs = opts.symbols.map(krakenPair);
    this.runtime = new SimRuntime(
      opts,
      this.pairs.map((p) => ({ config: krakenMarketConfig(p), mid: p.mid })),
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
      skipSequence: (symbol) => this.feed.skipSequence(this.resolve(symbol).key),
      corruptChecksum: (symbol) => this.feed.corruptChecksum(this.resolve(symbol).key),
      malformedSample: '{"channel":"book","type":"update","data":[{"symbol":',
    });
    this.faults = faults;
    this.feed = new KrakenFeed(engine, this.pairs, now);
    this.ws = new KrakenWs(this.feed, this.pairs, gate);
    this.rest = new KrakenRest(engine, this.feed, this.pairs, this.faults, (ms, fn) => void this.runtime.later(ms, fn));
  }

  async listen(): Promise<void> {
    await this.runtime.listen();
    this.runtime.every(this.opts.bookIntervalMs, () => this.feed.flushBooks());
    if (this.opts.heartbeatMs > 0) {
      this.runtime.every(this.opts.heartbeatMs, () => this.ws.heartbeat(Date.now(), this.opts.heartbeatMs));
    }
  }

  get urls(): { rest: string; ws: string } {
    const base = `${this.runtime.urlHost}:${this.runtime.port}`;
    return { rest: `http://${base}`, ws: `ws://${base}` };
  }

  /** A pair by unified / v2 symbol ('BTC/USD') or any REST spelling ('XXBTZUSD', 'XBTUSD'). */
  resolve(symbol: string): KrakenPair {
    const p = findPair(this.pairs, symbol);
    if (!p) throw new RangeError(`unknown simulator symbol ${symbol}`);
    return p;
  }

  /** The server's full book of a pair, as numbers, best first. */
  book(symbol: string): TruthBook {
    return truthBook(this.runtime.engine, this.resolve(symbol).key);
  }

  /** Sends pending book updates now (instead of at the next book interval). */
  flush(): void {
    this.feed.flushBooks();
  }

  close(): Promise<void> {
    return this.runtime.close();
  }
}
