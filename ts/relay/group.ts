/**
 * Private events from a relay (`exstream relay ... --private`) through Redis consumer groups: every
 * fill, order state and balance the relay wrote is handed to ONE consumer of a group, and stays
 * pending until that consumer's handler finished (XACK after it resolves). A consumer that dies
 * holding entries loses them to the others: each consumer claims entries idle longer than
 * `claimIdleMs` (XAUTOCLAIM), and a consumer restarted under the same name first takes back its
 * own pending ones. So each fill is handled once per group, and none is lost across restarts.
 *
 *   const g = relayGroup({ relay: 'redis://...', exchange: 'binance', group: 'risk', consumer: 'w1' });
 *   g.on('fills', async (trade) => { ... });   // resolve when handled: it is acknowledged then
 *   await g.start();  ...  await g.close();
 */
import { Pauses } from './pauses';
import { BadRequest, BaseError, RequestTimeout } from '../core/errors';
import type { Balances, Order, Trade } from '../core/types';
import { PrivateChannel, privateKeys, safeUrl } from './keys';
import { RedisClient, connectRedis, redisRefusal } from './redis';

export interface RelayGroupOptions {
  /** Redis URL of the relay: redis://host:port. */
  relay: string;
  /** Exchange id, e.g. 'binance'. */
  exchange: string;
  /** Account name the relay writes under (its `private.account`; default 'default'). */
  account?: string;
  /** Consumer group: each entry goes to one consumer of it. */
  group: string;
  /** This consumer's name in the group (keep it across restarts to take back its own pending entries). */
  consumer: string;
  /** Entries another consumer left unacknowledged this long are claimed (ms). Default 30000. */
  claimIdleMs?: number;
  /** Where new groups start: '$' (only entries written from now, default) or '0' (everything kept). */
  startAt?: '$' | '0';
  /**
   * How long start() waits for Redis (ms; default 10000): past it start() rejects with
   * RequestTimeout (a refused password: AuthenticationError), naming the exchange.
   */
  timeoutMs?: number;
}

/** What a handler is told besides the item. */
export interface GroupEntryInfo {
  /** The stream entry id. */
  id: string;
  /** The entry was delivered before (to this consumer before a restart, or to one that died). */
  redelivered: boolean;
}

/** A handler of one channel: acknowledged when it returns (or its promise resolves); a throw leaves the entry pending. */
export type GroupHandler<T> = (item: T, info: GroupEntryInfo) => unknown;

type Entry = [string, string[]];

export class RelayGroup {
  /** Retry pauses after a failed read (close() ends them). */
  private readonly pauses = new Pauses();
  private readonly opts: Required<RelayGroupOptions>;
  private readonly handlers = new Map<PrivateChannel, GroupHandler<unknown>>();
  private readonly conns: RedisClient[] = [];
  private readonly loops: Promise<void>[] = [];
  private errorHandler: (err: Error) => void = (err) => process.emitWarning(err.message, { type: err.name, code: 'EXSTREAM_UNHANDLED' });
  private closed = false;
  private started = false;
  /** Handlers running now (close() waits for them and their XACK). */
  private readonly running = new Set<Promise<void>>();
  private signalClose: () => void = () => undefined;
  /** Resolves when close() is called. */
  private readonly closing = new Promise<void>((resolve) => (this.signalClose = resolve));

  constructor(options: RelayGroupOptions) {
    for (const k of ['relay', 'exchange', 'group', 'consumer'] as const) {
      if (typeof options[k] !== 'string' || options[k] === '') throw new BadRequest(`relayGroup: ${k} must be a non-empty string`, { exchange: options.exchange });
    }
    this.opts = { account: 'default', claimIdleMs: 30_000, startAt: '$', timeoutMs: 10_000, ...options };
  }

  /** Handler of fills (own trades), order states or balances; call before start(). */
  on(channel: 'fills', handler: GroupHandler<Trade>): this;
  on(channel: 'orders', handler: GroupHandler<Order>): this;
  on(channel: 'balance', handler: GroupHandler<Balances>): this;
  on(channel: 'error', handler: (err: Error) => void): this;
  on(channel: PrivateChannel | 'error', handler: GroupHandler<never> | ((err: Error) => void)): this {
    if (channel === 'error') this.errorHandler = handler as (err: Error) => void;
    else if (channel === 'fills' || channel === 'orders' || channel === 'balance') {
      if (this.started) throw new BadRequest('relayGroup: register handlers before start()', { exchange: this.opts.exchange });
      this.handlers.set(channel, handler as GroupHandler<unknown>);
    } else throw new BadRequest(`relayGroup: unknown channel '${String(channel)}' (fills, orders, balance, error)`, { exchange: this.opts.exchange });
    return this;
  }

  /** Creates the groups where missing and starts reading; resolves once every reader is in its group. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const keys = privateKeys(this.opts.exchange, this.opts.account);
    const ready: Promise<void>[] = [];
    for (const [channel, handler] of this.handlers) {
      const conn = connectRedis(this.opts.relay, { connectionName: `exstream-group-${this.opts.group}-${this.opts.consumer}` }, this.opts.exchange);
      conn.on('error', () => {
        // the link heals itself; commands wait for it
      });
      this.conns.push(conn);
      const key = keys[channel];
      const joined = this.join(conn, key);
      ready.push(joined);
      // a command on a link that is down waits for it (even past disconnect): close() does not wait for that
      this.loops.push(Promise.race([joined.then(() => this.loop(conn, key, handler)), this.closing]).catch((err: Error) => this.report(err)));
    }
    await this.bounded(Promise.all(ready));
  }

  /** `p`, or a typed error: RequestTimeout after timeoutMs, AuthenticationError, ExchangeNotAvailable. */
  private bounded<T>(p: Promise<T>): Promise<T> {
    const where = { exchange: this.opts.exchange };
    const shown = safeUrl(this.opts.relay);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RequestTimeout(`relayGroup: Redis at ${shown} did not answer within ${this.opts.timeoutMs} ms`, where)), this.opts.timeoutMs);
    });
    return Promise.race([p, late])
      .catch((err: unknown) => {
        throw redisRefusal(err, 'relayGroup', shown, 'the group', where.exchange);
      })
      .finally(() => clearTimeout(timer));
  }

  /**
   * Stops reading. Handlers already running are awaited and their entries acknowledged (a graceful
   * close hands nothing it handled to another consumer); entries read but not yet handled stay
   * pending for this consumer name (taken back first on restart) or for another's claim.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pauses.cancel();
    this.signalClose();
    await Promise.all([...this.running]);
    for (const c of this.conns) c.disconnect();
    await Promise.all(this.loops);
  }

  private async join(conn: RedisClient, key: string): Promise<void> {
    try {
      await conn.xgroup('CREATE', key, this.opts.group, this.opts.startAt, 'MKSTREAM');
    } catch (err) {
      if (!/BUSYGROUP/.test((err as Error).message)) throw err;
    }
  }

  private async loop(conn: RedisClient, key: string, handler: GroupHandler<unknown>): Promise<void> {
    const { group, consumer, claimIdleMs } = this.opts;
    // first what this consumer name was given before a restart and never acknowledged (read from
    // a cursor, so an entry its handler fails on waits for the claim instead of spinning here)
    let backlog: string | undefined = '0';
    let lastClaim = 0;
    while (!this.closed) {
      try {
        if (Date.now() - lastClaim >= claimIdleMs / 2) {
          lastClaim = Date.now();
          await this.claim(conn, key, handler);
        }
        const reply = (await conn.xreadgroup(
          'GROUP',
          group,
          consumer,
          'COUNT',
          100,
          'BLOCK',
          Math.max(10, Math.floor(claimIdleMs / 2)),
          'STREAMS',
          key,
          backlog ?? '>',
        )) as [string, Entry[]][] | null;
        const entries = reply?.[0]?.[1] ?? [];
        const redelivered = backlog !== undefined;
        if (backlog !== undefined) backlog = entries.length ? entries[entries.length - 1][0] : undefined;
        for (const e of entries) await this.handle(conn, key, e, handler, redelivered);
      } catch (err) {
        if (this.closed) return;
        this.report(err as Error);
        await this.pauses.wait(500);
      }
    }
  }

  /** Takes over entries other consumers left pending longer than claimIdleMs, and handles them. */
  private async claim(conn: RedisClient, key: string, handler: GroupHandler<unknown>): Promise<void> {
    let cursor = '0-0';
    do {
      const r = (await conn.xautoclaim(key, this.opts.group, this.opts.consumer, this.opts.claimIdleMs, cursor, 'COUNT', 100)) as [string, (Entry | null)[]];
      cursor = r[0];
      for (const e of r[1]) if (e) await this.handle(conn, key, e, handler, true);
    } while (cursor !== '0-0' && !this.closed);
  }

  private async handle(conn: RedisClient, key: string, [id, fields]: Entry, handler: GroupHandler<unknown>, redelivered: boolean): Promise<void> {
    if (this.closed) return;
    const i = fields.indexOf('p');
    let item: unknown;
    try {
      item = JSON.parse(fields[i + 1]);
    } catch {
      // nothing can ever handle it: acknowledge it so it does not come back forever
      this.report(new BaseError(`relayGroup: entry ${id} of ${key} is not JSON; acknowledged and skipped`, { exchange: this.opts.exchange }));
      await conn.xack(key, this.opts.group, id);
      return;
    }
    const run = this.run(conn, key, id, item, handler, redelivered);
    this.running.add(run);
    try {
      await run;
    } finally {
      this.running.delete(run);
    }
  }

  /** The handler, then XACK (also when close() came meanwhile: close waits for this). */
  private async run(conn: RedisClient, key: string, id: string, item: unknown, handler: GroupHandler<unknown>, redelivered: boolean): Promise<void> {
    try {
      await handler(item, { id, redelivered });
    } catch (err) {
      // left pending: claimed again after claimIdleMs (by this consumer or another)
      this.report(new BaseError(`relayGroup: handler failed on ${id}; left pending: ${(err as Error).message}`, { exchange: this.opts.exchange, cause: err }));
      return;
    }
    try {
      await conn.xack(key, this.opts.group, id);
    } catch (err) {
      this.report(new BaseError(`relayGroup: XACK of ${id} failed; it stays pending: ${(err as Error).message}`, { exchange: this.opts.exchange, cause: err }));
    }
  }

  private report(err: Error): void {
    if (this.closed) return;
    try {
      this.errorHandler(err);
    } catch {
      // an error handler that throws has nowhere left to report
    }
  }
}
