/**
 * Binance Spot: public market data over WebSocket streams and REST.
 *
 * Books follow Binance's "How to manage a local order book correctly" (protocols.md §1): the
 * diff stream is buffered, a REST snapshot is fetched once the first event is in, events with
 * u <= lastUpdateId are dropped, the first applied event straddles lastUpdateId + 1, and any later
 * U != previous u + 1 triggers an in-place resync of that symbol only.
 */
import { AuthenticationError, BadResponse, BadRequest, ExchangeNotAvailable } from '../../core/errors';
import { Exchange } from '../../base/exchange';
import { STREAMED_MARKET_DATA } from '../../base/exchange-core';
import type { PrivateApi } from '../../base/trading';
import type { Topic } from '../../base/topic';
import type { ExchangeOptions, Market, OHLCV, OrderBookSnapshot, Ticker, Trade } from '../../core/types';
import { HubSocket, StreamHub } from '../../transport/stream-hub';
import { OrderBook } from '../../book/orderbook';
import { RateLimiter } from '../../transport/rate-limiter';
import { RestClient } from '../../transport/rest-client';
import { BinanceCredentials } from './auth';
import { binanceError, mapRestError } from './errors';
import { BinancePrivateSide, createPrivateSide, privateHas } from './private-side';
import { ExchangeInfo, parseMarkets } from './markets';
import {
  DepthSnapshotMsg,
  DepthUpdateMsg,
  KlineMsg,
  RestTicker,
  RestTrade,
  TIMEFRAMES,
  TickerMsg,
  TradeMsg,
  parseDepthSnapshot,
  parseDepthUpdate,
  parseKline,
  parseRestKline,
  parseRestTicker,
  parseRestTrade,
  parseTicker,
  parseTrade,
  depthRule,
} from './parse';
import { MAX_STREAMS_IN_URL, classify, encodeControl, rawKey, streamName } from './streams';
import { BINANCE_URLS, PATHS } from './urls';

/** Extra options understood by the Binance adapter. */
export interface BinanceOptions extends ExchangeOptions {
  /** Streams per socket before another socket is opened (Binance allows 1024). */
  streamsPerConnection?: number;
  /**
   * Use raw streams (`/ws` + SUBSCRIBE, unwrapped payloads routed by event type and symbol)
   * instead of combined streams (`/stream?streams=...`, the default).
   */
  rawStreams?: boolean;
  /** Orders over the WebSocket API (default true); false: over REST. */
  wsTrading?: boolean;
  /** recvWindow of signed requests (ms, default: Binance's 5000). */
  recvWindow?: number;
}

/** REST request weight of /api/v3/depth by limit (rest-api.md "Order book"). */
function depthWeight(limit: number): number {
  if (limit <= 100) return 5;
  if (limit <= 500) return 25;
  if (limit <= 1000) return 50;
  return 250;
}

/** Binance Spot. */
export class binance extends Exchange {
  private readonly rest: RestClient;
  private hub: StreamHub | undefined;
  /** Stream name -> topic, for routing combined-stream payloads. */
  private readonly byStream = new Map<string, Topic>();
  private readonly streamsPerConnection: number;
  private readonly rawStreams: boolean;
  /** The private side, created on first use (secrets stay in private fields). */
  #private: BinancePrivateSide | undefined;
  #warmed = false;

  constructor(options?: BinanceOptions) {
    super(options, {
      id: 'binance',
      name: 'Binance',
      urls: { ...BINANCE_URLS },
      has: {
        ...STREAMED_MARKET_DATA,
        ...privateHas(options?.wsTrading !== false),
      },
      timeframes: TIMEFRAMES,
    });
    this.streamsPerConnection = options?.streamsPerConnection ?? 1024;
    this.rawStreams = options?.rawStreams === true;
    this.rest = new RestClient({
      baseUrl: this.urls.rest as string,
      exchange: this.id,
      timeoutMs: this.timeoutMs,
      // REQUEST_WEIGHT 6000 per minute (exchangeInfo rateLimits)
      limiter: new RateLimiter({ capacity: 6000, intervalMs: 60_000 }),
      mapError: (status, body) => mapRestError(status, body, 'request'),
    });
  }

  // ---------------------------------------------------------------- private

  /** Loads markets; with credentials it also opens the WebSocket API and measures the clock, so the first order is fast. */
  override loadMarkets(reload = false): ReturnType<Exchange['loadMarkets']> {
    const p = super.loadMarkets(reload);
    if (!this.#warmed && this.options.apiKey && this.options.secret && !this.closed) {
      this.#warmed = true;
      p.then(
        () => {
          try {
            if (!this.closed) this.privateSide('warm up').adapter.warm();
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

  protected override privateApi(what: string): PrivateApi {
    return this.privateSide(what).api;
  }

  private privateSide(what: string): BinancePrivateSide {
    if (this.#private) return this.#private;
    if (this.closed) throw new ExchangeNotAvailable('exchange is closed', { exchange: this.id });
    const { apiKey, secret } = this.options;
    if (!apiKey || !secret) throw new AuthenticationError(`${what} needs apiKey and secret`, { exchange: this.id });
    const o = this.options as BinanceOptions;
    this.#private = createPrivateSide({
      session: {
        credentials: new BinanceCredentials(apiKey, secret),
        rest: this.rest,
        urls: this.urls,
        timeoutMs: this.timeoutMs,
        wsTrading: o.wsTrading !== false,
        recvWindow: o.recvWindow,
        connection: this.connectionOptions(),
        status: (s) => this.events.emit('status', s),
        error: (e) => this.events.error(e),
      },
      exchange: this,
      events: this.events,
    });
    return this.#private;
  }

  /** Transport options shared by every socket (market streams and the WebSocket API). */
  private connectionOptions() {
    const stale = this.options.staleTimeoutMs ?? 60_000;
    const rc = this.options.reconnect ?? {};
    return {
      exchange: this.id,
      connectTimeoutMs: this.timeoutMs,
      // The server pings every 20 s and ws answers them; our own ping (answered by any
      // server) keeps the stale check meaningful on quiet markets.
      pingIntervalMs: Math.max(1000, Math.min(20_000, Math.floor(stale / 3))),
      staleTimeoutMs: stale,
      backoff: { baseDelayMs: rc.baseDelayMs ?? 500, maxDelayMs: rc.maxDelayMs ?? 30_000 },
      maxAttempts: rc.maxAttempts ?? Infinity,
    };
  }

  // ---------------------------------------------------------------- REST

  protected async fetchMarkets(): Promise<Market[]> {
    const info = await this.rest.request<ExchangeInfo>('GET', PATHS.exchangeInfo, { weight: 20 });
    if (!info || !Array.isArray(info.symbols)) {
      throw new BadResponse('exchangeInfo reply has no symbols array', { exchange: this.id, raw: info });
    }
    return parseMarkets(info);
  }

  private async restDepth(market: Market, limit: number): Promise<DepthSnapshotMsg> {
    const snap = await this.rest.request<DepthSnapshotMsg>('GET', PATHS.depth, {
      query: { symbol: market.id, limit },
      weight: depthWeight(limit),
    });
    if (!snap || typeof snap.lastUpdateId !== 'number' || !Array.isArray(snap.bids) || !Array.isArray(snap.asks)) {
      throw new BadResponse('depth snapshot reply is malformed', { exchange: this.id, symbol: market.symbol, raw: snap });
    }
    return snap;
  }

  protected async restOrderBook(market: Market, limit?: number): Promise<OrderBookSnapshot> {
    const snap = parseDepthSnapshot(await this.restDepth(market, limit ?? 100));
    const book = new OrderBook(market.symbol);
    book.reset(snap, snap.nonce);
    return book.snapshot();
  }

  protected async restTicker(market: Market): Promise<Ticker> {
    const t = await this.rest.request<RestTicker>('GET', PATHS.ticker24hr, { query: { symbol: market.id }, weight: 2 });
    return parseRestTicker(t, market.symbol);
  }

  protected async restTickers(markets?: Market[]): Promise<Ticker[]> {
    const query = markets ? { symbols: JSON.stringify(markets.map((m) => m.id)) } : undefined;
    const list = await this.rest.request<RestTicker[]>('GET', PATHS.ticker24hr, { query, weight: markets ? 40 : 80 });
    const out: Ticker[] = [];
    for (const t of list) {
      const m = this.marketsById?.[t.symbol];
      if (m) out.push(parseRestTicker(t, m.symbol));
    }
    return out;
  }

  protected async restTrades(market: Market, since?: number, limit?: number): Promise<Trade[]> {
    const list = await this.rest.request<RestTrade[]>('GET', PATHS.trades, {
      query: { symbol: market.id, limit: Math.min(limit ?? 500, 1000) },
      weight: 25,
    });
    const trades = list.map((t) => parseRestTrade(t, market.symbol));
    return since === undefined ? trades : trades.filter((t) => (t.timestamp ?? 0) >= since);
  }

  protected async restOHLCV(market: Market, timeframe: string, since?: number, limit?: number): Promise<OHLCV[]> {
    const rows = await this.rest.request<unknown[][]>('GET', PATHS.klines, {
      query: { symbol: market.id, interval: timeframe, startTime: since, limit: Math.min(limit ?? 500, 1000) },
      weight: 2,
    });
    return rows.map(parseRestKline);
  }

  // ---------------------------------------------------------------- streams

  private streams(): StreamHub {
    if (this.hub) return this.hub;
    const base = this.urls.ws as string;
    this.hub = new StreamHub(
      {
        namesInUrl: (names) => (this.rawStreams ? [] : names.slice(0, MAX_STREAMS_IN_URL)),
        url: (names) =>
          this.rawStreams
            ? `${base}${PATHS.raw}`
            : names.length
              ? `${base}${PATHS.combined}?streams=${names.join('/')}`
              : `${base}${PATHS.combined}`,
        encodeSubscribe: (names, id) => encodeControl('SUBSCRIBE', names, id),
        encodeUnsubscribe: (names, id) => encodeControl('UNSUBSCRIBE', names, id),
        maxStreamsPerConnection: this.streamsPerConnection,
        maxNamesPerMessage: 200,
        // "WebSocket connections have a limit of 5 incoming messages per second"
        maxMessagesPerSecond: 5,
        connection: this.connectionOptions(),
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
            this.failTopic(t, err);
          }
        },
        status: (s) => this.events.emit('status', s),
        error: (e) => this.events.error(e),
      },
    );
    return this.hub;
  }

  protected startTopic(topic: Topic): void {
    const market = topic.market as Market;
    const name = streamName(topic.kind, market.id, topic.timeframe);
    topic.stream = name;
    this.byStream.set(name, topic);
    if (topic.kind === 'orderbook') {
      const limit = this.options.snapshotLimit ?? 5000;
      this.createLiveBook(topic, {
        rule: depthRule,
        fetchSnapshot: async () => parseDepthSnapshot(await this.restDepth(market, limit)),
      });
    }
    this.streams().add(name);
    topic.book?.started();
  }

  protected stopTopic(topic: Topic): void {
    const name = topic.stream;
    if (name === undefined) return;
    if (this.byStream.get(name) === topic) this.byStream.delete(name);
    this.hub?.remove(name);
  }

  /** Hot path: every frame of every market-stream socket. */
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
    const m = msg as { stream?: unknown; data?: unknown };
    if (typeof m.stream === 'string') {
      const t = this.byStream.get(m.stream);
      if (t) {
        this.deliver(t, m.data);
        return;
      }
    }
    const raw = this.byStream.get(rawKey(msg));
    if (raw) {
      this.deliver(raw, msg);
      return;
    }
    const c = classify(msg);
    switch (c.type) {
      case 'ack':
        this.hub?.ack(c.id, sock);
        return;
      case 'error': {
        const what = (c.id !== undefined && this.hub?.describe(c.id, sock)) || 'stream request';
        const err =
          c.code >= 0
            ? new BadRequest(`${what} refused: ${c.msg} (code ${c.code})`, { exchange: this.id, code: c.code, raw: msg })
            : binanceError(c.code, c.msg, what, { raw: msg });
        if (c.id === undefined || !this.hub?.refuse(c.id, sock, err)) this.events.error(err);
        return;
      }
      case 'shutdown':
        // announced before the 24 h cut: reconnect now, on our terms
        this.hub?.reconnect(sock, 'serverShutdown');
        return;
      default:
        return;
    }
  }

  private deliver(t: Topic, data: unknown): void {
    try {
      const d = data as { e?: string };
      switch (t.kind) {
        case 'orderbook': {
          const u = data as DepthUpdateMsg;
          if (typeof u.U !== 'number' || typeof u.u !== 'number' || !Array.isArray(u.b) || !Array.isArray(u.a)) {
            throw new Error('depthUpdate without numeric U/u or b/a arrays');
          }
          t.book?.onDelta(parseDepthUpdate(u));
          return;
        }
        case 'ticker':
          if (d.e !== '24hrTicker') throw new Error(`expected a 24hrTicker event, got ${String(d.e)}`);
          this.pushTicker(t, parseTicker(data as TickerMsg, t.symbol));
          return;
        case 'trades':
          if (d.e !== 'trade') throw new Error(`expected a trade event, got ${String(d.e)}`);
          this.pushTrades(t, [parseTrade(data as TradeMsg, t.symbol)]);
          return;
        case 'ohlcv':
          if (d.e !== 'kline') throw new Error(`expected a kline event, got ${String(d.e)}`);
          this.pushCandle(t, parseKline(data as KlineMsg));
          return;
      }
    } catch (err) {
      this.events.error(
        new BadResponse(`malformed ${t.stream ?? t.kind} payload ignored: ${(err as Error).message}`, {
          exchange: this.id,
          symbol: t.symbol,
          raw: data,
        }),
      );
    }
  }

  protected async closeTransports(): Promise<void> {
    const hub = this.hub;
    this.hub = undefined;
    this.byStream.clear();
    const priv = this.#private;
    priv?.api.close(new ExchangeNotAvailable('exchange closed', { exchange: this.id }));
    await Promise.all([hub?.close(), priv?.adapter.close()]);
    this.rest.close();
  }

  /** Number of sockets carrying market streams (for diagnostics and tests). */
  get streamSocketCount(): number {
    return this.hub?.socketCount ?? 0;
  }
}


