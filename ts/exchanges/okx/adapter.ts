/**
 * OKX v5: public market data over WebSocket (/ws/v5/public; /ws/v5/business for candles) and REST.
 *
 * Books follow OKX's documented procedure (protocols.md §3 "Order book channels" and "2026
 * change"): the `books` channel's updates are buffered and joined to a REST snapshot
 * (`GET /api/v5/market/books?sz=400`) by its seqId — updates at or below it dropped, the first one
 * applied straddling it (prevSeqId <= seqId < its seqId), then every prevSeqId equal to the
 * previous seqId. A snapshot frame the channel still sends (`action: "snapshot"`, before OKX's
 * August 2026 change, or a resend) is taken as it comes. A non-zero `checksum` (CRC-32 of the top
 * 25 levels, interleaved bid/ask from the strings as received) must match; 0 or absent means
 * "not sent" (OKX sends 0 from June 2026). A gap or a mismatch drops the book (never served or
 * emitted), emits 'resync' ('gap' / 'checksum') and joins a new REST snapshot, in place; a REST
 * book without seqId (older servers) makes that book resubscribe for a stream snapshot instead.
 * `books5` and `bbo-tbt` (every push a snapshot) can be chosen with the `bookChannel` option.
 *
 * Liveness: OKX drops a connection that pushed nothing for 30 s; the client sends the text frame
 * `ping` and the server answers the text `pong` (not JSON).
 */
import { BadResponse, BaseError } from '../../core/errors';
import type { ExchangeOptions, Market, OHLCV, OrderBookSnapshot, Ticker, Trade } from '../../core/types';
import type { BookSnapshot } from '../../book/types';
import { RateLimiter } from '../../transport/rate-limiter';
import { RestClient } from '../../transport/rest-client';
import { AdapterContext, AdapterInstance, BookSpec, ExchangeAdapter, FrameSink, PrivateSide, restBookCopy, STREAMED_MARKET_DATA, StreamFamily, privateCapabilities } from '../adapter';
import { OkxCredentials } from './auth';
import { OkxPrivate } from './private';
import { verifyChecksum } from './checksum';
import { decodeFrame } from './decode';
import { BooksScan, decodeBooksBytes } from './scan';
import { mapRestError, okxError } from './errors';
import { Instrument, parseMarkets } from './markets';
import {
  OkxTicker,
  OkxTrade,
  RestBook,
  RestEnvelope,
  TIMEFRAMES,
  TIMEFRAME_BARS,
  bookRule,
  parseCandle,
  parseRestBook,
  parseRestBookSnapshot,
  parseTicker,
  parseTrade,
} from './parse';
import { BookChannel, channelOf, encodeRequest, isBusinessChannel, streamName } from './streams';
import { OKX_URLS, PATHS } from './urls';
import type { MarketChannel } from '../../core/channels';

/** Extra options understood by the OKX adapter. */
export interface OkxOptions extends ExchangeOptions {
  /** Book channel: 'books' (400 levels, incremental, checksummed; default), 'books5' or 'bbo-tbt'. */
  bookChannel?: BookChannel;
  /** Validate every books message's checksum (default true; turning it off is for diagnostics only). */
  verifyChecksums?: boolean;
  /**
   * Streams per public socket before another socket is opened (default 25: OKX asks for fewer than
   * 30 book channels of 50 or 400 levels per connection).
   */
  streamsPerConnection?: number;
  /** Orders over the private socket (default true); false: over REST. */
  wsTrading?: boolean;
}

/** OKX. */
export const okxAdapter: ExchangeAdapter<OkxOptions> = {
  id: 'okx',
  name: 'OKX',
  urls: OKX_URLS,
  // "Connection limit: 3 requests per second (based on IP)" (OKX v5 docs, WebSocket "Connect";
  // protocols.md §3 "Limits"): public, business and private paths share the host
  connectionBudgets: [{ urls: ['ws'], limit: 3, windowMs: 1000 }],
  timeframes: TIMEFRAMES,
  has: (o) => ({ ...STREAMED_MARKET_DATA, ...privateCapabilities({ trading: o.wsTrading !== false ? 'ws' : 'rest', transactions: 'ws', withdraw: true, batch: { createOrders: o.wsTrading !== false ? 'ws' : 'rest', cancelOrders: o.wsTrading !== false ? 'ws' : 'rest' } }) }),
  create: (ctx) => new OkxInstance(ctx),
};

class OkxInstance implements AdapterInstance {
  readonly families: Record<string, StreamFamily>;
  private readonly rest: RestClient;
  private privateRest: RestClient | undefined;
  private readonly bookChannel: BookChannel;
  private readonly verifyChecksums: boolean;
  /** The byte scanner of books updates (its buffers are reused from frame to frame). */
  private readonly scan = new BooksScan();

  constructor(private readonly ctx: AdapterContext & { readonly options: OkxOptions }) {
    const o = ctx.options;
    const ch = o.bookChannel ?? 'books';
    if (ch !== 'books' && ch !== 'books5' && ch !== 'bbo-tbt') {
      throw new BaseError(`bookChannel must be 'books', 'books5' or 'bbo-tbt', got ${String(ch)}`, { exchange: 'okx' });
    }
    this.bookChannel = ch;
    this.verifyChecksums = o.verifyChecksums !== false;
    this.rest = new RestClient({
      baseUrl: ctx.urls.rest as string,
      exchange: ctx.id,
      timeoutMs: ctx.timeoutMs,
      // market-data endpoints allow 20-40 requests per 2 s per IP: take the smallest
      limiter: new RateLimiter({ capacity: 20, intervalMs: 2000 }),
      mapError: (status, body) => mapRestError(status, body, 'request'),
    });
    const family = (path: string): StreamFamily => ({
      url: () => `${ctx.urls.ws as string}${path}`,
      encodeSubscribe: (names, id) => encodeRequest('subscribe', names, id),
      encodeUnsubscribe: (names, id) => encodeRequest('unsubscribe', names, id),
      maxStreamsPerConnection: o.streamsPerConnection ?? 25,
      maxNamesPerMessage: 50,
      // 480 subscribe/unsubscribe/login requests an hour per connection: batch them (50 args a
      // request) and keep bursts small; pings take the one slot a second the hub leaves free
      maxMessagesPerSecond: 8,
      // OKX acknowledges every arg of a request separately
      ackPerName: true,
      // OKX cuts a connection that pushed nothing for 30 s: a silent one is stale by then
      staleTimeoutMs: 30_000,
      // "send the string 'ping' when no message arrived for N < 30 seconds; expect 'pong'"
      appPing: () => 'ping',
    });
    this.families = { public: family(PATHS.wsPublic), business: family(PATHS.wsBusiness) };
  }

  // ---------------------------------------------------------------- REST

  /** GET a public endpoint; unwraps `{code, msg, data}` and maps a non-"0" code to a typed error. */
  private async publicGet<T>(path: string, query: Record<string, string | number | undefined>, symbol?: string): Promise<T[]> {
    const env = await this.rest.request<RestEnvelope<T>>('GET', path, { query });
    if (!env || typeof env !== 'object') {
      throw new BadResponse(`GET ${path}: reply is not an OKX envelope`, { exchange: this.ctx.id, symbol, raw: env });
    }
    if (String(env.code) !== '0') {
      throw okxError(String(env.code), env.msg ?? '', `GET ${path}`, { symbol, raw: env });
    }
    if (!Array.isArray(env.data)) {
      throw new BadResponse(`GET ${path}: reply has no data array`, { exchange: this.ctx.id, symbol, raw: env });
    }
    return env.data;
  }

  async fetchMarkets(): Promise<Market[]> {
    return parseMarkets(await this.publicGet<Instrument>(PATHS.instruments, { instType: 'SPOT' }));
  }

  async restOrderBook(market: Market, limit?: number): Promise<OrderBookSnapshot> {
    // sz: 1..400 (the default is 1 level)
    const sz = Math.max(1, Math.min(400, limit ?? 100));
    const data = await this.publicGet<RestBook>(PATHS.books, { instId: market.id, sz }, market.symbol);
    if (!data[0]) throw new BadResponse('books reply has no book', { exchange: this.ctx.id, symbol: market.symbol, raw: data });
    const snap = parseRestBook(data[0]);
    // the copy's nonce is the seqId where the reply carries one
    return restBookCopy(market.symbol, snap, limit, parseRestBookSnapshot(data[0])?.nonce);
  }

  /**
   * The REST snapshot a `books` stream joins: 400 levels, the channel's depth (`source=0` as in
   * OKX's example of the procedure). Undefined when the reply has no seqId.
   */
  private async booksSnapshot(market: Market): Promise<BookSnapshot | undefined> {
    const data = await this.publicGet<RestBook>(PATHS.books, { instId: market.id, sz: 400, source: 0 }, market.symbol);
    if (!data[0]) throw new BadResponse('books reply has no book', { exchange: this.ctx.id, symbol: market.symbol, raw: data });
    return parseRestBookSnapshot(data[0]);
  }

  async restTicker(market: Market): Promise<Ticker> {
    const data = await this.publicGet<OkxTicker>(PATHS.ticker, { instId: market.id }, market.symbol);
    if (!data[0]) throw new BadResponse('ticker reply is empty', { exchange: this.ctx.id, symbol: market.symbol, raw: data });
    return parseTicker(data[0], market.symbol);
  }

  async restTickers(markets?: Market[]): Promise<Ticker[]> {
    const data = await this.publicGet<OkxTicker>(PATHS.tickers, { instType: 'SPOT' });
    const wanted = markets ? new Set(markets.map((m) => m.id)) : undefined;
    const out: Ticker[] = [];
    for (const t of data) {
      if (wanted && !wanted.has(t.instId)) continue;
      const m = this.ctx.marketById(t.instId);
      if (m) out.push(parseTicker(t, m.symbol));
    }
    return out;
  }

  async restTrades(market: Market, since?: number, limit?: number): Promise<Trade[]> {
    const data = await this.publicGet<OkxTrade>(
      PATHS.trades,
      { instId: market.id, limit: Math.max(1, Math.min(500, limit ?? 100)) },
      market.symbol,
    );
    // newest first on the wire: reverse, then a stable sort keeps same-millisecond trades in order
    let trades = data
      .slice()
      .reverse()
      .map((t) => parseTrade(t, market.symbol))
      .sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
    if (since !== undefined) trades = trades.filter((t) => (t.timestamp ?? 0) >= since);
    return trades;
  }

  async restOHLCV(market: Market, timeframe: string, since?: number, limit?: number): Promise<OHLCV[]> {
    const data = await this.publicGet<unknown[]>(
      PATHS.candles,
      { instId: market.id, bar: TIMEFRAME_BARS[timeframe], limit: Math.max(1, Math.min(300, limit ?? 100)) },
      market.symbol,
    );
    // newest first on the wire
    let candles = data.slice().reverse().map(parseCandle).sort((a, b) => a[0] - b[0]);
    if (since !== undefined) candles = candles.filter((c) => c[0] >= since);
    return candles;
  }

  // ---------------------------------------------------------------- streams

  streamName(kind: MarketChannel, market: Market, timeframe?: string): string {
    return streamName(channelOf(kind, this.bookChannel, timeframe), market.id);
  }

  familyOf(stream: string): string {
    return isBusinessChannel(stream.slice(0, stream.indexOf(':'))) ? 'business' : 'public';
  }

  decode(text: string, sink: FrameSink): void {
    decodeFrame(text, sink);
  }

  /** books updates straight from the bytes (scan.ts); everything else goes to `decode`. */
  decodeBytes(bytes: Uint8Array, sink: FrameSink): boolean {
    return decodeBooksBytes(bytes, sink, this.scan);
  }

  book(market: Market): BookSpec {
    return {
      rule: bookRule,
      // today's OKX sends no snapshot frame: join the REST one by seqId (snapshot frames, when they
      // come, are still taken; a REST reply without seqId hands the book to resubscribe)
      fetchSnapshot: this.bookChannel === 'books' ? () => this.booksSnapshot(market) : undefined,
      // the checksum is computed from the digits as received, rendered from each level's number and
      // scale (no string per level), so the byte scanner's packed levels are taken too
      keepScales: true,
      verify: this.verifyChecksums && this.bookChannel === 'books' ? verifyChecksum : undefined,
    };
  }

  // ---------------------------------------------------------------- private

  /** The private socket (login, orders/account channels, order entry), signed REST and the clock. */
  privateSide(): PrivateSide {
    const ctx = this.ctx;
    const o = ctx.options;
    const credentials = new OkxCredentials(o.apiKey, o.secret, o.password);
    if (!this.privateRest) {
      this.privateRest = new RestClient({
        baseUrl: ctx.urls.rest as string,
        exchange: ctx.id,
        timeoutMs: ctx.timeoutMs,
        // trade endpoints: 60 requests / 2 s per instrument; account/balance 10 / 2 s: take the smallest
        limiter: new RateLimiter({ capacity: 10, intervalMs: 2000 }),
        mapError: (status, body) => mapRestError(status, body, 'request'),
      });
    }
    const adapter = new OkxPrivate({
      credentials,
      rest: this.privateRest,
      urls: ctx.urls,
      timeoutMs: ctx.timeoutMs,
      wsTrading: o.wsTrading !== false,
      connection: ctx.connection({ staleTimeoutMs: 30_000, appPing: () => 'ping' }),
      marketById: (id) => ctx.marketById(id),
      market: (symbol) => ctx.market(symbol),
      status: (s) => ctx.status(s),
      error: (e) => ctx.error(e),
    });
    return { adapter, warm: () => adapter.warm(), close: () => adapter.close() };
  }

  close(): void {
    this.rest.close();
    this.privateRest?.close();
  }
}

