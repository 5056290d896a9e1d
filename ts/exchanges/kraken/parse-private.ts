/**
 * Kraken private data -> unified structures (protocols.md §2 "Authentication and private channels";
 * Kraken docs "Spot REST: BalanceEx, OpenOrders, ClosedOrders, QueryOrders, TradesHistory" and
 * "WebSocket v2: executions, balances"). Pure functions.
 *
 * - REST orders: `{txid: {cl_ord_id, status, opentm (s), descr: {pair, type, ordertype, price},
 *   vol, vol_exec, cost, fee, price (average), oflags}}`;
 * - REST trades: `{trade_id: {ordertxid, pair, time (s), type, price, cost, fee, vol, maker}}`;
 * - BalanceEx: `{asset: {balance, hold_trade}}` (legacy asset codes, XXBT -> BTC);
 * - `executions` records: `order_id, cl_ord_id, symbol, side, order_type, order_qty, limit_price,
 *   time_in_force, post_only, exec_type, order_status, cum_qty, cum_cost, avg_price, timestamp`,
 *   and for a fill `exec_id, trade_id, last_qty, last_price, cost, fees[{asset, qty}],
 *   liquidity_ind`. Updates may be partial: merged over the order's last record by the caller.
 */
import { decimalSub } from '../../core/decimal';
import type { BalanceData } from '../../core/private-adapter';
import type { BalanceEntry, Market, Order, OrderStatus, Trade } from '../../core/types';
import { unifiedAsset } from './markets';

export interface KrakenRestOrder {
  cl_ord_id?: string | null;
  status: string;
  opentm?: number;
  closetm?: number;
  descr: { pair: string; type: string; ordertype: string; price?: string };
  vol: string;
  vol_exec?: string;
  cost?: string;
  fee?: string;
  price?: string;
  oflags?: string;
  timeinforce?: string;
}

export interface KrakenRestTrade {
  ordertxid: string;
  pair: string;
  time: number;
  type: string;
  ordertype?: string;
  price: string;
  cost: string;
  fee: string;
  vol: string;
  maker?: boolean;
  trade_id?: number;
}

export interface KrakenExecution {
  order_id: string;
  cl_ord_id?: string;
  symbol?: string;
  side?: string;
  order_type?: string;
  order_qty?: number;
  limit_price?: number;
  time_in_force?: string;
  post_only?: boolean;
  exec_type?: string;
  order_status?: string;
  cum_qty?: number;
  cum_cost?: number;
  avg_price?: number;
  timestamp?: string;
  exec_id?: string;
  trade_id?: number;
  last_qty?: number;
  last_price?: number;
  cost?: number;
  fees?: Array<{ asset: string; qty: number }>;
  liquidity_ind?: string;
  amend_id?: string;
}

function n(v: string | number | undefined | null): number {
  if (v === undefined || v === null || v === '') return 0;
  const x = Number(v);
  return Number.isFinite(x) ? x : 0;
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

const REST_STATUS: Record<string, OrderStatus> = { pending: 'open', open: 'open', closed: 'closed', canceled: 'canceled', expired: 'expired' };
const WS_STATUS: Record<string, OrderStatus> = {
  pending_new: 'open',
  new: 'open',
  partially_filled: 'open',
  filled: 'closed',
  canceled: 'canceled',
  expired: 'expired',
};

function tifOf(tif: string | undefined, postOnly: boolean, type: string): string | undefined {
  if (type === 'market') return 'IOC';
  if (postOnly) return 'PO';
  return tif ? tif.toUpperCase() : 'GTC';
}

/** A REST order (OpenOrders, ClosedOrders, QueryOrders) -> unified order. */
export function parseRestOrder(id: string, o: KrakenRestOrder, m: Market): Order {
  const type = o.descr.ordertype;
  const amount = n(o.vol);
  const filled = n(o.vol_exec);
  const status = REST_STATUS[o.status] ?? 'open';
  const ts = o.opentm ? Math.round(o.opentm * 1000) : undefined;
  const postOnly = (o.oflags ?? '').split(',').includes('post');
  const out: Order = {
    id,
    clientOrderId: o.cl_ord_id || undefined,
    symbol: m.symbol,
    timestamp: ts,
    datetime: iso(ts),
    type,
    timeInForce: tifOf(o.timeinforce, postOnly, type),
    postOnly,
    side: o.descr.type === 'sell' ? 'sell' : 'buy',
    price: type === 'market' ? undefined : n(o.descr.price) || undefined,
    average: n(o.price) || undefined,
    amount,
    filled,
    remaining: status === 'open' ? decimalSub(o.vol, o.vol_exec || '0') : 0,
    cost: n(o.cost),
    status,
    info: o,
  };
  if (o.fee !== undefined) out.fee = { cost: n(o.fee), currency: m.quote };
  return out;
}

/** A TradesHistory entry -> own trade. */
export function parseRestTrade(id: string, t: KrakenRestTrade, m: Market): Trade {
  const ts = Math.round(t.time * 1000);
  return {
    id,
    order: t.ordertxid,
    symbol: m.symbol,
    timestamp: ts,
    datetime: iso(ts),
    side: t.type === 'sell' ? 'sell' : 'buy',
    takerOrMaker: t.maker ? 'maker' : 'taker',
    type: t.ordertype,
    price: n(t.price),
    amount: n(t.vol),
    cost: n(t.cost),
    fee: { cost: n(t.fee), currency: m.quote },
    info: t,
  };
}

/** An execution record (merged over the order's earlier ones) -> unified order. */
export function parseExecutionOrder(e: KrakenExecution, m: Market): Order {
  const type = e.order_type ?? 'limit';
  const amount = n(e.order_qty);
  const filled = n(e.cum_qty);
  const status = WS_STATUS[e.order_status ?? ''] ?? 'open';
  const ts = e.timestamp ? Date.parse(e.timestamp) : undefined;
  return {
    id: e.order_id,
    clientOrderId: e.cl_ord_id || undefined,
    symbol: m.symbol,
    timestamp: undefined,
    datetime: undefined,
    lastTradeTimestamp: e.exec_type === 'trade' || e.exec_type === 'filled' ? ts : undefined,
    type,
    timeInForce: tifOf(e.time_in_force, e.post_only === true, type),
    postOnly: e.post_only === true,
    side: e.side === 'sell' ? 'sell' : 'buy',
    price: type === 'market' ? undefined : e.limit_price,
    average: e.avg_price || undefined,
    amount,
    filled,
    remaining: status === 'open' ? decimalSub(String(e.order_qty ?? 0), String(e.cum_qty ?? 0)) : 0,
    cost: n(e.cum_cost),
    status,
    info: e,
  };
}

/** The own trade an execution reports (exec_type trade / filled with a trade_id), if any. */
export function parseExecutionTrade(e: KrakenExecution, m: Market): Trade | undefined {
  if (e.trade_id === undefined || !e.last_qty) return undefined;
  const ts = e.timestamp ? Date.parse(e.timestamp) : undefined;
  const fee = e.fees?.[0];
  const t: Trade = {
    id: String(e.trade_id),
    order: e.order_id,
    symbol: m.symbol,
    timestamp: ts,
    datetime: iso(ts),
    side: e.side === 'sell' ? 'sell' : 'buy',
    takerOrMaker: e.liquidity_ind === 'm' ? 'maker' : 'taker',
    price: n(e.last_price),
    amount: n(e.last_qty),
    cost: n(e.cost),
    info: e,
  };
  if (fee) t.fee = { cost: n(fee.qty), currency: unifiedAsset(fee.asset) };
  return t;
}

/** BalanceEx -> balances (free = balance - hold_trade). */
export function parseBalanceEx(r: Record<string, { balance: string; hold_trade?: string }>, time?: number): BalanceData {
  const balances: Record<string, BalanceEntry> = {};
  for (const [asset, v] of Object.entries(r ?? {})) {
    if (!v) continue;
    const total = n(v.balance);
    const used = n(v.hold_trade);
    balances[unifiedAsset(asset)] = { free: decimalSub(v.balance, v.hold_trade || '0'), used, total };
  }
  return time !== undefined ? { balances, time, info: r } : { balances, info: r };
}
