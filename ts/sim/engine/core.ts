/**
 * The matching engine's machinery: market and account state, the operation wrapper that batches
 * balance events, order placement and matching, fills and their balance/fee accounting, cancels.
 * MatchingEngine (engine.ts) adds the public API on top.
 */
import { Account } from './accounts';
import { ASSET_SCALE, parseScaled, toDecimalString } from './decimal';
import { Emitter } from './emitter';
import { MarketState, Order } from './order';
import { Prng } from './prng';
import {
  BookSideName,
  CancelOptions,
  EngineError,
  EngineEvents,
  ExecType,
  Fill,
  OrderRef,
  OrderSnapshot,
  OwnTrade,
  PlaceOrderRequest,
  PlaceOrderResult,
  Side,
} from './types';

export interface EngineOptions {
  /** Seeds generated client order ids (default 1). */
  seed?: number;
  /** Clock in ms (default Date.now). */
  now?: () => number;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const PPM = 1_000_000n;

export class EngineCore {
  readonly events = new Emitter<EngineEvents>();
  readonly now: () => number;
  protected readonly states = new Map<string, MarketState>();
  protected readonly accountsById = new Map<string, Account>();
  protected readonly ownTrades = new Map<string, OwnTrade[]>();
  private readonly rng: Prng;
  private opDepth = 0;
  protected readonly touched = new Set<Account>();
  private readonly transfers = new Map<string, { asset: string; delta: bigint }>();

  constructor(opts: EngineOptions = {}) {
    this.rng = new Prng((opts.seed ?? 1) ^ 0x5eed);
    this.now = opts.now ?? Date.now;
  }

  account(id: string): Account {
    const acc = this.accountsById.get(id);
    if (!acc) throw new EngineError('UNKNOWN_ACCOUNT', `unknown account ${id}`);
    return acc;
  }

  protected state(symbol: string): MarketState {
    const m = this.states.get(symbol);
    if (!m) throw new EngineError('UNKNOWN_SYMBOL', `unknown symbol ${symbol}`, 'symbol');
    return m;
  }

  protected statesFor(symbol: string | undefined): MarketState[] {
    return symbol === undefined ? [...this.states.values()] : [this.state(symbol)];
  }

  protected op<R>(symbol: string | undefined, fn: () => R): R {
    this.opDepth++;
    try {
      return fn();
    } finally {
      this.opDepth--;
      if (this.opDepth === 0) this.settle(symbol);
    }
  }

  private settle(symbol: string | undefined): void {
    if (this.touched.size > 0) {
      const time = this.now();
      for (const acc of this.touched) {
        if (!acc.hasChanges()) continue;
        acc.updateTime = time;
        const ev = { account: acc.id, time, balances: acc.drainChanges() };
        const transfer = this.transfers.get(acc.id);
        this.events.emit('balance', transfer ? { ...ev, transfer } : ev);
      }
      this.touched.clear();
      this.transfers.clear();
    }
    this.events.emit('settled', { symbol });
  }

  protected transfer(account: string, asset: string, amount: string | number, sign: bigint): void {
    const acc = this.account(account);
    const units = parseScaled(toDecimalString(amount), ASSET_SCALE);
    if (units === undefined || units <= 0n) throw new EngineError('INVALID_PARAMETER', `bad amount ${amount}`, 'amount');
    this.op(undefined, () => {
      acc.credit(asset, sign * units);
      this.touched.add(acc);
      this.transfers.set(acc.id, { asset, delta: sign * units });
    });
  }

  protected openOf(m: MarketState, acc: Account): Order[] {
    const out: Order[] = [];
    const source = acc.track ? m.tracked.values() : m.open.values();
    for (const o of source) if (o.account === acc.id && o.isOpen) out.push(o);
    return out;
  }

  protected findOpen(m: MarketState, acc: Account, ref: OrderRef): Order | undefined {
    if (ref.orderId !== undefined) {
      const o = m.open.get(ref.orderId);
      if (!o || o.account !== acc.id) return undefined;
      if (ref.clientOrderId !== undefined && o.clientOrderId !== ref.clientOrderId) return undefined;
      return o;
    }
    if (ref.clientOrderId === undefined) return undefined;
    return this.openOf(m, acc).find((o) => o.clientOrderId === ref.clientOrderId);
  }

  private newClientId(): string {
    let s = '';
    for (let i = 0; i < 22; i++) s += ID_ALPHABET[Math.floor(this.rng.next() * ID_ALPHABET.length)];
    return s;
  }

  protected place(m: MarketState, acc: Account, req: PlaceOrderRequest): PlaceOrderResult {
    const info = m.info;
    const { side, type } = req;
    if (side !== 'BUY' && side !== 'SELL') throw new EngineError('INVALID_PARAMETER', 'bad side', 'side');
    if (type !== 'LIMIT' && type !== 'MARKET' && type !== 'LIMIT_MAKER') {
      throw new EngineError('INVALID_PARAMETER', 'bad order type', 'type');
    }
    const tif = type === 'LIMIT' ? (req.timeInForce ?? 'GTC') : 'GTC';
    let price = 0;
    let qty = 0;
    let budget = 0n;
    if (type !== 'MARKET') {
      if (req.price === undefined) throw new EngineError('INVALID_PARAMETER', 'price is required', 'price');
      if (req.quantity === undefined) throw new EngineError('INVALID_PARAMETER', 'quantity is required', 'quantity');
      price = info.priceToTicks(req.price);
      qty = info.qtyToSteps(req.quantity);
      const notional = info.notional(price, qty);
      if (notional < info.minNotional || (info.maxNotional > 0n && notional > info.maxNotional)) {
        throw new EngineError('NOTIONAL', 'notional outside the allowed range');
      }
    } else if (req.quantity !== undefined) {
      qty = info.qtyToSteps(req.quantity);
    } else if (req.quoteOrderQty !== undefined) {
      budget = info.amountToUnits(req.quoteOrderQty, 'quoteOrderQty');
      if (budget <= 0n) throw new EngineError('INVALID_PARAMETER', 'quoteOrderQty must be positive', 'quoteOrderQty');
      if (budget < info.minNotional) throw new EngineError('NOTIONAL', 'notional below the minimum');
    } else {
      throw new EngineError('INVALID_PARAMETER', 'quantity or quoteOrderQty is required', 'quantity');
    }
    let clientOrderId = req.clientOrderId;
    if (clientOrderId !== undefined) {
      if (this.findOpen(m, acc, { clientOrderId })) throw new EngineError('DUPLICATE_ORDER', 'duplicate client order id');
    } else clientOrderId = acc.track ? this.newClientId() : `sim${m.orderSeq + 1}`;

    const opp = m.opposite(side);
    const best = opp.best();
    if (type === 'LIMIT_MAKER' && best && (side === 'BUY' ? best.price <= price : best.price >= price)) {
      throw new EngineError('WOULD_TAKE', 'order would immediately match and take');
    }
    const lockAsset = side === 'BUY' ? info.quote : info.base;
    // A quote-amount market order becomes a quantity order sized against the current book; if the
    // book (not the budget) is what limits it, it ends EXPIRED like any partly filled market order.
    let bookLimited = false;
    if (budget > 0n) {
      const scan = this.scanMarket(m, side, Number.MAX_SAFE_INTEGER, budget);
      qty = scan.steps;
      bookLimited = !scan.budgetLimited;
    }
    let lock = 0n;
    if (!acc.unlimited) {
      if (type !== 'MARKET') lock = side === 'BUY' ? info.notional(price, qty) : info.baseUnits(qty);
      else {
        const scan = this.scanMarket(m, side, qty, 0n);
        lock = side === 'BUY' ? scan.cost : info.baseUnits(scan.steps);
      }
      acc.lock(lockAsset, lock);
      this.touched.add(acc);
    }
    const now = this.now();
    const order = new Order(info.symbol, ++m.orderSeq, clientOrderId, acc.id, side, type, tif, price,
      bookLimited ? Number.MAX_SAFE_INTEGER : qty, budget, now, lockAsset);
    order.lockLeft = lock;
    m.open.set(order.orderId, order);
    if (acc.track) m.tracked.set(order.orderId, order);
    this.emitOrder(acc, order, 'NEW', now);

    const fills: Fill[] = [];
    if (tif === 'FOK' && opp.availableUpTo(price, qty) < qty) {
      this.finish(m, acc, order, 'EXPIRED', now);
      return { order: order.snapshot(), fills };
    }
    this.match(m, order, bookLimited ? qty : Number.MAX_SAFE_INTEGER, fills, now);
    if (bookLimited) {
      order.origQty = order.executedQty;
      order.remaining = 0;
      this.finish(m, acc, order, 'EXPIRED', now);
    } else if (order.remaining === 0) {
      this.finish(m, acc, order, 'FILLED', now);
    } else if (type === 'MARKET' || tif !== 'GTC') {
      this.finish(m, acc, order, 'EXPIRED', now);
    } else {
      order.isWorking = true;
      order.workingTime = now;
      const own = m.own(side);
      const level = own.add(order);
      this.emitLevel(m, own.name, price, level.total);
    }
    return { order: order.snapshot(), fills };
  }

  /**
   * Walks the opposite side as a market order of `qty` steps (or of a quote `budget`) would:
   * the steps it would get, what they cost, and whether the budget (not the book) ran out.
   */
  private scanMarket(m: MarketState, side: Side, qty: number, budget: bigint): { steps: number; cost: bigint; budgetLimited: boolean } {
    const opp = m.opposite(side);
    let remaining = qty;
    let left = budget;
    let steps = 0;
    let cost = 0n;
    for (let i = 0; remaining > 0; i++) {
      const level = opp.levelAt(i);
      if (!level) return { steps, cost, budgetLimited: false };
      let q = Math.min(remaining, level.total);
      if (budget > 0n) {
        const afford = Number(left / m.info.notional(level.price, 1));
        if (afford < q) q = afford;
        if (q <= 0) return { steps, cost, budgetLimited: true };
      }
      const n = m.info.notional(level.price, q);
      cost += n;
      left -= n;
      steps += q;
      remaining -= q;
      if (budget > 0n && q < level.total) return { steps, cost, budgetLimited: true };
    }
    return { steps, cost, budgetLimited: budget > 0n };
  }

  /** Matches `taker` against the opposite side for at most `maxSteps`. */
  private match(m: MarketState, taker: Order, maxSteps: number, fills: Fill[], now: number): void {
    const opp = m.opposite(taker.side);
    const limit = taker.type === 'MARKET' ? undefined : taker.price;
    let budget = maxSteps;
    while (taker.remaining > 0 && budget > 0) {
      const level = opp.best();
      if (!level) return;
      if (limit !== undefined && (taker.side === 'BUY' ? level.price > limit : level.price < limit)) return;
      const maker = level.orders[0] as Order;
      const q = Math.min(taker.remaining, maker.remaining, budget);
      budget -= q;
      const quote = m.info.notional(level.price, q);
      opp.reduce(level, maker, q);
      this.emitLevel(m, opp.name, level.price, level.total);
      this.execute(m, maker, taker, level.price, q, quote, fills, now);
    }
  }

  private execute(m: MarketState, maker: Order, taker: Order, price: number, q: number, quote: bigint, fills: Fill[], now: number): void {
    const info = m.info;
    const makerAcc = this.account(maker.account);
    const takerAcc = this.account(taker.account);
    const buyer = taker.side === 'BUY' ? taker : maker;
    const seller = taker.side === 'BUY' ? maker : taker;
    const buyerAcc = buyer === taker ? takerAcc : makerAcc;
    const sellerAcc = seller === taker ? takerAcc : makerAcc;
    const base = info.baseUnits(q);
    // Buyer pays quote out of its lock (a limit buyer locked at its own price) and receives base.
    const release = buyer.type === 'MARKET' ? quote : info.notional(buyer.price, q);
    buyerAcc.spendLocked(info.quote, quote);
    buyerAcc.unlock(info.quote, release - quote);
    buyer.lockLeft -= release;
    const buyerFee = (base * BigInt(buyer === maker ? buyerAcc.makerFeePpm : buyerAcc.takerFeePpm)) / PPM;
    buyerAcc.credit(info.base, base - buyerFee);
    // Seller pays base out of its lock and receives quote.
    sellerAcc.spendLocked(info.base, base);
    seller.lockLeft -= base;
    const sellerFee = (quote * BigInt(seller === maker ? sellerAcc.makerFeePpm : sellerAcc.takerFeePpm)) / PPM;
    sellerAcc.credit(info.quote, quote - sellerFee);
    this.touched.add(buyerAcc);
    this.touched.add(sellerAcc);

    const tradeId = ++m.tradeSeq;
    m.lastPrice = price;
    taker.remaining -= q;
    for (const o of [maker, taker]) {
      o.executedQty += q;
      o.cumQuote += quote;
      o.updateTime = now;
      o.status = o.remaining === 0 ? 'FILLED' : 'PARTIALLY_FILLED';
    }
    if (maker.remaining === 0) this.finish(m, makerAcc, maker, 'FILLED', now, false);
    this.events.emit('trade', {
      symbol: info.symbol,
      id: tradeId,
      price,
      qty: q,
      quote,
      time: now,
      takerSide: taker.side,
      buyerIsMaker: buyer === maker,
      buyerOrderId: buyer.orderId,
      sellerOrderId: seller.orderId,
      makerOrderId: maker.orderId,
      takerOrderId: taker.orderId,
    });
    const fillOf = (o: Order, isMaker: boolean): Fill => ({
      tradeId,
      price,
      qty: q,
      quote,
      commission: o === buyer ? buyerFee : sellerFee,
      commissionAsset: o === buyer ? info.base : info.quote,
      isMaker,
      time: now,
    });
    const makerFill = fillOf(maker, true);
    const takerFill = fillOf(taker, false);
    fills.push(takerFill);
    this.recordTrade(makerAcc, maker, makerFill);
    this.recordTrade(takerAcc, taker, takerFill);
    this.emitOrder(makerAcc, maker, 'TRADE', now, makerFill);
    this.emitOrder(takerAcc, taker, 'TRADE', now, takerFill);
  }

  private recordTrade(acc: Account, order: Order, fill: Fill): void {
    if (!acc.track) return;
    let list = this.ownTrades.get(acc.id);
    if (!list) {
      list = [];
      this.ownTrades.set(acc.id, list);
    }
    list.push({ ...fill, symbol: order.symbol, orderId: order.orderId, isBuyer: order.side === 'BUY' });
  }

  protected cancel(m: MarketState, acc: Account, ref: OrderRef, opts: CancelOptions): OrderSnapshot {
    const order = this.findOpen(m, acc, ref);
    if (!order) throw new EngineError('UNKNOWN_ORDER', 'unknown order');
    if (
      (opts.restriction === 'ONLY_NEW' && order.status !== 'NEW') ||
      (opts.restriction === 'ONLY_PARTIALLY_FILLED' && order.status !== 'PARTIALLY_FILLED')
    ) {
      throw new EngineError('CANCEL_RESTRICTED', 'order was not canceled due to cancel restrictions');
    }
    if (order.isWorking) {
      const side = m.own(order.side);
      const total = side.remove(order);
      if (total !== undefined) this.emitLevel(m, side.name, order.price, total);
    }
    if (acc.track) {
      order.origClientOrderId = order.clientOrderId;
      order.clientOrderId = opts.newClientOrderId ?? this.newClientId();
    }
    this.finish(m, acc, order, 'CANCELED', this.now());
    return order.snapshot();
  }

  /** Closes an order: status, unlock what is left, forget it if untracked, report it. */
  private finish(m: MarketState, acc: Account, order: Order, status: 'FILLED' | 'EXPIRED' | 'CANCELED', now: number, report = true): void {
    order.status = status;
    order.updateTime = now;
    m.open.delete(order.orderId);
    if (order.lockLeft !== 0n) {
      acc.unlock(order.lockAsset, order.lockLeft);
      order.lockLeft = 0n;
      this.touched.add(acc);
    }
    if (report && status !== 'FILLED') this.emitOrder(acc, order, status, now);
  }

  protected emitLevel(m: MarketState, side: BookSideName, price: number, qty: number): void {
    m.updateId++;
    this.events.emit('level', { symbol: m.info.symbol, side, price, qty, updateId: m.updateId });
  }

  protected emitOrder(acc: Account, order: Order, execType: ExecType, now: number, fill?: Fill): void {
    if (!acc.track) return;
    this.events.emit('order', fill ? { order: order.snapshot(), execType, fill, time: now } : { order: order.snapshot(), execType, time: now });
  }
}

