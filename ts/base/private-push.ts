/**
 * The push side of private data (DESIGN.md §1 "Push"): on('balance' | 'orders' | 'myTrades'[,
 * symbol], cb) and the watch iterators, fed by the private state's changes. Every user holds the
 * private stream (PrivateStream refs); the last one to leave stops it. 'orders' and 'myTrades'
 * carry batches (arrays, copies) for all symbols and, narrowed, per symbol; 'balance' carries the
 * whole balance. A refused subscription fails every iterator.
 */
import { BadRequest, BaseError } from '../core/errors';
import { EventHub, PrivateChannel, eventKey } from './events';
import type { PrivateStream } from './private-stream';
import type { Balances, Order, Trade, Transaction } from '../core/types';
import { Watch } from './watch';

type Cb = (payload: never) => void;

export class PrivatePush {
  private readonly offs = new Map<string, Map<Cb, () => void>>();
  private readonly failures = new Set<(err: Error) => void>();

  constructor(
    private readonly exchange: string,
    private readonly events: EventHub,
    private readonly stream: PrivateStream,
  ) {}

  on(channel: PrivateChannel, symbol: string | undefined, cb: Cb): () => void {
    if (channel === 'balance' && symbol !== undefined) {
      throw new BadRequest("on('balance', callback) takes no symbol: the balance covers every currency", { exchange: this.exchange });
    }
    if (channel === 'transactions' && symbol !== undefined) {
      throw new BadRequest("on('transactions', callback) takes no symbol: deposits and withdrawals are per currency", { exchange: this.exchange });
    }
    const key = eventKey(channel, symbol);
    const existing = this.offs.get(key)?.get(cb);
    if (existing) return existing;
    this.events.add(key, cb as (p: unknown) => void);
    this.stream.use();
    const off = (): void => {
      const byCb = this.offs.get(key);
      if (byCb?.get(cb) !== off) return;
      byCb.delete(cb);
      if (byCb.size === 0) this.offs.delete(key);
      this.events.remove(key, cb as (p: unknown) => void);
      this.stream.unuse();
    };
    let byCb = this.offs.get(key);
    if (!byCb) this.offs.set(key, (byCb = new Map()));
    byCb.set(cb, off);
    return off;
  }

  off(channel: PrivateChannel, symbol: string | undefined, cb: Cb): void {
    this.offs.get(eventKey(channel, symbol))?.get(cb)?.();
  }

  /** A Watch over a private channel: 'conflate' gives the latest `current()`-style value, 'queue' every batch. */
  watch<T>(
    channel: PrivateChannel,
    symbol: string | undefined,
    mode: 'conflate' | 'queue',
    current: (() => T | undefined) | undefined,
    select?: (payload: unknown) => T | undefined,
  ): Watch<T> {
    const key = eventKey(channel, symbol);
    return new Watch<T>(
      (push, fail, initial) => {
        // `select` narrows a payload (e.g. deposits of one currency); undefined: nothing for this reader
        const cb = (p: unknown): void => {
          const v = select ? select(p) : (p as T);
          if (v !== undefined) push(v);
        };
        this.events.add(key, cb);
        this.failures.add(fail);
        this.stream.use();
        if (initial && current && this.stream.state === 'live') {
          const v = current();
          if (v !== undefined) push(v);
        }
        return () => {
          this.events.remove(key, cb);
          this.failures.delete(fail);
          this.stream.unuse();
        };
      },
      {
        mode,
        onOverflow: (dropped) =>
          this.events.error(new BaseError(`watch ${channel}: reader fell behind; dropping the oldest batches until it catches up (${dropped} so far; the iterator's \`dropped\` counts them)`, { exchange: this.exchange, symbol })),
        retain: () => this.stream.retain(),
      },
    );
  }

  /** Emits the balance (built only if someone listens). */
  balance(build: () => Balances): void {
    if (this.events.has('balance')) this.events.emit('balance', build());
  }

  /** Emits changed orders or new trades: all symbols, then each symbol's share. */
  batch(channel: 'orders' | 'myTrades', list: Array<Order | Trade>): void {
    this.emitBySymbol(channel, list);
  }

  /** Emits new or changed deposits / withdrawals (copies). */
  transactions(list: Transaction[]): void {
    if (list.length > 0 && this.events.has('transactions')) this.events.emit('transactions', list.map((t) => ({ ...t })));
  }

  /** The subscription was refused: every iterator fails with the error. */
  fail(err: Error): void {
    for (const f of [...this.failures]) f(err);
  }

  private emitBySymbol(channel: 'orders' | 'myTrades', list: Array<Order | Trade>): void {
    if (list.length === 0) return;
    if (this.events.has(channel)) this.events.emit(channel, list.map((x) => ({ ...x })));
    const bySymbol = new Map<string, Array<Order | Trade>>();
    for (const x of list) {
      if (!this.events.has(eventKey(channel, x.symbol))) continue;
      let l = bySymbol.get(x.symbol);
      if (!l) bySymbol.set(x.symbol, (l = []));
      l.push({ ...x });
    }
    for (const [s, l] of bySymbol) this.events.emit(eventKey(channel, s), l);
  }
}
