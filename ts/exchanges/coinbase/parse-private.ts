/**
 * Coinbase Advanced Trade private payloads -> unified structures (protocols.md §5 "Orders",
 * "user"): REST accounts, orders (historical) and fills; the `user` channel's order updates.
 * Pure functions.
 */
import type { BalanceData } from '../../core/private-adapter';
import type { BalanceEntry, Market, Order, OrderStatus, Trade, Transaction } from '../../core/types';
import { iso, parseTime } from './parse';

function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = +(v as string);
  return Number.isFinite(n) ? n : undefined;
}

const n0 = (v: unknown): number => num(v) ?? 0;

/** `GET /accounts` element. */
export interface AccountJson {
  uuid?: string;
  currency: string;
  available_balance?: { value: string; currency?: string };
  hold?: { value: string; currency?: string };
}

/** Accounts -> balances: free = available_balance, used = hold. */
export function parseAccounts(list: AccountJson[], info: unknown): BalanceData {
  const balances: Record<string, BalanceEntry> = {};
  for (const a of list) {
    if (!a || typeof a.currency !== 'string') continue;
    const free = n0(a.available_balance?.value);
    const used = n0(a.hold?.value);
    const prev = balances[a.currency];
    // one currency may have several accounts (wallets): add them up
    balances[a.currency] = prev ? { free: prev.free + free, used: prev.used + used, total: prev.total + free + used } : { free, used, total: free + used };
  }
  return { balances, info };
}

/**
 * Coinbase order status -> unified, as ccxt's coinbase maps it (so the two agree on the same
 * order): FILLED closed; CANCELLED, EXPIRED (a GTD order past its end_time) and FAILED canceled.
 */
export function orderStatus(s: string | undefined): OrderStatus {
  switch (s) {
    case 'FILLED':
      return 'closed';
    case 'CANCELLED':
    case 'EXPIRED':
    case 'FAILED':
      return 'canceled';
    default:
      // PENDING, QUEUED, OPEN, CANCEL_QUEUED, EDIT_QUEUED: still working
      return 'open';
  }
}

/** `order_configuration` -> type, time in force, size, price, post-only. */
export function configOf(cfg: Record<string, Record<string, unknown>> | undefined): { type: string; tif?: string; base?: number; quote?: number; price?: number; postOnly?: boolean } {
  if (!cfg || typeof cfg !== 'object') return { type: 'limit' };
  const [key] = Object.keys(cfg);
  const c = (key ? cfg[key] : undefined) ?? {};
  const base = num(c['base_size']);
  const quote = num(c['quote_size']);
  const price = num(c['limit_price']);
  const postOnly = c['post_only'] === true;
  switch (key) {
    case 'market_market_ioc':
      return { type: 'market', tif: 'IOC', base, quote };
    case 'limit_limit_gtc':
      return { type: 'limit', tif: 'GTC', base, price, postOnly };
    case 'limit_limit_gtd':
      return { type: 'limit', tif: 'GTD', base, price, postOnly };
    case 'limit_limit_fok':
      return { type: 'limit', tif: 'FOK', base, price };
    case 'sor_limit_ioc':
      return { type: 'limit', tif: 'IOC', base, price };
    default:
      return { type: key ?? 'limit', base, price };
  }
}

/** `GET /orders/historical/{id}` `order` / batch `orders[]` element (fields we read). */
export interface OrderJson {
  order_id: string;
  product_id: string;
  side: string;
  client_order_id?: string;
  status?: string;
  time_in_force?: string;
  created_time?: string;
  last_fill_time?: string;
  filled_size?: string;
  average_filled_price?: string;
  filled_value?: string;
  total_fees?: string;
  order_type?: string;
  order_configuration?: Record<string, Record<string, unknown>>;
  post_only?: boolean;
}

export function parseOrder(o: OrderJson, m: Market): Order {
  const cfg = configOf(o.order_configuration);
  const filled = n0(o.filled_size);
  const amount = cfg.base ?? filled;
  const ts = parseTime(o.created_time);
  const avg = num(o.average_filled_price);
  const fees = num(o.total_fees);
  return {
    id: String(o.order_id),
    clientOrderId: o.client_order_id || undefined,
    symbol: m.symbol,
    timestamp: ts,
    datetime: iso(ts),
    lastTradeTimestamp: parseTime(o.last_fill_time),
    type: o.order_type ? o.order_type.toLowerCase() : cfg.type,
    timeInForce: o.time_in_force === 'GOOD_UNTIL_CANCELLED' ? 'GTC' : o.time_in_force === 'IMMEDIATE_OR_CANCEL' ? 'IOC' : o.time_in_force === 'FILL_OR_KILL' ? 'FOK' : o.time_in_force === 'GOOD_UNTIL_DATE_TIME' ? 'GTD' : cfg.tif,
    postOnly: o.post_only ?? cfg.postOnly,
    side: o.side === 'SELL' ? 'sell' : 'buy',
    price: cfg.price,
    average: avg && filled ? avg : undefined,
    amount,
    filled,
    remaining: Math.max(0, amount - filled),
    cost: num(o.filled_value) ?? (avg ?? 0) * filled,
    status: orderStatus(o.status),
    fee: fees !== undefined ? { cost: fees, currency: m.quote } : undefined,
    info: o,
  };
}

/** A `user` channel order (events[].orders[]). */
export interface WsOrder {
  order_id: string;
  client_order_id?: string;
  product_id: string;
  order_side: string;
  order_type?: string;
  status: string;
  limit_price?: string;
  avg_price?: string;
  cumulative_quantity: string;
  leaves_quantity: string;
  filled_value?: string;
  number_of_fills?: string;
  total_fees?: string;
  time_in_force?: string;
  /** "true" / "false" on the wire (a string), a boolean in some versions. */
  post_only?: boolean | string;
  creation_time?: string;
}

/**
 * A user channel order. The channel carries no order size: a working order's is what is filled
 * plus what is left (`cumulative_quantity` + `leaves_quantity`); a finished one reports leaves 0,
 * so its size is `knownAmount` (what the caller saw while it worked, or from REST) when given,
 * else what filled (right for FILLED). `remaining` is amount - filled, as ccxt shapes it (a
 * canceled order's unfilled part).
 */
export function parseWsOrder(o: WsOrder, m: Market, knownAmount?: number): Order {
  const filled = n0(o.cumulative_quantity);
  const leaves = n0(o.leaves_quantity);
  const ts = parseTime(o.creation_time);
  const avg = num(o.avg_price);
  const status = orderStatus(o.status);
  const fees = num(o.total_fees);
  const amount = status === 'open' ? filled + leaves : Math.max(knownAmount ?? 0, filled + leaves);
  return {
    id: String(o.order_id),
    clientOrderId: o.client_order_id || undefined,
    symbol: m.symbol,
    timestamp: ts,
    datetime: iso(ts),
    type: (o.order_type ?? 'limit').toLowerCase(),
    timeInForce: o.time_in_force === 'GOOD_UNTIL_CANCELLED' ? 'GTC' : o.time_in_force === 'IMMEDIATE_OR_CANCEL' ? 'IOC' : o.time_in_force === 'FILL_OR_KILL' ? 'FOK' : o.time_in_force === 'GOOD_UNTIL_DATE_TIME' ? 'GTD' : o.time_in_force,
    postOnly: o.post_only === true || o.post_only === 'true',
    side: o.order_side === 'SELL' ? 'sell' : 'buy',
    price: num(o.limit_price) || undefined,
    average: avg && filled ? avg : undefined,
    amount,
    filled,
    remaining: Math.max(0, amount - filled),
    cost: num(o.filled_value) ?? (avg ?? 0) * filled,
    status,
    fee: fees !== undefined ? { cost: fees, currency: m.quote } : undefined,
    info: o,
  };
}

/** `GET /orders/historical/fills` `fills[]` element. */
export interface FillJson {
  entry_id?: string;
  trade_id: string;
  order_id: string;
  trade_time: string;
  trade_type?: string;
  price: string;
  size: string;
  commission?: string;
  product_id: string;
  liquidity_indicator?: string;
  side: string;
  size_in_quote?: boolean;
}

export function parseFill(f: FillJson, m: Market): Trade {
  const ts = parseTime(f.trade_time);
  const price = n0(f.price);
  // size is in quote units when size_in_quote is set
  const amount = f.size_in_quote ? n0(f.size) / (price || 1) : n0(f.size);
  return {
    id: String(f.trade_id),
    order: String(f.order_id),
    symbol: m.symbol,
    timestamp: ts,
    datetime: iso(ts),
    side: f.side === 'SELL' ? 'sell' : 'buy',
    takerOrMaker: f.liquidity_indicator === 'MAKER' ? 'maker' : f.liquidity_indicator === 'TAKER' ? 'taker' : undefined,
    price,
    amount,
    cost: price * amount,
    fee: f.commission !== undefined ? { cost: n0(f.commission), currency: m.quote } : undefined,
    info: f,
  };
}

/**
 * A deposit or withdrawal of the Coinbase App API (`GET /v2/accounts/{id}/deposits` |
 * `/withdrawals`): `{id, status: created|completed|canceled, amount: {amount, currency}, fee,
 * created_at, updated_at, resource: "deposit"|"withdrawal", committed, payout_at}`.
 */
export interface TransferJson {
  id: string;
  status?: string;
  amount?: { amount: string; currency: string };
  fee?: { amount: string; currency: string };
  created_at?: string;
  resource?: string;
}

export function parseTransfer(t: TransferJson, type: 'deposit' | 'withdrawal'): Transaction {
  const ts = parseTime(t.created_at);
  const status = t.status === 'completed' ? 'ok' : t.status === 'canceled' ? 'canceled' : t.status === 'failed' ? 'failed' : 'pending';
  const fee = num(t.fee?.amount);
  return {
    id: String(t.id),
    timestamp: ts,
    datetime: iso(ts),
    type,
    currency: t.amount?.currency ?? '',
    amount: Math.abs(n0(t.amount?.amount)),
    status,
    fee: fee !== undefined && t.fee ? { cost: fee, currency: t.fee.currency } : undefined,
    info: t,
  };
}
