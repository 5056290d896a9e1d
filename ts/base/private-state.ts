/**
 * The live private state of one account, exchange-agnostic: balances, orders by id and own trades,
 * merged from whichever source speaks (stream event, order reply, REST snapshot or re-sync), in any
 * order, without ever going backwards:
 *
 * - an order only moves forward: open -> final status, and its filled amount never decreases, so a
 *   late REST snapshot or a reply that lost the race with the stream cannot undo a fill or a cancel;
 * - own trades are kept once per (symbol, id), so a trade seen on the stream and again in a REST
 *   re-sync is reported once;
 * - a balance snapshot (REST) is applied unless the stream already reported a balance at least as
 *   recent (by the exchange's own update time).
 *
 * Bounded: every open order is kept; closed orders and trades are trimmed per symbol, oldest first.
 * No I/O, no timers: the PrivateApi feeds it and decides what to emit.
 */
import type { BalanceData } from '../core/private-adapter';
import type { BalanceEntry, Balances, Order, Trade, Transaction } from '../core/types';

export type { BalanceData };


export interface PrivateStateLimits {
  /** Closed orders kept per symbol (default 1000). */
  closedOrdersPerSymbol?: number;
  /** Own trades kept per symbol (default 1000). */
  tradesPerSymbol?: number;
}

const FINAL = new Set(['closed', 'canceled', 'expired', 'rejected']);

/** True once an order can no longer change. */
export function isFinal(o: Order): boolean {
  return FINAL.has(o.status);
}

function orderKey(symbol: string, id: string): string {
  return `${symbol}|${id}`;
}

export class PrivateState {
  private readonly balances = new Map<string, BalanceEntry>();
  private balanceInfo: unknown;
  /** Exchange time of the balance data we hold. */
  private balanceTime: number | undefined;
  /** Exchange time of the last balance the stream reported, per currency. */
  private readonly streamTimes = new Map<string, number>();
  private readonly orders = new Map<string, Order>();
  private readonly closedQueue = new Map<string, string[]>();
  private readonly trades = new Map<string, Trade[]>();
  private readonly tradeIds = new Map<string, Set<string>>();
  private readonly transactions = new Map<string, Transaction>();
  private readonly maxTransactions = 1000;
  private readonly maxClosed: number;
  private readonly maxTrades: number;

  constructor(limits: PrivateStateLimits = {}) {
    this.maxClosed = limits.closedOrdersPerSymbol ?? 1000;
    this.maxTrades = limits.tradesPerSymbol ?? 1000;
  }

  // ---------------------------------------------------------------- balances

  /**
   * Applies balances. 'stream': the listed currencies change. 'snapshot': the whole account, except
   * the currencies the stream reported at least as recently (by the exchange's update time).
   * Returns true if anything changed.
   */
  applyBalances(data: BalanceData, source: 'stream' | 'snapshot'): boolean {
    let changed = false;
    const t = data.time;
    const newer = (cur: string): boolean => {
      const st = this.streamTimes.get(cur);
      return t !== undefined && st !== undefined && st >= t;
    };
    if (source === 'snapshot') {
      for (const cur of [...this.balances.keys()]) {
        if (!(cur in data.balances) && !newer(cur)) {
          this.balances.delete(cur);
          changed = true;
        }
      }
    }
    for (const [cur, e] of Object.entries(data.balances)) {
      if (source === 'snapshot' && newer(cur)) continue;
      if (source === 'stream' && t !== undefined) this.streamTimes.set(cur, Math.max(this.streamTimes.get(cur) ?? 0, t));
      const old = this.balances.get(cur);
      if (!old || old.free !== e.free || old.used !== e.used || old.total !== e.total) changed = true;
      this.balances.set(cur, { free: e.free, used: e.used, total: e.total });
    }
    if (t !== undefined) this.balanceTime = Math.max(this.balanceTime ?? 0, t);
    this.balanceInfo = data.info;
    return changed;
  }

  /**
   * The stream was re-subscribed after a gap: what it reported before the gap says nothing about
   * the gap, so a snapshot taken now wins over it (only events from now on are newer than it).
   */
  streamResubscribed(): void {
    this.streamTimes.clear();
  }

  /** A change of one currency's free (and total) balance, e.g. a deposit. */
  applyBalanceDelta(currency: string, delta: (old: BalanceEntry) => BalanceEntry, time: number | undefined, info: unknown): void {
    const old = this.balances.get(currency) ?? { free: 0, used: 0, total: 0 };
    this.balances.set(currency, delta(old));
    if (time !== undefined) this.balanceTime = Math.max(this.balanceTime ?? 0, time);
    this.balanceInfo = info;
  }

  /** The balances as a ccxt-shaped structure (a fresh object: the caller's to keep). */
  balance(): Balances {
    const out: Balances = { info: this.balanceInfo };
    const free: Record<string, number> = {};
    const used: Record<string, number> = {};
    const total: Record<string, number> = {};
    for (const cur of [...this.balances.keys()].sort()) {
      const e = this.balances.get(cur) as BalanceEntry;
      out[cur] = { free: e.free, used: e.used, total: e.total };
      free[cur] = e.free;
      used[cur] = e.used;
      total[cur] = e.total;
    }
    out['free'] = free;
    out['used'] = used;
    out['total'] = total;
    if (this.balanceTime !== undefined) {
      out.timestamp = this.balanceTime;
      out.datetime = new Date(this.balanceTime).toISOString();
    }
    return out;
  }

  // ---------------------------------------------------------------- orders

  /**
   * Merges an order. Returns the stored order if it changed (new, or moved forward), undefined if
   * the update was stale or changed nothing.
   */
  upsertOrder(o: Order): Order | undefined {
    const key = orderKey(o.symbol, o.id);
    const old = this.orders.get(key);
    if (old) {
      const oldFinal = isFinal(old);
      const newFinal = isFinal(o);
      if (oldFinal && !newFinal) return undefined;
      if (o.filled < old.filled) return undefined;
      if (oldFinal && newFinal && o.filled === old.filled) return undefined;
      if (
        oldFinal === newFinal &&
        o.status === old.status &&
        o.filled === old.filled &&
        o.amount === old.amount &&
        o.price === old.price &&
        o.remaining === old.remaining
      ) {
        return undefined;
      }
    }
    const stored: Order = { ...o };
    if (old) {
      // fields a thinner source (a stream event) does not carry
      if (stored.trades === undefined && old.trades !== undefined) stored.trades = old.trades;
      if (stored.clientOrderId === undefined) stored.clientOrderId = old.clientOrderId;
      if (stored.timestamp === undefined) {
        stored.timestamp = old.timestamp;
        stored.datetime = old.datetime;
      }
    }
    this.orders.set(key, stored);
    if (isFinal(stored) && !(old && isFinal(old))) this.trimClosed(stored.symbol, key);
    return stored;
  }

  private trimClosed(symbol: string, key: string): void {
    let q = this.closedQueue.get(symbol);
    if (!q) this.closedQueue.set(symbol, (q = []));
    q.push(key);
    while (q.length > this.maxClosed) {
      const k = q.shift() as string;
      const o = this.orders.get(k);
      if (o && isFinal(o)) this.orders.delete(k);
    }
  }

  /** An order by id (and symbol, when ids are per symbol). */
  order(id: string, symbol?: string): Order | undefined {
    if (symbol !== undefined) return this.orders.get(orderKey(symbol, id));
    for (const o of this.orders.values()) if (o.id === id) return o;
    return undefined;
  }

  /** Orders, oldest first; `open` true: open ones only, false: closed ones only. */
  listOrders(symbol?: string, open?: boolean): Order[] {
    const out: Order[] = [];
    for (const o of this.orders.values()) {
      if (symbol !== undefined && o.symbol !== symbol) continue;
      if (open !== undefined && open === isFinal(o)) continue;
      out.push(o);
    }
    return out.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
  }

  // ---------------------------------------------------------------- own trades

  /** Adds an own trade; false if it was already known. */
  addTrade(t: Trade): boolean {
    if (t.id === undefined) return false;
    let ids = this.tradeIds.get(t.symbol);
    if (!ids) this.tradeIds.set(t.symbol, (ids = new Set()));
    if (ids.has(t.id)) return false;
    ids.add(t.id);
    let list = this.trades.get(t.symbol);
    if (!list) this.trades.set(t.symbol, (list = []));
    const ts = t.timestamp ?? 0;
    let i = list.length;
    while (i > 0 && (list[i - 1].timestamp ?? 0) > ts) i--;
    list.splice(i, 0, t);
    if (list.length > this.maxTrades) {
      for (const old of list.splice(0, list.length - this.maxTrades)) if (old.id !== undefined) ids.delete(old.id);
    }
    return true;
  }

  /** Own trades, oldest first. */
  listTrades(symbol?: string): Trade[] {
    if (symbol !== undefined) return (this.trades.get(symbol) ?? []).slice();
    const out: Trade[] = [];
    for (const list of this.trades.values()) out.push(...list);
    return out.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
  }

  /** The most recent own trade of a symbol. */
  lastTrade(symbol: string): Trade | undefined {
    const list = this.trades.get(symbol);
    return list && list.length ? list[list.length - 1] : undefined;
  }

  /** Symbols with orders or trades in the state. */
  symbols(): string[] {
    const out = new Set<string>(this.trades.keys());
    for (const o of this.orders.values()) out.add(o.symbol);
    return [...out];
  }

  // ---------------------------------------------------------------- deposits and withdrawals

  /**
   * Merges a deposit or withdrawal (by type and id). Returns the stored one if it is new or its
   * status changed, undefined otherwise. A final status (ok, failed, canceled) never goes back to pending.
   */
  upsertTransaction(t: Transaction): Transaction | undefined {
    const key = `${t.type}|${t.id}`;
    const old = this.transactions.get(key);
    if (old && (old.status === t.status || (old.status !== 'pending' && t.status === 'pending'))) return undefined;
    const stored = { ...t };
    this.transactions.set(key, stored);
    if (!old && this.transactions.size > this.maxTransactions) this.transactions.delete(this.transactions.keys().next().value as string);
    return stored;
  }

  /** Deposits and / or withdrawals, oldest first, of one currency or all. */
  listTransactions(type: Transaction['type'] | undefined, code: string | undefined): Transaction[] {
    const out: Transaction[] = [];
    for (const t of this.transactions.values()) {
      if ((type === undefined || t.type === type) && (code === undefined || t.currency === code)) out.push({ ...t });
    }
    return out.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
  }

  clear(): void {
    this.transactions.clear();
    this.balances.clear();
    this.balanceInfo = undefined;
    this.balanceTime = undefined;
    this.streamTimes.clear();
    this.orders.clear();
    this.closedQueue.clear();
    this.trades.clear();
    this.tradeIds.clear();
  }
}
