/**
 * Exchange: the unified API every adapter extends (DESIGN.md §1).
 *
 * - pull: fetch* answer from live stream state when `ws: true` (first call subscribes and waits
 *   for sync), from REST otherwise;
 * - push: on/off callbacks and watch* iterators/thenables, all fed by the same topics;
 * - the adapter subclass supplies REST calls, stream subscription and frame parsing.
 */
import type { OrderBook } from '../book/orderbook';
import { BadRequest, BadSymbol, BaseError, NotSupported } from './errors';
import { Channel, EventHub, MarketChannel, PrivateChannel, eventKey } from './events';
import { LiveBook, LiveBookOptions } from './live-book';
import { Topic } from './topic';
import type { OrderParams, PrivateApi } from './trading';
import type {
  Balances,
  Capability,
  ExchangeOptions,
  Market,
  OHLCV,
  OrderBookSnapshot,
  Order,
  OrderBookView,
  ResyncEvent,
  StatusEvent,
  Ticker,
  Trade,
  Transaction,
  Urls,
} from './types';
import { Watch } from './watch';

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
const TRADES_KEPT = 1000;
/** Most candles kept per symbol and timeframe for fetchOHLCV. */
const CANDLES_KEPT = 1000;

type Callback = (payload: never) => void;

export abstract class Exchange {
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

  // ---------------------------------------------------------------- push: callbacks

  /**
   * Registers a callback; returns a function that removes it.
   * - `on('orderbook' | 'ticker' | 'trades', symbol, cb)`, `on('ohlcv', symbol, cb, { timeframe })`
   * - `on('status' | 'resync' | 'error', cb)`
   * The stream is subscribed on the first callback and unsubscribed when the last one is removed.
   */
  on(channel: 'orderbook', symbol: string, cb: (book: OrderBookView) => void): () => void;
  on(channel: 'ticker', symbol: string, cb: (ticker: Ticker) => void): () => void;
  on(channel: 'trades', symbol: string, cb: (trades: Trade[]) => void): () => void;
  on(channel: 'ohlcv', symbol: string, cb: (candles: OHLCV[]) => void, params?: { timeframe?: string }): () => void;
  on(channel: 'status', cb: (s: StatusEvent) => void): () => void;
  on(channel: 'resync', cb: (e: ResyncEvent) => void): () => void;
  on(channel: 'error', cb: (err: Error) => void): () => void;
  on(channel: Channel, a: string | Callback, b?: Callback, params?: { timeframe?: string }): () => void;
  on(channel: Channel, a: string | Callback, b?: Callback, params?: { timeframe?: string }): () => void {
    const { symbol, cb } = this.callbackArgs(channel, a, b);
    if (isPrivateChannel(channel)) return this.onPrivate(channel, symbol, cb);
    if (symbol === undefined) {
      return this.events.add(channel, cb as (p: unknown) => void);
    }
    const kind = channel as MarketChannel;
    const tf = kind === 'ohlcv' ? (params?.timeframe ?? '1m') : undefined;
    if (tf !== undefined) this.checkTimeframe(tf);
    const key = eventKey(kind, symbol, tf);
    const existing = this.offs.get(key)?.get(cb);
    if (existing) return existing;
    const topic = this.acquire(kind, symbol, tf, false);
    this.events.add(key, cb as (p: unknown) => void);
    const off = (): void => {
      const byCb = this.offs.get(key);
      if (byCb?.get(cb) !== off) return;
      byCb.delete(cb);
      if (byCb.size === 0) this.offs.delete(key);
      this.events.remove(key, cb as (p: unknown) => void);
      this.release(topic);
    };
    let byCb = this.offs.get(key);
    if (!byCb) this.offs.set(key, (byCb = new Map()));
    byCb.set(cb, off);
    return off;
  }

  /** Removers of market-channel callbacks, by event key and callback. */
  private readonly offs = new Map<string, Map<Callback, () => void>>();

  /** Removes a callback registered with `on` (same arguments). */
  off(channel: Channel, a: string | Callback, b?: Callback, params?: { timeframe?: string }): void {
    const { symbol, cb } = this.callbackArgs(channel, a, b);
    if (isPrivateChannel(channel)) {
      this.offPrivate(channel, symbol, cb);
      return;
    }
    if (symbol === undefined || !isMarketChannel(channel)) {
      this.events.remove(eventKey(channel, symbol), cb as (p: unknown) => void);
      return;
    }
    const tf = channel === 'ohlcv' ? (params?.timeframe ?? '1m') : undefined;
    this.offs.get(eventKey(channel, symbol, tf))?.get(cb)?.();
  }

  /** Private channels ('balance', 'orders', 'myTrades'): all symbols, or narrowed to one. */
  protected onPrivate(channel: Channel, symbol: string | undefined, cb: Callback): () => void {
    if (symbol !== undefined && this.markets) this.market(symbol); // BadSymbol at once when we can know
    return this.privateApi(`on('${channel}')`).on(channel as PrivateChannel, symbol, cb);
  }

  protected offPrivate(channel: Channel, symbol: string | undefined, cb: Callback): void {
    let api: PrivateApi;
    try {
      api = this.privateApi(`off('${channel}')`);
    } catch {
      return; // nothing can have been registered
    }
    api.off(channel as PrivateChannel, symbol, cb);
  }

  private callbackArgs(channel: Channel, a: string | Callback, b?: Callback): { symbol?: string; cb: Callback } {
    if (!CHANNELS.has(channel)) {
      throw new BadRequest(`unknown channel ${JSON.stringify(channel)}; use one of ${[...CHANNELS].join(', ')}`, {
        exchange: this.id,
      });
    }
    if (typeof a === 'function') {
      if (isMarketChannel(channel)) {
        throw new BadRequest(`on('${channel}', symbol, callback) needs a symbol`, { exchange: this.id });
      }
      return { cb: a };
    }
    if (typeof b !== 'function') {
      throw new BadRequest(`on('${channel}', ...) needs a callback function`, { exchange: this.id });
    }
    return { symbol: a, cb: b };
  }

  // ---------------------------------------------------------------- push: iterators

  /** Every merged update of a symbol's book (conflated for slow readers); thenable for the next. */
  watchOrderBook(symbol: string, limit?: number): Watch<OrderBookView> {
    return this.watchTopics<OrderBookView>('orderbook', [symbol], undefined, 'conflate', (t) => {
      const lb = t.book;
      if (!lb || !lb.ready) return undefined;
      return limit ? lb.book.limit(limit) : lb.book;
    });
  }

  /** Updates of several books; each value is the book that changed. */
  watchOrderBooks(symbols: string[], limit?: number): Watch<OrderBookView> {
    return this.watchTopics<OrderBookView>('orderbook', this.symbolList(symbols), undefined, 'conflate', (t) => {
      const lb = t.book;
      if (!lb || !lb.ready) return undefined;
      return limit ? lb.book.limit(limit) : lb.book;
    });
  }

  watchTicker(symbol: string): Watch<Ticker> {
    return this.watchTopics<Ticker>('ticker', [symbol], undefined, 'conflate', (t) => t.ticker);
  }

  /** Updates of several tickers: each value maps symbol -> latest ticker, for every symbol seen so far. */
  watchTickers(symbols: string[]): Watch<Record<string, Ticker>> {
    const list = this.symbolList(symbols);
    return this.watchTopics<Record<string, Ticker>>('ticker', list, undefined, 'conflate', () => {
      const out: Record<string, Ticker> = {};
      for (const s of list) {
        const t = this.topics.get(Topic.key('ticker', s))?.ticker;
        if (t) out[s] = t;
      }
      return Object.keys(out).length ? out : undefined;
    }, () => 'all');
  }

  /** New trades of a symbol, queued so none are lost (bounded; overflow is reported on 'error'). */
  watchTrades(symbol: string): Watch<Trade[]> {
    return this.watchTopics<Trade[]>('trades', [symbol], undefined, 'queue', undefined);
  }

  /** Candles of a symbol (the whole kept list, oldest first) after every update. */
  watchOHLCV(symbol: string, timeframe = '1m'): Watch<OHLCV[]> {
    this.checkTimeframe(timeframe);
    return this.watchTopics<OHLCV[]>('ohlcv', [symbol], timeframe, 'conflate', (t) =>
      t.candles.length ? t.candles.slice() : undefined,
    );
  }

  private symbolList(symbols: string[]): string[] {
    if (!Array.isArray(symbols) || symbols.length === 0) {
      throw new BadRequest('symbols must be a non-empty array of unified symbols', { exchange: this.id });
    }
    return [...new Set(symbols)];
  }

  /**
   * One Watch over the topics of `symbols`. `current` gives the value to push for a topic (used
   * for the initial value and, in conflate mode, for each update); undefined means nothing yet.
   */
  protected watchTopics<T>(
    kind: MarketChannel,
    symbols: string[],
    timeframe: string | undefined,
    mode: 'conflate' | 'queue',
    current: ((t: Topic) => T | undefined) | undefined,
    conflateKey?: (v: T) => string,
  ): Watch<T> {
    if (this.markets) for (const s of symbols) this.market(s);
    const retained: Topic[] = [];
    return new Watch<T>(
      (push, fail, initial) => {
        const subs: { key: string; cb: (p: unknown) => void; topic: Topic }[] = [];
        const onErr = (err: unknown) => {
          if (err instanceof BaseError && err.symbol !== undefined && symbols.includes(err.symbol)) fail(err);
        };
        for (const s of symbols) {
          const topic = this.acquire(kind, s, timeframe, false);
          const key = eventKey(kind, s, timeframe);
          const cb = current
            ? () => {
                const v = current(topic);
                if (v !== undefined) push(v);
              }
            : (p: unknown) => push(p as T);
          this.events.add(key, cb);
          subs.push({ key, cb, topic });
          if (initial && current) {
            const v = current(topic);
            if (v !== undefined) push(v);
          }
        }
        this.events.add('error', onErr);
        return () => {
          this.events.remove('error', onErr);
          for (const { key, cb, topic } of subs) {
            this.events.remove(key, cb);
            this.release(topic);
          }
        };
      },
      {
        mode,
        conflateKey: conflateKey ?? (mode === 'conflate' && symbols.length > 1 ? (v: T) => symbolOf(v) : undefined),
        onOverflow: (dropped) =>
          this.events.error(
            new BaseError(`watch ${kind}: reader fell behind, ${dropped} batch(es) dropped from its queue`, {
              exchange: this.id,
              symbol: symbols.length === 1 ? symbols[0] : undefined,
            }),
          ),
        retain: () => {
          // ccxt-style `await watchX()` in a loop: keep the stream between awaits
          for (const s of symbols) retained.push(this.acquire(kind, s, timeframe, true));
        },
      },
    );
  }

  // ---------------------------------------------------------------- pull

  /** The order book: live state with `ws: true` (first call waits for sync), REST otherwise. */
  async fetchOrderBook(symbol: string, limit?: number): Promise<OrderBookSnapshot> {
    const market = await this.marketOf(symbol);
    if (!this.ws) return this.restOrderBook(market, limit);
    const book = await this.readyBook(symbol);
    return limit ? book.limit(limit) : book.snapshot();
  }

  /** Several order books (all markets' books are not streamed: pass symbols with `ws: true`). */
  async fetchOrderBooks(symbols?: string[], limit?: number): Promise<Record<string, OrderBookSnapshot>> {
    await this.loadMarkets();
    const list = symbols ?? Object.keys(this.markets ?? {});
    if (this.ws && symbols === undefined) {
      throw new BadRequest('fetchOrderBooks with ws: true needs a list of symbols', { exchange: this.id });
    }
    const books = await Promise.all(list.map((s) => this.fetchOrderBook(s, limit)));
    const out: Record<string, OrderBookSnapshot> = {};
    list.forEach((s, i) => (out[s] = books[i]));
    return out;
  }

  async fetchTicker(symbol: string): Promise<Ticker> {
    const market = await this.marketOf(symbol);
    if (!this.ws) return this.restTicker(market);
    const t = this.acquire('ticker', symbol, undefined, true);
    await t.whenData(this.timeoutMs, this.id, 'ticker');
    return { ...(t.ticker as Ticker) };
  }

  async fetchTickers(symbols?: string[]): Promise<Record<string, Ticker>> {
    await this.loadMarkets();
    const out: Record<string, Ticker> = {};
    if (!this.ws || symbols === undefined) {
      // no stream covers "every market" cheaply: REST answers that one
      const markets = symbols?.map((s) => this.market(s));
      for (const t of await this.restTickers(markets)) out[t.symbol] = t;
      return out;
    }
    const list = await Promise.all(symbols.map((s) => this.fetchTicker(s)));
    for (const t of list) out[t.symbol] = t;
    return out;
  }

  async fetchTrades(symbol: string, since?: number, limit?: number): Promise<Trade[]> {
    const market = await this.marketOf(symbol);
    if (!this.ws) return this.restTrades(market, since, limit);
    const t = this.acquire('trades', symbol, undefined, true);
    if (!t.hasData) await this.seedTrades(t, market);
    return filterSinceLimit(t.trades, since, limit, (x) => x.timestamp);
  }

  async fetchOHLCV(symbol: string, timeframe = '1m', since?: number, limit?: number): Promise<OHLCV[]> {
    this.checkTimeframe(timeframe);
    const market = await this.marketOf(symbol);
    if (!this.ws) return this.restOHLCV(market, timeframe, since, limit);
    const t = this.acquire('ohlcv', symbol, timeframe, true);
    if (!t.hasData) await this.seedCandles(t, market, timeframe);
    return filterSinceLimit(t.candles, since, limit, (c) => c[0]).map((c) => c.slice() as OHLCV);
  }

  /** Stream trades start empty: fill with the REST history once, keeping the streamed ones. */
  private async seedTrades(t: Topic, market: Market): Promise<void> {
    const hist = await this.restTrades(market, undefined, TRADES_KEPT);
    if (t.hasData && t.trades.length && hist.length) {
      // streamed trades that arrived while REST was answering win; drop duplicates by id
      const seen = new Set(t.trades.map((x) => x.id));
      t.trades = hist.filter((x) => !seen.has(x.id)).concat(t.trades);
    } else {
      t.trades = hist.concat(t.trades);
    }
    t.trades.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
    if (t.trades.length > TRADES_KEPT) t.trades.splice(0, t.trades.length - TRADES_KEPT);
    t.markData();
  }

  private async seedCandles(t: Topic, market: Market, timeframe: string): Promise<void> {
    const hist = await this.restOHLCV(market, timeframe, undefined, CANDLES_KEPT);
    const streamed = t.candles;
    t.candles = hist;
    for (const c of streamed) mergeCandle(t.candles, c);
    t.markData();
  }

  /** Retains the book topic and waits (up to timeoutMs) until it is synced. */
  protected async readyBook(symbol: string): Promise<OrderBook> {
    const t = this.acquire('orderbook', symbol, undefined, true);
    if (t.error) throw t.error;
    if (!t.book) {
      // created by startTopic once markets are loaded (already the case here): wait a tick
      await new Promise<void>((r) => setImmediate(r));
      if (t.error) throw t.error;
      if (!t.book) throw new BaseError('order book stream did not start', { exchange: this.id, symbol });
    }
    await t.book.whenReady(this.timeoutMs);
    return t.book.book;
  }

  // ---------------------------------------------------------------- private: pull, push, pub

  /**
   * The private side (ts/base/trading.ts). Adapters that support it override this; it throws
   * NotSupported here, and adapters throw AuthenticationError when credentials are missing.
   */
  protected privateApi(what: string): PrivateApi {
    throw new NotSupported(`${what} is not supported yet`, { exchange: this.id });
  }

  /** Balances: live state with `ws: true` (first call subscribes and seeds from REST), REST otherwise. */
  async fetchBalance(): Promise<Balances> {
    return this.privateApi('fetchBalance').fetchBalance();
  }

  /** Alias of fetchBalance. */
  fetchBalances(): Promise<Balances> {
    return this.fetchBalance();
  }

  async fetchOpenOrders(symbol?: string, since?: number, limit?: number): Promise<Order[]> {
    return this.privateApi('fetchOpenOrders').fetchOpenOrders(symbol, since, limit);
  }

  async fetchOrders(symbol?: string, since?: number, limit?: number): Promise<Order[]> {
    return this.privateApi('fetchOrders').fetchOrders(symbol, since, limit);
  }

  async fetchClosedOrders(symbol?: string, since?: number, limit?: number): Promise<Order[]> {
    return this.privateApi('fetchClosedOrders').fetchOrders(symbol, since, limit, false);
  }

  async fetchOrder(id: string, symbol?: string): Promise<Order> {
    return this.privateApi('fetchOrder').fetchOrder(id, symbol);
  }

  async fetchMyTrades(symbol?: string, since?: number, limit?: number): Promise<Trade[]> {
    return this.privateApi('fetchMyTrades').fetchMyTrades(symbol, since, limit);
  }

  /** Deposits and withdrawals, oldest first (REST). */
  async fetchTransactions(code?: string, since?: number, limit?: number): Promise<Transaction[]> {
    return this.privateApi('fetchTransactions').fetchTransactions(code, since, limit);
  }

  async fetchDeposits(code?: string, since?: number, limit?: number): Promise<Transaction[]> {
    return this.privateApi('fetchDeposits').fetchDeposits(code, since, limit);
  }

  async fetchWithdrawals(code?: string, since?: number, limit?: number): Promise<Transaction[]> {
    return this.privateApi('fetchWithdrawals').fetchWithdrawals(code, since, limit);
  }

  /** Places an order over the WebSocket trading API where there is one (`has.createOrder`), REST otherwise. */
  async createOrder(symbol: string, type: string, side: string, amount: number, price?: number, params?: OrderParams): Promise<Order> {
    return this.privateApi('createOrder').createOrder(symbol, type, side, amount, price, params);
  }

  async cancelOrder(id: string, symbol?: string, params?: OrderParams): Promise<Order> {
    return this.privateApi('cancelOrder').cancelOrder(id, symbol, params);
  }

  /** Replaces an order (new price/amount); resolves with the new order. */
  async editOrder(id: string, symbol: string, type: string, side: string, amount?: number, price?: number, params?: OrderParams): Promise<Order> {
    return this.privateApi('editOrder').editOrder(id, symbol, type, side, amount, price, params);
  }

  async cancelAllOrders(symbol?: string, params?: OrderParams): Promise<Order[]> {
    return this.privateApi('cancelAllOrders').cancelAllOrders(symbol, params);
  }

  /** The balance after every change (conflated: a slow reader gets the latest). */
  watchBalance(): Watch<Balances> {
    return this.privateApi('watchBalance').watchBalance();
  }

  /** Changed orders, queued (none lost); all symbols, or one. */
  watchOrders(symbol?: string): Watch<Order[]> {
    if (symbol !== undefined && this.markets) this.market(symbol);
    return this.privateApi('watchOrders').watchOrders(symbol);
  }

  /** New own trades, queued (none lost); all symbols, or one. */
  watchMyTrades(symbol?: string): Watch<Trade[]> {
    if (symbol !== undefined && this.markets) this.market(symbol);
    return this.privateApi('watchMyTrades').watchMyTrades(symbol);
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

const CHANNELS = new Set<string>(['orderbook', 'ticker', 'trades', 'ohlcv', 'balance', 'orders', 'myTrades', 'status', 'resync', 'error']);

function isPrivateChannel(c: string): c is PrivateChannel {
  return c === 'balance' || c === 'orders' || c === 'myTrades';
}

function isMarketChannel(c: string): c is MarketChannel {
  return c === 'orderbook' || c === 'ticker' || c === 'trades' || c === 'ohlcv';
}

function symbolOf(v: unknown): string {
  return (v as { symbol?: string })?.symbol ?? '';
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

function filterSinceLimit<T>(list: T[], since: number | undefined, limit: number | undefined, ts: (x: T) => number | undefined): T[] {
  let out = since === undefined ? list.slice() : list.filter((x) => (ts(x) ?? 0) >= since);
  if (limit !== undefined && out.length > limit) out = out.slice(out.length - limit);
  return out;
}
