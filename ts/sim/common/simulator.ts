/**
 * The one shape of every simulator (DESIGN.md "Simulator") and the server base each exchange's
 * simulator extends: a SimRuntime (engine, flow, HTTP server, clock), the one fault set, socket
 * servers by kind, and the public object simulate() hands out. An exchange supplies its REST
 * handler, its socket servers, the feed faults act on, how its symbols name engine markets, and
 * (where it has private data) the simulated account.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import type { MatchingEngine } from '../engine';
import { FaultFeatures, Faults, SocketGroup } from './faults';
import { RuntimeMarket, RuntimeOptions, SimRuntime, SimUrls, truthBook, TruthBook } from './runtime';

/** Options every simulator takes. */
export interface SimOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Seed of the synthetic order flow (default 1). */
  seed?: number;
  /** Unified symbols (default: the exchange's defaultSymbols). */
  symbols?: string[];
  /** Interval of the synthetic flow's ticks (ms, default 25). */
  tickMs?: number;
  /** Run the synthetic flow on a timer (default true); otherwise only tick() moves the books. */
  autoFlow?: boolean;
  /** Target price levels per book side (default 300). */
  levels?: number;
}

/** SimOptions with the defaults filled in, as a simulator server takes them. */
export interface BaseSimOptions extends RuntimeOptions {
  /** Unified symbols. */
  symbols: string[];
}

/** The server's truth of one book: numbers, best first, and the engine's update id of the market. */
export type SimBook = TruthBook;

/** The simulated account of an exchange with private data. */
export interface SimAccount {
  /** HMAC key of the simulated account. */
  apiKey: string;
  secret: string;
  /** The API key's passphrase, where the exchange has one (OKX: the client's `password` option). */
  password?: string;
  /** An Ed25519 key of the same account (Binance session.logon); private key as PKCS#8 PEM. */
  ed25519?: { apiKey: string; privateKey: string };
  /** Credits the account and records a deposit (pushed on the exchange's private streams). */
  deposit(asset: string, amount: number | string): void;
  /** Debits the account and records a completed withdrawal (pushed where the exchange pushes them), where supported. */
  withdraw?(asset: string, amount: number | string): void;
  /** The account's balances as decimal strings. */
  balances(): Record<string, { free: string; locked: string }>;
}

/** A running simulator: the same shape whatever the exchange. */
export interface Simulator extends Partial<SimAccount> {
  exchange: string;
  /** Base URLs (scheme://host:port, no path) for the exchange constructor's `urls` option. */
  urls: SimUrls;
  port: number;
  engine: MatchingEngine;
  faults: Faults;
  /** The server's truth: the full book of a symbol (unified, or the exchange's own id). */
  book(symbol: string): SimBook;
  /** Runs n (default 1) steps of synthetic flow now. */
  tick(n?: number): void;
  /** Stops / restarts the flow timer (tick() still works). */
  pause(): void;
  resume(): void;
  /** Sends pending book (and ticker) updates now instead of at their next interval. */
  flush(): void;
  /** Closes every socket and timer. */
  close(): Promise<void>;
}

/** One row of the simulator registry (ts/sim/index.ts): how to start an exchange's simulator. */
export interface SimulatorEntry<O extends object = object> {
  /** The symbols served when `symbols` is not given. */
  defaultSymbols: readonly string[];
  start(opts: SimOptions & O): Promise<Simulator>;
}

/** What faults and flush() act on in an exchange's market data feed (engine market ids). */
export interface BookFeed {
  skipSequence(market: string): void;
  corruptChecksum?(market: string): void;
  resetSequence?(market: string): void;
  /** Sends pending book updates now. */
  flush(): void;
}

export interface SimServerSpec {
  exchange: string;
  features: FaultFeatures;
  /** A truncated frame of this protocol, sent by faults.malformedFrame() by default. */
  malformedSample: string;
  /** URL keys besides rest and ws (e.g. 'wsApi'), all on the one port. */
  socketUrls?: readonly string[];
}

export abstract class SimServer {
  readonly runtime: SimRuntime;
  readonly faults: Faults;
  /** Socket servers by kind, in the order upgrades are offered to them (read lazily). */
  protected abstract readonly sockets: readonly SocketGroup[];
  protected abstract readonly feed: BookFeed;

  constructor(
    private readonly spec: SimServerSpec,
    opts: RuntimeOptions,
    markets: RuntimeMarket[],
  ) {
    this.runtime = new SimRuntime(opts, markets, {
      http: (req, res, body) => this.http(req, res, body),
      upgrade: (req, socket, head, url) => this.sockets.some(({ server }) => server.handleUpgrade(req, socket, head, url)),
      closing: () => {
        for (const { server } of this.sockets) server.close();
      },
    });
    this.faults = new Faults({
      exchange: spec.exchange,
      features: spec.features,
      malformedSample: spec.malformedSample,
      sockets: () => this.sockets,
      skipSequence: (symbol) => this.feed.skipSequence(this.marketId(symbol)),
      corruptChecksum: (symbol) => this.feed.corruptChecksum?.(this.marketId(symbol)),
      resetSequence: (symbol) => this.feed.resetSequence?.(this.marketId(symbol)),
      later: (ms, fn) => this.runtime.later(ms, fn),
      setClockSkew: (ms) => {
        this.runtime.clockSkewMs = ms;
      },
    });
  }

  /** Handles a REST request (body read). */
  protected abstract http(req: IncomingMessage, res: ServerResponse, body: string): void;

  /** The engine market of a unified symbol or the exchange's own id, if the simulator has it. */
  protected abstract findMarket(symbol: string): string | undefined;

  /** Starts the exchange's own timers once the server listens. */
  protected abstract started(): void;

  /** The simulated account, where the exchange has private data. */
  protected account(): SimAccount | undefined {
    return undefined;
  }

  async listen(): Promise<void> {
    await this.runtime.listen();
    this.started();
  }

  /** The engine market of a unified symbol or the exchange's own id; RangeError when unknown. */
  marketId(symbol: string): string {
    const id = this.findMarket(symbol);
    if (id === undefined) throw new RangeError(`unknown simulator symbol ${symbol}`);
    return id;
  }

  get urls(): SimUrls {
    return this.runtime.urls(this.spec.socketUrls);
  }

  /** The server's full book of a market, as numbers, best first. */
  book(symbol: string): TruthBook {
    return truthBook(this.runtime.engine, this.marketId(symbol));
  }

  close(): Promise<void> {
    return this.runtime.close();
  }

  /** The public face handed out by simulate(). */
  simulator(): Simulator {
    const rt = this.runtime;
    return {
      exchange: this.spec.exchange,
      urls: this.urls,
      port: rt.port,
      engine: rt.engine,
      faults: this.faults,
      book: (symbol) => this.book(symbol),
      tick: (n) => rt.tick(n),
      pause: () => rt.pause(),
      resume: () => rt.resume(),
      flush: () => this.feed.flush(),
      close: () => this.close(),
      ...this.account(),
    };
  }
}

/**
 * The registry row of an exchange: its default symbols, and how to build its server from the
 * options (common ones with defaults filled in, and the caller's own for exchange-specific ones).
 */
export function simulatorEntry<O extends object>(
  defaultSymbols: readonly string[],
  create: (base: BaseSimOptions, opts: SimOptions & O) => SimServer,
): SimulatorEntry<O> {
  return {
    defaultSymbols,
    async start(opts) {
      const sim = create(
        {
          port: opts.port ?? 0,
          host: opts.host ?? '127.0.0.1',
          seed: opts.seed ?? 1,
          tickMs: opts.tickMs ?? 25,
          autoFlow: opts.autoFlow ?? true,
          levels: opts.levels ?? 300,
          symbols: opts.symbols ?? [...defaultSymbols],
        },
        opts,
      );
      await sim.listen();
      return sim.simulator();
    },
  };
}
