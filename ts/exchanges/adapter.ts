/**
 * The narrow interface an exchange supplies. The shared skeleton (ts/base: Exchange, the stream
 * engine, LiveBook, PrivateApi) does everything else: topics and reference counts, one StreamHub
 * per socket family, routing frames to topics, resync on interruption, refusals, malformed
 * frames, heartbeat and backoff defaults, the pull/push/pub API, closing.
 *
 * An adapter is pure protocol knowledge: URLs, market parsing, stream names, a frame decoder that
 * reports typed events to a {@link FrameSink}, the book's sequence rule or checksum, the REST calls
 * and the exchange's limits. docs/ADD_NEW_EXCHANGE.md walks through writing one.
 */
import type { Mismatch, SequenceRule } from '../book/sync';
import { OrderBook } from '../book/orderbook';
import type { BookDelta, BookSnapshot } from '../book/types';
import type { MarketChannel } from '../core/channels';
import type { BaseError } from '../core/errors';
import type { PrivateAdapter } from '../core/private-adapter';
import type {
  Capability,
  ExchangeOptions,
  Market,
  OHLCV,
  OrderBookSnapshot,
  StatusEvent,
  Ticker,
  Trade,
  Urls,
} from '../core/types';
import type { ConnectionState, HubProtocol } from '../transport/stream-hub';
import type { WsConnectionOptions } from '../transport/ws-connection';

/** Transport options of one socket, less its URL. */
export type ConnectionOptions = Omit<WsConnectionOptions, 'url'>;

/** What the skeleton gives an adapter instance when it is created. */
export interface AdapterContext {
  /** The exchange id (for errors). */
  readonly id: string;
  /** Every option the user passed, adapter-specific keys included. Secrets: never log this. */
  readonly options: ExchangeOptions;
  /** The effective base URLs (defaults merged with the `urls` option). */
  readonly urls: Urls;
  readonly timeoutMs: number;
  /** Pull methods answer from live state (the `ws` option). */
  readonly ws: boolean;
  /**
   * Transport options for a socket of this exchange: the user's `reconnect` and `staleTimeoutMs`
   * options over the skeleton's defaults (backoff 500 ms doubling to 30 s, forever; a client ping
   * every third of the stale window, at most every 20 s).
   */
  connection(defaults: { staleTimeoutMs: number; appPing?: () => string; reconnectDelayMs?: number; connectGate?: () => Promise<void> }): ConnectionOptions;
  /** The market of an exchange id, once markets are loaded. */
  marketById(id: string): Market | undefined;
  /** Every loaded market (empty before loadMarkets). */
  allMarkets(): readonly Market[];
  /** Order books subscribed right now (to size snapshot requests to the weight budget). */
  openBooks(): number;
  /** The market of a unified symbol (BadSymbol when unknown; markets must be loaded). */
  market(symbol: string): Market;
  loadMarkets(): Promise<unknown>;
  /** Reports an error on the exchange's 'error' channel. */
  error(err: Error): void;
  status(s: StatusEvent): void;
}

/**
 * One family of market-data sockets, served by one StreamHub: the URL, how (un)subscribe requests
 * are written, and the exchange's documented limits for such a socket.
 */
export interface StreamFamily extends Omit<HubProtocol, 'namesInUrl' | 'connection'> {
  /** Which streams of a socket to name in its URL (Binance combined streams); none by default. */
  namesInUrl?(names: readonly string[]): readonly string[];
  /** A socket silent this long is stale (ms); the `staleTimeoutMs` option overrides it. */
  staleTimeoutMs: number;
  /** An application-level ping frame (OKX's text `ping`, Kraken's {"method":"ping"}); default: a WebSocket ping. */
  appPing?: () => string;
  /**
   * The first reconnect delay of a socket (ms) when the user's `reconnect.baseDelayMs` does not set
   * one (default 500): an exchange with a connection-rate limit (Bitfinex: 20 a minute) sets it so a
   * flapping socket never reconnects faster than the limit allows.
   */
  reconnectDelayMs?: number;
  /**
   * Awaited before each socket of the family opens (first connect and reconnects): a connection
   * rate shared by every socket (Bitfinex: 20 connections a minute on its public host).
   */
  connectGate?: () => Promise<void>;
}

/**
 * Where a decoder reports what a frame held. Stream names are the adapter's own (`streamName`);
 * the skeleton maps them to topics and drops what no topic wants.
 */
export interface FrameSink {
  /** The unified symbol of a subscribed stream, or undefined (not, or no longer, subscribed). */
  symbolOf(stream: string): string | undefined;
  /** The nonce of a stream's book (exchanges that number updates locally), or undefined. */
  bookNonce(stream: string): number | undefined;
  /**
   * The scratch state of the connection this frame came on: a fresh one after every (re)open,
   * shared with the family's `greeting` / `encodeSubscribe` / `encodeUnsubscribe` for that socket.
   * For protocols that route by per-connection ids or count messages per connection (Bitfinex:
   * chanId -> stream and its sequence numbers; Coinbase's `sequence_num`, across channels).
   */
  connection(): ConnectionState;
  bookSnapshot(stream: string, s: BookSnapshot): void;
  bookDelta(stream: string, d: BookDelta): void;
  ticker(stream: string, t: Ticker): void;
  /** Trades of one stream, oldest first. */
  trades(stream: string, list: Trade[]): void;
  candle(stream: string, c: OHLCV): void;
  /** Describes request `id` of this socket for error texts ("SUBSCRIBE btcusdt@depth@100ms"), if pending. */
  describe(id: number | undefined): string | undefined;
  /** The exchange acknowledged (un)subscribe request `id`. */
  ack(id: number): void;
  /**
   * The id of this socket's oldest unanswered request, or undefined: for exchanges whose replies
   * carry no request id but answer requests in the order sent (Coinbase's `subscriptions` message
   * and error frame): `ack(sink.oldestPending()!)` / `refused(sink.oldestPending(), err)`.
   */
  oldestPending(): number | undefined;
  /**
   * Messages of this socket were lost (a connection-wide sequence number jumped, Coinbase): every
   * book on the socket is dropped and resynced with reason 'gap' (`detail` says what jumped), since
   * any of them may have missed an update. Other streams carry on.
   */
  lost(detail: string): void;
  /**
   * The exchange refused a request. With an id, the streams of that request fail (their watchers,
   * fetchers and callbacks get `err`, naming the symbol); without one, it is reported on 'error'.
   */
  refused(id: number | undefined, err: BaseError): void;
  /** Anything else worth telling the user (an exchange error or notice). */
  error(err: BaseError): void;
  /** The exchange announced it will close this socket: reconnect now. */
  reconnect(reason: string): void;
  /**
   * The exchange paused this socket for maintenance (Bitfinex info 20060): its books are interrupted
   * (resync reason 'maintenance', `detail` saying why) and no (un)subscribe goes out on it until
   * `resume`. Not a failure: the socket stays open.
   */
  pause(detail: string): void;
  /** The maintenance is over (Bitfinex info 20061): every stream of the socket is subscribed again. */
  resume(): void;
  /**
   * The exchange announced new reference data for a market (precision, limits, status), on one of
   * the adapter's {@link AdapterInstance.bookCompanions} streams: `update` gets the loaded market
   * of that unified symbol and returns its replacement, or undefined when nothing changed. The
   * replacement takes the old one's place in `markets` / `marketsById` (the old object is left as
   * it was: results handed out earlier never change). Unknown symbols and calls before the
   * markets are loaded are ignored. Books already open see it through their `verify`, which
   * should look the market up again (`ctx.marketById`) rather than keep the one it started with.
   */
  marketUpdate(symbol: string, update: (market: Market) => Market | undefined): void;
  /**
   * A frame or one element of it failed validation and was ignored (not applied). For a book
   * stream the book resyncs (reason 'invalid'): nothing of the frame reached it.
   */
  malformed(stream: string | undefined, what: string, raw: unknown): void;
}

/** How one market's book is kept. */
export interface BookSpec {
  rule: SequenceRule;
  /**
   * REST snapshot joined to the buffered stream (Binance, OKX); absent: the stream sends snapshots.
   * Resolving undefined (a reply that cannot be joined) hands the book to resubscribing for good.
   */
  fetchSnapshot?: () => Promise<BookSnapshot | undefined>;
  /** Keep each level's wire strings (checksums computed from the exchange's own strings). */
  keepStrings?: boolean;
  /**
   * Keep each level's decimal scales instead (OrderBook `keepScales`): checksums render the wire's
   * own digits from (number, scale), and packed levels from a byte scanner that reports scales
   * are accepted (a `keepStrings` book refuses packed levels).
   */
  keepScales?: boolean;
  /** Keep only this many levels a side (the subscribed depth). */
  maxDepth?: number;
  /**
   * Integrity check after every change: a string is a checksum mismatch (resync reason 'checksum'),
   * a {@link Mismatch} names its own reason ('crossed': use `notCrossed` from book/sync).
   */
  verify?: (book: OrderBook, d: BookDelta | BookSnapshot) => string | Mismatch | undefined;
}

/** The private side of an exchange: REST snapshots, trading and its private stream. */
export interface PrivateSide {
  adapter: PrivateAdapter;
  /** Opens the trading connection ahead of the first order (called after loadMarkets with keys). */
  warm?(): void;
  close(): Promise<void>;
}

/** One exchange instance's protocol parts, created per `new <exchange>(options)`. */
export interface AdapterInstance {
  fetchMarkets(): Promise<Market[]>;
  restOrderBook(market: Market, limit?: number): Promise<OrderBookSnapshot>;
  restTicker(market: Market): Promise<Ticker>;
  /** Tickers of these markets, or of every market; skip ids with no loaded market. */
  restTickers(markets?: Market[]): Promise<Ticker[]>;
  restTrades(market: Market, since?: number, limit?: number): Promise<Trade[]>;
  restOHLCV(market: Market, timeframe: string, since?: number, limit?: number): Promise<OHLCV[]>;

  /**
   * The stream name of a topic (also the routing key frames are decoded to). For a book, `depth` is
   * the largest {@link bookDepthFor} of its users' limits (undefined when the adapter has no
   * bookDepthFor). It is asked again whenever that depth grows: an exchange whose subscribe names
   * the depth outside the stream name (Bitfinex `len`) records it here for its `encodeSubscribe`.
   */
  streamName(kind: MarketChannel, market: Market, timeframe?: string, depth?: number): string;
  /**
   * Optional: the depth of the book stream that serves a user's `limit` (undefined: the user gave
   * none) — for exchanges with several book depths (Bybit orderbook.50/200/1000, Bitfinex len
   * 25/100/250). The engine subscribes the largest depth any user of the book needs and, when a
   * later user needs more, moves the book to the deeper stream (a new name) or subscribes the same
   * stream again (the same name) and rebuilds the book from the new snapshot.
   */
  bookDepthFor?(limit: number | undefined): number;
  /** The socket family a stream travels on (a key of `families`). */
  familyOf(stream: string): string;
  readonly families: Readonly<Record<string, StreamFamily>>;
  /** Decodes one inbound text frame of a family's socket. May throw: the frame is then reported as malformed. */
  decode(text: string, sink: FrameSink, family: string): void;
  /**
   * Optional fast path, called first with every inbound frame's bytes (UTF-8, before any decoding
   * to text): decode the frames it recognises (a byte scanner for the hot book frame, reporting a
   * `BookDelta` with `packed` levels) and return true; return false, having reported NOTHING to the
   * sink, for anything else or anything unexpected: the frame then goes to `decode` as text. It
   * must accept only what `decode` would accept and report the same thing (same numbers, same ids).
   */
  decodeBytes?(bytes: Uint8Array, sink: FrameSink, family: string): boolean;
  /** How a market's book is kept (`stream`: the book's stream name, which may say its depth). */
  book(market: Market, stream: string): BookSpec;
  /**
   * Always-on streams: stream names (the adapter's own, routed by `familyOf` like any other) that
   * the engine keeps subscribed while at least one order book of this exchange is open, for
   * market reference data the books depend on, e.g. a channel announcing that a market's
   * price/quantity precision changed, which a checksum rendered at that precision must follow.
   * They are added to their family's hub before the first book's stream (so, on a shared socket,
   * they are subscribed ahead of it and re-subscribed with it after every reconnect) and removed
   * after the last book's. They belong to no topic: their frames are decoded like any other and
   * report what they carry with {@link FrameSink.marketUpdate}; a refusal of one is reported on
   * 'error' (the books carry on, as before the hook). Absent: none.
   */
  readonly bookCompanions?: readonly string[];

  /** The private side; throws AuthenticationError without credentials, NotSupported where none exists. */
  privateSide?(): PrivateSide;
  /** Releases REST clients and timers. */
  close(): void;
}

/**
 * A connection-rate limit the exchange publishes for some of its WebSocket hosts, per IP: at most
 * `limit` new connections in any `windowMs`. `urls` are keys of the effective {@link Urls}
 * ('ws', 'wsApi', 'wsPrivate'); hosts listed together share one count. The skeleton declares it
 * once per client (transport/connection-budget.ts) for the hosts those URLs name (the real ones,
 * or a simulator's), and every socket of the process to such a host waits for a slot before its
 * handshake: first connects and reconnects, public, private and trading sockets alike.
 */
export interface HostConnectionBudget {
  urls: readonly string[];
  limit: number;
  windowMs: number;
}

/** An exchange as the registry lists it. */
export interface ExchangeAdapter<O extends ExchangeOptions = ExchangeOptions> {
  readonly id: string;
  readonly name: string;
  /** Default base URLs (DESIGN.md §1). */
  readonly urls: Urls;
  /** The exchange's per-IP connection-rate limits, cited from its docs. */
  readonly connectionBudgets?: readonly HostConnectionBudget[];
  readonly timeframes: readonly string[];
  /** Capabilities for these options ('ws' | 'rest' | false); pull keys become 'rest' without `ws: true`. */
  has(options: O): Record<string, Capability>;
  /** Validates the options and builds the instance parts. */
  create(ctx: AdapterContext & { readonly options: O }): AdapterInstance;
}

/**
 * A REST book as a caller's copy: levels sorted and merged as a live book would hold them, cut to
 * `limit` levels a side when given. `nonce` only where the REST reply carries a sequence id.
 */
export function restBookCopy(symbol: string, snap: BookSnapshot, limit?: number, nonce?: number): OrderBookSnapshot {
  const book = new OrderBook(symbol);
  book.reset({ bids: snap.bids, asks: snap.asks, timestamp: snap.timestamp }, nonce);
  return limit ? book.limit(limit) : book.snapshot();
}

/** What a private side offers, for `has`. */
export interface PrivateOffer {
  /** create/edit/cancel orders over the exchange's WebSocket trading API ('ws') or REST. */
  trading: 'ws' | 'rest';
  /** cancelAllOrders, when it differs from `trading` (Bybit's trade socket has no cancel-all). */
  cancelAll?: 'ws' | 'rest';
  /** Deposits and withdrawals pushed by the private stream ('ws'), or read from REST and pushed by polling it ('rest'). */
  transactions: 'ws' | 'rest';
  /** withdraw() over REST. */
  withdraw: boolean;
  /**
   * The batch ops the exchange has (several orders in one request), each over 'ws' or 'rest'; an
   * op left out is not offered (`has` false, the method rejects with NotSupported).
   */
  batch?: { createOrders?: 'ws' | 'rest'; editOrders?: 'ws' | 'rest'; cancelOrders?: 'ws' | 'rest' };
}

/**
 * `has` of a private side: balance, orders and own trades answered from the streamed state
 * (seeded from REST), plus what `offer` says of trading, deposits/withdrawals and withdraw.
 */
export function privateCapabilities(offer: PrivateOffer): Record<string, Capability> {
  const tx = offer.transactions;
  const has: Record<string, Capability> = {
    createOrder: offer.trading,
    cancelOrder: offer.trading,
    editOrder: offer.trading,
    cancelAllOrders: offer.cancelAll ?? offer.trading,
    fetchBalance: 'ws',
    fetchBalances: 'ws',
    fetchOpenOrders: 'ws',
    fetchOrders: 'ws',
    fetchClosedOrders: 'ws',
    fetchMyTrades: 'ws',
    fetchOrder: 'rest',
    fetchTransactions: tx,
    fetchDeposits: tx,
    fetchWithdrawals: tx,
    watchBalance: 'ws',
    watchOrders: 'ws',
    watchMyTrades: 'ws',
  };
  // pushed from the stream ('ws'), or from REST polled at transactionsPollMs ('rest')
  Object.assign(has, { watchTransactions: tx, watchDeposits: tx, watchWithdrawals: tx });
  if (offer.withdraw) has.withdraw = 'rest';
  for (const op of ['createOrders', 'editOrders', 'cancelOrders'] as const) has[op] = offer.batch?.[op] ?? false;
  return has;
}

/** `has` of an adapter that streams every public market-data method (books, tickers, trades, candles). */
export const STREAMED_MARKET_DATA: Readonly<Record<string, Capability>> = Object.freeze({
  loadMarkets: 'rest',
  fetchOrderBook: 'ws',
  fetchOrderBooks: 'ws',
  fetchTicker: 'ws',
  fetchTickers: 'ws',
  fetchTrades: 'ws',
  fetchOHLCV: 'ws',
  watchOrderBook: 'ws',
  watchOrderBooks: 'ws',
  watchTicker: 'ws',
  watchTickers: 'ws',
  watchTrades: 'ws',
  watchOHLCV: 'ws',
});
