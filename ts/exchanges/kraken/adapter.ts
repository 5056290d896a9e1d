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
import type { MarketChannel } from '../../core/channels';
import type { ExchangeOptions, Market, OHLCV, OrderBookSnapshot, Ticker, Trade } from '../../core/types';
import type { OrderBook } from '../../book/orderbook';
import { noSequenceRule } from '../../book/sync';
import type { BookDelta, BookSnapshot } from '../../book/types';
import { RateLimiter } from '../../transport/rate-limiter';
import { RestClient } from '../../transport/rest-client';
import { AdapterContext, AdapterInstance, BookSpec, ExchangeAdapter, FrameSink, PrivateSide, restBookCopy, STREAMED_MARKET_DATA, StreamFamily, privateCapabilities } from '../adapter';
import { KrakenCredentials } from './auth';
import { KRAKEN_TIERS, KrakenPrivate, KrakenTier } from './private';
import { checksumVerifier } from './checksum';
import { decodeFrame } from './decode';
import { BookUpdateScan, decodeBookBytes } from './scan';
import { krakenError, mapRestError } from './errors';
import { AssetPair, pairPrecision, parseMarkets } from './markets';
import {
  RestDepth,
  RestEnvelope,
  RestTicker,
  RestTrade,
  TIMEFRAMES,
  TIMEFRAME_MINUTES,
  pairEntry,
  parseRestCandle,
  parseRestDepth,
  parseRestTicker,
  parseRestTrade,
} from './parse';
import { BOOK_DEPTHS, BookDepth, encodePing, encodeRequest, INSTRUMENT_STREAM, streamName } from './streams';
import { KRAKEN_URLS, PATHS } from './urls';

/** Extra options understood by the Kraken adapter. */
export interface KrakenOptions extends ExchangeOptions {
  /** Depth of streamed books: 10, 25, 100, 500 or 1000 levels a side (default 100). */
  bookDepth?: BookDepth;
  /** Validate every book message's checksum (default true; turning it off is for diagnostics only). */
  verifyChecksums?: boolean;
  /** Streams per socket before another socket is opened (default 200). */
  streamsPerConnection?: number;
  /** Orders over the ws-auth socket (default true); false: over REST. */
  wsTrading?: boolean;
  /**
   * The account's verification tier, which sets the private REST call counter (max 15 / 20 / 20,
   * decaying 0.33 / 0.5 / 1 a second: Kraken "Spot REST Rate Limits"). Default 'starter', the
   * strictest.
   */
  tier?: KrakenTier;
}

/** Kraken Spot. */
export const krakenAdapter: ExchangeAdapter<KrakenOptions> = {
  id: 'kraken',
  name: 'Kraken',
  urls: KRAKEN_URLS,
  // "Cloudflare imposes a connection/re-connection rate limit (per IP address) of approximately 150
  // attempts per rolling 10 minutes; if this is exceeded, the IP is banned for 10 minutes"
  // (docs.kraken.com spot-ws-intro): one count for the public and the private host
  connectionBudgets: [{ urls: ['ws', 'wsPrivate'], limit: 150, windowMs: 10 * 60_000 }],
  timeframes: TIMEFRAMES,
  has: (o) => ({ ...STREAMED_MARKET_DATA, ...privateCapabilities({ trading: o.wsTrading !== false ? 'ws' : 'rest', transactions: 'ws', withdraw: true, batch: { createOrders: o.wsTrading !== false ? 'ws' : 'rest', cancelOrders: o.wsTrading !== false ? 'ws' : 'rest' } }) }),
  create: (ctx) => new KrakenInstance(ctx),
};

class KrakenInstance implements AdapterInstance {
  readonly families: Record<string, StreamFamily>;
  /**
   * The v2 `instrument` channel, followed while books are open: a pair's price_precision /
   * qty_precision can change on the exchange, and the book checksum is rendered at them; the
   * update replaces the market (FrameSink.marketUpdate) and the verifier renders at the new one.
   * Not followed when checksums are off (nothing else here reads it).
   */
  readonly bookCompanions: readonly string[];
  private readonly rest: RestClient;
  private privateRest: RestClient | undefined;
  private readonly bookDepth: BookDepth;
  private readonly verifyChecksums: boolean;
  private pingId = 0;
  private readonly bookScan = new BookUpdateScan();

  constructor(private readonly ctx: AdapterContext & { readonly options: KrakenOptions }) {
    const o = ctx.options;
    const depth = o.bookDepth ?? 100;
    if (!(BOOK_DEPTHS as readonly number[]).includes(depth)) {
      throw new BaseError(`bookDepth must be one of ${BOOK_DEPTHS.join(', ')}, got ${String(depth)}`, { exchange: 'kraken' });
    }
    this.bookDepth = depth;
    this.verifyChecksums = o.verifyChecksums !== false;
    this.bookCompanions = this.verifyChecksums ? [INSTRUMENT_STREAM] : [];
    this.rest = new RestClient({
      baseUrl: ctx.urls.rest as string,
      exchange: ctx.id,
      timeoutMs: ctx.timeoutMs,
      // public endpoints: roughly one call a second sustained, short bursts allowed (UNCONFIRMED
      // officially; Kraken throttles per IP and answers EAPI:Rate limit exceeded)
      limiter: new RateLimiter({ capacity: 15, intervalMs: 15_000 }),
      mapError: (status, body) => mapRestError(status, body, 'request'),
    });
    this.families = {
      public: {
        url: () => `${ctx.urls.ws as string}${PATHS.ws}`,
        // one symbol per request, so each ack / refusal names exactly one stream
        encodeSubscribe: (names, id) => encodeRequest('subscribe', names, id, depth),
        encodeUnsubscribe: (names, id) => encodeRequest('unsubscribe', names, id, depth),
        maxStreamsPerConnection: o.streamsPerConnection ?? 200,
        maxNamesPerMessage: 1,
        // Kraken's message rate limit is dynamic and unpublished ("Exceeded msg rate"): stay modest
        maxMessagesPerSecond: 20,
        // a half-dead link is noticed within 30 s (DESIGN.md §3): heartbeats come every second
        staleTimeoutMs: 30_000,
        // The server sends {"channel":"heartbeat"} about once a second while subscribed; our own
        // {"method":"ping"} keeps the stale check meaningful before the first subscription.
        appPing: () => encodePing(++this.pingId),
      },
    };
  }

  // ---------------------------------------------------------------- REST

  /** GET a public endpoint; unwraps `{error, result}` and maps a non-empty `error` to a typed error. */
  private async publicGet<T>(path: string, query: Record<string, string | number | undefined>, symbol?: string): Promise<T> {
    const env = await this.rest.request<RestEnvelope<T>>('GET', path, { query });
    if (!env || typeof env !== 'object') {
      throw new BadResponse(`GET ${path}: reply is not a Kraken envelope`, { exchange: this.ctx.id, symbol, raw: env });
    }
    if (Array.isArray(env.error) && env.error.length > 0) {
      throw krakenError(String(env.error[0]), `GET ${path}`, { symbol, raw: env });
    }
    if (env.result === undefined) {
      throw new BadResponse(`GET ${path}: reply has no result`, { exchange: this.ctx.id, symbol, raw: env });
    }
    return env.result;
  }

  async fetchMarkets(): Promise<Market[]> {
    const result = await this.publicGet<Record<string, AssetPair>>(PATHS.assetPairs, {});
    return parseMarkets(result);
  }

  private async restDepth(market: Market, count: number): Promise<RestDepth> {
    const result = await this.publicGet<Record<string, unknown>>(PATHS.depth, { pair: market.id, count }, market.symbol);
    const d = pairEntry<RestDepth>(result, market.id);
    if (!d) throw new BadResponse('Depth reply has no entry for the pair', { exchange: this.ctx.id, symbol: market.symbol, raw: result });
    return d;
  }

  async restOrderBook(market: Market, limit?: number): Promise<OrderBookSnapshot> {
    // Depth: count 1..500
    const snap = parseRestDepth(await this.restDepth(market, Math.max(1, Math.min(500, limit ?? 100))));
    // REST depth has no sequence number: the copy carries none
    return restBookCopy(market.symbol, snap, limit);
  }

  async restTicker(market: Market): Promise<Ticker> {
    const result = await this.publicGet<Record<string, unknown>>(PATHS.ticker, { pair: market.id }, market.symbol);
    const t = pairEntry<RestTicker>(result, market.id);
    if (!t) throw new BadResponse('Ticker reply has no entry for the pair', { exchange: this.ctx.id, symbol: market.symbol, raw: result });
    return parseRestTicker(t, market.symbol);
  }

  async restTickers(markets?: Market[]): Promise<Ticker[]> {
    const query = markets ? { pair: markets.map((m) => m.id).join(',') } : {};
    const result = await this.publicGet<Record<string, RestTicker>>(PATHS.ticker, query);
    const out: Ticker[] = [];
    for (const [key, t] of Object.entries(result)) {
      const m = this.ctx.marketById(key) ?? this.ctx.allMarkets().find((x) => (x.info as AssetPair).altname === key);
      if (m) out.push(parseRestTicker(t, m.symbol));
    }
    return out;
  }

  async restTrades(market: Market, since?: number, limit?: number): Promise<Trade[]> {
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

  async restOHLCV(market: Market, timeframe: string, since?: number, limit?: number): Promise<OHLCV[]> {
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

  /** The v2 stream name: the v2 WebSocket symbol is the unified symbol (ISO asset names). */
  streamName(kind: MarketChannel, market: Market, timeframe?: string): string {
    const interval = timeframe === undefined ? undefined : TIMEFRAME_MINUTES[timeframe];
    return streamName(kind, market.symbol, interval);
  }

  familyOf(): string {
    return 'public';
  }

  decode(text: string, sink: FrameSink): void {
    decodeFrame(text, sink);
  }

  /** Book updates straight from the bytes (scan.ts); everything else goes to `decode`. */
  decodeBytes(bytes: Uint8Array, sink: FrameSink): boolean {
    return decodeBookBytes(bytes, sink, this.bookScan);
  }

  book(market: Market): BookSpec {
    return {
      rule: noSequenceRule,
      maxDepth: this.bookDepth,
      verify: this.verifyChecksums ? this.bookVerifier(market) : undefined,
    };
  }

  /**
   * The checksum check of a market's book, rendered at the pair's current precision: the market is
   * looked up again for every message, so an `instrument` update (or loadMarkets(true)) that
   * replaced it takes effect at once. A fresh snapshot that fails means the local rendering is
   * wrong (a precision change not announced, or not yet), not a lost message: that is reported
   * once on 'error' (the resync still goes on).
   */
  private bookVerifier(market: Market): (book: OrderBook, d: BookDelta | BookSnapshot) => string | undefined {
    let current = market;
    let precision = pairPrecision(market);
    let check = checksumVerifier(precision);
    let reported = false;
    return (book, d) => {
      const now = this.ctx.marketById(market.id) ?? current;
      if (now !== current) {
        current = now;
        precision = pairPrecision(now);
        check = checksumVerifier(precision);
      }
      const bad = check(book, d);
      const snapshot = !('last' in d);
      if (snapshot && bad === undefined) reported = false;
      if (snapshot && bad !== undefined && !reported) {
        reported = true;
        this.ctx.error(
          new ChecksumError(
            `a fresh book snapshot failed its checksum (${bad}) rendered at ${precision.price} price / ${precision.qty} qty decimals: has the pair's precision changed?`,
            { exchange: this.ctx.id, symbol: market.symbol },
          ),
        );
      }
      return bad;
    };
  }

  // ---------------------------------------------------------------- private

  /** The ws-auth socket (token, executions/balances, order entry) and signed REST. */
  privateSide(): PrivateSide {
    const ctx = this.ctx;
    const o = ctx.options;
    const credentials = new KrakenCredentials(o.apiKey, o.secret);
    const tierName = o.tier ?? 'starter';
    const tier = KRAKEN_TIERS[tierName];
    if (!tier) throw new BaseError(`tier must be one of ${Object.keys(KRAKEN_TIERS).join(', ')}, got ${String(o.tier)}`, { exchange: 'kraken' });
    if (!this.privateRest) {
      this.privateRest = new RestClient({
        baseUrl: ctx.urls.rest as string,
        exchange: ctx.id,
        timeoutMs: ctx.timeoutMs,
        // private endpoints: a call counter of 15 / 20 / 20 decaying 0.33 / 0.5 / 1 a second
        // (starter / intermediate / pro), most calls costing 1, ledger / trade history 2 (Kraken
        // "Spot REST Rate Limits"); orders also have their own per-pair limit in the engine
        limiter: new RateLimiter({ capacity: tier.max, intervalMs: Math.ceil((tier.max / tier.decayPerSec) * 1000) }),
        mapError: (status, body) => mapRestError(status, body, 'request'),
      });
    }
    const adapter = new KrakenPrivate({
      credentials,
      rest: this.privateRest,
      urls: ctx.urls,
      timeoutMs: ctx.timeoutMs,
      wsTrading: o.wsTrading !== false,
      tier: tierName,
      connection: ctx.connection({ staleTimeoutMs: 30_000, appPing: () => '{"method":"ping"}' }),
      allMarkets: () => ctx.allMarkets(),
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

