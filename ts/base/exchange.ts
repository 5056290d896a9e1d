/**
 * Exchange: the unified API (DESIGN.md §1), the same class for every exchange. It is assembled from
 * parts split by responsibility, around the adapter the exchange supplies (ts/exchanges/adapter.ts):
 * - MarketStore (markets.ts): loading and lookup;
 * - TopicTable (topics.ts): public subscriptions, counted, started and failed;
 * - StreamEngine (stream-engine.ts): sockets, routing, books, refusals, malformed frames;
 * - PullApi (pull-api.ts) and PushApi (push-api.ts): fetch* and on/off/watch*;
 * - PrivateApi (trading.ts): private state, streams and trading over the adapter's private side.
 * `exchangeClass(adapter)` makes the public class of an exchange (`binance`, `okx`, ...).
 */
import { AuthenticationError, BadRequest, ExchangeNotAvailable, NotSupported } from '../core/errors';
import type { Channel } from '../core/channels';
import type {
  Balances,
  Capability,
  ExchangeOptions,
  Market,
  OHLCV,
  Order,
  OrderBookSnapshot,
  OrderBookView,
  ResyncEvent,
  StatusEvent,
  Ticker,
  Trade,
  Transaction,
  Urls,
} from '../core/types';
import type { OrderParams } from '../core/private-adapter';
import type { AdapterContext, AdapterInstance, ConnectionOptions, ExchangeAdapter, PrivateSide } from '../exchanges/adapter';
import { declareConnectionBudget } from '../transport/connection-budget';
import { EventHub } from './events';
import { MarketStore } from './markets';
import type { MarketSource, SourceHooks } from './source';
import { PullApi } from './pull-api';
import { Callback, PushApi } from './push-api';
import { BookTap, StreamEngine } from './stream-engine';
import { TopicTable } from './topics';
import { BatchOrder, PrivateApi } from './trading';
import type { Watch } from './watch';

export { mergeCandle } from './topics';

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
  // where the private stream reports deposits and withdrawals (PrivateAdapter.streamsTransactions)
  'fetchDeposits',
  'fetchWithdrawals',
  'fetchTransactions',
];

/** The constructor of one exchange's class. */
export type ExchangeClass<O extends ExchangeOptions = ExchangeOptions> = new (options?: O) => Exchange;

export class Exchange {
  /** Exchange id, e.g. 'binance'. */
  readonly id: string;
  readonly name: string;
  /** The effective base URLs (defaults merged with the `urls` option). */
  readonly urls: Urls;
  /** Capabilities: 'ws' (streamed / WebSocket API), 'rest', or false. */
  readonly has: Record<string, Capability>;
  readonly timeframes: readonly string[];
  /** Pull methods answer from WebSocket state. */
  readonly ws: boolean;
  readonly timeoutMs: number;

  protected readonly options!: ExchangeOptions;
  protected readonly events: EventHub;
  private readonly inst: AdapterInstance;
  private readonly store: MarketStore;
  private readonly topics: TopicTable;
  private readonly engine: StreamEngine;
  private readonly pull: PullApi;
  private readonly push: PushApi;
  /** Where public data comes from instead of the exchange (the `relay` option), if anywhere. */
  private readonly source: MarketSource | undefined;
  #private: { side: PrivateSide; api: PrivateApi } | undefined;
  #warmed = false;
  private closed = false;

  constructor(adapter: ExchangeAdapter, options?: ExchangeOptions, hooks?: SourceHooks) {
    const opts: ExchangeOptions = { ...(options ?? {}) };
    this.id = adapter.id;
    this.name = adapter.name;
    if (opts.relay !== undefined && !hooks?.relay) {
      throw new BadRequest('the relay option needs the class from the package entry (require("exstream"))', { exchange: adapter.id });
    }
    // over a source, pulls always answer from the live state it feeds: there is no REST to ask
    this.ws = opts.ws === true || opts.relay !== undefined;
    this.timeoutMs = opts.timeoutMs ?? 10000;
    this.timeframes = adapter.timeframes;
    const urls: Urls = { ...adapter.urls };
    for (const [k, v] of Object.entries(opts.urls ?? {})) {
      if (v !== undefined) urls[k] = v.endsWith('/') ? v.slice(0, -1) : v;
    }
    this.urls = urls;
    // the exchange's per-IP connection limits, shared by every client of the process
    for (const b of adapter.connectionBudgets ?? []) {
      declareConnectionBudget(
        b.urls.map((k) => urls[k]),
        b,
        `${adapter.id} ${b.limit} connections per ${b.windowMs / 1000} s`,
      );
    }
    // Secrets live in a non-enumerable property so util.inspect, JSON.stringify and error
    // reports never show them.
    Object.defineProperty(this, 'options', { value: opts, enumerable: false, writable: false });
    this.events = new EventHub(adapter.id);

    const ctx = {
      id: this.id,
      urls,
      timeoutMs: this.timeoutMs,
      ws: this.ws,
      connection: (d) => this.connection(d),
      marketById: (id) => this.store.byId?.[id],
      allMarkets: () => Object.values(this.store.bySymbol ?? {}),
      openBooks: () => {
        let n = 0;
        for (const t of this.topics.all.values()) if (t.kind === 'orderbook') n++;
        return n;
      },
      market: (symbol) => this.store.get(symbol),
      loadMarkets: () => this.loadMarkets(),
      error: (e) => this.events.error(e),
      status: (s: StatusEvent) => this.events.emit('status', s),
    } as Omit<AdapterContext, 'options'> as AdapterContext;
    // the options hold the secrets: not enumerable, so no inspect or JSON of an adapter shows them
    Object.defineProperty(ctx, 'options', { value: opts, enumerable: false });
    this.inst = adapter.create(ctx);
    let has: Record<string, Capability> = { ...adapter.has(opts) };
    for (const k of PULL_STREAMED) if (has[k] === 'ws' && !this.ws) has[k] = 'rest';

    this.store = new MarketStore(this.id, () => (this.source ? this.source.fetchMarkets() : this.inst.fetchMarkets()));
    this.topics = new TopicTable(this.id, this.store, this.events);
    if (opts.relay !== undefined && hooks?.relay) {
      this.source = hooks.relay({ exchange: this.id, options: opts, timeoutMs: this.timeoutMs, events: this.events, topics: this.topics });
      has = this.source.has(has);
    }
    this.has = has;
    this.engine = new StreamEngine(this.inst, {
      exchange: this.id,
      events: this.events,
      topics: this.topics,
      connection: (d) => this.connection(d),
      updateMarket: (symbol, update) => this.store.update(symbol, update),
    });
    this.topics.wire = this.source ?? this.engine;
    const src = this.source;
    // pulls no live state covers go to the source, never to the exchange's REST API
    const pullInst: AdapterInstance = src
      ? ({
          ...this.inst,
          restTrades: (m, since, limit) => src.restTrades(m, since, limit),
          restTickers: (ms) => src.restTickers(ms),
          restOHLCV: (m, tf, since, limit) => src.restOHLCV(m, tf, since, limit),
        } as AdapterInstance)
      : this.inst;
    const checkTimeframe = (tf: string) => this.checkTimeframe(tf);
    this.pull = new PullApi({
      id: this.id,
      ws: this.ws,
      timeoutMs: this.timeoutMs,
      markets: this.store,
      topics: this.topics,
      inst: pullInst,
      checkTimeframe,
    });
    this.push = new PushApi({
      id: this.id,
      events: this.events,
      markets: this.store,
      topics: this.topics,
      checkTimeframe,
      privateApi: (what) => this.privateApi(what),
    });
  }

  // ---------------------------------------------------------------- markets

  /** Loaded markets by unified symbol (after loadMarkets). */
  get markets(): Record<string, Market> | undefined {
    return this.store.bySymbol;
  }

  /** Loaded markets by exchange id. */
  get marketsById(): Record<string, Market> | undefined {
    return this.store.byId;
  }

  /**
   * Loads (once) and returns the markets, keyed by unified symbol. With credentials it also opens
   * the trading connection and measures the clock, so the first order is fast.
   */
  loadMarkets(reload = false): Promise<Record<string, Market>> {
    const p = this.store.load(reload);
    if (!this.#warmed && !this.source && this.options.apiKey && this.options.secret && this.inst.privateSide && !this.closed) {
      this.#warmed = true;
      p.then(
        () => {
          try {
            if (!this.closed) this.privateSideOf('warm up').side.warm?.();
          } catch (err) {
            this.events.error(err as Error);
          }
        },
        () => {
          this.#warmed = false;
        },
      );
    }
    return p;
  }

  /** The market of a unified symbol; throws BadSymbol if unknown (markets must be loaded). */
  market(symbol: string): Market {
    return this.store.get(symbol);
  }

  private checkTimeframe(timeframe: string): void {
    if (!this.timeframes.includes(timeframe)) {
      throw new BadRequest(`unsupported timeframe ${JSON.stringify(timeframe)}; use one of ${this.timeframes.join(', ')}`, {
        exchange: this.id,
      });
    }
  }

  /** Transport options of a socket: the user's options over the skeleton's defaults. */
  private connection(d: { staleTimeoutMs: number; appPing?: () => string; reconnectDelayMs?: number; connectGate?: () => Promise<void> }): ConnectionOptions {
    const stale = this.options.staleTimeoutMs ?? d.staleTimeoutMs;
    const rc = this.options.reconnect ?? {};
    return {
      exchange: this.id,
      connectTimeoutMs: this.timeoutMs,
      // a ping every third of the stale window (at most every 20 s) keeps a quiet link provably alive
      pingIntervalMs: Math.max(1000, Math.min(20_000, Math.floor(stale / 3))),
      appPing: d.appPing,
      staleTimeoutMs: stale,
      backoff: { baseDelayMs: rc.baseDelayMs ?? d.reconnectDelayMs ?? 500, maxDelayMs: rc.maxDelayMs ?? 30_000 },
      maxAttempts: rc.maxAttempts ?? Infinity,
      connectGate: d.connectGate,
    };
  }

  // ---------------------------------------------------------------- pull: market data

  /** The order book: live state with `ws: true` (first call waits for sync), REST otherwise. */
  fetchOrderBook(symbol: string, limit?: number): Promise<OrderBookSnapshot> {
    return this.pull.fetchOrderBook(symbol, limit);
  }

  /** Several order books (with `ws: true`, pass the symbols: all markets' books are not streamed). */
  fetchOrderBooks(symbols?: string[], limit?: number): Promise<Record<string, OrderBookSnapshot>> {
    return this.pull.fetchOrderBooks(symbols, limit);
  }

  fetchTicker(symbol: string): Promise<Ticker> {
    return this.pull.fetchTicker(symbol);
  }

  fetchTickers(symbols?: string[]): Promise<Record<string, Ticker>> {
    return this.pull.fetchTickers(symbols);
  }

  fetchTrades(symbol: string, since?: number, limit?: number): Promise<Trade[]> {
    return this.pull.fetchTrades(symbol, since, limit);
  }

  fetchOHLCV(symbol: string, timeframe = '1m', since?: number, limit?: number): Promise<OHLCV[]> {
    return this.pull.fetchOHLCV(symbol, timeframe, since, limit);
  }

  // ---------------------------------------------------------------- push

  /**
   * Registers a callback; returns a function that removes it.
   * - `on('orderbook' | 'ticker' | 'trades', symbol, cb)`, `on('ohlcv', symbol, cb, { timeframe })`
   * - `on('balance' | 'orders' | 'myTrades', [symbol,] cb)`, `on('transactions', cb)` (private)
   * - `on('status' | 'resync' | 'error', cb)`
   * The stream is subscribed on the first callback and unsubscribed when the last one is removed.
   */
  on(channel: 'orderbook', symbol: string, cb: (book: OrderBookView) => void): () => void;
  on(channel: 'ticker', symbol: string, cb: (ticker: Ticker) => void): () => void;
  on(channel: 'trades', symbol: string, cb: (trades: Trade[]) => void): () => void;
  on(channel: 'ohlcv', symbol: string, cb: (candles: OHLCV[]) => void, params?: { timeframe?: string }): () => void;
  on(channel: 'balance', cb: (balance: Balances) => void): () => void;
  on(channel: 'orders', cb: (orders: Order[]) => void): () => void;
  on(channel: 'orders', symbol: string, cb: (orders: Order[]) => void): () => void;
  on(channel: 'myTrades', cb: (trades: Trade[]) => void): () => void;
  on(channel: 'myTrades', symbol: string, cb: (trades: Trade[]) => void): () => void;
  on(channel: 'status', cb: (s: StatusEvent) => void): () => void;
  on(channel: 'resync', cb: (e: ResyncEvent) => void): () => void;
  on(channel: 'error', cb: (err: Error) => void): () => void;
  on(channel: Channel, a: string | Callback, b?: Callback, params?: { timeframe?: string }): () => void;
  on(channel: Channel, a: string | Callback, b?: Callback, params?: { timeframe?: string }): () => void {
    return this.push.on(channel, a, b, params);
  }

  /** Removes a callback registered with `on` (same arguments). */
  off(channel: Channel, a: string | Callback, b?: Callback, params?: { timeframe?: string }): void {
    this.push.off(channel, a, b, params);
  }

  /** Every merged update of a symbol's book (conflated for slow readers); thenable for the next. */
  watchOrderBook(symbol: string, limit?: number): Watch<OrderBookView> {
    return this.push.watchOrderBook(symbol, limit);
  }

  /** Updates of several books; each value is the book that changed. */
  watchOrderBooks(symbols: string[], limit?: number): Watch<OrderBookView> {
    return this.push.watchOrderBooks(symbols, limit);
  }

  watchTicker(symbol: string): Watch<Ticker> {
    return this.push.watchTicker(symbol);
  }

  /** Updates of several tickers: each value maps symbol -> latest ticker, for every symbol seen so far. */
  watchTickers(symbols: string[]): Watch<Record<string, Ticker>> {
    return this.push.watchTickers(symbols);
  }

  /** New trades of a symbol, queued so none are lost (bounded; overflow is reported on 'error'). */
  watchTrades(symbol: string): Watch<Trade[]> {
    return this.push.watchTrades(symbol);
  }

  /** Candles of a symbol (the whole kept list, oldest first) after every update. */
  watchOHLCV(symbol: string, timeframe = '1m'): Watch<OHLCV[]> {
    return this.push.watchOHLCV(symbol, timeframe);
  }

  // ---------------------------------------------------------------- private: pull, push, pub

  /** Balances: live state with `ws: true` (first call subscribes and seeds from REST), REST otherwise. */
  fetchBalance(): Promise<Balances> {
    return this.call('fetchBalance', (api) => api.fetchBalance());
  }

  /** Alias of fetchBalance. */
  fetchBalances(): Promise<Balances> {
    return this.fetchBalance();
  }

  fetchOpenOrders(symbol?: string, since?: number, limit?: number): Promise<Order[]> {
    return this.call('fetchOpenOrders', (api) => api.fetchOpenOrders(symbol, since, limit));
  }

  fetchOrders(symbol?: string, since?: number, limit?: number): Promise<Order[]> {
    return this.call('fetchOrders', (api) => api.fetchOrders(symbol, since, limit));
  }

  fetchClosedOrders(symbol?: string, since?: number, limit?: number): Promise<Order[]> {
    return this.call('fetchClosedOrders', (api) => api.fetchOrders(symbol, since, limit, false));
  }

  fetchOrder(id: string, symbol?: string): Promise<Order> {
    return this.call('fetchOrder', (api) => api.fetchOrder(id, symbol));
  }

  fetchMyTrades(symbol?: string, since?: number, limit?: number): Promise<Trade[]> {
    return this.call('fetchMyTrades', (api) => api.fetchMyTrades(symbol, since, limit));
  }

  /** Deposits and withdrawals, oldest first. */
  fetchTransactions(code?: string, since?: number, limit?: number): Promise<Transaction[]> {
    return this.call('fetchTransactions', (api) => api.fetchTransactions(code, since, limit));
  }

  fetchDeposits(code?: string, since?: number, limit?: number): Promise<Transaction[]> {
    return this.call('fetchDeposits', (api) => api.fetchDeposits(code, since, limit));
  }

  fetchWithdrawals(code?: string, since?: number, limit?: number): Promise<Transaction[]> {
    return this.call('fetchWithdrawals', (api) => api.fetchWithdrawals(code, since, limit));
  }


  /** Places an order over the WebSocket trading API where there is one (`has.createOrder`), REST otherwise. */
  createOrder(symbol: string, type: string, side: string, amount: number, price?: number, params?: OrderParams): Promise<Order> {
    return this.call('createOrder', (api) => api.createOrder(symbol, type, side, amount, price, params));
  }

  cancelOrder(id: string, symbol?: string, params?: OrderParams): Promise<Order> {
    return this.call('cancelOrder', (api) => api.cancelOrder(id, symbol, params));
  }

  /** Replaces an order (new price/amount); resolves with the new order. */
  editOrder(id: string, symbol: string, type: string, side: string, amount?: number, price?: number, params?: OrderParams): Promise<Order> {
    return this.call('editOrder', (api) => api.editOrder(id, symbol, type, side, amount, price, params));
  }

  cancelAllOrders(symbol?: string, params?: OrderParams): Promise<Order[]> {
    return this.call('cancelAllOrders', (api) => api.cancelAllOrders(symbol, params));
  }

  /**
   * Several orders in one request where the exchange has batch ops (`has.createOrders`): one entry
   * per order, in order; an order the exchange refused is an entry with status 'rejected' and its
   * typed `error`, the others stand.
   */
  createOrders(orders: BatchOrder[], params?: OrderParams): Promise<Order[]> {
    return this.call('createOrders', (api) => api.createOrders(orders, params));
  }

  /** Several orders amended in one request (`has.editOrders`): entries `{ id, symbol, type, side, amount?, price? }`. */
  editOrders(orders: BatchOrder[], params?: OrderParams): Promise<Order[]> {
    return this.call('editOrders', (api) => api.editOrders(orders, params));
  }

  /** Several orders cancelled in one request (`has.cancelOrders`). */
  cancelOrders(ids: string[], symbol?: string, params?: OrderParams): Promise<Order[]> {
    return this.call('cancelOrders', (api) => api.cancelOrders(ids, symbol, params));
  }

  /** The balance after every change (conflated: a slow reader gets the latest). */
  watchBalance(): Watch<Balances> {
    return this.privateApi('watchBalance').watchBalance();
  }

  /** Changed orders, queued (none lost); all symbols, or one. */
  watchOrders(symbol?: string): Watch<Order[]> {
    if (symbol !== undefined) this.store.checkIfLoaded(symbol);
    return this.privateApi('watchOrders').watchOrders(symbol);
  }

  /** New own trades, queued (none lost); all symbols, or one. */
  watchMyTrades(symbol?: string): Watch<Trade[]> {
    if (symbol !== undefined) this.store.checkIfLoaded(symbol);
    return this.privateApi('watchMyTrades').watchMyTrades(symbol);
  }

  /** New or changed deposits and withdrawals, queued; of one currency (`code`) or all. */
  watchTransactions(code?: string): Watch<Transaction[]> {
    return this.privateApi('watchTransactions').watchTransactions(undefined, code);
  }

  watchDeposits(code?: string): Watch<Transaction[]> {
    return this.privateApi('watchDeposits').watchTransactions('deposit', code);
  }

  watchWithdrawals(code?: string): Watch<Transaction[]> {
    return this.privateApi('watchWithdrawals').watchTransactions('withdrawal', code);
  }

  /** A withdrawal, over REST (`has.withdraw`); `tag` is the memo / destination tag where one applies. */
  withdraw(code: string, amount: number, address: string, tag?: string, params?: OrderParams): Promise<Transaction> {
    return this.call('withdraw', (api) => api.withdraw(code, amount, address, tag, params ?? {}));
  }

  /** A private call: a missing private side or missing keys reject (never throw synchronously). */
  private async call<T>(what: string, fn: (api: PrivateApi) => Promise<T>): Promise<T> {
    // after close() nothing will ever answer: fail now rather than after timeoutMs
    if (this.closed) throw new ExchangeNotAvailable(`${what}: exchange is closed`, { exchange: this.id });
    return fn(this.privateApi(what));
  }

  /** The private side, created on first use (secrets stay inside the adapter's private fields). */
  private privateApi(what: string): PrivateApi {
    return this.privateSideOf(what).api;
  }

  private privateSideOf(what: string): { side: PrivateSide; api: PrivateApi } {
    if (this.#private) return this.#private;
    if (this.source) throw new NotSupported(`${what} is not supported over a relay (public data only)`, { exchange: this.id });
    if (!this.inst.privateSide) throw new NotSupported(`${what} is not supported yet`, { exchange: this.id });
    if (this.closed) throw new ExchangeNotAvailable('exchange is closed', { exchange: this.id });
    if (!this.options.apiKey || !this.options.secret) {
      throw new AuthenticationError(`${what} needs apiKey and secret`, { exchange: this.id });
    }
    const side = this.inst.privateSide();
    const api = new PrivateApi({
      exchange: this.id,
      events: this.events,
      ws: this.ws,
      timeoutMs: this.timeoutMs,
      market: (s) => this.store.of(s),
      loadMarkets: () => this.loadMarkets(),
      adapter: side.adapter,
      transactionsPollMs: this.options.transactionsPollMs,
    });
    this.#private = { side, api };
    return this.#private;
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Low-level, for relays (ts/relay): `tap` sees every change applied to a subscribed book, in
   * order: the delta (levels as the exchange sent them), or undefined when the book was (re)built
   * from a snapshot. Subscribe books with `on('orderbook', ...)` as usual. Returns a remover.
   */
  tapBooks(tap: BookTap): () => void {
    this.engine.bookTap = tap;
    return () => {
      if (this.engine.bookTap === tap) this.engine.bookTap = undefined;
    };
  }

  /** Number of sockets carrying market streams (diagnostics and tests). */
  get streamSocketCount(): number {
    return this.engine.socketCount;
  }

  /** Closes every stream and connection; the instance cannot be used afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.topics.close();
    const priv = this.#private;
    priv?.api.close(new ExchangeNotAvailable('exchange closed', { exchange: this.id }));
    await Promise.all([this.engine.close(), priv?.side.close(), this.source?.close()]);
    this.inst.close();
    this.events.clear();
  }

  /** Keeps secrets out of console.log / util.inspect. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `${this.constructor.name} { id: '${this.id}', ws: ${this.ws}, urls: ${JSON.stringify(this.urls)}, topics: ${this.topics.all.size} }`;
  }

  toJSON(): Record<string, unknown> {
    return { id: this.id, ws: this.ws, urls: this.urls, has: this.has };
  }
}

/** The public class of an exchange: `new binance(options)` is an Exchange over the Binance adapter. */
export function exchangeClass<O extends ExchangeOptions>(adapter: ExchangeAdapter<O>, hooks?: SourceHooks): ExchangeClass<O> {
  const cls = class extends Exchange {
    constructor(options?: O) {
      super(adapter as unknown as ExchangeAdapter, options, hooks);
    }
  };
  Object.defineProperty(cls, 'name', { value: adapter.id });
  return cls;
}
