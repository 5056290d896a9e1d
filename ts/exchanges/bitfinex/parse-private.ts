/**
 * Bitfinex v2 account channel (chanId 0) and order entry, as pure functions (protocols.md §6
 * "Authentication and the account channel"; Bitfinex docs ws-auth-orders, ws-auth-wallets,
 * ws-auth-trades, ws-auth-notifications, ws-input-order-new / -update / -cancel / -cancel-multi):
 *
 * - orders `[ID,GID,CID,SYMBOL,MTS_CREATE,MTS_UPDATE,AMOUNT,AMOUNT_ORIG,TYPE,TYPE_PREV,MTS_TIF,_,
 *   FLAGS,STATUS,_,_,PRICE,PRICE_AVG,...]` (`os` a list, `on`/`ou`/`oc` one): AMOUNT is what is
 *   left, signed (> 0 buys), AMOUNT_ORIG the order's size; STATUS "ACTIVE", "PARTIALLY FILLED @
 *   ...", "EXECUTED @ ...", "CANCELED", "CANCELED was: PARTIALLY FILLED @ ...", "INSUFFICIENT
 *   BALANCE", "POSTONLY CANCELED", "IOC CANCELED", "RSN_DUST" ...;
 * - wallets `[WALLET_TYPE,CURRENCY,BALANCE,UNSETTLED_INTEREST,AVAILABLE_BALANCE,...]` (`ws` a list,
 *   `wu` one): the "exchange" wallet is the spot balance; AVAILABLE_BALANCE may be null (not yet
 *   computed: free unknown);
 * - own trades `[ID,SYMBOL,MTS_CREATE,ORDER_ID,EXEC_AMOUNT,EXEC_PRICE,ORDER_TYPE,ORDER_PRICE,MAKER,
 *   FEE,FEE_CURRENCY,CID]` (`te` then `tu` with the fee; MAKER 1 or -1);
 * - notifications `[MTS,TYPE,MESSAGE_ID,null,NOTIFY_INFO,CODE,STATUS,TEXT]`: `on-req`, `ou-req`,
 *   `oc-req`, `oc_multi-req` with STATUS "SUCCESS" | "ERROR" | "FAILURE" and the order array (or a
 *   list of them) as NOTIFY_INFO.
 */
import { decimalSub } from '../../core/decimal';
import { BaseError } from '../../core/errors';
import type { BalanceEntry, Order, OrderStatus, Trade } from '../../core/types';
import { bitfinexError } from './errors';
import { symbolOfId, unifiedCode } from './markets';
import { iso, isNum, plainDecimal } from './parse';

/** The unified status of a Bitfinex order STATUS text. */
export function orderStatus(text: string): OrderStatus {
  const s = text.toUpperCase();
  if (s.startsWith('ACTIVE') || s.startsWith('PARTIALLY FILLED')) return 'open';
  if (s.startsWith('EXECUTED')) return 'closed';
  // "CANCELED", "CANCELED was: ...", "POSTONLY CANCELED", "IOC CANCELED", "FOK CANCELED",
  // "INSUFFICIENT BALANCE (...)", "RSN_DUST", "RSN_PAUSE": the order is gone without filling (fully)
  return 'canceled';
}

/** The unified type of a Bitfinex order type ("EXCHANGE LIMIT" -> limit, "EXCHANGE MARKET" -> market). */
export function unifiedType(type: string): string {
  const t = type.replace(/^EXCHANGE /, '').toLowerCase();
  if (t === 'fok' || t === 'ioc') return 'limit';
  return t;
}

/** A Bitfinex order array -> unified Order (throws on a malformed array). */
export function parseOrder(a: unknown, symbol?: string): Order {
  if (!Array.isArray(a) || a.length < 17 || !isNum(a[0]) || !isNum(a[6]) || !isNum(a[7]) || typeof a[13] !== 'string') {
    throw new Error('order is not [ID, GID, CID, SYMBOL, MTS_CREATE, MTS_UPDATE, AMOUNT, AMOUNT_ORIG, TYPE, ..., STATUS, ..., PRICE, PRICE_AVG, ...]');
  }
  const orig = a[7] as number;
  const left = a[6] as number;
  const amount = Math.abs(orig);
  const remaining = Math.abs(left);
  const filled = Math.max(0, amount - remaining);
  const average = isNum(a[17]) && a[17] !== 0 ? (a[17] as number) : undefined;
  const price = isNum(a[16]) && a[16] !== 0 ? (a[16] as number) : undefined;
  const type = typeof a[8] === 'string' ? a[8] : '';
  const status = orderStatus(a[13] as string);
  const created = isNum(a[4]) ? (a[4] as number) : undefined;
  const flags = isNum(a[12]) ? (a[12] as number) : 0;
  return {
    id: String(a[0]),
    clientOrderId: isNum(a[2]) ? String(a[2]) : undefined,
    symbol: symbol ?? (typeof a[3] === 'string' ? (symbolOfId(a[3]) ?? a[3]) : ''),
    timestamp: created,
    datetime: iso(created),
    lastTradeTimestamp: filled > 0 && isNum(a[5]) ? (a[5] as number) : undefined,
    type: unifiedType(type),
    timeInForce: /FOK/.test(type) ? 'FOK' : /IOC/.test(type) ? 'IOC' : undefined,
    // flag 4096: post-only
    postOnly: (flags & 4096) !== 0,
    side: orig >= 0 ? 'buy' : 'sell',
    price,
    average,
    amount,
    filled,
    remaining: status === 'open' ? remaining : 0,
    cost: filled * (average ?? price ?? 0),
    status,
    info: a,
  };
}

/** Wallet rows -> balances of the "exchange" wallet (other wallets are margin / funding). */
export function parseWallets(rows: readonly unknown[]): Record<string, BalanceEntry> {
  const out: Record<string, BalanceEntry> = {};
  for (const w of rows) {
    if (!Array.isArray(w) || w[0] !== 'exchange' || typeof w[1] !== 'string' || !isNum(w[2])) continue;
    const total = w[2];
    const free = isNum(w[4]) ? w[4] : total;
    // on the decimals: 10000 - 9400.11 is 599.89, not 599.8899999999994
    out[unifiedCode(w[1])] = { free, used: decimalSub(plainDecimal(total), plainDecimal(free)), total };
  }
  return out;
}

/** An own trade `[ID,SYMBOL,MTS,ORDER_ID,EXEC_AMOUNT,EXEC_PRICE,ORDER_TYPE,ORDER_PRICE,MAKER,FEE,FEE_CURRENCY,CID]`. */
export function parseMyTrade(a: unknown): Trade {
  if (!Array.isArray(a) || a.length < 6 || !isNum(a[0]) || typeof a[1] !== 'string' || !isNum(a[4]) || !isNum(a[5])) {
    throw new Error('trade is not [ID, SYMBOL, MTS, ORDER_ID, EXEC_AMOUNT, EXEC_PRICE, ...]');
  }
  const amount = Math.abs(a[4]);
  const price = a[5];
  const ts = isNum(a[2]) ? a[2] : undefined;
  const t: Trade = {
    id: String(a[0]),
    order: isNum(a[3]) ? String(a[3]) : undefined,
    symbol: symbolOfId(a[1]) ?? a[1],
    timestamp: ts,
    datetime: iso(ts),
    side: a[4] > 0 ? 'buy' : 'sell',
    takerOrMaker: a[8] === 1 ? 'maker' : a[8] === -1 ? 'taker' : undefined,
    type: typeof a[6] === 'string' ? unifiedType(a[6]) : undefined,
    price,
    amount,
    cost: price * amount,
    info: a,
  };
  // Bitfinex reports fees as negative amounts (a cost to the account)
  if (isNum(a[9]) && typeof a[10] === 'string') t.fee = { cost: Math.abs(a[9]), currency: unifiedCode(a[10]) };
  return t;
}

/** A notification `[MTS,TYPE,MESSAGE_ID,null,NOTIFY_INFO,CODE,STATUS,TEXT]`. */
export interface Notification {
  type: string;
  status: string;
  text: string;
  info: unknown;
  code: number | undefined;
  raw: unknown[];
}

export function parseNotification(a: unknown): Notification {
  if (!Array.isArray(a) || a.length < 8 || typeof a[1] !== 'string') throw new Error('notification is not [MTS, TYPE, MESSAGE_ID, _, NOTIFY_INFO, CODE, STATUS, TEXT]');
  return {
    type: a[1],
    status: typeof a[6] === 'string' ? a[6] : '',
    text: typeof a[7] === 'string' ? a[7] : '',
    info: a[4],
    code: isNum(a[5]) ? a[5] : undefined,
    raw: a,
  };
}

/** The error of a refused request notification ("ERROR" / "FAILURE"), undefined for "SUCCESS". */
export function notificationError(n: Notification, what: string, symbol?: string): BaseError | undefined {
  if (n.status === 'SUCCESS' || n.status === 'INFO') return undefined;
  return bitfinexError(n.code, n.text || n.status, what, { symbol, raw: n.raw });
}

// ------------------------------------------------------------------ order entry (account channel inputs)

/** The Bitfinex type of a unified order type: spot orders are `EXCHANGE ...`. */
export function bitfinexType(type: string, timeInForce?: string): string {
  const t = type.toUpperCase();
  if (t === 'LIMIT' && timeInForce === 'FOK') return 'EXCHANGE FOK';
  if (t === 'LIMIT' && timeInForce === 'IOC') return 'EXCHANGE IOC';
  return t.startsWith('EXCHANGE ') ? t : `EXCHANGE ${t}`;
}

/** A decimal number as Bitfinex takes it in order inputs: a string, no exponent. */
export function decimalText(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(12).replace(/0+$/, '').replace(/\.$/, '');
}

export interface NewOrderInput {
  /** Bitfinex trading symbol, e.g. tBTCUSD. */
  symbol: string;
  type: string;
  side: 'buy' | 'sell';
  amount: number;
  price?: number;
  /** Client order id: an integer, unique per UTC day. */
  cid: number;
  timeInForce?: string;
  postOnly?: boolean;
}

/** `[0,"on",null,{type,symbol,amount,price,cid,flags}]` (amount > 0 buys, < 0 sells; 4096 post-only). */
export function encodeNewOrder(o: NewOrderInput): string {
  const body: Record<string, unknown> = {
    cid: o.cid,
    type: bitfinexType(o.type, o.timeInForce),
    symbol: o.symbol,
    amount: decimalText(o.side === 'buy' ? o.amount : -o.amount),
  };
  if (o.price !== undefined && o.type.toLowerCase() !== 'market') body.price = decimalText(o.price);
  if (o.postOnly) body.flags = 4096;
  return JSON.stringify([0, 'on', null, body]);
}

/** `[0,"ou",null,{id,price?,amount?}]`: the order keeps its id. `delta`-free: the new total amount, signed. */
export function encodeUpdateOrder(id: number, change: { price?: number; amount?: number; side?: 'buy' | 'sell' }): string {
  const body: Record<string, unknown> = { id };
  if (change.price !== undefined) body.price = decimalText(change.price);
  if (change.amount !== undefined) body.amount = decimalText(change.side === 'sell' ? -change.amount : change.amount);
  return JSON.stringify([0, 'ou', null, body]);
}

/** `[0,"oc",null,{id}]` or by client id `{cid, cid_date: "YYYY-MM-DD"}`. */
export function encodeCancelOrder(ref: { id: number } | { cid: number; cidDate: string }): string {
  const body = 'id' in ref ? { id: ref.id } : { cid: ref.cid, cid_date: ref.cidDate };
  return JSON.stringify([0, 'oc', null, body]);
}

/** `[0,"oc_multi",null,{all:1}]` or `{id:[...]}`. */
export function encodeCancelMulti(ids?: readonly number[]): string {
  return JSON.stringify([0, 'oc_multi', null, ids ? { id: [...ids] } : { all: 1 }]);
}

/** The UTC date of a client order id's creation time, as `cid_date` wants it. */
export function cidDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
