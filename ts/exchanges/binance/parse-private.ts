/**
 * Binance private data -> unified structures. Pure functions of the exchange's JSON.
 *
 * Shapes: order.place / POST /api/v3/order results (ACK/RESULT/FULL), order.status / openOrders /
 * allOrders entries, order.cancel results, myTrades entries, account balances (rest-api.md,
 * web-socket-api.md); executionReport, outboundAccountPosition and balanceUpdate user data events
 * (user-data-stream.md); capital deposit/withdraw history (wallet API). Field lists as in
 * protocols.md (the project brief) §1, checked against the simulator's replies (test/binance-private-*.test.js).
 */
import { decimalAdd, decimalSub } from '../../core/decimal';
import type { BalanceData } from '../../core/private-adapter';
import type { BalanceEntry, Market, Order, OrderStatus, Trade, Transaction } from '../../core/types';
import { iso } from './parse';

/** Any of Binance's order records (fields vary by endpoint and response type). */
export interface OrderJson {
  symbol: string;
  orderId: number;
  clientOrderId?: string;
  origClientOrderId?: string;
  transactTime?: number;
  time?: number;
  updateTime?: number;
  workingTime?: number;
  price?: string;
  origQty?: string;
  executedQty?: string;
  cummulativeQuoteQty?: string;
  status?: string;
  timeInForce?: string;
  type?: string;
  side?: string;
  fills?: Array<{ price: string; qty: string; commission: string; commissionAsset: string; tradeId: number }>;
}

export interface MyTradeJson {
  symbol: string;
  id: number;
  orderId: number;
  price: string;
  qty: string;
  quoteQty: string;
  commission: string;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
}

export interface AccountJson {
  updateTime?: number;
  balances: Array<{ asset: string; free: string; locked: string }>;
}

/** executionReport (user-data-stream.md "Order Update"). */
export interface ExecutionReport {
  e: 'executionReport';
  E: number;
  s: string;
  c: string;
  S: string;
  o: string;
  f: string;
  q: string;
  p: string;
  C: string;
  x: string;
  X: string;
  i: number;
  l: string;
  z: string;
  L: string;
  n: string;
  N: string | null;
  T: number;
  t: number;
  m: boolean;
  O: number;
  Z: string;
  Y?: string;
}

export interface AccountPosition {
  e: 'outboundAccountPosition';
  E: number;
  u: number;
  B: Array<{ a: string; f: string; l: string }>;
}

export interface BalanceUpdateEvent {
  e: 'balanceUpdate';
  E: number;
  a: string;
  d: string;
  T: number;
}

const STATUS: Record<string, OrderStatus> = {
  NEW: 'open',
  PARTIALLY_FILLED: 'open',
  PENDING_NEW: 'open',
  PENDING_CANCEL: 'open',
  FILLED: 'closed',
  CANCELED: 'canceled',
  EXPIRED: 'expired',
  EXPIRED_IN_MATCH: 'expired',
  REJECTED: 'rejected',
};

export function orderStatus(s: string | undefined): OrderStatus {
  return (s !== undefined && STATUS[s]) || 'open';
}

function num(v: string | undefined): number {
  return v === undefined || v === '' ? 0 : +v;
}

function side(s: string | undefined): 'buy' | 'sell' {
  return s === 'SELL' ? 'sell' : 'buy';
}

/** LIMIT_MAKER is a post-only limit order (ccxt: type 'limit', postOnly true). */
function typeOf(t: string | undefined): { type: string; postOnly: boolean } {
  if (t === 'LIMIT_MAKER') return { type: 'limit', postOnly: true };
  return { type: (t ?? 'limit').toLowerCase(), postOnly: false };
}

function remainingOf(orig: string | undefined, executed: string | undefined): number {
  if (orig === undefined) return 0;
  const r = decimalSub(orig, executed ?? '0');
  return r > 0 ? r : 0;
}

/** Any order record -> Order. */
export function parseOrder(o: OrderJson, market: Market): Order {
  const { type, postOnly } = typeOf(o.type);
  const filled = num(o.executedQty);
  const cost = num(o.cummulativeQuoteQty);
  const price = num(o.price);
  const timestamp = o.time ?? o.transactTime ?? o.workingTime;
  const trades: Trade[] | undefined = o.fills?.map((f) => {
    const p = +f.price;
    const a = +f.qty;
    return {
      id: String(f.tradeId),
      order: String(o.orderId),
      symbol: market.symbol,
      timestamp: o.transactTime,
      datetime: iso(o.transactTime),
      side: side(o.side),
      takerOrMaker: 'taker' as const,
      type,
      price: p,
      amount: a,
      cost: p * a,
      fee: { cost: +f.commission, currency: f.commissionAsset },
      info: f,
    };
  });
  const out: Order = {
    id: String(o.orderId),
    clientOrderId: o.origClientOrderId ?? o.clientOrderId,
    symbol: market.symbol,
    timestamp,
    datetime: iso(timestamp),
    type,
    timeInForce: o.timeInForce,
    postOnly,
    side: side(o.side),
    price: price > 0 ? price : undefined,
    average: filled > 0 ? cost / filled : undefined,
    amount: num(o.origQty),
    filled,
    remaining: remainingOf(o.origQty, o.executedQty),
    cost,
    status: orderStatus(o.status),
    info: o,
  };
  if (trades && trades.length) {
    out.trades = trades;
    const currencies = new Set(trades.map((t) => t.fee?.currency));
    if (currencies.size === 1) {
      let fee = 0;
      for (const t of trades) fee = decimalAdd(fee, (t.info as { commission: string }).commission);
      out.fee = { cost: fee, currency: trades[0].fee?.currency as string };
    }
  }
  if (filled > 0 && o.updateTime !== undefined) out.lastTradeTimestamp = o.updateTime;
  return out;
}

/** GET /api/v3/myTrades entry -> Trade. */
export function parseMyTrade(t: MyTradeJson, market: Market): Trade {
  const price = +t.price;
  const amount = +t.qty;
  return {
    id: String(t.id),
    order: String(t.orderId),
    symbol: market.symbol,
    timestamp: t.time,
    datetime: iso(t.time),
    side: t.isBuyer ? 'buy' : 'sell',
    takerOrMaker: t.isMaker ? 'maker' : 'taker',
    price,
    amount,
    cost: +t.quoteQty,
    fee: { cost: +t.commission, currency: t.commissionAsset },
    info: t,
  };
}

function entry(free: string, locked: string): BalanceEntry {
  return { free: +free, used: +locked, total: decimalAdd(free, locked) };
}

/** GET /api/v3/account or account.status -> the whole account's balances. */
export function parseAccount(a: AccountJson): BalanceData {
  const balances: Record<string, BalanceEntry> = {};
  for (const b of a.balances ?? []) balances[b.asset] = entry(b.free, b.locked);
  return a.updateTime !== undefined ? { balances, time: a.updateTime, info: a } : { balances, info: a };
}

/** outboundAccountPosition -> the balances it lists (those that changed). */
export function parseAccountPosition(e: AccountPosition): BalanceData {
  const balances: Record<string, BalanceEntry> = {};
  for (const b of e.B ?? []) balances[b.a] = entry(b.f, b.l);
  return { balances, time: e.u, info: e };
}

/** balanceUpdate: `d` moves the free (and total) balance of `a`. */
export function balanceDelta(e: BalanceUpdateEvent): (old: BalanceEntry) => BalanceEntry {
  return (old) => ({ free: decimalAdd(old.free, e.d), used: old.used, total: decimalAdd(old.total, e.d) });
}

/** executionReport -> the order's new state, and the own trade when it reports one (x = TRADE). */
export function parseExecutionReport(e: ExecutionReport, market: Market): { order: Order; trade?: Trade } {
  const { type, postOnly } = typeOf(e.o);
  const filled = num(e.z);
  const cost = num(e.Z);
  const price = num(e.p);
  const order: Order = {
    id: String(e.i),
    // a cancel renames the order: C is the client id it had (user-data-stream.md)
    clientOrderId: e.x === 'CANCELED' && e.C ? e.C : e.c,
    symbol: market.symbol,
    timestamp: e.O,
    datetime: iso(e.O),
    type,
    timeInForce: e.f,
    postOnly,
    side: side(e.S),
    price: price > 0 ? price : undefined,
    average: filled > 0 ? cost / filled : undefined,
    amount: num(e.q),
    filled,
    remaining: remainingOf(e.q, e.z),
    cost,
    status: orderStatus(e.X),
    info: e,
  };
  if (e.x !== 'TRADE') return { order };
  order.lastTradeTimestamp = e.T;
  const p = +e.L;
  const a = +e.l;
  const trade: Trade = {
    id: String(e.t),
    order: String(e.i),
    symbol: market.symbol,
    timestamp: e.T,
    datetime: iso(e.T),
    side: side(e.S),
    takerOrMaker: e.m ? 'maker' : 'taker',
    type,
    price: p,
    amount: a,
    cost: e.Y !== undefined ? +e.Y : p * a,
    fee: e.N ? { cost: +e.n, currency: e.N } : undefined,
    info: e,
  };
  return { order, trade };
}

const DEPOSIT_STATUS: Record<number, Transaction['status']> = { 0: 'pending', 1: 'ok', 2: 'failed', 6: 'ok', 7: 'failed', 8: 'pending' };
const WITHDRAW_STATUS: Record<number, Transaction['status']> = { 0: 'pending', 1: 'canceled', 2: 'pending', 3: 'failed', 4: 'pending', 5: 'failed', 6: 'ok' };

export interface DepositJson {
  id?: string;
  amount: string;
  coin: string;
  network?: string;
  status: number;
  address?: string;
  txId?: string;
  insertTime?: number;
}

export interface WithdrawalJson {
  id: string;
  amount: string;
  transactionFee?: string;
  coin: string;
  status: number;
  address?: string;
  txId?: string;
  applyTime?: string;
  network?: string;
}

/** GET /sapi/v1/capital/deposit/hisrec entry. */
export function parseDeposit(d: DepositJson): Transaction {
  const out: Transaction = {
    id: String(d.id ?? d.txId ?? ''),
    txid: d.txId,
    timestamp: d.insertTime,
    datetime: iso(d.insertTime),
    type: 'deposit',
    currency: d.coin,
    amount: +d.amount,
    status: DEPOSIT_STATUS[d.status] ?? 'pending',
    info: d,
  };
  if (d.address) out.address = d.address;
  if (d.network) out.network = d.network;
  return out;
}

/** GET /sapi/v1/capital/withdraw/history entry (applyTime is "YYYY-MM-DD HH:mm:ss", UTC). */
export function parseWithdrawal(w: WithdrawalJson): Transaction {
  const ts = w.applyTime ? Date.parse(w.applyTime.replace(' ', 'T') + 'Z') : undefined;
  const timestamp = ts !== undefined && Number.isFinite(ts) ? ts : undefined;
  const out: Transaction = {
    id: String(w.id),
    txid: w.txId,
    timestamp,
    datetime: iso(timestamp),
    type: 'withdrawal',
    currency: w.coin,
    amount: +w.amount,
    status: WITHDRAW_STATUS[w.status] ?? 'pending',
    info: w,
  };
  if (w.address) out.address = w.address;
  if (w.network) out.network = w.network;
  if (w.transactionFee !== undefined) out.fee = { cost: +w.transactionFee, currency: w.coin };
  return out;
}
