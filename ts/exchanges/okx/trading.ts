/**
 * OKX order requests from unified arguments (protocols.md §3 "Order entry over WebSocket"; OKX
 * docs-v5 "Trade > Place order / Amend order / Cancel order"). Pure functions: the same `args`
 * element goes to the private socket (op order / amend-order / cancel-order) and to REST
 * (POST /api/v5/trade/order, /amend-order, /cancel-order).
 *
 * - the instrument is named by `instIdCode` where the instruments endpoint gave one (OKX requires it
 *   on the WebSocket since its March 2026 change), by `instId` otherwise;
 * - spot: `tdMode: "cash"`; `ordType` limit / post_only / ioc / fok / market; a market buy is sized
 *   in the base currency (`tgtCcy: "base_ccy"`) unless `params.cost` gives the quote amount;
 * - `clOrdId` is always set (1-32 letters and digits), the caller's `clientOrderId` or a fresh one.
 *
 * Unified params: clientOrderId, postOnly, timeInForce ('GTC' | 'IOC' | 'FOK' | 'PO'), cost. Any
 * other string / number / boolean param is passed through as an OKX field.
 */
import { randomBytes } from 'crypto';
import { BadRequest } from '../../core/errors';
import { ClientIdRule, clientIdFor } from '../order-flow';
import { toDecimalString } from '../../core/decimal';
import type { Market } from '../../core/types';
import type { OrderParams, OrderRequest } from '../../core/private-adapter';

export type OkxArgs = Record<string, string | number | boolean>;

const UNIFIED = new Set(['clientOrderId', 'postOnly', 'timeInForce', 'cost']);
const CL_ORD_ID: ClientIdRule = { pattern: /^[A-Za-z0-9]{1,32}$/, says: '1-32 letters and digits' };

/** The order's clOrdId: the caller's (OKX's rule) or a fresh one. */
export function clOrdIdOf(params: OrderParams, symbol: string): string {
  return clientIdFor(params, 'okx', symbol, () => 'exs' + randomBytes(12).toString('hex'), CL_ORD_ID);
}

/** The instrument fields of a request: instIdCode when known, else instId. */
export function instrumentArgs(m: Market): OkxArgs {
  const code = (m.info as { instIdCode?: unknown } | undefined)?.instIdCode;
  if (typeof code === 'number' && Number.isSafeInteger(code)) return { instIdCode: code };
  if (typeof code === 'string' && /^\d+$/.test(code)) return { instIdCode: Number(code) };
  return { instId: m.id };
}

function passThrough(params: OrderParams, into: OkxArgs): void {
  for (const [k, v] of Object.entries(params)) {
    if (UNIFIED.has(k) || v === undefined || v === null) continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') into[k] = v;
    else throw new BadRequest(`parameter ${k} must be a string, number or boolean`, { exchange: 'okx' });
  }
}

function amountText(v: number, m: Market): string {
  return toDecimalString(v, m.precision.amount, 'floor');
}

function priceText(v: number, m: Market): string {
  return toDecimalString(v, m.precision.price, 'round');
}

/** The `args` element of a place-order request. */
export function orderArgs(req: OrderRequest, clOrdId: string): OkxArgs {
  const m = req.market;
  const p = req.params;
  const tif = typeof p['timeInForce'] === 'string' ? (p['timeInForce'] as string).toUpperCase() : undefined;
  const postOnly = p['postOnly'] === true || tif === 'PO';
  const out: OkxArgs = { ...instrumentArgs(m), tdMode: 'cash', side: req.side, clOrdId };
  const type = req.type.toLowerCase();
  if (type === 'market') {
    if (postOnly) throw new BadRequest('a market order cannot be post-only', { exchange: 'okx', symbol: m.symbol });
    out['ordType'] = 'market';
    const cost = p['cost'];
    if (cost !== undefined && cost !== null) {
      out['sz'] = toDecimalString(Number(cost), m.precision.price, 'floor');
      out['tgtCcy'] = 'quote_ccy';
    } else {
      out['sz'] = amountText(req.amount, m);
      // spot market buys are sized in the quote currency unless told otherwise
      out['tgtCcy'] = 'base_ccy';
    }
  } else if (type === 'limit') {
    if (tif !== undefined && !['GTC', 'IOC', 'FOK', 'PO'].includes(tif)) {
      throw new BadRequest(`timeInForce must be GTC, IOC, FOK or PO, got ${tif}`, { exchange: 'okx', symbol: m.symbol });
    }
    out['ordType'] = postOnly ? 'post_only' : tif === 'IOC' ? 'ioc' : tif === 'FOK' ? 'fok' : 'limit';
    out['sz'] = amountText(req.amount, m);
    out['px'] = priceText(req.price as number, m);
  } else {
    // OKX's own types (optimal_limit_ioc, ...) with their own fields
    out['ordType'] = type;
    out['sz'] = amountText(req.amount, m);
    if (req.price !== undefined) out['px'] = priceText(req.price, m);
  }
  passThrough(p, out);
  return out;
}

/** The `args` element of a cancel-order request; params.clientOrderId cancels by client id. */
export function cancelArgs(id: string, m: Market, params: OrderParams): OkxArgs {
  const out: OkxArgs = { ...instrumentArgs(m) };
  const cid = params['clientOrderId'];
  if (typeof cid === 'string' && cid !== '') out['clOrdId'] = cid;
  else out['ordId'] = id;
  passThrough(params, out);
  return out;
}

/** The `args` element of an amend-order request: the order keeps its id; `reqId` names the change. */
export function amendArgs(id: string, req: OrderRequest, reqId: string): OkxArgs {
  const m = req.market;
  const out: OkxArgs = { ...instrumentArgs(m), ordId: id, reqId, newSz: amountText(req.amount, m) };
  if (req.price !== undefined) out['newPx'] = priceText(req.price, m);
  const rest = { ...req.params };
  delete rest['clientOrderId'];
  passThrough(rest, out);
  return out;
}
