/**
 * The consumer side of the relay: a MarketSource (ts/base/source.ts) that feeds an Exchange's
 * topics from a relay's Redis streams (`new binance({ relay: 'redis://...' })`), so the same
 * fetch*, on and watch* calls answer with no exchange connection.
 *
 * Each stream is read once per process, however many consumer instances follow it: one shared
 * reader (shared.ts) blocks on XREAD and hands each decoded entry to every follower, each with its
 * own position, book and checks. A book joins with one read of the snapshot key and then takes the
 * entries after it. Every book entry is checked:
 * same epoch and seq = previous + 1. Anything else (the consumer fell behind the stream's
 * retention and entries were trimmed, the relay restarted or failed over to a standby, Redis
 * restarted empty) reloads the book from the latest snapshot with a 'resync' of reason 'relay':
 * a book is exact at every entry or not served at all. An 'x' entry (the relay's own upstream book
 * broke) takes the book down until the relay's 's' entry brings the rebuilt one.
 *
 * The Redis link: 'status' events (url with any password masked); ioredis reconnects by itself and
 * a reader carries on from its last entry, so a short blip costs nothing, and a Redis that came
 * back empty is caught by the epoch check.
 */
import { Pauses } from './pauses';
import { BadResponse, BaseError, ExchangeNotAvailable, NotSupported, RequestTimeout } from '../core/errors';
import { eventKey } from '../core/channels';
import type { Capability, Market, OHLCV, StatusEvent, Ticker, Trade } from '../core/types';
import { noSequenceRule } from '../book/sync';
import type { OrderBook } from '../book/orderbook';
import type { RawLevel } from '../book/types';
import { LiveBook } from '../base/live-book';
import type { MarketSource, SourceContext } from '../base/source';
import type { Topic } from '../base/topic';
import { DeltaPayload, SnapRecord, SymbolKeys, TradesLost, heartbeatKey, metaKey, parseId, safeUrl, symbolKeys } from './keys';
import { RedisClient, connectRedis, redisRefusal } from './redis';
import { BATCH, Fields, Follower, SharedStream, StreamEntry, UNREADABLE, compareIds, decodeEntry, follow } from './shared';


/** `has` keys a relay consumer answers (from live state). */
const RELAYED = [
  'loadMarkets',
  'fetchOrderBook',
  'fetchOrderBooks',
  'fetchTicker',
  'fetchTickers',
  'fetchTrades',
  'watchOrderBook',
  'watchOrderBooks',
  'watchTicker',
  'watchTickers',
  'watchTrades',
];

/** The source for the `relay` option. */
export function relaySource(ctx: SourceContext): MarketSource {
  return new RelaySource(ctx);
}


function field(fields: Fields, name: string): string | undefined {
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

export class RelaySource implements MarketSource {
  readonly url: string;
  private readonly shown: string;
  /** Commands (joins, catch-ups, lease checks): the blocking reads are the shared readers'. */
  readonly cmd: RedisClient;
  private readonly readers = new Map<Topic, Reader>();
  private attempt = 0;
  private closed = false;
  /** A book stream quiet this long is checked for a writer (the `staleTimeoutMs` option; default 10 s). */
  readonly quietMs: number;

  /** How often the leases' holders' heartbeats are checked (ms): half the quiet time, at most 1 s. */
  readonly beatCheckMs: number;
  private beatTimer: ReturnType<typeof setInterval> | undefined;
  private checking = false;
  /** Runs while the Redis link is down, until it has been down for `quietMs`. */
  private downTimer: ReturnType<typeof setTimeout> | undefined;
  /** Waits between tries (markets not yet published, a refused read): close() ends them. */
  readonly pauses = new Pauses();
  /** The Redis link has been down for longer than `quietMs`: books are not served. */
  private linkLost = false;
  /** Symbols whose relay holds the lease with its heartbeat expired. */
  private readonly stale = new Set<string>();

  constructor(readonly ctx: SourceContext) {
    this.url = String(ctx.options.relay);
    this.shown = safeUrl(this.url);
    this.quietMs = Math.max(100, ctx.options.staleTimeoutMs ?? 10_000);
    this.beatCheckMs = Math.min(1000, Math.floor(this.quietMs / 2));
    this.cmd = connectRedis(this.url, { lazyConnect: true }, ctx.exchange);
    this.cmd.on('ready', () => {
      this.attempt = 0;
      this.linkUp();
      this.status({ url: this.shown, state: 'open', attempt: 0 });
    });
    this.cmd.on('close', () => this.linkDown());
    this.cmd.on('reconnecting', (delayMs: number) => {
      this.attempt++;
      this.status({ url: this.shown, state: 'reconnecting', attempt: this.attempt, delayMs });
    });
    this.cmd.on('error', () => {
      // the link heals itself; its state is on 'status'
    });
  }

  /**
   * The Redis link dropped. A short blip costs nothing (readers carry on from their last entry),
   * but while it is down nothing keeps the books: down for longer than `quietMs`, every book stops
   * being served ('resync' 'relay') until the link is back and the book reloads from the snapshot.
   */
  private linkDown(): void {
    if (this.closed || this.downTimer !== undefined || this.linkLost) return;
    const since = new Date().toISOString();
    this.downTimer = setTimeout(() => {
      this.downTimer = undefined;
      if (this.closed) return;
      this.linkLost = true;
      for (const r of this.readers.values()) {
        if (r instanceof BookReader) r.linkLost(`the Redis link to ${this.shown} is down since ${since}: the book is not kept up to date`);
      }
    }, this.quietMs);
  }

  /** The Redis link is back: books taken down while it was lost reload from the snapshot. */
  private linkUp(): void {
    if (this.downTimer !== undefined) clearTimeout(this.downTimer);
    this.downTimer = undefined;
    if (!this.linkLost) return;
    this.linkLost = false;
    for (const r of this.readers.values()) if (r instanceof BookReader) r.linkBack();
  }

  private status(s: StatusEvent): void {
    if (!this.closed || s.state === 'closed') this.ctx.events.emit('status', s);
  }

  async fetchMarkets(): Promise<Market[]> {
    if (this.cmd.status === 'wait') {
      this.status({ url: this.shown, state: 'connecting', attempt: 0 });
      await this.cmd.connect().catch(() => undefined);
    }
    // consumers may start before the relay: wait for its markets up to timeoutMs
    const until = Date.now() + this.ctx.timeoutMs;
    let list: Market[] = [];
    let answered = false;
    for (;;) {
      let all: Record<string, string>;
      try {
        all = (await this.answer(this.cmd.hgetall(metaKey(this.ctx.exchange)), 'the markets', until)) as Record<string, string>;
      } catch (err) {
        // Redis answered before and only the wait for a relay ran out: that is "no relay", below
        if (answered && err instanceof RequestTimeout) break;
        throw err;
      }
      answered = true;
      list = Object.values(all).map((j) => JSON.parse(j) as Market);
      if (list.length > 0 || this.closed || Date.now() >= until) break;
      await this.pauses.wait(250);
    }
    if (list.length === 0) {
      throw new ExchangeNotAvailable(`no relay has published ${this.ctx.exchange} markets at ${this.shown} (is \`exstream relay ${this.ctx.exchange}\` running?)`, {
        exchange: this.ctx.exchange,
      });
    }
    return list;
  }

  /**
   * `p` (a command on `cmd`), settled by `until` at the latest: commands wait for a link that is
   * down (ioredis reconnects forever), so a caller would otherwise wait forever. A Redis that does
   * not answer in time is a RequestTimeout, a refused password (WRONGPASS / NOAUTH) an
   * AuthenticationError, any other refusal ExchangeNotAvailable; each names the exchange and the
   * URL with its password masked.
   */
  answer<T>(p: Promise<T>, what: string, until: number): Promise<T> {
    const where = { exchange: this.ctx.exchange };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new RequestTimeout(`relay: Redis at ${this.shown} did not answer (${what}) within ${this.ctx.timeoutMs} ms`, where)),
        Math.max(0, until - Date.now()),
      );
    });
    return Promise.race([p, late])
      .catch((err: unknown) => {
        throw redisRefusal(err, 'relay', this.shown, what, where.exchange);
      })
      .finally(() => clearTimeout(timer));
  }

  has(exchangeHas: Record<string, Capability>): Record<string, Capability> {
    const out: Record<string, Capability> = {};
    for (const k of Object.keys(exchangeHas)) out[k] = false;
    for (const k of RELAYED) out[k] = k === 'loadMarkets' ? 'ws' : exchangeHas[k] ? 'ws' : false;
    return out;
  }

  start(topic: Topic): void {
    const keys = symbolKeys(this.ctx.exchange, topic.symbol);
    let reader: Reader;
    if (topic.kind === 'orderbook') reader = new BookReader(this, topic, keys);
    else if (topic.kind === 'ticker') reader = new TickerReader(this, topic, keys.ticker);
    else if (topic.kind === 'trades') reader = new TradesReader(this, topic, keys.trades);
    else {
      this.ctx.topics.fail(topic, new NotSupported(`${topic.kind} is not carried by the relay`, { exchange: this.ctx.exchange, symbol: topic.symbol }));
      return;
    }
    this.readers.set(topic, reader);
    reader.run();
    if (reader instanceof BookReader && !this.beatTimer) {
      this.beatTimer = setInterval(() => void this.checkBeats(), this.beatCheckMs);
      this.beatTimer.unref?.();
    }
  }

  /**
   * The relay writing a book must be alive: its heartbeat key (TTL three times its beat) must
   * exist. A lease whose holder's heartbeat expired (the relay frozen, e.g. SIGSTOP, or cut off
   * from Redis while its lease runs) takes the book down ('resync' 'relay', pulls wait as for any
   * resync) and 'status' says 'stale'; when the holder beats again (or another relay holds the
   * lease) the book reloads from the snapshot and 'status' says 'open'.
   */
  private async checkBeats(): Promise<void> {
    if (this.checking || this.closed || this.cmd.status !== 'ready') return;
    this.checking = true;
    try {
      const books = [...this.readers.values()].filter((r): r is BookReader => r instanceof BookReader);
      const holders = await Promise.all(books.map((b) => this.cmd.get(b.leaseKey) as Promise<string | null>));
      const ids = [...new Set(holders.filter((h): h is string => h !== null))];
      const alive = new Set<string>();
      const beats = await Promise.all(ids.map((id) => this.cmd.exists(heartbeatKey(this.ctx.exchange, id))));
      ids.forEach((id, i) => beats[i] > 0 && alive.add(id));
      if (this.closed) return;
      const wasStale = this.stale.size > 0;
      books.forEach((b, i) => {
        const holder = holders[i];
        const isStale = holder !== null && !alive.has(holder);
        if (isStale) this.stale.add(b.symbol);
        else this.stale.delete(b.symbol);
        b.relayBeat(holder, isStale);
      });
      if (!wasStale && this.stale.size > 0) this.status({ url: this.shown, state: 'stale', attempt: 0 });
      else if (wasStale && this.stale.size === 0) this.status({ url: this.shown, state: 'open', attempt: 0 });
    } catch {
      // the link is down: its state is on 'status' already
    } finally {
      this.checking = false;
    }
  }

  stop(topic: Topic): void {
    this.readers.get(topic)?.stop();
    this.readers.delete(topic);
  }

  async restTrades(market: Market, since?: number, limit?: number): Promise<Trade[]> {
    // the relay's recent trades: newest entries first, each a batch oldest first
    const rows = (await this.answer(
      this.cmd.xrevrange(symbolKeys(this.ctx.exchange, market.symbol).trades, '+', '-', 'COUNT', 200),
      `the recent trades of ${market.symbol}`,
      Date.now() + this.ctx.timeoutMs,
    )) as [string, Fields][];
    const out: Trade[] = [];
    for (let i = rows.length - 1; i >= 0; i--) {
      const p = field(rows[i][1], 'p');
      if (p !== undefined) out.push(...(JSON.parse(p) as Trade[]));
    }
    let list = since === undefined ? out : out.filter((t) => (t.timestamp ?? 0) >= since);
    if (limit !== undefined && list.length > limit) list = list.slice(list.length - limit);
    return list;
  }

  restTickers(): Promise<Ticker[]> {
    return Promise.reject(new NotSupported('fetchTickers over a relay needs a list of symbols', { exchange: this.ctx.exchange }));
  }

  restOHLCV(market: Market): Promise<OHLCV[]> {
    return Promise.reject(new NotSupported('OHLCV is not carried by the relay', { exchange: this.ctx.exchange, symbol: market.symbol }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pauses.cancel();
    if (this.beatTimer) clearInterval(this.beatTimer);
    if (this.downTimer !== undefined) clearTimeout(this.downTimer);
    this.downTimer = undefined;
    for (const r of this.readers.values()) r.stop();
    this.readers.clear();
    this.cmd.disconnect();
    this.status({ url: this.shown, state: 'closed', attempt: 0 });
  }

  error(err: Error): void {
    if (!this.closed) this.ctx.events.error(err);
  }
}

/**
 * Follows one stream through the process's shared reader (shared.ts): joins (`join` sets the
 * cursor), reads what the shared reader handed out before it joined itself (XRANGE on the
 * source's command connection), then takes the shared entries after its cursor, in order.
 */
abstract class Reader implements Follower {
  protected cursor = '0-0';
  private cursorE = 0;
  private cursorS = 0;
  protected stopped = false;
  private stream: SharedStream | undefined;
  /** Joining or catching up: entries handed out meanwhile are held. */
  private busy = false;
  private again = false;
  private held: StreamEntry[] = [];
  readonly quietMs: number;

  constructor(
    protected readonly src: RelaySource,
    protected readonly topic: Topic,
    protected readonly key: string,
  ) {
    this.quietMs = src.quietMs;
  }

  run(): void {
    this.rejoin();
  }

  stop(): void {
    this.stopped = true;
    this.stream?.remove(this);
    this.stream = undefined;
  }

  /** Nothing came for `quietMs`: a quiet market, or no relay writing any more. */
  protected async onQuiet(): Promise<void> {}

  /** Before the first entry (and when asked to): where to start (sets the cursor). */
  protected abstract join(): Promise<void>;
  /** One entry, in order, after the cursor; true asks for `join` before the next one. */
  protected abstract entry(d: StreamEntry): boolean;
  /** After a run of entries read together (tickers: the latest of them wins). */
  protected flush(): void {}

  protected setCursor(id: string): void {
    this.cursor = id;
    [this.cursorE, this.cursorS] = parseId(id);
  }

  /** Asks for `join` and a catch-up before the next entry. */
  protected rejoin(): void {
    if (this.stopped) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    this.sync().catch((err: unknown) => {
      if (!this.stopped) this.src.error(new BaseError(`relay reader stopped: ${(err as Error).message}`, { exchange: this.src.ctx.exchange, symbol: this.topic.symbol, cause: err }));
    });
  }

  private async sync(): Promise<void> {
    while (!this.stopped) {
      this.again = false;
      try {
        await this.join();
        if (this.stopped) return;
        if (!this.stream) this.stream = follow(this.src.url, this.key, this.cursor, this, this.src.ctx.exchange);
        // what the shared reader handed out before this follower stood here: read it here
        const upto = this.stream.position;
        let from = this.cursor;
        while (!this.again && !this.stopped && compareIds(from, upto) < 0) {
          const rows = (await this.src.cmd.xrange(this.key, `(${from}`, upto, 'COUNT', BATCH)) as [string, Fields][];
          if (rows.length === 0) break;
          for (const [id, fields] of rows) {
            from = id;
            if (this.take(decodeEntry(id, fields))) break;
          }
          this.flush();
        }
        if (this.again || this.stopped) continue;
        this.busy = false;
        const held = this.held;
        this.held = [];
        if (held.length) this.deliver(held);
        return;
      } catch (err) {
        if (this.stopped) return;
        // a command refused (not a dropped link: commands wait for it): report, pause, rejoin
        this.src.error(new BaseError(`relay read failed: ${(err as Error).message}`, { exchange: this.src.ctx.exchange, symbol: this.topic.symbol }));
        await this.src.pauses.wait(500);
      }
    }
  }

  /** One entry if it is past the cursor; true when it asked for a rejoin. */
  private take(d: StreamEntry): boolean {
    if (d.e < this.cursorE || (d.e === this.cursorE && d.s <= this.cursorS)) return false;
    this.cursor = d.id;
    this.cursorE = d.e;
    this.cursorS = d.s;
    if (this.entry(d)) {
      this.rejoin();
      return true;
    }
    return false;
  }

  deliver(entries: readonly StreamEntry[]): void {
    if (this.stopped) return;
    for (let i = 0; i < entries.length; i++) {
      if (this.busy) {
        for (; i < entries.length; i++) this.held.push(entries[i]);
        return;
      }
      this.take(entries[i]);
    }
    if (!this.busy) this.flush();
  }

  quiet(): void {
    if (this.busy || this.stopped) return;
    this.onQuiet().catch(() => undefined);
  }

  failed(err: Error): void {
    if (this.stopped) return;
    this.src.error(new BaseError(err.message, { exchange: this.src.ctx.exchange, symbol: this.topic.symbol, cause: err }));
    this.rejoin();
  }

  /** The id of a stream's last entry, '0-0' when it has none. */
  protected async lastId(key: string): Promise<string> {
    const rows = (await this.src.cmd.xrevrange(key, '+', '-', 'COUNT', 1)) as [string, Fields][];
    return rows.length ? rows[0][0] : '0-0';
  }
}

/** A book: snapshot key, then every entry checked and applied. */
class BookReader extends Reader {
  private readonly live: LiveBook;
  private readonly keys: SymbolKeys;
  private epoch = 0;
  private seq = 0;
  /** No snapshot to stand on: only an 's' entry helps. */
  private waiting = true;
  /** An entry that could not be read: a snapshot from before it is no use (it would come again). */
  private unreadable: [number, number] | undefined;
  /** The lease holder's heartbeat expired: not served until it beats again. */
  private relayStale = false;
  /** Taken down because the consumer's Redis link was lost (see RelaySource.linkDown). */
  private linkDown = false;

  constructor(src: RelaySource, topic: Topic, keys: SymbolKeys) {
    super(src, topic, keys.book);
    this.keys = keys;
    const events = src.ctx.events;
    const key = eventKey('orderbook', topic.symbol);
    this.live = new LiveBook({
      exchange: src.ctx.exchange,
      symbol: topic.symbol,
      // the relay's seq is checked here, entry by entry; the book applies what passes
      rule: noSequenceRule,
      // the book found a change it cannot apply: reload from the relay's snapshot
      resubscribe: () => this.rejoin(),
      onBook: (book) => events.emit(key, book),
      onResync: (e) => events.emit('resync', e),
      onError: (err) => events.error(err),
    });
    topic.book = this.live;
  }

  get leaseKey(): string {
    return this.keys.lease;
  }

  get symbol(): string {
    return this.topic.symbol;
  }

  /** The relay holding the lease has a heartbeat (or none holds it): `stale` when it stopped beating. */
  relayBeat(holder: string | null, stale: boolean): void {
    if (this.stopped) return;
    if (stale && !this.relayStale) {
      this.relayStale = true;
      this.reload(`relay ${holder} holds the lease of ${this.topic.symbol} but its heartbeat expired (frozen, or cut off from Redis): the book is not kept up to date`);
    } else if (!stale && this.relayStale) {
      // it beats again (or another relay took over): reload from its snapshot
      this.relayStale = false;
      this.rejoin();
    }
  }

  /** The consumer's own Redis link has been down too long: the book is not served until it is back. */
  linkLost(detail: string): void {
    if (this.stopped || this.linkDown) return;
    this.linkDown = true;
    this.reload(detail);
  }

  /** The Redis link is back: reload from the snapshot. */
  linkBack(): void {
    if (this.stopped || !this.linkDown) return;
    this.linkDown = false;
    this.rejoin();
  }

  /** The relay's epoch and seq this book is at (tests). */
  get position(): { epoch: number; seq: number } {
    return { epoch: this.epoch, seq: this.seq };
  }

  override stop(): void {
    super.stop();
    this.live.close();
  }

  /** A quiet stream with no relay holding the symbol's lease: nobody keeps this book any more. */
  protected override async onQuiet(): Promise<void> {
    if (!this.live.ready) return;
    const holder = (await this.src.cmd.get(this.keys.lease)) as string | null;
    if (holder === null && !this.stopped && this.live.ready) {
      // served no longer: the next relay to take the symbol writes an 's' entry in a new epoch
      this.reload(`no relay writes ${this.topic.symbol} (its lease is free): the book is not kept up to date`);
    }
  }

  protected async join(): Promise<void> {
    const json = (await this.src.cmd.get(this.keys.snap)) as string | null;
    if (this.stopped) return;
    if (json === null) {
      // no snapshot (yet): wait for the relay's next 's' entry
      this.waiting = true;
      this.setCursor(await this.lastId(this.key));
      return;
    }
    const snap = JSON.parse(json) as SnapRecord;
    const bad = this.unreadable;
    if (this.relayStale) {
      // nothing to serve while the relay is not beating: wait for it (or its 's' entry)
      this.waiting = true;
      this.setCursor(`${snap.e}-${snap.s}`);
      return;
    }
    if (bad && snap.e === bad[0] && snap.s < bad[1]) {
      // the latest snapshot is older than the unreadable entry: wait for the relay's next one
      this.waiting = true;
      this.setCursor(`${bad[0]}-${bad[1]}`);
      return;
    }
    this.unreadable = undefined;
    this.waiting = false;
    this.epoch = snap.e;
    this.seq = snap.s;
    this.setCursor(`${snap.e}-${snap.s}`);
    this.live.onStreamSnapshot({ nonce: snap.n ?? snap.s, bids: snap.b, asks: snap.a, timestamp: snap.ts });
  }

  /** Marks the book for a reload; a book that was being served says why on 'resync'. */
  private reload(detail: string): true {
    if (this.live.ready) this.live.interrupt('relay', detail);
    this.waiting = true;
    return true;
  }

  protected entry(d: StreamEntry): boolean {
    const { id, e, s, t } = d;
    if (this.waiting) return t === 's';
    if (e !== this.epoch) return this.reload(`relay epoch ${this.epoch} -> ${e}: the relay restarted or a standby took over`);
    if (s !== this.seq + 1) {
      return this.reload(`relay entry ${id} after ${this.epoch}-${this.seq}: ${s - this.seq - 1} entries missed (fell behind the stream's retention)`);
    }
    this.seq = s;
    if (t === 's') return this.reload('the relay rebuilt its book from a snapshot');
    if (t === 'x') {
      const why = (payload(d) ?? {}) as { reason?: string; detail?: string };
      this.reload(`the relay's upstream book resynced (${why.reason ?? 'unknown'}${why.detail ? `: ${why.detail}` : ''})`);
      // nothing to load until its 's' entry: keep reading
      return false;
    }
    const p = t === 'd' ? (payload(d) as DeltaPayload | undefined) : undefined;
    if (!p || !Array.isArray(p.b) || !Array.isArray(p.a)) {
      // not an entry of ours (another writer, a damaged value): what it changed is unknown
      this.src.error(
        new BadResponse(`relay entry ${id} is not a book change (type ${JSON.stringify(t)}); reloading from the snapshot`, {
          exchange: this.src.ctx.exchange,
          symbol: this.topic.symbol,
          raw: d.fields.slice(0, 4).map((x) => x.slice(0, 200)),
        }),
      );
      this.unreadable = [e, s];
      return this.reload(`relay entry ${id} unreadable`);
    }
    let bids: RawLevel[] = p.b;
    let asks: RawLevel[] = p.a;
    if (p.w) {
      // the relay keeps a fixed depth: levels beyond its worst ones were cut there, cut them here
      const book = this.live.book;
      bids = withCut(book, 'bids', bids, p.w[0]);
      asks = withCut(book, 'asks', asks, p.w[1]);
    }
    const n = p.n ?? s;
    this.live.onDelta({ first: n, last: n, bids, asks, timestamp: p.ts });
    return false;
  }
}

/** The JSON payload of an entry (shared: read it, never change it), or undefined when it has none or it is not JSON. */
function payload(d: StreamEntry): object | undefined {
  return d.p !== UNREADABLE && typeof d.p === 'object' && d.p !== null ? d.p : undefined;
}

/** `levels` plus a removal of every level of `book` beyond `worst` (worse than it). */
function withCut(book: OrderBook, side: 'bids' | 'asks', levels: RawLevel[], worst: number | null): RawLevel[] {
  if (worst === null) return levels;
  const out = levels.slice();
  for (let i = book.depth(side) - 1; i >= 0; i--) {
    const price = book.priceAt(side, i)!;
    if (side === 'bids' ? price >= worst : price <= worst) break;
    out.push([price, 0]);
  }
  return out;
}

/**
 * Tickers are conflated: the latest one at once, then the latest of each run of entries read
 * together (a consumer that fell behind gets the newest ticker, not the ones in between; nothing is
 * reported, a ticker replaces the last one).
 */
class TickerReader extends Reader {
  private latest: Ticker | undefined;

  protected async join(): Promise<void> {
    const rows = (await this.src.cmd.xrevrange(this.key, '+', '-', 'COUNT', 1)) as [string, Fields][];
    if (this.stopped) return;
    if (rows.length === 0) {
      this.setCursor('0-0');
      return;
    }
    this.setCursor(rows[0][0]);
    const d = decodeEntry(rows[0][0], rows[0][1]);
    this.entry(d);
    this.flush();
  }

  protected entry(d: StreamEntry): boolean {
    const p = payload(d);
    if (p) this.latest = p as Ticker;
    return false;
  }

  protected override flush(): void {
    const t = this.latest;
    if (t === undefined) return;
    this.latest = undefined;
    // each consumer instance its own object (the decoded entry is shared)
    this.src.ctx.topics.pushTicker(this.topic, { ...t });
  }
}

/**
 * Trades: every new batch, in order. Trades cannot be reloaded: a consumer whose stream was
 * trimmed past its position (it fell behind the retention, `--max-len-trades`) emits a
 * TradesLost error naming how many entries it missed and carries on from the oldest kept one.
 */
class TradesReader extends Reader {
  private epoch = 0;
  private seq = 0;

  protected async join(): Promise<void> {
    this.setCursor(await this.lastId(this.key));
    [this.epoch, this.seq] = this.cursor === '0-0' ? [0, 0] : parseId(this.cursor);
  }

  protected entry(d: StreamEntry): boolean {
    const { id, e, s } = d;
    // within an epoch seq counts entries from 1; a new epoch (another relay, or the relay's own
    // restart) starts at 1 again, so seq - 1 entries of it are gone (and perhaps the old epoch's tail)
    const lost = e === this.epoch ? s - this.seq - 1 : this.epoch === 0 ? 0 : s - 1;
    if (lost > 0) {
      this.src.error(
        new TradesLost(
          `relay: ${lost} trades entr${lost === 1 ? 'y' : 'ies'} lost between ${this.epoch}-${this.seq} and ${id}: the trades stream was trimmed past this consumer's position (it fell behind the stream's retention); carrying on from the oldest entry kept`,
          lost,
          `${this.epoch}-${this.seq}`,
          id,
          { exchange: this.src.ctx.exchange, symbol: this.topic.symbol },
        ),
      );
    }
    this.epoch = e;
    this.seq = s;
    const p = d.p;
    if (Array.isArray(p)) this.src.ctx.topics.pushTrades(this.topic, (p as Trade[]).map((t) => ({ ...t })));
    return false;
  }
}
