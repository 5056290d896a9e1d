/**
 * The engine's mutable order record and per-market state (two book sides, open orders, id
 * counters, the book's update id).
 */
import { BookSide, RestingOrder } from './book';
import { MarketInfo } from './market';
import { BookSideName, OrderSnapshot, OrderStatus, OrderType, Side, TimeInForce } from './types';

export class Order implements RestingOrder {
  origClientOrderId: string | undefined;
  executedQty = 0;
  cumQuote = 0n;
  status: OrderStatus = 'NEW';
  workingTime = -1;
  isWorking = false;
  updateTime: number;
  remaining: number;
  /** Amount still locked for this order (10^-16 units of lockAsset). */
  lockLeft = 0n;

  constructor(
    readonly symbol: string,
    readonly orderId: number,
    public clientOrderId: string,
    readonly account: string,
    readonly side: Side,
    readonly type: OrderType,
    readonly timeInForce: TimeInForce,
    readonly price: number,
    public origQty: number,
    readonly origQuoteQty: bigint,
    readonly time: number,
    readonly lockAsset: string,
  ) {
    this.updateTime = time;
    this.remaining = origQty;
  }

  get isOpen(): boolean {
    return this.status === 'NEW' || this.status === 'PARTIALLY_FILLED';
  }

  snapshot(): OrderSnapshot {
    const s: OrderSnapshot = {
      symbol: this.symbol,
      orderId: this.orderId,
      clientOrderId: this.clientOrderId,
      account: this.account,
      side: this.side,
      type: this.type,
      timeInForce: this.timeInForce,
      price: this.price,
      origQty: this.origQty,
      executedQty: this.executedQty,
      cumQuote: this.cumQuote,
      origQuoteQty: this.origQuoteQty,
      status: this.status,
      time: this.time,
      updateTime: this.updateTime,
      workingTime: this.workingTime,
      isWorking: this.isWorking,
    };
    if (this.origClientOrderId !== undefined) s.origClientOrderId = this.origClientOrderId;
    return s;
  }
}

export class MarketState {
  readonly bids = new BookSide<Order>('bid');
  readonly asks = new BookSide<Order>('ask');
  /** Open orders by id. */
  readonly open = new Map<number, Order>();
  /** Every order of tracked accounts (open and closed), by id. */
  readonly tracked = new Map<number, Order>();
  updateId = 0;
  orderSeq = 0;
  tradeSeq = 0;
  /** Last trade price (ticks), 0 before the first trade. */
  lastPrice = 0;

  constructor(readonly info: MarketInfo) {}

  side(name: BookSideName): BookSide<Order> {
    return name === 'bid' ? this.bids : this.asks;
  }

  /** The side an order of `side` rests on. */
  own(side: Side): BookSide<Order> {
    return side === 'BUY' ? this.bids : this.asks;
  }

  /** The side an order of `side` trades against. */
  opposite(side: Side): BookSide<Order> {
    return side === 'BUY' ? this.asks : this.bids;
  }
}
