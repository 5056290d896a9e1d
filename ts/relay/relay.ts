/**
 * The relay (writer): one process keeps the exchange connections and books with exstream's own
 * client and writes every merged update to Redis Streams, so any number of consumers
 * (`new binance({ relay })`, source.ts) get the same data without connecting to the exchange.
 *
 * Per symbol (keys.ts has the layout):
 * - every change of the relay's book becomes one entry of the book stream: the levels it touched
 *   with their amounts after the change, the book's nonce, the time; a book rebuilt upstream (a
 *   gap, a reconnect) becomes an 'x' entry when it breaks and an 's' entry with a fresh snapshot
 *   when it is whole again;
 * - a snapshot of the book is kept in one key, rewritten every `snapshotEvery` entries and
 *   `snapshotMs`, so a consumer joins with one read (the snapshot and the entries after it);
 * - trades and tickers go to their own streams;
 * - streams are trimmed (XADD MAXLEN ~) so Redis memory stays bounded.
 *
 * Failover: each symbol has a lease (SET NX PX, renewed every third of its time). Only the holder
 * writes; a standby relay runs the same feed warm and takes a symbol over when its lease expires,
 * in a new epoch: consumers see the epoch change and reload ('resync', reason 'relay').
 */
import { hostname } from 'os';
import { randomBytes } from 'crypto';
import type { Exchange } from '../base/exchange';
import type { OrderBook } from '../book/orderbook';
import type { BookDelta } from '../book/types';
import { BadRequest } from '../core/errors';
import type { Balances, ExchangeOptions, Order, ResyncEvent, StatusEvent, Ticker, Trade } from '../core/types';
import {
  BookEntryType,
  DeltaPayload,
  MetaRecord,
  RELAY_CHANNELS,
  RelayChannel,
  SnapRecord,
  SymbolKeys,
  heartbeatKey,
  metaKey,
  parseId,
  privateKeys,
  safeUrl,
  symbolKeys,
} from './keys';
import { RedisClient, connectRedis, redisRefusal } from './redis';

export interface RelayOptions {
  /** Redis URL: redis://host:port (comma-separated hosts: a Cluster). */
  redis: string;
  symbols: string[];
  channels?: RelayChannel[];
  /** Lease time (ms): a standby takes over within about this long after the writer dies. Default 5000. */
  leaseMs?: number;
  /** Book stream entries kept per symbol (MAXLEN ~). Default 10000. */
  maxLen?: number;
  /** Trades and ticker stream entries kept per symbol. Default 1000. */
  maxLenTrades?: number;
  /** A snapshot every this many book entries. Default 1000 (must be well below maxLen). */
  snapshotEvery?: number;
  /** ... and at least this often while the book changes (ms). Default 5000. */
  snapshotMs?: number;
  /** Heartbeat key refresh (ms); its TTL is three times this. Default 1000. */
  heartbeatMs?: number;
  /** This relay's id (heartbeat key, lease owner). Default host-pid-random. */
  id?: string;
  /**
   * Also write the account's fills, orders and balance (the upstream client needs its keys) to
   * streams read through consumer groups (group.ts), under this account name (default 'default').
   */
  private?: boolean | { account?: string };
  /** Private stream entries kept. Default 100000. */
  maxLenPrivate?: number;
}

/** What one symbol's writer side knows. */
interface Feed {
  symbol: string;
  keys: SymbolKeys;
  /** Holds the lease and has an epoch: writes. */
  active: boolean;
  /** Taking the symbol over (epoch being chosen). */
  taking: boolean;
  epoch: number;
  seqBook: number;
  seqTrades: number;
  seqTicker: number;
  /** An 's' entry was written in this epoch: deltas may follow. */
  opened: boolean;
  /** A write failed or the link dropped: take the symbol again (new epoch) at the next tick. */
  dirty: boolean;
  book: OrderBook | undefined;
  maxDepth: number | undefined;
  bookReady: boolean;
  sinceSnap: number;
  lastSnapAt: number;
}

/** Counters for the status line and tests. */
export interface RelayStats {
  /** Book changes seen from upstream. */
  updates: number;
  /** Entries written (all streams). */
  entries: number;
  snapshots: number;
  takeovers: number;
  writeErrors: number;
  /** Writes resent after a link drop that Redis had already applied (refused as duplicates: harmless). */
  resent: number;
}

/** Redis refusing an entry id not above the stream's top (XADD, or a script's XADD). */
const DUPLICATE = /equal or smaller than the target stream top item/i;

const LEASE_RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end return 0`;
const LEASE_RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end return 0`;
/** KEYS: lease, book, snap; ARGV: owner, id, maxlen, payload, snap json. */
const WRITE_RESET = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('EXSLEASE lease lost') end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], ARGV[2], 't', 's', 'p', ARGV[4])
redis.call('SET', KEYS[3], ARGV[5])
return 1`;
/** KEYS: seen key, stream; ARGV: ttl (s), maxlen, payload. Writes the entry only the first time. */
const WRITE_ONCE = `if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'p', ARGV[3])
end
return false`;
/** KEYS: lease, snap; ARGV: owner, snap json. */
const WRITE_SNAP = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('EXSLEASE lease lost') end
redis.call('SET', KEYS[2], ARGV[2])
return 1`;


export class Relay {
  readonly id: string;
  readonly stats: RelayStats = { updates: 0, entries: 0, snapshots: 0, takeovers: 0, writeErrors: 0, resent: 0 };
  /** The Redis link: 'connecting' until first ready, then 'open' / 'reconnecting'. */
  redisState: 'connecting' | 'open' | 'reconnecting' | 'closed' = 'connecting';
  private readonly opts: Required<Omit<RelayOptions, 'id' | 'private'>>;
  private readonly account: string | undefined;
  private readonly feeds = new Map<string, Feed>();
  private readonly redis: RedisClient;
  private readonly offs: (() => void)[] = [];
  private leaseTimer: ReturnType<typeof setInterval> | undefined;
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  private closed = false;
  private ticking = false;
  /** The markets hash's fields, written again when Redis comes back (it may have come back empty). */
  private metaFields: string[] = [];
  /** The Redis server's run_id (INFO server) when the link was last up: another one is a restart. */
  private runId: string | undefined;
  /** The link dropped and its writes are not yet verified (see verify). */
  private blip = false;
  /** Told of what happens (status line, logs): leases won and lost, write errors. */
  onLog: (line: string) => void = () => {};

  constructor(
    private readonly ex: Exchange,
    options: RelayOptions,
  ) {
    const channels = options.channels ?? [...RELAY_CHANNELS];
    for (const c of channels) {
      if (!RELAY_CHANNELS.includes(c)) throw new BadRequest(`relay: unknown channel '${c}' (use ${RELAY_CHANNELS.join(', ')})`, { exchange: ex.id });
    }
    if (options.symbols.length === 0) throw new BadRequest('relay: no symbols', { exchange: ex.id });
    this.opts = {
      redis: options.redis,
      symbols: options.symbols,
      channels,
      leaseMs: options.leaseMs ?? 5000,
      maxLen: options.maxLen ?? 10_000,
      maxLenTrades: options.maxLenTrades ?? 1000,
      snapshotEvery: options.snapshotEvery ?? 1000,
      snapshotMs: options.snapshotMs ?? 5000,
      heartbeatMs: options.heartbeatMs ?? 1000,
      maxLenPrivate: options.maxLenPrivate ?? 100_000,
    };
    const priv = options.private;
    this.account = priv ? (typeof priv === 'object' && priv.account) || 'default' : undefined;
    if (this.opts.snapshotEvery * 2 > this.opts.maxLen) {
      throw new BadRequest(`relay: snapshotEvery (${this.opts.snapshotEvery}) must be at most half of maxLen (${this.opts.maxLen}) so a snapshot's entries are kept`, { exchange: ex.id });
    }
    this.id = options.id ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    // scripts go as EVAL, never EVALSHA: a NOSCRIPT retry would reorder them after later XADDs
    const redis = connectRedis(this.opts.redis, { connectionName: `exstream-relay-${this.id}` }, ex.id);
    this.redis = redis;
    redis.on('ready', () => {
      const again = this.redisState !== 'connecting';
      this.redisState = 'open';
      if (again) {
        if (this.metaFields.length) this.redis.hset(metaKey(this.ex.id), ...this.metaFields).catch(() => undefined);
        void this.verify().finally(() => void this.tick());
      } else {
        void this.serverRunId().then((id) => (this.runId = id));
      }
    });
    redis.on('close', () => {
      if (this.redisState === 'open') this.redisState = 'reconnecting';
      this.blip = true;
    });
    let lastError = '';
    let told = false;
    redis.on('reconnecting', () => {
      // once an outage (a relay started before its Redis would otherwise say nothing at all)
      if (told || this.closed) return;
      told = true;
      const where = safeUrl(this.opts.redis);
      this.onLog(this.redisState === 'connecting' ? `waiting for Redis at ${where} (${lastError || 'not reachable'})` : `redis link lost (${lastError || 'closed'}): reconnecting to ${where}`);
    });
    redis.on('ready', () => (told = false));
    redis.on('error', (err: Error) => {
      // reported through the state and one line an outage; ioredis reconnects by itself
      lastError = err.message.split('\n')[0] ?? '';
    });
    for (const symbol of this.opts.symbols) {
      this.feeds.set(symbol, {
        symbol,
        keys: symbolKeys(ex.id, symbol),
        active: false,
        taking: false,
        epoch: 0,
        seqBook: 0,
        seqTrades: 0,
        seqTicker: 0,
        opened: false,
        dirty: false,
        book: undefined,
        maxDepth: undefined,
        bookReady: false,
        sinceSnap: 0,
        lastSnapAt: 0,
      });
    }
  }

  /** Symbols this relay writes right now (holds their lease). */
  get activeSymbols(): string[] {
    return [...this.feeds.values()].filter((f) => f.active).map((f) => f.symbol);
  }

  /** The epoch and last book entry seq of a symbol (tests, status). */
  position(symbol: string): { epoch: number; seq: number; active: boolean } | undefined {
    const f = this.feeds.get(symbol);
    return f && { epoch: f.epoch, seq: f.seqBook, active: f.active };
  }

  /** Resolves once every write issued so far has been answered (one link: commands answer in order). */
  async flush(): Promise<void> {
    await this.redis.ping();
  }

  /** Loads markets, publishes them, subscribes upstream and starts competing for the leases. */
  async start(): Promise<void> {
    const ex = this.ex;
    const markets = await ex.loadMarkets();
    for (const s of this.opts.symbols) ex.market(s); // BadSymbol for an unknown one, before anything is written
    const meta: MetaRecord = {
      exchange: ex.id,
      markets: this.opts.symbols.map((s) => markets[s]),
      symbols: this.opts.symbols,
      channels: this.opts.channels,
    };
    // one field per symbol: relays of different symbols of one exchange share the key
    const fields: string[] = [];
    for (const m of meta.markets) fields.push(m.symbol, JSON.stringify(m));
    this.metaFields = fields;
    // the first command: a wrong password surfaces here (as an AuthenticationError, not ioredis' own reply error)
    await this.redis.hset(metaKey(ex.id), ...fields).catch((err: unknown) => {
      throw redisRefusal(err, 'relay', safeUrl(this.opts.redis), 'the markets', ex.id);
    });

    this.offs.push(ex.tapBooks((symbol, book, delta, maxDepth) => this.onBook(symbol, book, delta, maxDepth)));
    this.offs.push(ex.on('resync', (e: ResyncEvent) => this.onResync(e)));
    if (this.account !== undefined) this.startPrivate(this.account);
    for (const symbol of this.opts.symbols) {
      if (this.opts.channels.includes('orderbook')) this.offs.push(ex.on('orderbook', symbol, () => {}));
      if (this.opts.channels.includes('trades')) this.offs.push(ex.on('trades', symbol, (t: Trade[]) => this.onTrades(symbol, t)));
      if (this.opts.channels.includes('ticker')) this.offs.push(ex.on('ticker', symbol, (t: Ticker) => this.onTicker(symbol, t)));
    }
    // beating before holding any lease: consumers take a lease holder without a heartbeat for a frozen relay
    this.heartbeat();
    this.heartbeatTimer = setInterval(() => this.heartbeat(), this.opts.heartbeatMs);
    await this.tick();
    this.leaseTimer = setInterval(() => void this.tick(), Math.max(50, Math.floor(this.opts.leaseMs / 3)));
  }

  /** Stops writing, hands the leases back (a standby takes over at once) and closes the Redis link. */
  async stop(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    for (const off of this.offs.splice(0)) off();
    const held = [...this.feeds.values()].filter((f) => f.active);
    for (const f of this.feeds.values()) f.active = false;
    if (this.redisState === 'open') {
      await Promise.all([
        ...held.map((f) => this.redis.eval(LEASE_RELEASE, 1, f.keys.lease, this.id).catch(() => 0)),
        this.redis.del(heartbeatKey(this.ex.id, this.id)).catch(() => 0),
      ]);
    }
    this.redisState = 'closed';
    this.redis.disconnect();
  }

  // ---------------------------------------------------------------- upstream events

  private onBook(symbol: string, book: OrderBook, delta: BookDelta | undefined, maxDepth: number | undefined): void {
    const f = this.feeds.get(symbol);
    if (!f) return;
    this.stats.updates++;
    f.book = book;
    f.maxDepth = maxDepth;
    if (delta === undefined) {
      // (re)built from a snapshot: consumers reload from this one
      f.bookReady = true;
      if (f.active) this.writeReset(f);
      return;
    }
    if (!f.active || !f.opened) return;
    // a byte-scanned delta carries its levels as numbers in `packed` (read now: the buffer is reused)
    const pk = delta.packed;
    const p: DeltaPayload = pk
      ? { b: touchedPacked(book, 'bids', pk.bids, pk.bidCount), a: touchedPacked(book, 'asks', pk.asks, pk.askCount) }
      : { b: touched(book, 'bids', delta.bids), a: touched(book, 'asks', delta.asks) };
    if (book.nonce !== undefined) p.n = book.nonce;
    if (book.timestamp !== undefined) p.ts = book.timestamp;
    if (maxDepth !== undefined) p.w = [book.priceAt('bids', book.depth('bids') - 1) ?? null, book.priceAt('asks', book.depth('asks') - 1) ?? null];
    this.xadd(f, f.keys.book, this.opts.maxLen, `${f.epoch}-${++f.seqBook}`, 'd', JSON.stringify(p));
    if (++f.sinceSnap >= this.opts.snapshotEvery || Date.now() - f.lastSnapAt >= this.opts.snapshotMs) this.writeSnap(f);
  }

  private onResync(e: ResyncEvent): void {
    const f = this.feeds.get(e.symbol);
    if (!f) return;
    f.bookReady = false;
    if (!f.active || !f.opened) return;
    // the relay's book broke: consumers drop theirs until the 's' entry of the rebuilt one
    f.opened = false;
    this.xadd(f, f.keys.book, this.opts.maxLen, `${f.epoch}-${++f.seqBook}`, 'x', JSON.stringify({ reason: e.reason, detail: e.detail }));
  }

  private onTrades(symbol: string, trades: Trade[]): void {
    const f = this.feeds.get(symbol);
    if (!f || !f.active) return;
    this.xadd(f, f.keys.trades, this.opts.maxLenTrades, `${f.epoch}-${++f.seqTrades}`, 't', JSON.stringify(trades));
  }

  private onTicker(symbol: string, ticker: Ticker): void {
    const f = this.feeds.get(symbol);
    if (!f || !f.active) return;
    this.xadd(f, f.keys.ticker, 100, `${f.epoch}-${++f.seqTicker}`, 'k', JSON.stringify(ticker));
  }

  // ---------------------------------------------------------------- private streams

  /**
   * Fills and order states are written once each, whoever writes them: every relay of the account
   * (active or standby) writes, and a key per fill / order state (SET NX, 24 h) lets only the
   * first through, so a failover neither loses nor repeats one. The balance is written as it comes.
   */
  private startPrivate(account: string): void {
    const keys = privateKeys(this.ex.id, account);
    const once = (stream: string, what: string, payload: unknown): void => {
      this.stats.entries++;
      this.redis
        .eval(WRITE_ONCE, 2, keys.seen + what, stream, 86400, this.opts.maxLenPrivate, JSON.stringify(payload))
        .catch((err: Error) => this.onLog(`private ${what}: write failed (${err.message.split('\n')[0]})`));
    };
    this.offs.push(this.ex.on('myTrades', (list: Trade[]) => {
      for (const t of list) once(keys.fills, `fill:${t.id}`, t);
    }));
    this.offs.push(this.ex.on('orders', (list: Order[]) => {
      for (const o of list) once(keys.orders, `order:${o.id}:${o.status}:${o.filled}`, o);
    }));
    this.offs.push(this.ex.on('balance', (b: Balances) => {
      this.stats.entries++;
      this.redis.xadd(keys.balance, 'MAXLEN', '~', 1000, '*', 'p', JSON.stringify(b)).catch(() => undefined);
    }));
  }

  // ---------------------------------------------------------------- writes

  private xadd(f: Feed, key: string, maxLen: number, id: string, t: BookEntryType | 't' | 'k', payload: string): void {
    this.stats.entries++;
    this.redis.xadd(key, 'MAXLEN', '~', maxLen, id, 't', t, 'p', payload).catch((err: Error) => this.writeFailed(f, err));
  }

  private snapRecord(f: Feed, book: OrderBook): SnapRecord {
    const rec: SnapRecord = { e: f.epoch, s: f.seqBook, b: levels(book, 'bids'), a: levels(book, 'asks') };
    if (book.nonce !== undefined) rec.n = book.nonce;
    if (book.timestamp !== undefined) rec.ts = book.timestamp;
    if (f.maxDepth !== undefined) rec.depth = f.maxDepth;
    return rec;
  }

  /** An 's' entry and the snapshot after it, in one script (only while holding the lease). */
  private writeReset(f: Feed): void {
    const book = f.book;
    if (!book || !f.bookReady) return;
    f.opened = true;
    const id = `${f.epoch}-${++f.seqBook}`;
    const snap = this.snapRecord(f, book);
    f.sinceSnap = 0;
    f.lastSnapAt = Date.now();
    this.stats.entries++;
    this.stats.snapshots++;
    this.redis
      .eval(WRITE_RESET, 3, f.keys.lease, f.keys.book, f.keys.snap, this.id, id, this.opts.maxLen, JSON.stringify({ n: book.nonce }), JSON.stringify(snap))
      .catch((err: Error) => this.writeFailed(f, err));
  }

  private writeSnap(f: Feed): void {
    const book = f.book;
    if (!book) return;
    f.sinceSnap = 0;
    f.lastSnapAt = Date.now();
    this.stats.snapshots++;
    this.redis.eval(WRITE_SNAP, 2, f.keys.lease, f.keys.snap, this.id, JSON.stringify(this.snapRecord(f, book))).catch((err: Error) => this.writeFailed(f, err));
  }

  private writeFailed(f: Feed, err: Error): void {
    this.stats.writeErrors++;
    if (!f.active) return;
    if (this.blip && DUPLICATE.test(err.message)) {
      // a write resent after the link dropped that Redis had already applied: verify decides
      this.stats.resent++;
      return;
    }
    // the stream may now miss an entry: consumers must not see a hole in an epoch, so the symbol
    // is written again from a fresh snapshot in a new epoch (or given up when the lease is gone)
    f.dirty = true;
    f.opened = false;
    this.onLog(`${f.symbol}: write failed (${err.message.split('\n')[0]}); writing it again in a new epoch`);
  }

  // ---------------------------------------------------------------- link blips

  /** The server's run_id, undefined when it cannot be read. */
  private async serverRunId(): Promise<string | undefined> {
    try {
      const info = await this.redis.info('server');
      return /run_id:(\w+)/.exec(info)?.[1];
    } catch {
      return undefined;
    }
  }

  /**
   * The link came back. ioredis resent the writes that were unanswered when it dropped and then
   * the ones made meanwhile, in order, before anything sent from here; so what the streams hold
   * now can be compared with what this relay wrote. The epoch is kept (consumers notice nothing)
   * when the server is the same process (run_id), the relay still holds each symbol's lease, each
   * stream's last id is exactly the relay's last written id and the snapshot key is this epoch's;
   * a resent write that Redis had already applied is refused as a duplicate id and counts for
   * nothing. Anything else is a real loss (Redis restarted empty, the stream deleted or trimmed
   * past the last write, another writer took the lease): that symbol is written again in a new
   * epoch, and its consumers reload.
   */
  private async verify(): Promise<void> {
    const runId = await this.serverRunId();
    const sameServer = runId !== undefined && runId === this.runId;
    if (runId !== undefined) this.runId = runId;
    const kept: string[] = [];
    const lost: string[] = [];
    await Promise.all(
      [...this.feeds.values()].map(async (f) => {
        if (!f.active || f.dirty) return;
        // each expected id is taken when its command is sent: writes made after it are answered after it
        const checks = [this.streamAt(f.keys.book, f.epoch, f.seqBook)];
        if (this.opts.channels.includes('trades')) checks.push(this.streamAt(f.keys.trades, f.epoch, f.seqTrades));
        if (this.opts.channels.includes('ticker')) checks.push(this.streamAt(f.keys.ticker, f.epoch, f.seqTicker));
        const epoch = f.epoch;
        const lease = this.redis.get(f.keys.lease);
        const snap = this.redis.get(f.keys.snap);
        let why: string | undefined;
        try {
          const results = await Promise.all(checks);
          if (!sameServer) why = 'the Redis server restarted';
          else if ((await lease) !== this.id) why = 'the lease is no longer this relay\'s';
          else if (results.some((r) => r !== undefined)) why = results.find((r) => r !== undefined);
          else {
            const json = await snap;
            const rec = json === null ? undefined : (JSON.parse(json) as SnapRecord);
            if (f.opened && rec?.e !== epoch) why = 'the snapshot key is gone';
          }
        } catch (err) {
          why = `the check failed (${(err as Error).message.split('\n')[0]})`;
        }
        if (f.epoch !== epoch) return;
        if (why === undefined) kept.push(f.symbol);
        else {
          f.dirty = true;
          f.opened = false;
          lost.push(`${f.symbol} (${why})`);
        }
      }),
    );
    this.blip = false;
    if (kept.length) this.onLog(`redis link back: nothing lost, epoch kept for ${kept.join(', ')}`);
    if (lost.length) this.onLog(`redis link back: writing again in a new epoch: ${lost.join('; ')}`);
  }

  /** undefined when stream `key` ends at `<epoch>-<seq>` (no entry of this epoch when seq is 0); else why not. */
  private async streamAt(key: string, epoch: number, seq: number): Promise<string | undefined> {
    const rows = (await this.redis.xrevrange(key, '+', '-', 'COUNT', 1)) as [string, string[]][];
    const last = rows.length ? rows[0][0] : undefined;
    if (seq === 0) return last === undefined || parseId(last)[0] < epoch ? undefined : `${key} holds ${last}, not written by this relay`;
    return last === `${epoch}-${seq}` ? undefined : `${key} ends at ${last ?? 'nothing'}, the last write was ${epoch}-${seq}`;
  }

  // ---------------------------------------------------------------- leases

  /** Renews held leases, takes free (or dirty) symbols, every third of the lease time. */
  private async tick(): Promise<void> {
    if (this.closed || this.ticking || this.redisState !== 'open') return;
    this.ticking = true;
    try {
      await Promise.all([...this.feeds.values()].map((f) => this.tickFeed(f)));
    } finally {
      this.ticking = false;
    }
  }

  private async tickFeed(f: Feed): Promise<void> {
    if (f.taking) return;
    try {
      if (f.active) {
        const kept = await this.redis.eval(LEASE_RENEW, 1, f.keys.lease, this.id, this.opts.leaseMs);
        if (kept !== 1) {
          f.active = false;
          f.opened = false;
          this.onLog(`${f.symbol}: lease lost, standing by`);
        } else if (f.dirty) {
          await this.takeOver(f);
          return;
        }
      }
      if (!f.active) {
        const got = await this.redis.set(f.keys.lease, this.id, 'PX', this.opts.leaseMs, 'NX');
        if (got === 'OK') await this.takeOver(f);
      }
    } catch (err) {
      // a failed round is retried at the next tick; a write side left unsure is written anew
      if (f.active) f.dirty = true;
      this.onLog(`${f.symbol}: lease round failed (${(err as Error).message.split('\n')[0]})`);
    }
  }

  /** Holding the lease: a new epoch above every id the symbol's streams ever had, then a snapshot. */
  private async takeOver(f: Feed): Promise<void> {
    f.taking = true;
    f.active = false;
    try {
      const keys = [f.keys.book, f.keys.trades, f.keys.ticker];
      const tops = await Promise.all(keys.map((k) => this.lastEpoch(k)));
      f.epoch = Math.max(Date.now(), f.epoch + 1, ...tops.map((t) => t + 1));
      f.seqBook = 0;
      f.seqTrades = 0;
      f.seqTicker = 0;
      f.dirty = false;
      f.opened = false;
      f.active = true;
      this.stats.takeovers++;
      this.onLog(`${f.symbol}: writing, epoch ${f.epoch}`);
      if (f.bookReady) this.writeReset(f);
    } finally {
      f.taking = false;
    }
  }

  /** The epoch of the last id a stream ever generated (0 for none). */
  private async lastEpoch(key: string): Promise<number> {
    try {
      const info = (await this.redis.xinfo('STREAM', key)) as unknown[];
      const i = info.indexOf('last-generated-id');
      return i >= 0 ? parseId(String(info[i + 1]))[0] || 0 : 0;
    } catch (err) {
      if (/no such key/i.test((err as Error).message)) return 0;
      throw err;
    }
  }

  private heartbeat(): void {
    if (this.closed || this.redisState !== 'open') return;
    const body = JSON.stringify({
      id: this.id,
      pid: process.pid,
      host: hostname(),
      symbols: this.opts.symbols,
      active: this.activeSymbols,
      entries: this.stats.entries,
      at: Date.now(),
    });
    this.redis.set(heartbeatKey(this.ex.id, this.id), body, 'PX', this.opts.heartbeatMs * 3).catch(() => undefined);
  }
}

/** The levels a delta touched, with their amounts in the book now (0: gone, or cut by the depth). */
function touched(book: OrderBook, side: 'bids' | 'asks', raw: BookDelta['bids']): [number, number][] {
  const out: [number, number][] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const price = Number(raw[i][0]);
    out[i] = [price, book.amountOf(side, price)];
  }
  return out;
}

/** The same for levels packed as [price, amount] pairs of numbers. */
function touchedPacked(book: OrderBook, side: 'bids' | 'asks', nums: Float64Array, count: number): [number, number][] {
  const out: [number, number][] = new Array(count);
  for (let i = 0; i < count; i++) {
    const price = nums[2 * i];
    out[i] = [price, book.amountOf(side, price)];
  }
  return out;
}

function levels(book: OrderBook, side: 'bids' | 'asks'): [number, number][] {
  const n = book.depth(side);
  const out: [number, number][] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = [book.priceAt(side, i)!, book.amountAt(side, i)!];
  return out;
}

/** Upstream client options for a relay: live state, the given base URLs (rest, ws, wsApi, ...). */
export function upstreamOptions(urls: Record<string, string | undefined>): ExchangeOptions {
  const out: ExchangeOptions = { ws: true };
  const given = Object.fromEntries(Object.entries(urls).filter(([, v]) => v !== undefined && v !== ''));
  if (Object.keys(given).length) out.urls = given;
  return out;
}

export { safeUrl, StatusEvent };
