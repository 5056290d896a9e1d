/**
 * Bitfinex v2: public market data over WebSocket (api-pub.bitfinex.com/ws/2) and REST (/v2).
 *
 * Connection (protocols.md §6 "Connection events and control"): every socket first sends
 * `{"event":"conf","flags":196608}` — sequence numbers on every message (65536, SEQ_ALL) and book
 * checksums (131072, OB_CHECKSUM) — then one subscribe per channel with its request id as `subId`.
 * Data frames are routed by the `chanId` of the `subscribed` ack, per connection.
 *
 * Books: P0, F0, `len` from the callers' `limit` (watchOrderBook / fetchOrderBook): the smallest of
 * 25, 100 and 250 that covers the largest limit asked for that book (250 past that; 25 without a
 * limit), a larger limit later subscribing the channel again at the larger `len` (the book is
 * rebuilt from its snapshot); the `bookLength` option fixes `len` whatever the limit. The snapshot is the first
 * message of the channel; updates set a level (count > 0) or delete it (count 0); the amount's sign
 * is the side. After updates the server sends `[chanId,"cs",CHECKSUM,SEQ]`, the signed CRC-32 of
 * the top 25 levels interleaved (checksum.ts): a mismatch drops the book (never served or
 * emitted), emits 'resync' with reason 'checksum' and subscribes that channel again for a fresh
 * snapshot, in place. A skipped sequence number does the same with reason 'gap' (decode.ts).
 *
 * Limits: 25 channel subscriptions per connection (another socket opens for more); 20 connections
 * a minute on the public host — every socket of the process waits for a slot of one shared
 * sliding window per host (at most 20 handshakes in any minute), a socket's reconnect backoff starts at 3 s unless
 * the `reconnect` option says otherwise, and sockets open only as channels need them (25 each).
 */
import { BadResponse, BaseError } from '../../core/errors';
import type { MarketChannel } from '../../core/channels';
import type { ExchangeOptions, Market, OHLCV, OrderBookSnapshot, Ticker, Trade } from '../../core/types';
import { prevIdRule, SequenceRule } from '../../book/sync';
import type { BookDelta } from '../../book/types';
import { connectionGate, declareConnectionBudget } from '../../transport/connection-budget';
import { RateLimiter } from '../../transport/rate-limiter';
import { RestClient } from '../../transport/rest-client';
import type { ConnectionState } from '../../transport/stream-hub';
import { AdapterContext, AdapterInstance, BookSpec, ExchangeAdapter, FrameSink, PrivateSide, restBookCopy, STREAMED_MARKET_DATA, StreamFamily } from '../adapter';
import { BitfinexCredentials } from './auth';
import { BitfinexPrivate } from './private';
import { verifyChecksum } from './checksum';
import { decodeFrame } from './decode';
import { mapRestError } from './errors';
import { PairInfo, parseMarkets } from './markets';
import { TIMEFRAMES, TIMEFRAME_KEY, parseCandle, parseRestBook, parseTicker, parseTrade } from './parse';
import { BOOK_LENGTHS, BookLength, encodeConf, encodePing, encodeSubscribe, encodeUnsubscribe, newConnection, streamName } from './streams';
import { BITFINEX_URLS, PATHS } from './urls';

/** Extra options understood by the Bitfinex adapter. */
export interface BitfinexOptions extends ExchangeOptions {
  /**
   * `len` of streamed books: 25, 100 or 250 levels a side, whatever the callers' `limit` (default:
   * from the limit, see the file comment; the checksum covers the top 25 either way).
   */
  bookLength?: 25 | 100 | 250;
  /** Ask for and validate book checksums (default true; turning it off is for diagnostics only). */
  verifyChecksums?: boolean;
  /**
   * Authenticate the account socket with `dms: 4` (default false): Bitfinex cancels every order of
   * the key when that socket drops.
   */
  deadManSwitch?: boolean;
}

/** What the private side offers: streamed state, orders over the account socket. */
const PRIVATE_HAS: Record<string, 'ws' | 'rest'> = {
  createOrder: 'ws',
  cancelOrder: 'ws',
  editOrder: 'ws',
  cancelAllOrders: 'ws',
  fetchBalance: 'ws',
  fetchBalances: 'ws',
  fetchOpenOrders: 'ws',
  fetchOrders: 'ws',
  fetchClosedOrders: 'ws',
  fetchMyTrades: 'ws',
  fetchOrder: 'rest',
  fetchTransactions: 'rest',
  fetchDeposits: 'rest',
  fetchWithdrawals: 'rest',
};

/**
 * Book sequence rule: each book message names the sequence number of that book's previous message
 * (`prev`), its own is `last`. After a connection-wide skip, the decoder sends an empty delta with
 * prev -1 covering the missing numbers (`first`..`last`-1).
 */
export const bitfinexBookRule: SequenceRule = {
  ...prevIdRule,
  name: 'bitfinexSeq',
  // a book channel starts with its snapshot: nothing sent before it can be joined
  bufferWhileWaiting: false,
  describe(nonce: number, d: BookDelta): string {
    return d.prev === -1
      ? `sequence number ${d.first}${d.last - 1 > d.first ? `..${d.last - 1}` : ''} skipped on the connection (next was ${d.last}); this book's last message was #${nonce}`
      : `message #${d.last} follows #${String(d.prev)}, this book's last message was #${nonce}`;
  },
};

/**
 * Waits for a connection slot of `url`'s host: the process-wide budget of 20 connections in any
 * minute that the adapter declares for its public host (every socket passes it before its
 * handshake by itself; this is for callers that open connections of their own).
 */
export function bitfinexConnectGate(url: string): Promise<void> {
  declareConnectionBudget([url], BITFINEX_PUBLIC_BUDGET, 'bitfinex 20 connections per 60 s');
  const gate = connectionGate(url)!;
  if (gate.tryPass()) return Promise.resolve();
  return new Promise<void>((resolve) => gate.wait(resolve));
}

/** "20 connections per minute" on the public host (protocols.md §6 "Limits"), per IP. */
const BITFINEX_PUBLIC_BUDGET = { limit: 20, windowMs: 60_000 };

/** Bitfinex. */
export const bitfinexAdapter: ExchangeAdapter<BitfinexOptions> = {
  id: 'bitfinex',
  name: 'Bitfinex',
  urls: BITFINEX_URLS,
  // "20 connections per minute" on the public host (protocols.md §6 "Limits"), per IP
  connectionBudgets: [{ urls: ['ws'], ...BITFINEX_PUBLIC_BUDGET }],
  timeframes: TIMEFRAMES,
  has: () => ({ ...STREAMED_MARKET_DATA, ...PRIVATE_HAS }),
  create: (ctx) => new BitfinexInstance(ctx),
};

class BitfinexInstance implements AdapterInstance {
  readonly families: Record<string, StreamFamily>;
  private readonly rest: RestClient;
  /** The `bookLength` option, or undefined: `len` from the callers' limit. */
  private readonly bookLength: BookLength | undefined;
  /** Book stream -> the `len` its next subscribe asks for (set through `streamName`). */
  private readonly lens = new Map<string, BookLength>();
  private readonly verifyChecksums: boolean;
  /** App ping cids, far above request ids (a pong answers both kinds). */
  private pingCid = 1_000_000_000;

  constructor(private readonly ctx: AdapterContext & { readonly options: BitfinexOptions }) {
    const o = ctx.options;
    const len = o.bookLength;
    if (len !== undefined && (!(BOOK_LENGTHS as readonly number[]).includes(len) || (len as number) === 1)) {
      throw new BaseError(`bookLength must be 25, 100 or 250, got ${String(len)}`, { exchange: 'bitfinex' });
    }
    this.bookLength = len;
    this.verifyChecksums = o.verifyChecksums !== false;
    this.rest = new RestClient({
      baseUrl: ctx.urls.rest as string,
      exchange: ctx.id,
      timeoutMs: ctx.timeoutMs,
      // public REST limits are per endpoint, 10 to 90 requests a minute per IP (trades 15/min,
      // candles 30/min, book and ticker 90/min): pace at 30 a minute with bursts of 10
      limiter: new RateLimiter({ capacity: 10, intervalMs: 20_000 }),
      mapError: (status, body) => mapRestError(status, body, 'request'),
      // parameter errors come as HTTP 500 with ["error", CODE, "text"]
      mapServerErrors: true,
    });
    const checksums = this.verifyChecksums;
    this.families = {
      public: {
        url: () => `${ctx.urls.ws as string}${PATHS.ws}`,
        greeting: () => [encodeConf(checksums)],
        encodeSubscribe: (names, id, state: ConnectionState) => encodeSubscribe(names[0], id, state.get(newConnection), this.lens.get(names[0]) ?? this.bookLength ?? 25),
        encodeUnsubscribe: (names, id, state: ConnectionState) => encodeUnsubscribe(names[0], id, state.get(newConnection)),
        // "25 channel subscriptions per connection" (protocols.md §6 "Limits")
        maxStreamsPerConnection: 25,
        // one stream a request: each ack / refusal names exactly one
        maxNamesPerMessage: 1,
        // an unsubscribe names the chanId of the `subscribed` ack: a channel dropped before its ack
        // is unsubscribed when the ack comes, never left open on the server
        unsubscribeAfterAck: true,
        // no published inbound message rate for the public socket: stay modest
        maxMessagesPerSecond: 10,
        // heartbeats `[chanId,"hb"]` every 15 s per channel (UNCONFIRMED interval), app pings between
        staleTimeoutMs: 30_000,
        appPing: () => encodePing(++this.pingCid),
        // 20 connections a minute on the public host: every socket waits for a slot of the
        // declared budget (connectionBudgets), and a socket's reconnects start at 3 s (60 s / 20)
        reconnectDelayMs: 3000,
      },
    };
  }

  // ---------------------------------------------------------------- REST

  private async get<T>(path: string, query: Record<string, string | number | undefined>, symbol?: string): Promise<T> {
    const body = await this.rest.request<unknown>('GET', path, { query });
    if (Array.isArray(body) && body[0] === 'error') {
      throw mapRestError(200, body, `GET ${path}`) ?? new BadResponse(`GET ${path}: error reply`, { exchange: this.ctx.id, symbol, raw: body });
    }
    if (!Array.isArray(body)) throw new BadResponse(`GET ${path}: reply is not an array`, { exchange: this.ctx.id, symbol, raw: body });
    return body as T;
  }

  async fetchMarkets(): Promise<Market[]> {
    const [list, info] = await Promise.all([this.get<string[][]>(PATHS.pairList, {}), this.get<PairInfo[][]>(PATHS.pairInfo, {})]);
    return parseMarkets(list[0] ?? [], info[0] ?? []);
  }

  async restOrderBook(market: Market, limit?: number): Promise<OrderBookSnapshot> {
    // len: 1, 25 or 100
    const len = limit === undefined || limit > 25 ? 100 : limit > 1 ? 25 : 1;
    const rows = await this.get<unknown[]>(`${PATHS.book}/${market.id}/P0`, { len }, market.symbol);
    let sides;
    try {
      sides = parseRestBook(rows);
    } catch (err) {
      throw new BadResponse(`book reply: ${(err as Error).message}`, { exchange: this.ctx.id, symbol: market.symbol, raw: rows });
    }
    return restBookCopy(market.symbol, { nonce: 0, bids: sides.bids, asks: sides.asks }, limit);
  }

  async restTicker(market: Market): Promise<Ticker> {
    const t = await this.get<unknown[]>(`${PATHS.ticker}/${market.id}`, {}, market.symbol);
    return parseTicker(t, market.symbol);
  }

  async restTickers(markets?: Market[]): Promise<Ticker[]> {
    const symbols = markets ? markets.map((m) => m.id).join(',') : 'ALL';
    const rows = await this.get<unknown[][]>(PATHS.tickers, { symbols });
    const out: Ticker[] = [];
    for (const r of rows) {
      if (!Array.isArray(r) || typeof r[0] !== 'string') continue;
      const m = this.ctx.marketById(r[0]);
      // funding tickers (`f...`) have another layout and no market
      if (m) out.push(parseTicker(r.slice(1), m.symbol));
    }
    return out;
  }

  async restTrades(market: Market, since?: number, limit?: number): Promise<Trade[]> {
    const rows = await this.get<unknown[]>(
      `${PATHS.trades}/${market.id}/hist`,
      { limit: Math.min(limit ?? 125, 10000), start: since, sort: since === undefined ? -1 : 1 },
      market.symbol,
    );
    const trades = rows.map((r) => parseTrade(r, market.symbol));
    trades.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0) || +(a.id ?? 0) - +(b.id ?? 0));
    return limit !== undefined && trades.length > limit ? trades.slice(trades.length - limit) : trades;
  }

  async restOHLCV(market: Market, timeframe: string, since?: number, limit?: number): Promise<OHLCV[]> {
    const key = `trade:${TIMEFRAME_KEY[timeframe] ?? timeframe}:${market.id}`;
    const rows = await this.get<unknown[]>(
      `${PATHS.candles}/${key}/hist`,
      { limit: Math.min(limit ?? 100, 10000), start: since, sort: since === undefined ? -1 : 1 },
      market.symbol,
    );
    const candles = rows.map(parseCandle).sort((a, b) => a[0] - b[0]);
    return limit !== undefined && candles.length > limit ? candles.slice(candles.length - limit) : candles;
  }

  // ---------------------------------------------------------------- streams

  streamName(kind: MarketChannel, market: Market, timeframe?: string, depth?: number): string {
    const name = streamName(kind, market.id, timeframe === undefined ? undefined : TIMEFRAME_KEY[timeframe] ?? timeframe);
    // `len` is not part of the channel's identity (one book channel a symbol): remember it for the
    // next subscribe of this stream
    if (kind === 'orderbook' && depth !== undefined) this.lens.set(name, depth as BookLength);
    return name;
  }

  /** `len` for a book whose users asked for at most `limit` levels a side (the `bookLength` option fixes it). */
  bookDepthFor(limit: number | undefined): BookLength {
    if (this.bookLength !== undefined) return this.bookLength;
    if (limit === undefined || limit <= 25) return 25;
    return limit <= 100 ? 100 : 250;
  }

  familyOf(): string {
    return 'public';
  }

  decode(text: string, sink: FrameSink): void {
    decodeFrame(text, sink);
  }

  book(): BookSpec {
    return {
      rule: bitfinexBookRule,
      keepStrings: true,
      // no truncation: the server keeps the client's book at `len` levels itself (a level leaving
      // the window is deleted with count 0), one level a frame — truncating after each frame would
      // cut a level that a later frame of the same change brings back into range
      verify: this.verifyChecksums ? verifyChecksum : undefined,
    };
  }

  privateSide(): PrivateSide {
    const ctx = this.ctx;
    const o = ctx.options;
    const rest = new RestClient({
      baseUrl: (ctx.urls.restPrivate ?? ctx.urls.rest) as string,
      exchange: ctx.id,
      timeoutMs: ctx.timeoutMs,
      // authenticated endpoints: 90 requests a minute for most (order writes: 90 a minute too)
      limiter: new RateLimiter({ capacity: 30, intervalMs: 20_000 }),
      mapError: (status, body) => mapRestError(status, body, 'request'),
      mapServerErrors: true,
    });
    const adapter = new BitfinexPrivate({
      credentials: new BitfinexCredentials(o.apiKey as string, o.secret as string),
      rest,
      wsUrl: (ctx.urls.wsPrivate ?? ctx.urls.ws) as string,
      // the account socket gets `[0,"hb"]` heartbeats; pings keep a quiet one provably alive
      connection: ctx.connection({ staleTimeoutMs: 30_000, appPing: () => encodePing(++this.pingCid), reconnectDelayMs: 3000 }),
      timeoutMs: ctx.timeoutMs,
      deadManSwitch: o.deadManSwitch === true,
      market: (symbol) => ctx.market(symbol),
      marketById: (id) => ctx.marketById(id),
      error: (e) => ctx.error(e),
      status: (st) => ctx.status(st),
    });
    return {
      adapter,
      warm: () => adapter.warm(),
      close: async () => {
        await adapter.close();
        rest.close();
      },
    };
  }

  close(): void {
    this.rest.close();
  }
}
