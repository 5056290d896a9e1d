/**
 * The embedded Bybit v5 (spot) simulator: one HTTP port serving public REST (/v5/market/*) and the
 * public spot stream (/v5/public/spot) over the shared matching engine fed by the synthetic order
 * flow, with fault injection (sim.faults): skipSequence loses a book delta (its `u` is used up),
 * resetSequence is a service restart (a `u: 1` snapshot mid-stream), plus the common drop,
 * malformed frame, silence, rate limit (retCode 10006), clock skew and slow snapshots.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import type { SocketGroup } from '../common/faults';
import { BaseSimOptions, SimServer, simulatorEntry } from '../common/simulator';
import { BybitFeed } from './feed';
import { BybitRest } from './rest';
import { BYBIT_DEFAULT_SYMBOLS, BybitInstrument, bybitInstrument, bybitMarketConfig, findInstrument } from './symbols';
import { BybitPublicWs } from './ws';

/** Bybit takes no simulator options beyond the common ones. */
export type BybitOptions = object;

export class BybitSim extends SimServer {
  readonly instruments: BybitInstrument[];
  protected readonly feed: BybitFeed;
  protected readonly sockets: SocketGroup[];
  private readonly rest: BybitRest;

  constructor(opts: BaseSimOptions) {
    const instruments = opts.symbols.map(bybitInstrument);
    super(
      { exchange: 'bybit', features: { checksums: false, logins: false, wsApi: false, sequenceResets: true }, malformedSample: '{"topic":"orderbook.200.BTCUSDT","ts":1,"type":"delta","data":{"s":' },
      opts,
      instruments.map((i) => ({ config: bybitMarketConfig(i), mid: i.mid })),
    );
    this.instruments = instruments;
    const rt = this.runtime;
    this.feed = new BybitFeed(rt.engine, instruments, () => rt.now());
    const ws = new BybitPublicWs(this.feed, instruments, this.faults.gate);
    this.sockets = [{ kind: 'stream', server: ws.server }];
    this.rest = new BybitRest(rt, this.feed, instruments, this.faults);
  }

  protected http(req: IncomingMessage, res: ServerResponse): void {
    this.rest.handle(req, res);
  }

  protected started(): void {
    this.runtime.every(10, () => this.feed.tick());
  }

  protected findMarket(symbol: string): string | undefined {
    return findInstrument(this.instruments, symbol)?.id;
  }
}

export const bybitSimulator = simulatorEntry<BybitOptions>(BYBIT_DEFAULT_SYMBOLS, (base) => new BybitSim(base));
