/**
 * Binance Spot: market data over WebSocket streams and REST; private data and trading over the
 * WebSocket API (REST where it is unreachable or turned off).
 *
 * Books follow Binance's "How to manage a local order book correctly" (protocols.md §1): the
 * diff stream is buffered, a REST snapshot is fetched once the first event is in, events with
 * u <= lastUpdateId are dropped, the first applied event straddles lastUpdateId + 1, and any later
 * U != previous u + 1 triggers an in-place resync of that symbol only.
 */
import { BadResponse } from '../../core/errors';
import type { MarketChannel } from '../../core/channels';
import type { ExchangeOptions, Market, OHLCV, OrderBookSnapshot, Ticker, Trade } from '../../core/types';
import { RateLimiter } from '../../transport/rate-limiter';
import { RestClient } from '../../transport/rest-client';
import { AdapterContext, AdapterInstance, BookSpec, ExchangeAdapter, FrameSink, restBookCopy, PrivateSide, STREAMED_MARKET_DATA, StreamFamily, privateCapabilities } from '../adapter';
import { BinanceCredentials } from './auth';
import { decodeFrame } from './decode';
import { DepthScan, decodeDepthBytes } from './scan';
import { mapRestError } from './errors';
import { ExchangeInfo, parseMarkets } from './markets';
import {
  DepthSnapshotMsg,
  RestTicker,
  RestTrade,
  TIMEFRAMES,
  depthRule,
  parseDepthSnapshot,
  parseRestKline,
  parseRestTicker,
  parseRestTrade,
} from './parse';
import { BinancePrivate } from './private';
import { BinanceSession } from './session';
import { MAX_STREAMS_IN_URL, encodeControl, streamName } from './streams';
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

/** The server pings every 20 s and ws answers them; a link silent for 30 s is stale (DESIGN.md §3: a half-dead link is noticed within 30 s; our pings every 10 s keep a quiet one provably alive). */
const STALE_MS = 30_000;

/** Binance Spot. */
export const binanceAdapter: ExchangeAdapter<BinanceOptions> = {
  id: 'binance',
  name: 'Binance',
  urls: BINANCE_URLS,
  // "300 connections per attempt every 5 minutes per IP", on the market streams
  // (web-socket-streams.md "WebSocket Limits") and on the WebSocket API (web-socket-api.md
  // "Connection limits"), each counted on its own
  connectionBudgets: [
    { urls: ['ws'], limit: 300, windowMs: 5 * 60_000 },
    { urls: ['wsApi'], limit: 300, windowMs: 5 * 60_000 },
  ],
  timeframes: TIMEFRAMES,
  has: (o) => ({ ...STREAMED_MARKET_DATA, ...privateCapabilities({ trading: o.wsTrading !== false ? 'ws' : 'rest', transactions: 'rest', withdraw: false }) }),
  create: (ctx) => new BinanceInstance(ctx),
};

class BinanceInstance implements AdapterInstance {
  readonly families: Record<string, StreamFamily>;
  private readonly rest: RestClient;
  /** The depthUpdate byte scanner and its reused level buffers (decoding is synchronous: one is enough). */
  private readonly depthScan = new DepthScan();

  constructor(private readonly ctx: AdapterContext & { readonly options: BinanceOptions }) {
    const o = ctx.options;
    this.rest = new RestClient({
      baseUrl: ctx.urls.rest as string,
      exchange: ctx.id,
      timeoutMs: ctx.timeoutMs,
      // REQUEST_WEIGHT 6000 per minute (exchangeInfo rateLimits), counted per clock minute, and
      // every reply says what the IP has used of it (rest-api.md "LIMITS": X-MBX-USED-WEIGHT-1M)
      limiter: new RateLimiter({ capacity: 6000, intervalMs: 60_000, window: 'fixed' }),
      usedWeightHeader: 'x-mbx-used-weight-1m',
      mapError: (status, body) => mapRestError(status, body, 'request'),
    });
    const base = ctx.urls.ws as string;
    const raw = o.rawStreams === true;
    this.families = {
      market: {
        namesInUrl: (names) => (raw ? [] : names.slice(0, MAX_STREAMS_IN_URL)),
        url: (names) => (raw ? `${base}${PATHS.raw}` : names.length ? `${base}${PATHS.combined}?streams=${names.join('/')}` : `${base}${PATHS.combined}`),
        encodeSubscribe: (names, id) => encodeControl('SUBSCRIBE', names, id),
        encodeUnsubscribe: (names, id) => encodeControl('UNSUBSCRIBE', names, id),
        maxStreamsPerConnection: o.streamsPerConnection ?? 1024,
        maxNamesPerMessage: 200,
        // "WebSocket connections have a limit of 5 incoming messages per second"
        maxMessagesPerSecond: 5,
        staleTimeoutMs: STALE_MS,
      },
    };
  }

  // ---------------------------------------------------------------- REST

  async fetchMarkets(): Promise<Market[]> {
    const info = await this.rest.request<ExchangeInfo>('GET', PATHS.exchangeInfo, { weight: 20 });
    if (!info || !Array.isArray(info.symbols)) {
      throw new BadResponse('exchangeInfo reply has no symbols array', { exchange: this.ctx.id, raw: info });
    }
    return parseMarkets(info);
  }

  private async restDepth(market: Market, limit: number): Promise<DepthSnapshotMsg> {
    const snap = await this.rest.request<DepthSnapshotMsg>('GET', PATHS.depth, {
      query: { symbol: market.id, limit },
      weight: depthWeight(limit),
    });
    if (!snap || typeof snap.lastUpdateId !== 'number' || !Array.isArray(snap.bids) || !Array.isArray(snap.asks)) {
      throw new BadResponse('depth snapshot reply is malformed', { exchange: this.ctx.id, symbol: market.symbol, raw: snap });
    }
    return snap;
  }

  async restOrderBook(market: Market, limit?: number): Promise<OrderBookSnapshot> {
    const snap = parseDepthSnapshot(await this.restDepth(market, limit ?? 100));
    return restBookCopy(market.symbol, snap, undefined, snap.nonce);
  }

  async restTicker(market: Market): Promise<Ticker> {
    const t = await this.rest.request<RestTicker>('GET', PATHS.ticker24hr, { query: { symbol: market.id }, weight: 2 });
    return parseRestTicker(t, market.symbol);
  }

  async restTickers(markets?: Market[]): Promise<Ticker[]> {
    const query = markets ? { symbols: JSON.stringify(markets.map((m) => m.id)) } : undefined;
    const list = await this.rest.request<RestTicker[]>('GET', PATHS.ticker24hr, { query, weight: markets ? 40 : 80 });
    const out: Ticker[] = [];
    for (const t of list) {
      const m = this.ctx.marketById(t.symbol);
      if (m) out.push(parseRestTicker(t, m.symbol));
    }
    return out;
  }

  async restTrades(market: Market, since?: number, limit?: number): Promise<Trade[]> {
    const list = await this.rest.request<RestTrade[]>('GET', PATHS.trades, {
      query: { symbol: market.id, limit: Math.min(limit ?? 500, 1000) },
      weight: 25,
    });
    const trades = list.map((t) => parseRestTrade(t, market.symbol));
    return since === undefined ? trades : trades.filter((t) => (t.timestamp ?? 0) >= since);
  }

  async restOHLCV(market: Market, timeframe: string, since?: number, limit?: number): Promise<OHLCV[]> {
    const rows = await this.rest.request<unknown[][]>('GET', PATHS.klines, {
      query: { symbol: market.id, interval: timeframe, startTime: since, limit: Math.min(limit ?? 500, 1000) },
      weight: 2,
    });
    return rows.map(parseRestKline);
  }

  // ---------------------------------------------------------------- streams

  streamName(kind: MarketChannel, market: Market, timeframe?: string): string {
    return streamName(kind, market.id, timeframe);
  }

  familyOf(): string {
    return 'market';
  }

  decode(text: string, sink: FrameSink): void {
    decodeFrame(text, sink);
  }

  /** depthUpdate frames straight from the bytes (scan.ts); everything else goes to `decode`. */
  decodeBytes(bytes: Uint8Array, sink: FrameSink): boolean {
    return decodeDepthBytes(bytes, sink, this.depthScan);
  }

  book(market: Market): BookSpec {
    return {
      rule: depthRule,
      // the depth is chosen when the snapshot is fetched: it depends on how many books sync
      fetchSnapshot: async () => parseDepthSnapshot(await this.restDepth(market, this.snapshotLimit())),
    };
  }

  /**
   * The snapshot depth: the `snapshotLimit` option, or by default the deepest level count whose
   * weight lets every open book sync within about a minute on half of the 6,000-a-minute budget
   * (the other half stays for the user's own requests): up to 12 books 5,000 levels (weight 250),
   * up to 60 books 1,000 (50), up to 120 books 500 (25), more 100 (5) — 500 books take 2,500.
   */
  private snapshotLimit(): number {
    if (this.ctx.options.snapshotLimit !== undefined) return this.ctx.options.snapshotLimit;
    const books = Math.max(1, this.ctx.openBooks());
    for (const limit of [5000, 1000, 500, 100]) if (books * depthWeight(limit) <= 3000) return limit;
    return 100;
  }

  // ---------------------------------------------------------------- private

  /** The authenticated session (WebSocket API + signed REST + clock) and the adapter over it. */
  privateSide(): PrivateSide {
    const ctx = this.ctx;
    const o = ctx.options;
    const session = new BinanceSession({
      credentials: new BinanceCredentials(o.apiKey as string, o.secret as string),
      rest: this.rest,
      urls: ctx.urls,
      timeoutMs: ctx.timeoutMs,
      wsTrading: o.wsTrading !== false,
      recvWindow: o.recvWindow,
      connection: ctx.connection({ staleTimeoutMs: STALE_MS }),
      status: (s) => ctx.status(s),
      error: (e) => ctx.error(e),
    });
    const adapter = new BinancePrivate({
      session,
      marketById: (id) => ctx.marketById(id),
      market: (symbol) => ctx.market(symbol),
      error: (e) => ctx.error(e),
    });
    return { adapter, warm: () => adapter.warm(), close: () => adapter.close() };
  }

  close(): void {
    this.rest.close();
  }
}

