/**
 * OKX private data -> unified structures. Pure functions of the exchange's JSON (protocols.md §3
 * "Login and private channels"; OKX docs-v5 "Trade > Get order details / order list / fills",
 * "Account > Get balance", "WebSocket > Order channel / Account channel", "Funding > deposit and
 * withdrawal history"):
 *
 * - an order record (REST order / orders-pending / orders-history, and each `orders` push) carries
 *   ordId, clOrdId, instId, px, sz, ordType, side, state, accFillSz, avgPx, fee (negative: charged),
 *   feeCcy, cTime, uTime; a push that reports a fill adds tradeId, fillPx, fillSz, fillFee,
 *   fillFeeCcy, fillTime and execType (T taker / M maker): one own trade, counted once by tradeId;
 * - balances: `details[]` of `{ccy, cashBal, availBal, frozenBal, uTime}` (REST account/balance and
 *   the `account` channel alike);
 * - deposits / withdrawals: REST histories and the deposit-info / withdrawal-info channels.
 */
import { decimalSub } from '../../core/decimal';
import type { BalanceData } from '../../core/private-adapter';
import type { BalanceEntry, Market, Order, OrderStatus, Trade, Transaction } from '../../core/types';
import { iso } from './parse';

/** One OKX order record (REST or `orders` push; fields vary). */
export interface OkxOrderJson {
  instId: string;
  ordId: string;
  clOrdId?: string;
  px?: string;
  sz?: string;
  ordType?: string;
  side?: string;
  state?: string;
  accFillSz?: string;
  avgPx?: string;
  fee?: string;
  feeCcy?: string;
  cTime?: string;
  uTime?: string;
  tgtCcy?: string;
  // fill fields (orders push; fills endpoint)
  tradeId?: string;
  fillPx?: string;
  fillSz?: string;
  fillFee?: string;
  fillFeeCcy?: string;
  fillTime?: string;
  execType?: string;
}

/** One /api/v5/trade/fills entry. */
export interface OkxFillJson {
  instId: string;
  tradeId: string;
  ordId: string;
  clOrdId?: string;
  fillPx: string;
  fillSz: string;
  side: string;
  execType?: string;
  fee?: string;
  feeCcy?: string;
  ts?: string;
  fillTime?: string;
}

export interface OkxBalanceDetail {
  ccy: string;
  cashBal?: string;
  availBal?: string;
  frozenBal?: string;
  uTime?: string;
}

export interface OkxAccountJson {
  uTime?: string;
  details: OkxBalanceDetail[];
}

/** A deposit-history entry or deposit-info push. */
export interface OkxDepositJson {
  depId: string;
  ccy: string;
  chain?: string;
  amt: string;
  to?: string;
  txId?: string;
  ts: string;
  /** 0 waiting for confirmation, 1 credited, 2 successful, 8/11/12/13/14... pending/frozen states. */
  state: string;
}

/** A withdrawal-history entry or withdrawal-info push. */
export interface OkxWithdrawalJson {
  wdId: string;
  ccy: string;
  chain?: string;
  amt: string;
  to?: string;
  txId?: string;
  ts: string;
  fee?: string;
  /** -3 canceling, -2 canceled, -1 failed, 0 waiting, 1 broadcasting, 2 success, 10.. pending. */
  state: string;
}

function num(v: string | undefined): number {
  if (v === undefined || v === '') return 0;
  const x = Number(v);
  return Number.isFinite(x) ? x : 0;
}

function optNum(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const x = Number(v);
  return Number.isFinite(x) ? x : undefined;
}

function time(v: string | undefined): number | undefined {
  const t = optNum(v);
  return t !== undefined && t > 0 ? t : undefined;
}

/** a * b of two decimal strings, exactly, as a number. */
export function decimalMul(a: string | undefined, b: string | undefined): number {
  if (!a || !b) return 0;
  const parse = (s: string): [bigint, number] => {
    const neg = s.startsWith('-');
    const t = neg ? s.slice(1) : s;
    const [i, f = ''] = t.split('.');
    const v = BigInt((i || '0') + f);
    return [neg ? -v : v, f.length];
  };
  try {
    const [x, dx] = parse(a);
    const [y, dy] = parse(b);
    const p = x * y;
    const d = dx + dy;
    const neg = p < 0n;
    const s = (neg ? -p : p).toString().padStart(d + 1, '0');
    const text = d > 0 ? `${s.slice(0, -d)}.${s.slice(-d)}` : s;
    return Number((neg ? '-' : '') + text);
  } catch {
    return num(a) * num(b);
  }
}

const STATUS: Record<string, OrderStatus> = {
  live: 'open',
  partially_filled: 'open',
  filled: 'closed',
  canceled: 'canceled',
  mmp_canceled: 'canceled',
};

/** OKX ordType -> unified type, timeInForce, postOnly. */
function typeOf(ordType: string | undefined): { type: string; timeInForce?: string; postOnly?: boolean } {
  switch (ordType) {
    case 'limit':
      return { type: 'limit', timeInForce: 'GTC', postOnly: false };
    case 'post_only':
      return { type: 'limit', timeInForce: 'PO', postOnly: true };
    case 'ioc':
      return { type: 'limit', timeInForce: 'IOC', postOnly: false };
    case 'fok':
      return { type: 'limit', timeInForce: 'FOK', postOnly: false };
    case 'market':
      return { type: 'market', timeInForce: 'IOC', postOnly: false };
    default:
      return { type: ordType ?? 'limit' };
  }
}

/** An order record -> unified order. */
export function parseOrder(o: OkxOrderJson, m: Market): Order {
  const t = typeOf(o.ordType);
  const amount = num(o.sz);
  const filled = num(o.accFillSz);
  let status = STATUS[o.state ?? ''] ?? 'open';
  // an IOC/FOK/market order canceled with nothing (or part) done expired, as ccxt names it
  if (status === 'canceled' && (o.ordType === 'ioc' || o.ordType === 'fok')) status = 'expired';
  const ts = time(o.cTime);
  const fee = optNum(o.fee);
  const price = t.type === 'market' ? undefined : optNum(o.px);
  const out: Order = {
    id: String(o.ordId),
    clientOrderId: o.clOrdId ? o.clOrdId : undefined,
    symbol: m.symbol,
    timestamp: ts,
    datetime: iso(ts),
    type: t.type,
    side: o.side === 'sell' ? 'sell' : 'buy',
    price,
    average: optNum(o.avgPx) || undefined,
    amount: t.type === 'market' && o.tgtCcy === 'quote_ccy' ? filled : amount,
    filled,
    remaining: status === 'open' ? Math.max(0, decimalSub(o.sz || '0', o.accFillSz || '0')) : 0,
    cost: decimalMul(o.avgPx, o.accFillSz),
    status,
    info: o,
  };
  if (t.timeInForce !== undefined) out.timeInForce = t.timeInForce;
  if (t.postOnly !== undefined) out.postOnly = t.postOnly;
  if (fee !== undefined && o.feeCcy) out.fee = { cost: -fee, currency: o.feeCcy };
  const upd = time(o.fillTime);
  if (upd !== undefined) out.lastTradeTimestamp = upd;
  return out;
}

/** The own trade an `orders` push reports, if it reports a fill (non-empty tradeId and fillSz). */
export function fillOfOrderPush(o: OkxOrderJson, m: Market): Trade | undefined {
  if (!o.tradeId || !o.fillSz || num(o.fillSz) === 0) return undefined;
  return ownTrade(
    {
      instId: o.instId,
      tradeId: o.tradeId,
      ordId: o.ordId,
      clOrdId: o.clOrdId,
      fillPx: o.fillPx ?? '0',
      fillSz: o.fillSz,
      side: o.side ?? 'buy',
      execType: o.execType,
      fee: o.fillFee,
      feeCcy: o.fillFeeCcy,
      fillTime: o.fillTime,
    },
    m,
    o,
  );
}

/** A fills entry -> own trade. */
export function parseFill(f: OkxFillJson, m: Market): Trade {
  return ownTrade(f, m, f);
}

function ownTrade(f: OkxFillJson, m: Market, info: unknown): Trade {
  const ts = time(f.fillTime) ?? time(f.ts);
  const fee = optNum(f.fee);
  const t: Trade = {
    id: String(f.tradeId),
    order: String(f.ordId),
    symbol: m.symbol,
    timestamp: ts,
    datetime: iso(ts),
    side: f.side === 'sell' ? 'sell' : 'buy',
    takerOrMaker: f.execType === 'M' ? 'maker' : 'taker',
    price: num(f.fillPx),
    amount: num(f.fillSz),
    cost: decimalMul(f.fillPx, f.fillSz),
    info,
  };
  if (fee !== undefined && f.feeCcy) t.fee = { cost: -fee, currency: f.feeCcy };
  return t;
}

/** Balances of an account record: free = availBal, used = frozenBal, total = cashBal. */
export function parseBalances(a: OkxAccountJson): BalanceData {
  const balances: Record<string, BalanceEntry> = {};
  let latest: number | undefined;
  for (const d of a.details ?? []) {
    if (!d || !d.ccy) continue;
    const free = num(d.availBal);
    const used = num(d.frozenBal);
    const total = d.cashBal !== undefined && d.cashBal !== '' ? num(d.cashBal) : free + used;
    balances[d.ccy] = { free, used, total };
    const t = time(d.uTime);
    if (t !== undefined) latest = Math.max(latest ?? 0, t);
  }
  const t = time(a.uTime) ?? latest;
  return t !== undefined ? { balances, time: t, info: a } : { balances, info: a };
}

function depositStatus(state: string): Transaction['status'] {
  // 2 successful; 1 credited (usable, not yet withdrawable) counts as arrived
  if (state === '2' || state === '1') return 'ok';
  return 'pending';
}

function withdrawalStatus(state: string): Transaction['status'] {
  if (state === '2') return 'ok';
  if (state === '-2' || state === '-3') return 'canceled';
  if (state === '-1') return 'failed';
  return 'pending';
}

export function parseDeposit(d: OkxDepositJson): Transaction {
  const ts = time(d.ts);
  const out: Transaction = {
    id: String(d.depId),
    timestamp: ts,
    datetime: iso(ts),
    type: 'deposit',
    currency: d.ccy,
    amount: num(d.amt),
    status: depositStatus(String(d.state)),
    info: d,
  };
  if (d.txId) out.txid = d.txId;
  if (d.to) out.address = d.to;
  if (d.chain) out.network = d.chain;
  return out;
}

export function parseWithdrawal(w: OkxWithdrawalJson): Transaction {
  const ts = time(w.ts);
  const out: Transaction = {
    id: String(w.wdId),
    timestamp: ts,
    datetime: iso(ts),
    type: 'withdrawal',
    currency: w.ccy,
    amount: num(w.amt),
    status: withdrawalStatus(String(w.state)),
    info: w,
  };
  if (w.txId) out.txid = w.txId;
  if (w.to) out.address = w.to;
  if (w.chain) out.network = w.chain;
  const fee = optNum(w.fee);
  if (fee !== undefined) out.fee = { cost: fee, currency: w.ccy };
  return out;
}
