/**
 * Coinbase Advanced Trade: public market data over WebSocket (advanced-trade-ws) and REST
 * (/api/v3/brokerage/market/...). protocols.md §5; Coinbase's Advanced Trade docs are the authority.
 *
 * Books: the `level2` channel (frames carry channel `l2_data`) sends a snapshot of the whole book,
 * then updates whose `new_quantity` is the level's absolute size ("0" deletes). A book has no
 * sequence of its own and no checksum; the connection's `sequence_num` counts every message on
 * the socket, so a jump means any book on it may have missed an update: all of them resync
 * ('gap') by resubscribing (the decoder reports it through `sink.lost`). A crossed book (best bid
 * at or above best ask) cannot be right either: it resyncs too.
 *
 * Connection rules: one channel per subscribe message (one product per message here, so that the
 * in-order `subscriptions` replies and error frames map to exactly one stream); the first
 * subscribe within 5 s of connecting (the hub subscribes on open); the `heartbeats` channel is
 * subscribed first on every connection: it keeps channels open (most close after 60-90 s without
 * updates) and its one message a second is the liveness signal.
 */
import { BadResponse, BaseError, NotSupported } from '../../core/errors';
import type { MarketChannel } from '../../core/channels';
import type { ExchangeOptions, Market, OHLCV, OrderBookSnapshot, Ticker, Trade } from '../../core/types';
import type { OrderBook } from '../../book/orderbook';
import { noSequenceRule, notCrossed } from '../../book/sync';
import { RateLimiter } from '../../transport/rate-limiter';
import { RestClient } from '../../transport/rest-client';
import { AdapterContext, AdapterInstance, BookSpec, ExchangeAdapter, FrameSink, PrivateSide, restBookCopy, STREAMED_MARKET_DATA, StreamFamily } from '../adapter';
import { CoinbaseCredentials } from './auth';
import { CoinbasePrivate } from './private';
import { decodeFrame } from './decode';
import { L2UpdateScan, decodeL2Bytes } from './scan';
import { mapRestError } from './errors';
import { Product, ProductsReply, parseMarkets } from './markets';
import {
  GRANULARITY,
  GRANULARITY_SECONDS,
  RestPriceBook,
  RestTickerReply,
  STREAMED_TIMEFRAME,
  TIMEFRAMES,
  WsCandle,
  iso,
  parseCandle,
  parseRestBook,
  parseTrade,
  sortTrades,
} from './parse';
import { encodeHeartbeats, encodeRequest, streamName } from './streams';
import { COINBASE_URLS, PATHS } from './urls';

/** Extra options understood by the Coinbase adapter. */
export interface CoinbaseOptions extends ExchangeOptions {
  /** Streams per market-data socket before another socket is opened (default 50). */
  streamsPerConnection?: number;
  /**
   * Coinbase streams no spot balance: the live balance is read again after every fill, after a
   * reconnect, and every `balancePollMs` (default 30000; 0: never), which is how deposits,
   * withdrawals and transfers show.
   */
  balancePollMs?: number;
}

/** Coinbase Advanced Trade. */
export const coinbaseAdapter: ExchangeAdapter<CoinbaseOptions> = {
  id: 'coinbase',
  name: 'Coinbase Advanced Trade',
  urls: COINBASE_URLS,
  // "Advanced Trade API WebSocket connections are rate-limited at 8 per second per IP address"
  // (docs.cdp.coinbase.com advanced-trade websocket-rate-limits): one count for both hosts
  connectionBudgets: [{ urls: ['ws', 'wsPrivate'], limit: 8, windowMs: 1000 }],
  timeframes: TIMEFRAMES,
  // Advanced Trade has no WebSocket order entry: orders go over REST; the private state is kept
  // live by the user channel (orders) and REST (own trades confirmed by fills, balances)
  has: () => ({ ...STREAMED_MARKET_DATA, ...PRIVATE_HAS }),
  create: (ctx) => new CoinbaseInstance(ctx),
};

/** What the private side offers. */
const PRIVATE_HAS: Record<string, 'ws' | 'rest'> = {
  createOrder: 'rest',
  cancelOrder: 'rest',
  editOrder: 'rest',
  cancelAllOrders: 'rest',
  fetchBalance: 'ws',
  fetchBalances: 'ws',
  fetchOpenOrders: 'ws',
  fetchOrders: 'ws',
  fetchClosedOrders: 'ws',
  fetchMyTrades: 'ws',
  fetchOrder: 'rest',
  fetchDeposits: 'rest',
  fetchWithdrawals: 'rest',
  watchBalance: 'ws',
  watchOrders: 'ws',
  watchMyTrades: 'ws',
};


class CoinbaseInstance implements AdapterInstance {
  readonly families: Record<string, StreamFamily>;
  private readonly rest: RestClient;
  /** The l2_data update byte scanner and its reused level buffers (decoding is synchronous: one is enough). */
  private readonly l2Scan = new L2UpdateScan();
  /** The CDP key for market-data JWTs, when one was given and can be read. */
  private readonly wsCreds: CoinbaseCredentials | undefined;

  constructor(private readonly ctx: AdapterContext & { readonly options: CoinbaseOptions }) {
    const o = ctx.options;
    const per = o.streamsPerConnection ?? 50;
    if (!Number.isInteger(per) || per < 1) {
      throw new BaseError(`streamsPerConnection must be a positive integer, got ${String(per)}`, { exchange: 'coinbase' });
    }
    if (typeof o.apiKey === 'string' && o.apiKey !== '' && typeof o.secret === 'string' && o.secret !== '') {
      try {
        this.wsCreds = new CoinbaseCredentials(o.apiKey, o.secret);
      } catch {
        // an unreadable key: market data stays unauthenticated; the private side reports the error
        this.wsCreds = undefined;
      }
    }
    this.rest = new RestClient({
      baseUrl: ctx.urls.rest as string,
      exchange: ctx.id,
      timeoutMs: ctx.timeoutMs,
      // Advanced Trade REST rate limits: public endpoints 10 requests a second per IP
      // (docs.cdp.coinbase.com advanced-trade-apis/rate-limits)
      limiter: new RateLimiter({ capacity: 10, intervalMs: 1000 }),
      mapError: (status, body) => mapRestError(status, body, 'request'),
    });
    this.families = {
      public: {
        url: () => `${ctx.urls.ws as string}${PATHS.ws}`,
        // with a CDP key every message carries a fresh JWT ("for the most reliable connection,
        // authenticate with a CDP API key when subscribing to any channel"); without, none
        encodeSubscribe: (names) => encodeRequest('subscribe', names, this.wsJwt()),
        encodeUnsubscribe: (names) => encodeRequest('unsubscribe', names, this.wsJwt()),
        greeting: () => [encodeHeartbeats(this.wsJwt())],
        // answered like a subscribe, in order: it is a pending request of its own
        greetingIsRequest: true,
        maxStreamsPerConnection: per,
        // one channel per message (Coinbase); one product too, so each in-order reply names one stream
        maxNamesPerMessage: 1,
        // "8 unauthenticated messages a second per IP" (rate limits page, WebSocket); the hub keeps
        // one of them free
        maxMessagesPerSecond: 8,
        // heartbeats arrive every second: ten missed mean the socket is dead
        staleTimeoutMs: 10_000,
      },
    };
  }

  /** A fresh WebSocket JWT (no uri) when a CDP key was given: a token lives two minutes. */
  private wsJwt(): string | undefined {
    return this.wsCreds?.jwt();
  }

  // ---------------------------------------------------------------- REST

  private async get<T>(path: string, query: Record<string, string | number | undefined>, symbol?: string): Promise<T> {
    try {
      const r = await this.rest.request<T>('GET', path, { query });
      if (!r || typeof r !== 'object') throw new BadResponse(`GET ${path}: reply is not a JSON object`, { exchange: this.ctx.id, symbol, raw: r });
      return r;
    } catch (err) {
      // name the symbol the request was about
      if (err instanceof BaseError && symbol !== undefined && err.symbol === undefined) {
        const Cls = err.constructor as new (m: string, c: ConstructorParameters<typeof BaseError>[1]) => BaseError;
        const prefix = `${err.exchange}: `;
        const msg = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
        throw new Cls(msg, { exchange: err.exchange, symbol, code: err.code, raw: err.raw, status: err.status });
      }
      throw err;
    }
  }

  async fetchMarkets(): Promise<Market[]> {
    const r = await this.get<ProductsReply>(PATHS.products, { product_type: 'SPOT' });
    if (!Array.isArray(r.products)) throw new BadResponse('GET products: reply has no products array', { exchange: this.ctx.id, raw: r });
    return parseMarkets(r.products);
  }

  async restOrderBook(market: Market, limit?: number): Promise<OrderBookSnapshot> {
    const r = await this.get<RestPriceBook>(PATHS.productBook, { product_id: market.id, limit }, market.symbol);
    let snap;
    try {
      snap = parseRestBook(r);
    } catch (err) {
      throw new BadResponse(`GET product_book: ${(err as Error).message}`, { exchange: this.ctx.id, symbol: market.symbol, raw: r });
    }
    // the REST book carries no sequence number
    return restBookCopy(market.symbol, snap, limit);
  }

  async restTicker(market: Market): Promise<Ticker> {
    // the product record has the 24 h figures; the book's top level gives bid / ask with sizes
    const [p, b] = await Promise.all([
      this.get<Product>(PATHS.product(market.id), {}, market.symbol),
      this.get<RestPriceBook>(PATHS.productBook, { product_id: market.id, limit: 1 }, market.symbol),
    ]);
    return this.productTicker(p, market.symbol, b);
  }

  async restTickers(markets?: Market[]): Promise<Ticker[]> {
    const query = markets ? { product_type: 'SPOT', product_ids: markets.map((m) => m.id).join(',') } : { product_type: 'SPOT' };
    const r = await this.get<ProductsReply>(PATHS.products, query);
    const out: Ticker[] = [];
    for (const p of r.products ?? []) {
      const m = this.ctx.marketById(p.product_id);
      if (m && (!markets || markets.includes(m))) out.push(this.productTicker(p, m.symbol));
    }
    return out;
  }

  /** A ticker from a product record (24 h figures) and, where fetched, the book's top level. */
  private productTicker(p: Product, symbol: string, b?: RestPriceBook): Ticker {
    const n = (v: string | undefined) => (v === undefined || v === '' || !Number.isFinite(+v) ? undefined : +v);
    const last = n(p.price);
    const pct = n(p.price_percentage_change_24h);
    const open = last !== undefined && pct !== undefined && pct !== -100 ? last / (1 + pct / 100) : undefined;
    const bid = b?.pricebook?.bids?.[0];
    const ask = b?.pricebook?.asks?.[0];
    const ts = b?.pricebook?.time ? Date.parse(b.pricebook.time) : NaN;
    const timestamp = Number.isFinite(ts) ? ts : undefined;
    return {
      symbol,
      timestamp,
      datetime: iso(timestamp),
      bid: n(bid?.price),
      bidVolume: n(bid?.size),
      ask: n(ask?.price),
      askVolume: n(ask?.size),
      open,
      close: last,
      last,
      change: open !== undefined && last !== undefined ? last - open : undefined,
      percentage: pct,
      baseVolume: n(p.volume_24h),
      info: b ? { product: p, book: b } : p,
    };
  }

  async restTrades(market: Market, since?: number, limit?: number): Promise<Trade[]> {
    const r = await this.get<RestTickerReply>(
      PATHS.ticker(market.id),
      {
        limit: Math.max(1, Math.min(1000, limit ?? 100)),
        start: since === undefined ? undefined : Math.floor(since / 1000),
        end: since === undefined ? undefined : Math.floor(Date.now() / 1000),
      },
      market.symbol,
    );
    let trades = sortTrades((r.trades ?? []).map((t) => parseTrade(t, market.symbol)));
    if (since !== undefined) trades = trades.filter((t) => (t.timestamp ?? 0) >= since);
    if (limit !== undefined && trades.length > limit) trades = trades.slice(trades.length - limit);
    return trades;
  }

  async restOHLCV(market: Market, timeframe: string, since?: number, limit?: number): Promise<OHLCV[]> {
    const granularity = GRANULARITY[timeframe];
    if (!granularity) throw new NotSupported(`timeframe ${timeframe} is not one of ${TIMEFRAMES.join(', ')}`, { exchange: this.ctx.id, symbol: market.symbol });
    const sec = GRANULARITY_SECONDS[timeframe];
    // at most 350 candles a request; start and end are unix seconds
    const n = Math.max(1, Math.min(350, limit ?? 300));
    const start = since !== undefined ? Math.floor(since / 1000) : Math.floor(Date.now() / 1000) - n * sec;
    const end = since !== undefined ? start + n * sec : Math.floor(Date.now() / 1000);
    const r = await this.get<{ candles?: WsCandle[] }>(PATHS.candles(market.id), { start, end, granularity, limit: n }, market.symbol);
    // newest first on the wire
    let candles = (r.candles ?? []).map(parseCandle).sort((a, b) => a[0] - b[0]);
    if (since !== undefined) candles = candles.filter((c) => c[0] >= since);
    if (limit !== undefined && candles.length > limit) candles = candles.slice(candles.length - limit);
    return candles;
  }

  // ---------------------------------------------------------------- streams

  streamName(kind: MarketChannel, market: Market, timeframe?: string): string {
    if (kind === 'ohlcv' && timeframe !== undefined && timeframe !== STREAMED_TIMEFRAME) {
      throw new NotSupported(`the candles channel streams ${STREAMED_TIMEFRAME} candles only, not ${timeframe}`, {
        exchange: this.ctx.id,
        symbol: market.symbol,
      });
    }
    return streamName(kind, market.id);
  }

  familyOf(): string {
    return 'public';
  }

  decode(text: string, sink: FrameSink): void {
    decodeFrame(text, sink);
  }

  /** l2_data updates straight from the bytes (scan.ts); everything else goes to `decode`. */
  decodeBytes(bytes: Uint8Array, sink: FrameSink): boolean {
    return decodeL2Bytes(bytes, sink, this.l2Scan);
  }

  book(): BookSpec {
    return { rule: noSequenceRule, verify: notCrossed };
  }

  /** The private side: JWT-signed REST and the user channel. */
  privateSide(): PrivateSide {
    const ctx = this.ctx;
    const o = ctx.options;
    const adapter = new CoinbasePrivate({
      credentials: new CoinbaseCredentials(o.apiKey as string, o.secret as string),
      restBase: ctx.urls.rest as string,
      wsPrivateUrl: (ctx.urls.wsPrivate ?? ctx.urls.ws) as string,
      timeoutMs: ctx.timeoutMs,
      // the user channel's heartbeats come every second
      connection: ctx.connection({ staleTimeoutMs: 10_000 }),
      balancePollMs: o.balancePollMs ?? 30_000,
      marketById: (id) => ctx.marketById(id),
      market: (symbol) => ctx.market(symbol),
      error: (e) => ctx.error(e),
      status: (st) => ctx.status(st),
    });
    return { adapter, close: () => adapter.close() };
  }

  close(): void {
    this.rest.close();
  }
}
