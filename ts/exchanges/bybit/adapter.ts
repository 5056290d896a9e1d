/**
 * Bybit v5 (spot): public market data over WebSocket (/v5/public/spot) and REST (/v5/market/*).
 *
 * Books follow Bybit's "Process snapshot/delta" rules (protocols.md §4 "Order book"): the stream
 * sends the snapshot itself after subscribing; every `snapshot` push replaces the book, and so does
 * a push with `u: 1` (a service restart); deltas upsert, size "0" deletes. Bybit sends no checksum.
 * What is checked: each delta's `u` follows the previous one by exactly 1 (documented as "in
 * general continuous", and so in the real capture) — a lost update or an out-of-order `u` is a
 * resync with reason 'gap' naming it; and the book must not be crossed (best bid >= best ask), a
 * cheap check that catches a corrupted book — a resync with reason 'crossed'. Either way the book is
 * dropped (never served or emitted) and the topic is resubscribed for a fresh snapshot.
 *
 * Liveness: Bybit cuts a connection with no ping and no data after 10 minutes and recommends a
 * `{"op":"ping"}` every 20 s: the stale window is 60 s, so the skeleton pings every 20 s.
 */
import { BadResponse, BaseError } from '../../core/errors';
import type { MarketChannel } from '../../core/channels';
import type { ExchangeOptions, Market, OHLCV, OrderBookSnapshot, Ticker, Trade } from '../../core/types';
import { notCrossed } from '../../book/sync';
import { RateLimiter } from '../../transport/rate-limiter';
import { RestClient } from '../../transport/rest-client';
import { AdapterContext, AdapterInstance, BookSpec, ExchangeAdapter, FrameSink, PrivateSide, restBookCopy, STREAMED_MARKET_DATA, StreamFamily, privateCapabilities } from '../adapter';
import { BybitCredentials } from './auth';
import { BybitPrivate } from './private';
import { decodeFrame } from './decode';
import { BookDeltaScan, decodeBookBytes } from './scan';
import { bybitError, mapRestError } from './errors';
import { Instrument, parseMarkets } from './markets';
import {
  BybitTicker,
  RestBook,
  RestEnvelope,
  RestTrade,
  TIMEFRAMES,
  TIMEFRAME_INTERVALS,
  bookRule,
  parseRestBook,
  parseRestKline,
  parseRestTrade,
  parseTicker,
} from './parse';
import { BOOK_DEPTHS, BookDepth, depthFor, depthOfStream, encodePing, encodeRequest, streamName } from './streams';
import { BYBIT_URLS, CATEGORY, PATHS } from './urls';

/** Extra options understood by the Bybit adapter. */
export interface BybitOptions extends ExchangeOptions {
  /**
   * Depth of streamed books: 50, 200 or 1000 levels a side, whatever limit is asked. Unset: the
   * smallest depth that covers the caller's `limit` (watchOrderBook / fetchOrderBook), 200 when
   * the caller gives none.
   */
  bookDepth?: BookDepth;
  /**
   * Require each book delta's `u` to be the previous `u` + 1 (default true). False keeps only the
   * ordering check (`u` must grow): for a feed whose ids skip.
   */
  strictUpdateIds?: boolean;
  /** Streams per public socket before another socket is opened (default 200). */
  streamsPerConnection?: number;
  /** Orders over the /v5/trade WebSocket (default true); false: REST only. */
  wsTrading?: boolean;
  /** X-BAPI-RECV-WINDOW of signed requests (ms, default 5000, Bybit's default). */
  recvWindow?: number;
}


/** Bybit. */
export const bybitAdapter: ExchangeAdapter<BybitOptions> = {
  id: 'bybit',
  name: 'Bybit',
  urls: BYBIT_URLS,
  // "Do not establish more than 500 connections within a 5-minute window", counted per WebSocket
  // domain (bybit-exchange.github.io/docs/v5/rate-limit "Websocket IP limit")
  connectionBudgets: [
    { urls: ['ws'], limit: 500, windowMs: 5 * 60_000 },
    { urls: ['wsPrivate'], limit: 500, windowMs: 5 * 60_000 },
  ],
  timeframes: TIMEFRAMES,
  has: (o) => {
    const trading = o.wsTrading !== false ? 'ws' : 'rest';
    return {
      ...STREAMED_MARKET_DATA,
      ...privateCapabilities({
        trading,
        cancelAll: 'rest' /* /v5/trade has no cancel-all */,
        transactions: 'rest',
        withdraw: true,
        // order.{create,amend,cancel}-batch on /v5/trade, /v5/order/*-batch over REST
        batch: { createOrders: trading, editOrders: trading, cancelOrders: trading },
      }),
    };
  },
  create: (ctx) => new BybitInstance(ctx),
};

class BybitInstance implements AdapterInstance {
  readonly families: Record<string, StreamFamily>;
  private readonly rest: RestClient;
  private readonly fixedDepth: BookDepth | undefined;
  private readonly strict: boolean;
  private pings = 0;
  private readonly bookScan = new BookDeltaScan();

  constructor(private readonly ctx: AdapterContext & { readonly options: BybitOptions }) {
    const o = ctx.options;
    if (o.bookDepth !== undefined && !(BOOK_DEPTHS as readonly number[]).includes(o.bookDepth)) {
      throw new BaseError(`bookDepth must be one of ${BOOK_DEPTHS.join(', ')}, got ${String(o.bookDepth)}`, { exchange: 'bybit' });
    }
    this.fixedDepth = o.bookDepth;
    this.strict = o.strictUpdateIds !== false;
    this.rest = new RestClient({
      baseUrl: ctx.urls.rest as string,
      exchange: ctx.id,
      timeoutMs: ctx.timeoutMs,
      // Bybit's IP limit: 600 requests per 5 s for all HTTP traffic of an IP, then a 10-minute ban
      // (docs v5 "Rate limit"): stay well under it, leaving room for the private side
      limiter: new RateLimiter({ capacity: 120, intervalMs: 5000 }),
      mapError: (status, body) => mapRestError(status, body, 'request'),
    });
    this.families = {
      public: {
        url: () => `${ctx.urls.ws as string}${PATHS.wsPublicSpot}`,
        encodeSubscribe: (names, id) => encodeRequest('subscribe', names, id),
        encodeUnsubscribe: (names, id) => encodeRequest('unsubscribe', names, id),
        // the args of one public connection may not exceed 21,000 characters: 200 topics of at
        // most ~30 characters stay far below
        maxStreamsPerConnection: o.streamsPerConnection ?? 200,
        // spot: "args size >10" refuses a request with more than 10 args
        maxNamesPerMessage: 10,
        // no documented per-second cap on control messages: keep bursts modest
        maxMessagesPerSecond: 10,
        // one ack per request (not per arg)
        ackPerName: false,
        // no ping and no data for 10 min cuts the connection; Bybit recommends a ping every 20 s.
        // A half-dead link must be noticed within 30 s (DESIGN.md §3): the skeleton pings every
        // third of this window (10 s), each answered with a pong
        staleTimeoutMs: 30_000,
        appPing: () => encodePing(++this.pings),
      },
    };
  }

  // ---------------------------------------------------------------- REST

  /** GET a public endpoint; unwraps `{retCode, retMsg, result}` and maps a non-zero retCode. */
  private async publicGet<T>(path: string, query: Record<string, string | number | undefined>, symbol?: string): Promise<T> {
    const env = await this.rest.request<RestEnvelope<T>>('GET', path, { query: { category: CATEGORY, ...query } });
    if (!env || typeof env !== 'object' || typeof env.retCode !== 'number') {
      throw new BadResponse(`GET ${path}: reply is not a Bybit envelope`, { exchange: this.ctx.id, symbol, raw: env });
    }
    if (env.retCode !== 0) throw bybitError(env.retCode, env.retMsg ?? '', `GET ${path}`, { symbol, raw: env });
    if (!env.result || typeof env.result !== 'object') {
      throw new BadResponse(`GET ${path}: reply has no result`, { exchange: this.ctx.id, symbol, raw: env });
    }
    return env.result;
  }

  private async list<T>(path: string, query: Record<string, string | number | undefined>, symbol?: string): Promise<T[]> {
    const r = await this.publicGet<{ list?: T[] }>(path, query, symbol);
    if (!Array.isArray(r.list)) throw new BadResponse(`GET ${path}: result has no list`, { exchange: this.ctx.id, symbol, raw: r });
    return r.list;
  }

  async fetchMarkets(): Promise<Market[]> {
    return parseMarkets(await this.list<Instrument>(PATHS.instruments, {}));
  }

  async restOrderBook(market: Market, limit?: number): Promise<OrderBookSnapshot> {
    // spot limit 1..200 (the default is 1 level)
    const n = Math.max(1, Math.min(200, limit ?? 50));
    const r = await this.publicGet<RestBook>(PATHS.orderbook, { symbol: market.id, limit: n }, market.symbol);
    // the REST `u` is the 1000-level stream's update id: the copy carries it as its nonce
    return restBookCopy(market.symbol, parseRestBook(r), limit, typeof r.u === 'number' ? r.u : undefined);
  }

  async restTicker(market: Market): Promise<Ticker> {
    const env = await this.rest.request<RestEnvelope<{ list?: BybitTicker[] }>>('GET', PATHS.tickers, {
      query: { category: CATEGORY, symbol: market.id },
    });
    if (env?.retCode !== 0) throw bybitError(env?.retCode ?? -1, env?.retMsg ?? '', `GET ${PATHS.tickers}`, { symbol: market.symbol, raw: env });
    const t = env.result?.list?.[0];
    if (!t) throw new BadResponse('tickers reply is empty', { exchange: this.ctx.id, symbol: market.symbol, raw: env });
    return parseTicker(t, market.symbol, env.time);
  }

  async restTickers(markets?: Market[]): Promise<Ticker[]> {
    const list = await this.list<BybitTicker>(PATHS.tickers, {});
    const wanted = markets ? new Set(markets.map((m) => m.id)) : undefined;
    const out: Ticker[] = [];
    for (const t of list) {
      if (wanted && !wanted.has(t.symbol)) continue;
      const m = this.ctx.marketById(t.symbol);
      if (m) out.push(parseTicker(t, m.symbol));
    }
    return out;
  }

  async restTrades(market: Market, since?: number, limit?: number): Promise<Trade[]> {
    // spot limit 1..60
    const rows = await this.list<RestTrade>(PATHS.recentTrade, { symbol: market.id, limit: Math.max(1, Math.min(60, limit ?? 60)) }, market.symbol);
    let trades = rows.map((t) => parseRestTrade(t, market.symbol)).sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
    if (since !== undefined) trades = trades.filter((t) => (t.timestamp ?? 0) >= since);
    return trades;
  }

  async restOHLCV(market: Market, timeframe: string, since?: number, limit?: number): Promise<OHLCV[]> {
    const rows = await this.list<unknown[]>(
      PATHS.kline,
      { symbol: market.id, interval: TIMEFRAME_INTERVALS[timeframe], start: since, limit: Math.max(1, Math.min(1000, limit ?? 200)) },
      market.symbol,
    );
    // newest first on the wire
    let candles = rows.map(parseRestKline).sort((a, b) => a[0] - b[0]);
    if (since !== undefined) candles = candles.filter((c) => c[0] >= since);
    return candles;
  }

  // ---------------------------------------------------------------- streams

  streamName(kind: MarketChannel, market: Market, timeframe?: string, depth?: number): string {
    return streamName(kind, market.id, (depth ?? this.bookDepthFor(undefined)) as BookDepth, timeframe);
  }

  /** The `bookDepth` option, else the smallest documented depth covering `limit` (200 unsaid). */
  bookDepthFor(limit: number | undefined): BookDepth {
    return this.fixedDepth ?? depthFor(limit);
  }

  familyOf(): string {
    return 'public';
  }

  decode(text: string, sink: FrameSink): void {
    decodeFrame(text, sink);
  }

  /** orderbook delta pushes straight from the bytes (scan.ts); everything else goes to `decode`. */
  decodeBytes(bytes: Uint8Array, sink: FrameSink): boolean {
    return decodeBookBytes(bytes, sink, this.bookScan);
  }

  book(_market: Market, stream: string): BookSpec {
    return {
      rule: bookRule(this.strict),
      // levels beyond the subscribed depth are not the topic's
      maxDepth: depthOfStream(stream),
      verify: notCrossed,
    };
  }

  privateSide(): PrivateSide {
    const ctx = this.ctx;
    const o = ctx.options;
    // the private and trade sockets live on the public stream's host (stream.bybit.com): a `ws`
    // override without its own `wsPrivate` (a testnet, a simulator) moves them too, so that
    // private traffic never goes to the default host behind the user's back
    const given = o.urls ?? {};
    const urls = { ...ctx.urls, wsPrivate: given.wsPrivate !== undefined ? ctx.urls.wsPrivate : given.ws !== undefined ? ctx.urls.ws : ctx.urls.wsPrivate };
    const adapter = new BybitPrivate({
      credentials: new BybitCredentials(o.apiKey as string, o.secret as string),
      rest: this.rest,
      urls,
      timeoutMs: ctx.timeoutMs,
      wsTrading: o.wsTrading !== false,
      recvWindow: o.recvWindow ?? 5000,
      // private and trade sockets: a ping every 20 s as Bybit recommends (stale after 60 s)
      connection: ctx.connection({ staleTimeoutMs: 30_000, appPing: () => JSON.stringify({ req_id: `ping${++this.pings}`, op: 'ping' }) }),
      marketById: (id) => ctx.marketById(id),
      market: (symbol) => ctx.market(symbol),
      status: (s) => ctx.status(s),
      error: (e) => ctx.error(e),
    });
    return { adapter, warm: () => adapter.warm(), close: () => adapter.close() };
  }

  close(): void {
    this.rest.close();
  }
}
