/**
 * The wire side of public topics, the same for every exchange: one StreamHub per socket family the
 * adapter declares, stream names routed to topics, frames decoded by the adapter into a FrameSink,
 * books kept by LiveBook, and the cases every exchange has:
 * - a dropped or stale socket: every book on it resyncs in place ('reconnect' / 'stale');
 * - a refused subscription: that topic's watchers, fetchers and callbacks get the error, naming
 *   the symbol; the other streams on the socket carry on;
 * - a frame that is not valid: reported on 'error' with the exchange and symbol, never applied; a
 *   book it was meant for resyncs ('invalid');
 * - the exchange announcing a shutdown: reconnect now;
 * - messages lost on a socket whose sequence numbers span the connection (Coinbase): every book on
 *   that socket resyncs ('gap');
 * - always-on streams (`AdapterInstance.bookCompanions`): subscribed while any book is open, ahead
 *   of the first book's stream, unsubscribed after the last; the market updates they carry
 *   (`FrameSink.marketUpdate`) replace the loaded markets through `StreamEngineContext.updateMarket`.
 */
import { BadResponse, BaseError } from '../core/errors';
import type { Market, OHLCV, Ticker, Trade } from '../core/types';
import type { OrderBook } from '../book/orderbook';
import type { BookDelta, BookSnapshot } from '../book/types';
import type { AdapterInstance, ConnectionOptions, FrameSink, StreamFamily } from '../exchanges/adapter';
import { ConnectionState, HubSocket, StreamHub } from '../transport/stream-hub';
import { EventHub, eventKey } from './events';
import { LiveBook } from './live-book';
import type { Topic } from './topic';
import type { TopicTable, TopicWire } from './topics';

/** Characters of a malformed frame kept on the error's `raw`. */
const RAW_KEPT = 1024;

export interface StreamEngineContext {
  exchange: string;
  events: EventHub;
  topics: TopicTable;
  /** Transport options for a family's sockets (user options over the skeleton's defaults). */
  connection(defaults: { staleTimeoutMs: number; appPing?: () => string; reconnectDelayMs?: number; connectGate?: () => Promise<void> }): ConnectionOptions;
  /** Replaces the loaded market of a unified symbol with `update(market)` when that returns one. */
  updateMarket?(symbol: string, update: (market: Market) => Market | undefined): void;
}

/**
 * Sees every change applied to a subscribed book: the delta just applied (levels as the exchange
 * sent them, or as numbers in `delta.packed` when a byte scanner read them — valid only during the
 * call: the buffers are reused), or undefined when the book was (re)built from a snapshot; `maxDepth` when the book
 * keeps only that many levels a side. Set by `Exchange.tapBooks`.
 */
export type BookTap = (symbol: string, book: OrderBook, delta: BookDelta | undefined, maxDepth: number | undefined) => void;

export class StreamEngine implements TopicWire {
  /** The relay's view of every book change (see {@link BookTap}). */
  bookTap: BookTap | undefined;
  private readonly hubs = new Map<string, StreamHub>();
  /** Stream name -> topic, for routing. */
  private readonly byStream = new Map<string, Topic>();
  private readonly sink: EngineSink;
  /**
   * Order books started and not yet stopped or refused (the always-on streams live while there is
   * one): a set, so a book that ends twice (refused, then released) counts once.
   */
  private readonly books = new Set<Topic>();

  constructor(
    readonly inst: AdapterInstance,
    private readonly ctx: StreamEngineContext,
  ) {
    this.sink = new EngineSink(this);
  }

  /** Sockets carrying market streams (diagnostics and tests). */
  get socketCount(): number {
    let n = 0;
    for (const h of this.hubs.values()) n += h.socketCount;
    return n;
  }

  start(topic: Topic): void {
    const market = topic.market;
    if (!market) throw new BaseError('topic started without a market', { exchange: this.ctx.exchange, symbol: topic.symbol });
    const depth = this.depthOf(topic);
    const name = this.inst.streamName(topic.kind, market, topic.timeframe, depth);
    topic.stream = name;
    topic.subscribedDepth = depth;
    this.byStream.set(name, topic);
    const hub = this.hub(this.inst.familyOf(name));
    if (topic.kind === 'orderbook' && this.books.size === 0) {
      // ahead of the book's own stream, so a shared socket subscribes them first
      for (const c of this.inst.bookCompanions ?? []) this.hub(this.inst.familyOf(c)).add(c);
    }
    if (topic.kind === 'orderbook') this.books.add(topic);
    if (topic.kind === 'orderbook') {
      const spec = this.inst.book(market, name);
      const key = eventKey('orderbook', topic.symbol);
      const events = this.ctx.events;
      topic.book = new LiveBook({
        exchange: this.ctx.exchange,
        symbol: topic.symbol,
        rule: spec.rule,
        fetchSnapshot: spec.fetchSnapshot,
        keepStrings: spec.keepStrings,
        keepScales: spec.keepScales,
        maxDepth: spec.maxDepth,
        verify: spec.verify,
        // stream-snapshot exchanges get a fresh snapshot by subscribing again
        resubscribe: () => hub.resubscribe(topic.stream ?? name),
        onBook: (book, d) => {
          this.bookTap?.(topic.symbol, book, d, spec.maxDepth);
          events.emit(key, book);
        },
        onResync: (e) => events.emit('resync', e),
        onError: (err) => events.error(err),
      });
    }
    hub.add(name);
    topic.book?.started();
  }

  /** The book depth a topic's users need (adapters with several depths), undefined otherwise. */
  private depthOf(topic: Topic): number | undefined {
    const pick = this.inst.bookDepthFor;
    if (topic.kind !== 'orderbook' || !pick) return undefined;
    let depth = 0;
    for (const limit of topic.limits.size ? topic.limits : [undefined]) depth = Math.max(depth, pick.call(this.inst, limit));
    return depth;
  }

  /**
   * A book got a user whose `limit` needs a deeper stream ({@link AdapterInstance.bookDepthFor}):
   * when the depth is in the stream's name (Bybit `orderbook.200.X`) the book starts over on the
   * deeper stream; when it is not (Bitfinex `len`), the same stream is subscribed again and the
   * book rebuilt from the new snapshot (not served meanwhile: a fetch for the deeper limit waits).
   * Depth only grows while the topic lives. No 'resync' is emitted: nothing was wrong.
   */
  limitsChanged(topic: Topic): void {
    const market = topic.market;
    if (!market || topic.stream === undefined) return;
    const depth = this.depthOf(topic);
    if (depth === undefined || (topic.subscribedDepth !== undefined && depth <= topic.subscribedDepth)) return;
    const name = this.inst.streamName(topic.kind, market, topic.timeframe, depth);
    if (name !== topic.stream) {
      const old = topic.book;
      this.stop(topic);
      this.start(topic);
      old?.close();
      return;
    }
    topic.subscribedDepth = depth;
    topic.book?.restart();
    this.hubs.get(this.inst.familyOf(name))?.resubscribe(name);
  }

  /** A book is no longer open (stopped, or its subscription refused): the last one takes the always-on streams with it. */
  private bookEnded(topic: Topic): void {
    if (!this.books.delete(topic) || this.books.size > 0) return;
    for (const c of this.inst.bookCompanions ?? []) this.hubs.get(this.inst.familyOf(c))?.remove(c);
  }

  stop(topic: Topic): void {
    const name = topic.stream;
    if (name === undefined) return;
    if (this.byStream.get(name) === topic) this.byStream.delete(name);
    this.hubs.get(this.inst.familyOf(name))?.remove(name);
    this.bookEnded(topic);
  }

  async close(): Promise<void> {
    const hubs = [...this.hubs.values()];
    this.hubs.clear();
    this.byStream.clear();
    await Promise.all(hubs.map((h) => h.close()));
  }

  // ---------------------------------------------------------------- internals (used by EngineSink)

  topicOf(stream: string): Topic | undefined {
    return this.byStream.get(stream);
  }

  error(err: Error): void {
    this.ctx.events.error(err);
  }

  get exchange(): string {
    return this.ctx.exchange;
  }

  get topics(): TopicTable {
    return this.ctx.topics;
  }

  updateMarket(symbol: string, update: (market: Market) => Market | undefined): void {
    this.ctx.updateMarket?.(symbol, update);
  }

  isCompanion(stream: string): boolean {
    return this.inst.bookCompanions?.includes(stream) === true;
  }

  private hub(family: string): StreamHub {
    const existing = this.hubs.get(family);
    if (existing) return existing;
    const fam: StreamFamily | undefined = this.inst.families[family];
    if (!fam) throw new BaseError(`adapter names an unknown socket family '${family}'`, { exchange: this.ctx.exchange });
    const hub: StreamHub = new StreamHub(
      {
        namesInUrl: fam.namesInUrl ? (names) => fam.namesInUrl!(names) : () => [],
        url: (names) => fam.url(names),
        greeting: fam.greeting ? (state) => fam.greeting!(state) : undefined,
        greetingIsRequest: fam.greetingIsRequest,
        encodeSubscribe: (names, id, state) => fam.encodeSubscribe(names, id, state),
        encodeUnsubscribe: (names, id, state) => fam.encodeUnsubscribe(names, id, state),
        maxStreamsPerConnection: fam.maxStreamsPerConnection,
        maxNamesPerMessage: fam.maxNamesPerMessage,
        maxMessagesPerSecond: fam.maxMessagesPerSecond,
        ackPerName: fam.ackPerName,
        unsubscribeAfterAck: fam.unsubscribeAfterAck,
        connection: this.ctx.connection({
          staleTimeoutMs: fam.staleTimeoutMs,
          appPing: fam.appPing,
          reconnectDelayMs: fam.reconnectDelayMs,
          connectGate: fam.connectGate,
        }),
      },
      {
        frame: (text, sock) => this.sink.decode(text, family, hub, sock),
        bytes: this.inst.decodeBytes !== undefined ? (bytes, sock) => this.sink.decodeBytes(bytes, family, hub, sock) : undefined,
        interrupted: (names, reason, detail) => {
          for (const n of names) this.byStream.get(n)?.book?.interrupt(reason, detail);
        },
        refused: (names, err) => {
          for (const n of names) {
            const t = this.byStream.get(n);
            if (!t) {
              // an always-on stream belongs to no topic: the books carry on without it
              if (this.isCompanion(n)) this.ctx.events.error(err);
              continue;
            }
            this.byStream.delete(n);
            this.ctx.topics.fail(t, withSymbol(err, t.symbol));
            this.bookEnded(t);
          }
        },
        status: (s) => this.ctx.events.emit('status', s),
        error: (e) => this.ctx.events.error(e),
      },
    );
    this.hubs.set(family, hub);
    return hub;
  }
}

/**
 * The FrameSink decoders write into. One per engine: a frame is decoded synchronously, so the
 * socket it came from is kept in fields for the duration of the call.
 */
class EngineSink implements FrameSink {
  private hub: StreamHub | undefined;
  private sock: HubSocket | undefined;

  constructor(private readonly engine: StreamEngine) {}

  /** Hot path: every frame of every market socket. */
  decode(text: string, family: string, hub: StreamHub, sock: HubSocket): void {
    this.hub = hub;
    this.sock = sock;
    try {
      this.engine.inst.decode(text, this, family);
    } catch (err) {
      // a decoder throws only when it cannot tell which stream the frame was for
      const why = err instanceof SyntaxError ? 'not JSON' : (err as Error).message;
      this.engine.error(
        new BadResponse(`malformed frame ignored (${why}): ${text.slice(0, 120)}`, {
          exchange: this.engine.exchange,
          // a hostile frame can be megabytes: keep enough to diagnose, not the whole thing
          raw: text.length > RAW_KEPT ? `${text.slice(0, RAW_KEPT)}... (${text.length} chars)` : text,
        }),
      );
    }
  }

  /**
   * Hot path for adapters with `decodeBytes`: true when the adapter consumed the frame from its
   * bytes; false sends it down the text path. A throw is reported and the frame is not decoded
   * again (part of it may have been delivered already).
   */
  decodeBytes(bytes: Buffer, family: string, hub: StreamHub, sock: HubSocket): boolean {
    this.hub = hub;
    this.sock = sock;
    try {
      return this.engine.inst.decodeBytes!(bytes, this, family);
    } catch (err) {
      this.engine.error(
        new BadResponse(`frame decoder failed (${(err as Error).message}): ${bytes.toString('utf8', 0, 120)}`, {
          exchange: this.engine.exchange,
        }),
      );
      return true;
    }
  }

  symbolOf(stream: string): string | undefined {
    return this.engine.topicOf(stream)?.symbol;
  }

  bookNonce(stream: string): number | undefined {
    return this.engine.topicOf(stream)?.book?.book.nonce;
  }

  connection(): ConnectionState {
    // a frame always comes from a socket; the fallback only serves a decoder called outside one
    return this.sock?.state ?? new ConnectionState();
  }

  bookSnapshot(stream: string, s: BookSnapshot): void {
    this.engine.topicOf(stream)?.book?.onStreamSnapshot(s);
  }

  bookDelta(stream: string, d: BookDelta): void {
    this.engine.topicOf(stream)?.book?.onDelta(d);
  }

  ticker(stream: string, t: Ticker): void {
    const topic = this.engine.topicOf(stream);
    if (topic) this.engine.topics.pushTicker(topic, t);
  }

  trades(stream: string, list: Trade[]): void {
    const topic = this.engine.topicOf(stream);
    if (topic && list.length) this.engine.topics.pushTrades(topic, list);
  }

  candle(stream: string, c: OHLCV): void {
    const topic = this.engine.topicOf(stream);
    if (topic) this.engine.topics.pushCandle(topic, c);
  }

  ack(id: number): void {
    if (this.sock) this.hub?.ack(id, this.sock);
  }

  oldestPending(): number | undefined {
    return this.sock ? this.hub?.oldestPending(this.sock) : undefined;
  }

  lost(detail: string): void {
    if (!this.sock) return;
    for (const name of this.sock.names) this.engine.topicOf(name)?.book?.lost(detail);
  }

  refused(id: number | undefined, err: BaseError): void {
    if (id !== undefined && this.sock && this.hub?.refuse(id, this.sock, err)) return;
    this.engine.error(err);
  }

  /** Describes request `id` of the current socket ("SUBSCRIBE btcusdt@depth@100ms"), for error texts. */
  describe(id: number | undefined): string | undefined {
    return id !== undefined && this.sock ? this.hub?.describe(id, this.sock) : undefined;
  }

  error(err: BaseError): void {
    this.engine.error(err);
  }

  reconnect(reason: string): void {
    if (this.sock) this.hub?.reconnect(this.sock, reason);
  }

  pause(detail: string): void {
    if (this.sock) this.hub?.pause(this.sock, detail);
  }

  resume(): void {
    if (this.sock) this.hub?.resume(this.sock);
  }

  marketUpdate(symbol: string, update: (market: Market) => Market | undefined): void {
    this.engine.updateMarket(symbol, update);
  }

  malformed(stream: string | undefined, what: string, raw: unknown): void {
    const topic = stream === undefined ? undefined : this.engine.topicOf(stream);
    this.engine.error(
      new BadResponse(`malformed ${stream === undefined ? '' : `${stream} `}${what} ignored`, {
        exchange: this.engine.exchange,
        symbol: topic?.symbol,
        raw,
      }),
    );
    // nothing of the frame was applied; the book cannot know what it missed
    topic?.book?.invalid(what);
  }
}

/** The same error, naming the symbol it concerns (refusals arrive before we know which topic). */
export function withSymbol(err: BaseError, symbol: string): BaseError {
  if (err.symbol !== undefined) return err;
  const Cls = err.constructor as new (m: string, c: ConstructorParameters<typeof BaseError>[1]) => BaseError;
  const prefix = `${err.exchange}: `;
  const msg = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  return new Cls(msg, { exchange: err.exchange, symbol, code: err.code, raw: err.raw, status: err.status });
}
