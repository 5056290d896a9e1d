/**
 * Kraken Spot: public market data over WebSocket API v2 and REST.
 *
 * Books follow Kraken's "Spot Websockets (v2) Book Checksum" guide (protocols.md §2 "Book channel"):
 * the stream sends the snapshot itself; every message's levels are applied in order (qty 0
 * deletes), the book is truncated to the subscribed depth, and the CRC-32 of the top 10 levels,
 * rendered at the pair's precision, must equal the message's `checksum`. There are no sequence
 * numbers, so the checksum is the only loss detector: on a mismatch the book is dropped (never
 * served or emitted), 'resync' is emitted with reason 'checksum', and that symbol alone is
 * unsubscribed and subscribed again for a fresh snapshot.
 */
import { BadResponse, BaseError, ChecksumError } from '../../core/errors';
import { Exchange } from '../../base/exchange';
import { STREAMED_MARKET_DATA } from '../../base/exchange-core';
import { HubSocket, StreamHub } from '../../transport/stream-hub';
import type { Topic } from '../../base/topic';
import type { ExchangeOptions, Market, OHLCV, OrderBookSnapshot, Ticker, Trade } from '../../core/types';
import { OrderBook } from '../../book/orderbook';
import { noSequenceRule } from '../../book/sync';
import type { BookDelta, BookSnapshot } from '../../book/types';
import { RateLimiter } from '../../transport/rate-limiter';
import { RestClient } from '../../transport/rest-client';
import { checksumVerifier } from './checksum';
import { krakenError, mapRestError } from './errors';
import { AssetPair, pairPrecision, parseMarkets } from './markets';
import {
  RestDepth,
  RestEnvelope,
  RestTicker,
  RestTrade,
  TIMEFRAMES,
  TIMEFRAME_MINUTES,
  V2Book,
  V2Candle,
  V2Ticker,
  V2Trade,
  pairEntry,
  parseBookSnapshot,
  parseBookUpdate,
  parseCandle,
  parseRestCandle,
  parseRestDepth,
  parseRestTicker,
  parseRestTrade,
  parseTicker,
  parseTrade,
} from './parse';
import { BOOK_DEPTHS, BookDepth, classify, dataStreamName, encodePing, encodeRequest, streamName } from './streams';
import { KRAKEN_URLS, PATHS } from './urls';

/** Extra options understood by the Kraken adapter. */
export interface KrakenOptions extends ExchangeOptions {
  /** Depth of streamed books: 10, 25, 100, 500 or 1000 levels a side (default 100). */
  bookDepth?: BookDepth;
  /** Validate every book message's checksum (default true; turning it off is for diagnostics only). */
  verifyChecksums?: boolean;
  /** Streams per socket before another socket is opened (default 200). */
  streamsPerConnection?: number;
}

/** Kraken Spot. */
export class kraken extends Exchange {
  private readonly rest: RestClient;
  private hub: StreamHub | undefined;
  /** Stream name -> topic, for routing channel data. */
  private readonly byStream = new Map<string, Topic>();
  private readonly bookDepth: BookDepth;
  private readonly verifyChecksums: boolean;
  private readonly streamsPerConnection: number;
  private pingId = 0;

  constructor(options?: KrakenOptions) {
    super(options, {
      id: 'kraken',
      name: 'Kraken',
      urls: { ...KRAKEN_URLS },
      has: {
        ...STREAMED_MARKET_DATA,
        createOrder: false,
        cancelOrder: false,
        fetchBalance: false,
      },
      timeframes: TIMEFRAMES,
    });
    const depth = options?.bookDepth ?? 100;
    if (!(BOOK_DEPTHS as readonly number[]).includes(depth)) {
      throw new BaseError(`bookDepth must be one of ${BOOK_DEPTHS.join(', ')}, got ${String(depth)}`, { exchange: 'kraken' });
    }
    this.bookDepth = depth;
    this.verifyChecksums = options?.verifyChecksums !== false;
    this.streamsPerConnection = options?.streamsPerConnection ?? 200;
    this.rest = new RestClient({
      baseUrl: this.urls.rest as string,
      exchange: this.id,
      timeoutMs: this.timeoutMs,
      // public endpoints: roughly one call a second sustained, short bursts allowed (UNCONFIRMED
      // officially; Kraken throttles per IP and answers EAPI:Rate limit exceeded)
      limiter: new RateLimiter({ capacity: 15, intervalMs: 15_000 }),
      mapError: (status, body) => mapRestError(status, body, 'request'),
    });
  }

  // ---------------------------------------------------------------- REST

  /** GET a public endpoint; unwraps `{error, result}` and maps a non-empty `error` to a typed error. */
  private async publicGet<T>(path: string, query: Record<string, string | number | undefined>, symbol?: string): Promise<T> {
    const env = await this.rest.request<RestEnvelope<T>>('GET', path, { query });
    if (!env || typeof env !== 'object') {
      throw new BadResponse(`GET ${path}: reply is not a Kraken envelope`, { exchange: this.id, symbol, raw: env });
    }
    if (Array.isArray(env.error) && env.error.length > 0) {
      throw krakenError(String(env.error[0]), `GET ${path}`, { symbol, raw: env });
    }
    if (env.result === undefined) {
      throw new BadResponse(`GET ${path}: reply has no result`, { exchange: this.id, symbol, raw: env });
    }
    return env.result;
  }

  protected async fetchMarkets(): Promise<Market[]> {
    const result = await this.publicGet<Record<string, AssetPair>>(PATHS.assetPairs, {});
    return parseMarkets(result);
  }

  private async restDepth(market: Market, count: number): Promise<RestDepth> {
    const result = await this.publicGet<Record<string, unknown>>(PATHS.depth, { pair: market.id, count }, market.symbol);
    const d = pairEntry<RestDepth>(result, market.id);
    if (!d) throw new BadResponse('Depth reply has no entry for the pair', { exchange: this.id, symbol: market.symbol, raw: result });
    return d;
  }

  protected async restOrderBook(market: Market, limit?: number): Promise<OrderBookSnapshot> {
    // Depth: count 1..500
    const snap = parseRestDepth(await this.restDepth(market, Math.max(1, Math.min(500, limit ?? 100))));
    const book = new OrderBook(market.symbol);
    // REST depth has no sequence number: the copy carries none
    book.reset({ bids: snap.bids, asks: snap.asks });
    return limit ? book.limit(limit) : book.snapshot();
  }

  protected async restTicker(market: Market): Promise<Ticker> {
    const result = await this.publicGet<Record<string, unknown>>(PATHS.ticker, { pair: market.id }, market.symbol);
    const t = pairEntry<RestTicker>(result, market.id);
    if (!t) throw new BadResponse('Ticker reply has no entry for the pair', { exchange: this.id, symbol: market.symbol, raw: result });
    return parseRestTicker(t, market.symbol);
  }

  protected async restTickers(markets?: Market[]): Promise<Ticker[]> {
    const query = markets ? { pair: markets.map((m) => m.id).join(',') } : {};
    const result = await this.publicGet<Record<string, RestTicker>>(PATHS.ticker, query);
    const out: Ticker[] = [];
    for (const [key, t] of Object.entries(result)) {
      const m = this.marketsById?.[key] ?? Object.values(this.markets ?? {}).find((x) => (x.info as AssetPair).altname === key);
      if (m) out.push(parseRestTicker(t, m.symbol));
    }
    return out;
  }

  protected async restTrades(market: Market, since?: number, limit?: number): Promise<Trade[]> {
    const result = await this.publicGet<Record<string, unknown>>(
      PATHS.trades,
      { pair: market.id, since: since === undefined ? undefined : Math.floor(since / 1000), count: Math.min(limit ?? 1000, 1000) },
      market.symbol,
    );
    const rows = pairEntry<RestTrade[]>(result, market.id) ?? [];
    let trades = rows.map((r) => parseRestTrade(r, market.symbol));
    if (since !== undefined) trades = trades.filter((t) => (t.timestamp ?? 0) >= since);
    if (limit !== undefined && trades.length > limit) trades = trades.slice(trades.length - limit);
    return trades;
  }

  protected async restOHLCV(market: Market, timeframe: string, since?: number, limit?: number): Promise<OHLCV[]> {
    const result = await this.publicGet<Record<string, unknown>>(
      PATHS.ohlc,
      { pair: market.id, interval: TIMEFRAME_MINUTES[timeframe], since: since === undefined ? undefined : Math.floor(since / 1000) },
      market.symbol,
    );
    const rows = pairEntry<unknown[][]>(result, market.id) ?? [];
    let candles = rows.map(parseRestCandle);
    if (since !== undefined) candles = candles.filter((c) => c[0] >= since);
    if (limit !== undefined && candles.length > limit) candles = candles.slice(candles.length - limit);
    return candles;
  }

  // ---------------------------------------------------------------- streams

  private streams(): StreamHub {
    if (this.hub) return this.hub;
    const url = `${this.urls.ws as string}${PATHS.ws}`;
    const stale = this.options.staleTimeoutMs ?? 60_000;
    const rc = this.options.reconnect ?? {};
    const depth = this.bookDepth;
    this.hub = new StreamHub(
      {
        namesInUrl: () => [],
        url: () => url,
        // one symbol per request, so each ack / refusal names exactly one stream
        encodeSubscribe: (names, id) => encodeRequest('subscribe', names, id, depth),
        encodeUnsubscribe: (names, id) => encodeRequest('unsubscribe', names, id, depth),
        maxStreamsPerConnection: this.streamsPerConnection,
        maxNamesPerMessage: 1,
        // Kraken's message rate limit is dynamic and unpublished ("Exceeded msg rate"): stay modest
        maxMessagesPerSecond: 20,
        connection: {
          exchange: this.id,
          connectTimeoutMs: this.timeoutMs,
          // The server sends {"channel":"heartbeat"} about once a second while subscribed; our own
          // {"method":"ping"} keeps the stale check meaningful before the first subscription.
          pingIntervalMs: Math.max(1000, Math.min(20_000, Math.floor(stale / 3))),
          appPing: () => encodePing(++this.pingId),
          staleTimeoutMs: stale,
          backoff: { baseDelayMs: rc.baseDelayMs ?? 500, maxDelayMs: rc.maxDelayMs ?? 30_000 },
          maxAttempts: rc.maxAttempts ?? Infinity,
        },
      },
      {
        frame: (text, sock) => this.onFrame(text, sock),
        interrupted: (names, reason) => {
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
    return this.hub;
  }

  /** The v2 WebSocket symbol of a market: the unified symbol (ISO asset names). */
  private wsSymbol(market: Market): string {
    return market.symbol;
  }

  protected startTopic(topic: Topic): void {
    const market = topic.market as Market;
    const interval = topic.timeframe === undefined ? undefined : TIMEFRAME_MINUTES[topic.timeframe];
    const name = streamName(topic.kind, this.wsSymbol(market), interval);
    topic.stream = name;
    this.byStream.set(name, topic);
    if (topic.kind === 'orderbook') {
      this.createLiveBook(topic, {
        rule: noSequenceRule,
        maxDepth: this.bookDepth,
        verify: this.verifyChecksums ? this.bookVerifier(market) : undefined,
        resubscribe: () => this.hub?.resubscribe(name),
      });
    }
    this.streams().add(name);
  }

  /**
   * The checksum check of a market's book. A fresh snapshot that fails it means the local rendering
   * is wrong (the pair's precision changed since the markets were loaded), not a lost message: that
   * is reported once on 'error' (the resync still goes on; loadMarkets(true) picks up the new
   * precision for books started afterwards).
   */
  private bookVerifier(market: Market): (book: OrderBook, d: BookDelta | BookSnapshot) => string | undefined {
    const precision = pairPrecision(market);
    const check = checksumVerifier(precision);
    let reported = false;
    return (book, d) => {
      const bad = check(book, d);
      const snapshot = !('last' in d);
      if (snapshot && bad === undefined) reported = false;
      if (snapshot && bad !== undefined && !reported) {
        reported = true;
        this.events.error(
          new ChecksumError(
            `a fresh book snapshot failed its checksum (${bad}) rendered at ${precision.price} price / ${precision.qty} qty decimals: has the pair's precision changed?`,
            { exchange: this.id, symbol: market.symbol },
          ),
        );
      }
      return bad;
    };
  }

  protected stopTopic(topic: Topic): void {
    const name = topic.stream;
    if (name === undefined) return;
    if (this.byStream.get(name) === topic) this.byStream.delete(name);
    this.hub?.remove(name);
  }

  /** Hot path: every frame of every public socket. */
  private onFrame(text: string, sock: HubSocket): void {
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
      case 'data':
        this.deliver(c.channel, c.kind, c.data);
        return;
      case 'ack':
        if (c.reqId !== undefined) this.hub?.ack(c.reqId, sock);
        return;
      case 'error': {
        const what = (c.reqId !== undefined && this.hub?.describe(c.reqId, sock)) || `${c.method ?? 'request'}`;
        const err = krakenError(c.error, what, { raw: msg });
        if (c.reqId !== undefined && this.hub?.refuse(c.reqId, sock, err)) return;
        this.events.error(err);
        return;
      }
      default:
        // heartbeat, pong, status: life signs only (any frame refreshes the stale timer)
        return;
    }
  }

  private deliver(channel: string, kind: 'snapshot' | 'update', data: unknown[]): void {
    // one message may batch several trades: each symbol's trades go out as one batch, in order
    let trades: Map<Topic, Trade[]> | undefined;
    for (const item of data) {
      const el = item as { symbol?: unknown; interval?: unknown };
      if (typeof el !== 'object' || el === null || typeof el.symbol !== 'string') {
        this.events.error(
          new BadResponse(`malformed ${channel} element ignored (no symbol)`, { exchange: this.id, raw: item }),
        );
        continue;
      }
      const t = this.byStream.get(dataStreamName(channel, el.symbol, typeof el.interval === 'number' ? el.interval : undefined));
      if (!t) continue;
      try {
        switch (channel) {
          case 'book': {
            const lb = t.book;
            if (!lb) break;
            if (kind === 'snapshot') lb.onStreamSnapshot(parseBookSnapshot(item as V2Book, 0));
            else lb.onDelta(parseBookUpdate(item as V2Book, (lb.book.nonce ?? 0) + 1));
            break;
          }
          case 'ticker':
            this.pushTicker(t, parseTicker(item as V2Ticker, t.symbol));
            break;
          case 'trade': {
            trades ??= new Map();
            const list = trades.get(t);
            if (list) list.push(parseTrade(item as V2Trade, t.symbol));
            else trades.set(t, [parseTrade(item as V2Trade, t.symbol)]);
            break;
          }
          case 'ohlc':
            this.pushCandle(t, parseCandle(item as V2Candle));
            break;
          default:
            break;
        }
      } catch (err) {
        this.events.error(
          new BadResponse(`malformed ${channel} payload ignored: ${(err as Error).message}`, {
            exchange: this.id,
            symbol: t.symbol,
            raw: item,
          }),
        );
      }
    }
    if (trades) for (const [t, list] of trades) this.pushTrades(t, list);
  }

  protected async closeTransports(): Promise<void> {
    const hub = this.hub;
    this.hub = undefined;
    this.byStream.clear();
    await hub?.close();
    this.rest.close();
  }

  /** Number of sockets carrying market streams (for diagnostics and tests). */
  get streamSocketCount(): number {
    return this.hub?.socketCount ?? 0;
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
