/**
 * Exchange-agnostic matching engine: price-time priority, LIMIT (GTC/IOC/FOK), MARKET (by base
 * quantity or quote amount), LIMIT_MAKER (post-only, rejected if it would cross), partial fills,
 * cancel, cancel-replace and keep-priority amend, per-account balances with locking and maker/taker
 * fees. Every public call is one synchronous operation; its events (level changes with a per-market
 * monotonically increasing update id, trades, order updates, then balance changes and 'settled')
 * are emitted before it returns.
 */
import { Account } from './accounts';
import type { BookSide } from './book';
import { EngineCore } from './core';
import { MarketInfo } from './market';
import { MarketState, Order } from './order';
import {
  AccountOptions,
  BalanceEntry,
  BookSideName,
  CancelOptions,
  EngineError,
  EngineEvents,
  MarketConfig,
  OrderRef,
  OrderSnapshot,
  OwnTrade,
  PlaceOrderRequest,
  PlaceOrderResult,
} from './types';

export type { EngineOptions } from './core';

export interface DepthSnapshot {
  /** [ticks, steps], best first. */
  bids: Array<[number, number]>;
  asks: Array<[number, number]>;
  updateId: number;
}

export class MatchingEngine extends EngineCore {
  /** Registers a listener for 'level', 'trade', 'order', 'balance' or 'settled'; returns off(). */
  on<K extends keyof EngineEvents>(type: K, fn: (event: EngineEvents[K]) => void): () => void {
    return this.events.on(type, fn);
  }

  // ---- markets and accounts -------------------------------------------------------------

  addMarket(config: MarketConfig): MarketInfo {
    const info = new MarketInfo(config);
    this.states.set(info.symbol, new MarketState(info));
    return info;
  }

  hasMarket(symbol: string): boolean {
    return this.states.has(symbol);
  }

  market(symbol: string): MarketInfo {
    return this.state(symbol).info;
  }

  markets(): MarketInfo[] {
    return [...this.states.values()].map((s) => s.info);
  }

  addAccount(id: string, opts: AccountOptions = {}): Account {
    const acc = new Account(id, opts);
    this.accountsById.set(id, acc);
    return acc;
  }


  balances(account: string): BalanceEntry[] {
    return this.account(account).balances();
  }

  /** Credits `amount` (decimal) of `asset`; emits a balance event carrying the transfer. */
  deposit(account: string, asset: string, amount: string | number): void {
    this.transfer(account, asset, amount, 1n);
  }

  /** Debits `amount` (decimal) of free `asset`; throws INSUFFICIENT_BALANCE. */
  withdraw(account: string, asset: string, amount: string | number): void {
    this.transfer(account, asset, amount, -1n);
  }

  // ---- trading ------------------------------------------------------------------------------

  placeOrder(req: PlaceOrderRequest): PlaceOrderResult {
    const m = this.state(req.symbol);
    const acc = this.account(req.account);
    return this.op(m.info.symbol, () => this.place(m, acc, req));
  }

  cancelOrder(account: string, symbol: string, ref: OrderRef, opts: CancelOptions = {}): OrderSnapshot {
    const m = this.state(symbol);
    const acc = this.account(account);
    return this.op(symbol, () => this.cancel(m, acc, ref, opts));
  }

  /** Cancels every open order of the account on the market (returns [] when there was none). */
  cancelAll(account: string, symbol: string): OrderSnapshot[] {
    const m = this.state(symbol);
    const acc = this.account(account);
    return this.op(symbol, () =>
      this.openOf(m, acc).map((o) => this.cancel(m, acc, { orderId: o.orderId }, {})),
    );
  }

  /** Cancel-replace: cancels the order and places a new one with the given changes (loses priority). */
  amendOrder(
    account: string,
    symbol: string,
    ref: OrderRef,
    changes: { price?: string | number; quantity?: string | number; clientOrderId?: string },
  ): { canceled: OrderSnapshot; placed: PlaceOrderResult } {
    const m = this.state(symbol);
    const acc = this.account(account);
    return this.op(symbol, () => {
      const old = this.findOpen(m, acc, ref);
      if (!old) throw new EngineError('UNKNOWN_ORDER', 'unknown order');
      const req: PlaceOrderRequest = {
        account,
        symbol,
        side: old.side,
        type: old.type,
        timeInForce: old.timeInForce,
        price: changes.price ?? m.info.formatPrice(old.price, m.info.tickDecimals),
        quantity: changes.quantity ?? m.info.formatQty(old.remaining, m.info.stepDecimals),
      };
      if (changes.clientOrderId !== undefined) req.clientOrderId = changes.clientOrderId;
      const canceled = this.cancel(m, acc, { orderId: old.orderId }, {});
      return { canceled, placed: this.place(m, acc, req) };
    });
  }

  /** Reduces an open order's quantity in place, keeping its queue position. */
  amendKeepPriority(account: string, symbol: string, ref: OrderRef, newQty: string | number): OrderSnapshot {
    const m = this.state(symbol);
    const acc = this.account(account);
    return this.op(symbol, () => {
      const order = this.findOpen(m, acc, ref);
      if (!order) throw new EngineError('UNKNOWN_ORDER', 'unknown order');
      const steps = m.info.qtyToSteps(newQty, 'newQty');
      if (steps >= order.origQty || steps <= order.executedQty) {
        throw new EngineError('INVALID_PARAMETER', 'newQty must be below the order quantity and above the executed quantity', 'newQty');
      }
      const delta = order.origQty - steps;
      const side = m.own(order.side);
      const level = side.level(order.price);
      if (order.isWorking && level) {
        side.reduce(level, order, delta);
        this.emitLevel(m, side.name, order.price, level.total);
      } else order.remaining -= delta;
      order.origQty = steps;
      const release = order.side === 'BUY' ? m.info.notional(order.price, delta) : m.info.baseUnits(delta);
      acc.unlock(order.lockAsset, release);
      order.lockLeft -= release;
      this.touched.add(acc);
      const now = this.now();
      order.updateTime = now;
      this.emitOrder(acc, order, 'AMENDED', now);
      return order.snapshot();
    });
  }

  // ---- queries --------------------------------------------------------------------------------

  /** An order by id or client id: open orders of any account, closed ones of tracked accounts. */
  getOrder(symbol: string, ref: OrderRef, account?: string): OrderSnapshot | undefined {
    const m = this.state(symbol);
    let order: Order | undefined;
    if (ref.orderId !== undefined) {
      order = m.open.get(ref.orderId) ?? m.tracked.get(ref.orderId);
      if (order && ref.clientOrderId !== undefined && order.clientOrderId !== ref.clientOrderId) return undefined;
    } else if (ref.clientOrderId !== undefined) {
      for (const o of m.tracked.values()) {
        if (o.clientOrderId === ref.clientOrderId && (account === undefined || o.account === account)) order = o;
      }
    }
    if (order && account !== undefined && order.account !== account) return undefined;
    return order?.snapshot();
  }

  isOpen(symbol: string, orderId: number): boolean {
    return this.state(symbol).open.has(orderId);
  }

  openOrders(account: string, symbol?: string): OrderSnapshot[] {
    const acc = this.account(account);
    const out: OrderSnapshot[] = [];
    for (const m of this.statesFor(symbol)) for (const o of this.openOf(m, acc)) out.push(o.snapshot());
    return out;
  }

  /** Every order of a tracked account on the market, oldest first. */
  allOrders(account: string, symbol: string): OrderSnapshot[] {
    const out: OrderSnapshot[] = [];
    for (const o of this.state(symbol).tracked.values()) if (o.account === account) out.push(o.snapshot());
    return out;
  }

  myTrades(account: string, symbol?: string): OwnTrade[] {
    const list = this.ownTrades.get(account) ?? [];
    return symbol === undefined ? list.slice() : list.filter((t) => t.symbol === symbol);
  }

  depth(symbol: string, limit = Number.MAX_SAFE_INTEGER): DepthSnapshot {
    const m = this.state(symbol);
    return { bids: m.bids.depth(limit), asks: m.asks.depth(limit), updateId: m.updateId };
  }

  bookSide(symbol: string, side: BookSideName): BookSide<Order> {
    return this.state(symbol).side(side);
  }

  updateId(symbol: string): number {
    return this.state(symbol).updateId;
  }

  lastPrice(symbol: string): number {
    return this.state(symbol).lastPrice;
  }
}
