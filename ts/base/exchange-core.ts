/**
 * ExchangeCore: what every exchange has under its public methods: options and URLs, markets, the
 * adapter hooks, and the topics (public subscriptions with their live state). The public API is
 * layered on top: ExchangePush (on/off, watch*) in exchange-push.ts, then Exchange (pull and
 * private) in exchange.ts.
 */
import { BadRequest, BadSymbol, BaseError, NotSupported } from '../core/errors';
import { EventHub, MarketChannel, eventKey } from './events';
import { LiveBook, LiveBookOptions } from './live-book';
import { Topic } from './topic';
import type { PrivateApi } from './trading';
import type {
  Capability,
  ExchangeOptions,
  Market,
  OHLCV,
  OrderBookSnapshot,
  Ticker,
  Trade,
  Urls,
} from '../core/types';

/** What an adapter declares about itself. */
export interface ExchangeSpec {
  id: string;
  name: string;
  urls: Urls;
  /** Which methods the adapter streams ('ws') or serves over REST only ('rest'). */
  has: Record<string, Capability>;
  /** Timeframes accepted by OHLCV methods. */
  timeframes: readonly string[];
}

/** `has` of an adapter that streams every public market-data method (books, tickers, trades, candles). */
export const STREAMED_MARKET_DATA: Readonly<Record<string, Capability>> = Object.freeze({
  loadMarkets: 'rest',
  fetchOrderBook: 'ws',
  fetchOrderBooks: 'ws',
  fetchTicker: 'ws',
  fetchTickers: 'ws',
  fetchTrades: 'ws',
  fetchOHLCV: 'ws',
  watchOrderBook: 'ws',
  watchOrderBooks: 'ws',
  watchTicker: 'ws',
  watchTickers: 'ws',
  watchTrades: 'ws',
  watchOHLCV: 'ws',
});

/** Keys of `has` whose value switches between 'ws' and 'rest' with the `ws` option. */
const PULL_STREAMED = [
  'fetchOrderBook',
  'fetchOrderBooks',
  'fetchTicker',
  'fetchTickers',
  'fetchTrades',
  'fetchOHLCV',
  'fetchBalance',
  'fetchBalances',
  'fetchOpenOrders',
  'fetchOrders',
  'fetchClosedOrders',
  'fetchMyTrades',
];

/** Most trades kept per symbol for fetchTrades. */
export const TRADES_KEPT = 1000;
/** Most candles kept per symbol and timeframe for fetchOHLCV. */
export const CANDLES_KEPT = 1000;


export abstract class ExchangeCore {
  /** Exchange id, e.g. 'binance'. */
  readonly id: string;
  readonly name: string;
  /** The effective base URLs (defaults merged with the `urls` option). */
  readonly urls: Urls;
  /** Capabilities: 'ws' (streamed), 'rest', or false. */
  readonly has: Record<string, Capability>;
  readonly timeframes: readonly string[];
  /** Pull methods answer from WebSocket state. */
  readonly ws: boolean;
  readonly timeoutMs: number;
  /** Loaded markets by unified symbol (after loadMarkets). */
  markets: Record<string, Market> | undefined;
  /** Loaded markets by exchange id. */
  marketsById: Record<string, Market> | undefined;

  protected readonly options!: ExchangeOptions;
  protected readonly events: EventHub;
  protected readonly topics = new Map<string, Topic>();
  protected closed = false;
  private marketsPromise: Promise<Record<string, Market>> | undefined;

  constructor(options: ExchangeOptions | undefined, spec: ExchangeSpec) {
    const opts = { ...(options ?? {}) };
    this.id = spec.id;
    this.name = spec.name;
    this.ws = opts.ws === true;
    this.timeoutMs = opts.timeoutMs ?? 10000;
    this.timeframes = spec.timeframes;
    const urls: Urls = { ...spec.urls };
    for (const [k, v] of Object.entries(opts.urls ?? {})) {
      if (v !== undefined) urls[k] = stripTrailingSlash(v);
    }
    this.urls = urls;
    const has: Record<string, Capability> = { ...spec.has };
    for (const k of PULL_STREAMED) if (has[k] === 'ws' && !this.ws) has[k] = 'rest';
    this.has = has;
    this.events = new EventHub(spec.id);
    // Secrets live in a non-enumerable property so util.inspect, JSON.stringify and error
    // reports never show them.
    Object.defineProperty(this, 'options', { value: opts, enumerable: false, writable: false });
  }

  // ---------------------------------------------------------------- markets

  /** Loads (once) and returns the markets, keyed by unified symbol. */
  loadMarkets(reload = false): Promise<Record<string, Market>> {
    if (!this.marketsPromise || reload) {
      this.marketsPromise = this.fetchMarkets().then(
        (list) => {
          const bySymbol: Record<string, Market> = {};
          const byId: Record<string, Market> = {};
          for (const m of list) {
            bySymbol[m.symbol] = m;
            byId[m.id] = m;
          }
          this.markets = bySymbol;
          this.marketsById = byId;
          return bySymbol;
        },
        (err: unknown) => {
          this.marketsPromise = undefined;
          throw err;
        },
      );
    }
    return this.marketsPromise;
  }

  /** The market of a unified symbol; throws BadSymbol if unknown (markets must be loaded). */
  market(symbol: string): Market {
    if (typeof symbol !== 'string' || symbol === '') {
      throw new BadRequest(`symbol must be a non-empty string like 'BTC/USDT', got ${JSON.stringify(symbol)}`, {
        exchange: this.id,
      });
    }
    if (!this.markets) throw new BaseError('markets not loaded: call loadMarkets() first', { exchange: this.id });
    const m = this.markets[symbol];
    if (!m) throw new BadSymbol(`unknown symbol ${symbol}`, { exchange: this.id, symbol });
    return m;
  }

  /** Loads markets if needed, then returns the market of `symbol` (BadSymbol if unknown). */
  protected async marketOf(symbol: string): Promise<Market> {
    await this.loadMarkets();
    return this.market(symbol);
  }

  protected checkTimeframe(timeframe: string): void {
    if (!this.timeframes.includes(timeframe)) {
      throw new BadRequest(`unsupported timeframe ${JSON.stringify(timeframe)}; use one of ${this.timeframes.join(', ')}`, {
        exchange: this.id,
      });
    }
  }

  // ---------------------------------------------------------------- adapter hooks

  protected abstract fetchMarkets(): Promise<Market[]>;
  protected abstract restOrderBook(market: Market, limit?: number): Promise<OrderBookSnapshot>;
  protected abstract restTicker(market: Market): Promise<Ticker>;
  protected abstract restTickers(markets?: Market[]): Promise<Ticker[]>;
  protected abstract restTrades(market: Market, since?: number, limit?: number): Promise<Trade[]>;
  protected abstract restOHLCV(market: Market, timeframe: string, since?: number, limit?: number): Promise<OHLCV[]>;
  /** Start the wire subscription of a topic (the market is resolved). */
  protected abstract startTopic(topic: Topic): void;
  /** Stop the wire subscription of a topic. */
  protected abstract stopTopic(topic: Topic): void;
  /** Close every socket and client the adapter opened. */
  protected abstract closeTransports(): Promise<void>;

  // ---------------------------------------------------------------- topics

  /** Finds or creates a topic and adds a user (or retains it for pull). */
  protected acquire(kind: MarketChannel, symbol: string, timeframe: string | undefined, retain: boolean): Topic {
    if (this.closed) throw new BaseError('exchange is closed', { exchange: this.id });
    if (this.markets) this.market(symbol); // BadSymbol at once when we can know
    const key = Topic.key(kind, symbol, timeframe);
    let t = this.topics.get(key);
    if (!t || t.error) {
      t = new Topic(kind, symbol, timeframe);
      this.topics.set(key, t);
      const topic = t;
      this.loadMarkets().then(
        () => {
          if (this.topics.get(key) !== topic || !topic.inUse || this.closed) return;
          try {
            topic.market = this.market(symbol);
            topic.started = true;
            this.startTopic(topic);
          } catch (err) {
            this.failTopic(topic, err as Error);
          }
        },
        (err: Error) => this.failTopic(topic, err),
      );
    }
    if (retain) t.retained = true;
    else t.refs++;
    return t;
  }

  /** Drops a user; the stream is unsubscribed when the topic has none left. */
  protected release(topic: Topic): void {
    if (topic.refs > 0) topic.refs--;
    if (topic.inUse) return;
    this.dropTopic(topic);
  }

  private dropTopic(topic: Topic): void {
    if (this.topics.get(topic.key) === topic) this.topics.delete(topic.key);
    if (topic.started) {
      topic.started = false;
      try {
        this.stopTopic(topic);
      } catch (err) {
        this.events.error(err as Error);
      }
    }
    topic.book?.close();
  }

  /** A topic can never deliver (unknown symbol, refused subscription): tell everyone waiting. */
  protected failTopic(topic: Topic, err: Error): void {
    topic.fail(err);
    this.events.error(err);
    if (this.topics.get(topic.key) === topic) this.topics.delete(topic.key);
    if (topic.started) {
      topic.started = false;
      topic.book?.close();
    }
  }

  /** Builds the LiveBook of an order-book topic, wired to this exchange's events. */
  protected createLiveBook(
    topic: Topic,
    opts: Pick<LiveBookOptions, 'rule' | 'fetchSnapshot' | 'resubscribe' | 'keepStrings' | 'maxDepth' | 'verify' | 'snapshotFallbackMs'>,
  ): LiveBook {
    const key = eventKey('orderbook', topic.symbol);
    const lb = new LiveBook({
      ...opts,
      exchange: this.id,
      symbol: topic.symbol,
      onBook: (book) => this.events.emit(key, book),
      onResync: (e) => this.events.emit('resync', e),
      onError: (err) => this.events.error(err),
    });
    topic.book = lb;
    return lb;
  }

  /** Streams of these topics were interrupted: their books must be rebuilt. */
  protected interruptTopics(topics: Iterable<Topic>, reason: 'reconnect' | 'stale'): void {
    for (const t of topics) t.book?.interrupt(reason);
  }

  /** A ticker arrived for a topic. */
  protected pushTicker(topic: Topic, ticker: Ticker): void {
    topic.ticker = ticker;
    topic.markData();
    this.events.emit(eventKey('ticker', topic.symbol), ticker);
  }

  /** New trades arrived for a topic (oldest first). */
  protected pushTrades(topic: Topic, trades: Trade[]): void {
    const kept = topic.trades;
    for (const tr of trades) kept.push(tr);
    if (kept.length > TRADES_KEPT) kept.splice(0, kept.length - TRADES_KEPT);
    topic.markData();
    this.events.emit(eventKey('trades', topic.symbol), trades);
  }

  /** A candle update arrived: replaces the candle with the same open time, or appends. */
  protected pushCandle(topic: Topic, candle: OHLCV): void {
    mergeCandle(topic.candles, candle);
    if (topic.candles.length > CANDLES_KEPT) topic.candles.splice(0, topic.candles.length - CANDLES_KEPT);
    topic.markData();
    this.events.emit(eventKey('ohlcv', topic.symbol, topic.timeframe), topic.candles);
  }


  /**
   * The private side (ts/base/trading.ts). Adapters that support it override this; it throws
   * NotSupported here, and adapters throw AuthenticationError when credentials are missing.
   */
  protected privateApi(what: string): PrivateApi {
    throw new NotSupported(`${what} is not supported yet`, { exchange: this.id });
  }

  // ---------------------------------------------------------------- lifecycle

  /** Closes every stream and connection; the instance cannot be used afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.topics.values()) t.book?.close();
    this.topics.clear();
    await this.closeTransports();
    this.events.clear();
  }

  /** Keeps secrets out of console.log / util.inspect. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `${this.constructor.name} { id: '${this.id}', ws: ${this.ws}, urls: ${JSON.stringify(this.urls)}, topics: ${this.topics.size} }`;
  }

  toJSON(): Record<string, unknown> {
    return { id: this.id, ws: this.ws, urls: this.urls, has: this.has };
  }
}

function stripTrailingSlash(u: string): string {
  return u.endsWith('/') ? u.slice(0, -1) : u;
}

/** Replaces the candle with the same open time as `c`, or inserts it in time order. */
export function mergeCandle(list: OHLCV[], c: OHLCV): void {
  const last = list[list.length - 1];
  if (!last || last[0] < c[0]) list.push(c);
  else if (last[0] === c[0]) list[list.length - 1] = c;
  else {
    const i = list.findIndex((x) => x[0] >= c[0]);
    if (list[i][0] === c[0]) list[i] = c;
    else list.splice(i, 0, c);
  }
}

export function filterSinceLimit<T>(list: T[], since: number | undefined, limit: number | undefined, ts: (x: T) => number | undefined): T[] {
  let out = since === undefined ? list.slice() : list.filter((x) => (ts(x) ?? 0) >= since);
  if (limit !== undefined && out.length > limit) out = out.slice(out.length - limit);
  return out;
}

