/**
 * OKX v5: public market data over WebSocket (/ws/v5/public, and /ws/v5/business for candles) and
 * REST.
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
 * `ping` and the server answers the text `pong` (not JSON), which is filtered before JSON.parse.
 */
import { BadResponse, BaseError } from '../../core/errors';
import { Exchange } from '../../base/exchange';
import { STREAMED_MARKET_DATA } from '../../base/exchange-core';
import { HubSocket, StreamHub } from '../../transport/stream-hub';
import type { Topic } from '../../base/topic';
import type { ExchangeOptions, Market, OHLCV, OrderBookSnapshot, Ticker, Trade } from '../../core/types';
import { OrderBook } from '../../book/orderbook';
import type { BookSnapshot } from '../../book/types';
import { RateLimiter } from '../../transport/rate-limiter';
import { RestClient } from '../../transport/rest-client';
import { verifyChecksum } from './checksum';
import { mapRestError, okxError } from './errors';
import { Instrument, parseMarkets } from './markets';
import {
  BookData,
  OkxTicker,
  OkxTrade,
  RestBook,
  RestEnvelope,
  TIMEFRAMES,
  TIMEFRAME_BARS,
  bookRule,
  parseBookSnapshot,
  parseBookUpdate,
  parseCandle,
  parseRestBook,
  parseRestBookSnapshot,
  parseTicker,
  parseTrade,
} from './parse';
import { BookChannel, channelOf, classify, encodeRequest, isBusinessChannel, streamName } from './streams';
import { OKX_URLS, PATHS } from './urls';

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
}

/** One socket family (public or business) and the acks still expected per request id. */
interface HubContext {
  hub: StreamHub;
  /** Request id -> acks still expected (OKX acks each arg of a request separately). */
  expect: Map<number, number>;
}

/** OKX. */
export class okx extends Exchange {
  private readonly rest: RestClient;
  private publicHub: HubContext | undefined;
  private businessHub: HubContext | undefined;
  /** Stream name -> topic, for routing pushes. */
  private readonly byStream = new Map<string, Topic>();
  private readonly bookChannel: BookChannel;
  private readonly verifyChecksums: boolean;
  private readonly streamsPerConnection: number;

  constructor(options?: OkxOptions) {
    super(options, {
      id: 'okx',
      name: 'OKX',
      urls: { ...OKX_URLS },
      has: {
        ...STREAMED_MARKET_DATA,
        createOrder: false,
        cancelOrder: false,
        fetchBalance: false,
      },
      timeframes: TIMEFRAMES,
    });
    const ch = options?.bookChannel ?? 'books';
    if (ch !== 'books' && ch !== 'books5' && ch !== 'bbo-tbt') {
      throw new BaseError(`bookChannel must be 'books', 'books5' or 'bbo-tbt', got ${String(ch)}`, { exchange: 'okx' });
    }
    this.bookChannel = ch;
    this.verifyChecksums = options?.verifyChecksums !== false;
    this.streamsPerConnection = options?.streamsPerConnection ?? 25;
    this.rest = new RestClient({
      baseUrl: this.urls.rest as string,
      exchange: this.id,
      timeoutMs: this.timeoutMs,
      // market-data endpoints allow 20-40 requests per 2 s per IP: take the smallest
      limiter: new RateLimiter({ capacity: 20, intervalMs: 2000 }),
      mapError: (status, body) => mapRestError(status, body, 'request'),
    });
  }

  // ---------------------------------------------------------------- REST

  /** GET a public endpoint; unwraps `{code, msg, data}` and maps a non-"0" code to a typed error. */
  private async publicGet<T>(path: string, query: Record<string, string | number | undefined>, symbol?: string): Promise<T[]> {
    const env = await this.rest.request<RestEnvelope<T>>('GET', path, { query });
    if (!env || typeof env !== 'object') {
      throw new BadResponse(`GET ${path}: reply is not an OKX envelope`, { exchange: this.id, symbol, raw: env });
    }
    if (String(env.code) !== '0') {
      throw okxError(String(env.code), env.msg ?? '', `GET ${path}`, { symbol, raw: env });
    }
    if (!Array.isArray(env.data)) {
      throw new BadResponse(`GET ${path}: reply has no data array`, { exchange: this.id, symbol, raw: env });
    }
    return env.data;
  }

  protected async fetchMarkets(): Promise<Market[]> {
    return parseMarkets(await this.publicGet<Instrument>(PATHS.instruments, { instType: 'SPOT' }));
  }

  protected async restOrderBook(market: Market, limit?: number): Promise<OrderBookSnapshot> {
    // sz: 1..400 (the default is 1 level)
    const sz = Math.max(1, Math.min(400, limit ?? 100));
    const data = await this.publicGet<RestBook>(PATHS.books, { instId: market.id, sz }, market.symbol);
    if (!data[0]) throw new BadResponse('books reply has no book', { exchange: this.id, symbol: market.symbol, raw: data });
    const snap = parseRestBook(data[0]);
    const book = new OrderBook(market.symbol);
    // the nonce is the seqId where the reply has one (OKX since 2026), else there is none
    book.reset({ bids: snap.bids, asks: snap.asks, timestamp: snap.timestamp }, parseRestBookSnapshot(data[0])?.nonce);
    return limit ? book.limit(limit) : book.snapshot();
  }

  /**
   * The REST snapshot a `books` stream joins: 400 levels, the channel's depth (`source=0` as in
   * OKX's example of the procedure). Undefined when the reply has no seqId.
   */
  private async booksSnapshot(market: Market): Promise<BookSnapshot | undefined> {
    const data = await this.publicGet<RestBook>(PATHS.books, { instId: market.id, sz: 400, source: 0 }, market.symbol);
    if (!data[0]) throw new BadResponse('books reply has no book', { exchange: this.id, symbol: market.symbol, raw: data });
    return parseRestBookSnapshot(data[0]);
  }

  protected async restTicker(market: Market): Promise<Ticker> {
    const data = await this.publicGet<OkxTicker>(PATHS.ticker, { instId: market.id }, market.symbol);
    if (!data[0]) throw new BadResponse('ticker reply is empty', { exchange: this.id, symbol: market.symbol, raw: data });
    return parseTicker(data[0], market.symbol);
  }

  protected async restTickers(markets?: Market[]): Promise<Ticker[]> {
    const data = await this.publicGet<OkxTicker>(PATHS.tickers, { instType: 'SPOT' });
    const wanted = markets ? new Set(markets.map((m) => m.id)) : undefined;
    const out: Ticker[] = [];
    for (const t of data) {
      if (wanted && !wanted.has(t.instId)) continue;
      const m = this.marketsById?.[t.instId];
      if (m) out.push(parseTicker(t, m.symbol));
    }
    return out;
  }

  protected async restTrades(market: Market, since?: number, limit?: number): Promise<Trade[]> {
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

  protected async restOHLCV(market: Market, timeframe: string, since?: number, limit?: number): Promise<OHLCV[]> {
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

  private hubFor(name: string): HubContext {
    const business = isBusinessChannel(name.slice(0, name.indexOf(':')));
    if (business) return (this.businessHub ??= this.makeHub(PATHS.wsBusiness));
    return (this.publicHub ??= this.makeHub(PATHS.wsPublic));
  }

  private makeHub(path: string): HubContext {
    const url = `${this.urls.ws as string}${path}`;
    // OKX cuts a connection that pushed nothing for 30 s: a silent one is stale by then
    const stale = this.options.staleTimeoutMs ?? 30_000;
    const rc = this.options.reconnect ?? {};
    const expect = new Map<number, number>();
    const ctx = {} as HubContext;
    ctx.expect = expect;
    ctx.hub = new StreamHub(
      {
        namesInUrl: () => [],
        url: () => url,
        encodeSubscribe: (names, id) => {
          expect.set(id, names.length);
          return encodeRequest('subscribe', names, id);
        },
        encodeUnsubscribe: (names, id) => {
          expect.set(id, names.length);
          return encodeRequest('unsubscribe', names, id);
        },
        maxStreamsPerConnection: this.streamsPerConnection,
        maxNamesPerMessage: 50,
        // 480 subscribe/unsubscribe/login requests an hour per connection: batch them (50 args a
        // request) and keep bursts small; pings take the one slot a second the hub leaves free
        maxMessagesPerSecond: 8,
        connection: {
          exchange: this.id,
          connectTimeoutMs: this.timeoutMs,
          // "send the string 'ping' when no message arrived for N < 30 seconds; expect 'pong'"
          pingIntervalMs: Math.max(1000, Math.min(20_000, Math.floor(stale / 3))),
          appPing: () => 'ping',
          staleTimeoutMs: stale,
          backoff: { baseDelayMs: rc.baseDelayMs ?? 500, maxDelayMs: rc.maxDelayMs ?? 30_000 },
          maxAttempts: rc.maxAttempts ?? Infinity,
        },
      },
      {
        frame: (text, sock) => this.onFrame(ctx, text, sock),
        interrupted: (names, reason) => {
          // requests in flight on a dropped socket are never answered
          expect.clear();
          const topics: Topic[] = [];
          for (const n of names) {
            const t = this.byStream.get(n);
            if (t) topics.push(t);
          }
          this.interruptTopics(topics, reason);
        },
        refused: (names, err) => {
          for (const n of names) {
            const t = this.byStream.get(n);
            if (!t) continue;
            this.byStream.delete(n);
            this.failTopic(t, withSymbol(err, t.symbol));
          }
        },
        status: (s) => this.events.emit('status', s),
        error: (e) => this.events.error(e),
      },
    );
    return ctx;
  }

  protected startTopic(topic: Topic): void {
    const market = topic.market as Market;
    const channel = channelOf(topic.kind, this.bookChannel, topic.timeframe);
    const name = streamName(channel, market.id);
    topic.stream = name;
    this.byStream.set(name, topic);
    const ctx = this.hubFor(name);
    if (topic.kind === 'orderbook') {
      this.createLiveBook(topic, {
        rule: bookRule,
        // the checksum is computed from the strings as received
        keepStrings: true,
        verify: this.verifyChecksums && this.bookChannel === 'books' ? verifyChecksum : undefined,
        // books: REST snapshots joined by seqId; books5 / bbo-tbt: every push is a snapshot
        fetchSnapshot: this.bookChannel === 'books' ? () => this.booksSnapshot(market) : undefined,
        resubscribe: () => ctx.hub.resubscribe(name),
      });
    }
    ctx.hub.add(name);
    topic.book?.started();
  }

  protected stopTopic(topic: Topic): void {
    const name = topic.stream;
    if (name === undefined) return;
    if (this.byStream.get(name) === topic) this.byStream.delete(name);
    const business = isBusinessChannel(name.slice(0, name.indexOf(':')));
    (business ? this.businessHub : this.publicHub)?.hub.remove(name);
  }

  /** Hot path: every frame of every socket. */
  private onFrame(ctx: HubContext, text: string, sock: HubSocket): void {
    // the keepalive answer is the bare text "pong", not JSON
    if (text === 'pong') return;
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.events.error(
        new BadResponse(`malformed frame ignored (not JSON): ${text.slice(0, 120)}`, { exchange: this.id, raw: text }),
      );
      return;
    }
    const c = classify(msg);
    switch (c.type) {
      case 'data': {
        const t = this.byStream.get(c.stream);
        if (t) this.deliver(t, c.action, c.data);
        return;
      }
      case 'ack': {
        if (c.id === undefined) return;
        const left = (ctx.expect.get(c.id) ?? 1) - 1;
        if (left > 0) {
          ctx.expect.set(c.id, left);
          return;
        }
        ctx.expect.delete(c.id);
        ctx.hub.ack(c.id, sock);
        return;
      }
      case 'error': {
        const what = (c.id !== undefined && ctx.hub.describe(c.id, sock)) || 'request';
        const err = okxError(c.code, c.msg, what, { raw: msg });
        if (c.id !== undefined) {
          ctx.expect.delete(c.id);
          if (ctx.hub.refuse(c.id, sock, err)) return;
        }
        this.events.error(err);
        return;
      }
      case 'notice':
        // 64008: "The connection will soon be closed for a service upgrade. Please reconnect."
        if (c.code === '64008') ctx.hub.reconnect(sock, `service upgrade announced (64008): ${c.msg}`);
        return;
      default:
        return;
    }
  }

  private deliver(t: Topic, action: 'snapshot' | 'update' | undefined, data: unknown[]): void {
    try {
      switch (t.kind) {
        case 'orderbook': {
          const lb = t.book;
          const d = data[0] as BookData | undefined;
          if (!lb || !d) return;
          // books: snapshot then updates; books5 / bbo-tbt: every push is a snapshot (no action)
          if (action === 'update') lb.onDelta(parseBookUpdate(d));
          else lb.onStreamSnapshot(parseBookSnapshot(d));
          return;
        }
        case 'ticker':
          for (const x of data) this.pushTicker(t, parseTicker(x as OkxTicker, t.symbol));
          return;
        case 'trades':
          if (data.length) this.pushTrades(t, data.map((x) => parseTrade(x as OkxTrade, t.symbol)));
          return;
        case 'ohlcv':
          for (const row of data) this.pushCandle(t, parseCandle(row as unknown[]));
          return;
      }
    } catch (err) {
      this.events.error(
        new BadResponse(`malformed ${t.stream ?? t.kind} push ignored: ${(err as Error).message}`, {
          exchange: this.id,
          symbol: t.symbol,
          raw: data,
        }),
      );
    }
  }

  protected async closeTransports(): Promise<void> {
    const hubs = [this.publicHub, this.businessHub];
    this.publicHub = this.businessHub = undefined;
    this.byStream.clear();
    await Promise.all(hubs.map((h) => h?.hub.close()));
    this.rest.close();
  }

  /** Number of sockets carrying market streams (for diagnostics and tests). */
  get streamSocketCount(): number {
    return (this.publicHub?.hub.socketCount ?? 0) + (this.businessHub?.hub.socketCount ?? 0);
  }
}

/** The same error, naming the symbol it concerns (refusals arrive before we know which topic). */
function withSymbol(err: BaseError, symbol: string): BaseError {
  if (err.symbol !== undefined) return err;
  const Cls = err.constructor as new (m: string, c: ConstructorParameters<typeof BaseError>[1]) => BaseError;
  const prefix = `${err.exchange}: `;
  const msg = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  return new Cls(msg, { exchange: err.exchange, symbol, code: err.code, raw: err.raw, status: err.status });
}
