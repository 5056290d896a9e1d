/**
 * Bybit v5 private data -> unified structures (protocols.md §4 "Authentication and private
 * topics"; Bybit docs v5 account/wallet-balance, order/open-order, order/order-list,
 * position/execution, websocket/private order, execution, wallet). The same record shapes come
 * from REST and from the topics (camelCase fields, decimal strings). Pure functions.
 */
import type { BalanceData } from '../../core/private-adapter';
import type { BalanceEntry, Market, Order, OrderStatus, Trade } from '../../core/types';
import { decimalSub } from '../../core/decimal';
import { iso, num } from './parse';

/** A wallet-balance `list[]` element / a `wallet` topic element. */
export interface WalletJson {
  accountType?: string;
  coin: Array<{ coin: string; walletBalance: string; locked?: string; free?: string; availableToWithdraw?: string }>;
}

/** Balances of a wallet: total = walletBalance, used = locked (spot orders), free = the rest. */
export function parseWallet(list: readonly WalletJson[], time: number | undefined, info: unknown): BalanceData {
  const balances: Record<string, BalanceEntry> = {};
  for (const w of list ?? []) {
    for (const c of w.coin ?? []) {
      const total = num(c.walletBalance) ?? 0;
      const used = num(c.locked) ?? 0;
      // exact decimal difference of the wire strings (no binary float residue)
      balances[c.coin] = { free: decimalSub(c.walletBalance || '0', c.locked || '0'), used, total };
    }
  }
  return { balances, time, info };
}

/** An order record (REST order lists, `order` topic, trade replies after lookup). */
export interface OrderJson {
  symbol: string;
  orderId: string;
  orderLinkId?: string;
  side: 'Buy' | 'Sell';
  orderType: 'Limit' | 'Market';
  price: string;
  qty: string;
  timeInForce?: string;
  orderStatus: string;
  cumExecQty?: string;
  cumExecValue?: string;
  avgPrice?: string;
  leavesQty?: string;
  createdTime?: string;
  updatedTime?: string;
  cumExecFee?: string;
  cumFeeDetail?: Record<string, string>;
}

/** orderStatus -> unified status (New/PartiallyFilled/Untriggered open; the rest closed). */
export function orderStatus(s: string): OrderStatus {
  switch (s) {
    case 'Filled':
      return 'closed';
    case 'Cancelled':
    case 'PartiallyFilledCanceled':
    case 'Deactivated':
      return 'canceled';
    case 'Rejected':
      return 'rejected';
    default:
      return 'open';
  }
}

export function parseOrder(o: OrderJson, market: Market): Order {
  const amount = num(o.qty) ?? 0;
  const filled = num(o.cumExecQty) ?? 0;
  const cost = num(o.cumExecValue) ?? 0;
  const created = num(o.createdTime);
  const status = orderStatus(o.orderStatus);
  const price = num(o.price);
  const fees = o.cumFeeDetail ? Object.entries(o.cumFeeDetail) : [];
  const fee = fees.length ? { currency: fees[0]![0], cost: num(fees[0]![1]) ?? 0 } : undefined;
  return {
    id: String(o.orderId),
    clientOrderId: o.orderLinkId || undefined,
    symbol: market.symbol,
    timestamp: created,
    datetime: iso(created),
    lastTradeTimestamp: filled > 0 ? num(o.updatedTime) : undefined,
    type: o.orderType === 'Market' ? 'market' : 'limit',
    timeInForce: o.timeInForce === 'PostOnly' ? 'PO' : o.timeInForce,
    postOnly: o.timeInForce === 'PostOnly',
    side: o.side === 'Buy' ? 'buy' : 'sell',
    price: price && price > 0 ? price : undefined,
    average: filled > 0 ? cost / filled : undefined,
    amount,
    filled,
    remaining: status === 'open' ? (num(o.leavesQty) ?? amount - filled) : 0,
    cost,
    status,
    ...(fee ? { fee } : {}),
    info: o,
  };
}

/** An execution record (REST execution/list, `execution` topic). */
export interface ExecutionJson {
  symbol: string;
  orderId: string;
  orderLinkId?: string;
  execId: string;
  execPrice: string;
  execQty: string;
  execFee?: string;
  feeCurrency?: string;
  execType?: string;
  side: 'Buy' | 'Sell';
  isMaker: boolean;
  execTime: string;
  orderType?: string;
}

export function parseExecution(e: ExecutionJson, market: Market): Trade {
  const price = num(e.execPrice) ?? 0;
  const amount = num(e.execQty) ?? 0;
  const ts = num(e.execTime);
  const feeCost = num(e.execFee);
  return {
    id: e.execId,
    order: e.orderId,
    symbol: market.symbol,
    timestamp: ts,
    datetime: iso(ts),
    side: e.side === 'Buy' ? 'buy' : 'sell',
    takerOrMaker: e.isMaker ? 'maker' : 'taker',
    type: e.orderType === 'Market' ? 'market' : 'limit',
    price,
    amount,
    cost: price * amount,
    ...(feeCost !== undefined && e.feeCurrency ? { fee: { cost: feeCost, currency: e.feeCurrency } } : {}),
    info: e,
  };
}
