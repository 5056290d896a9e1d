/**
 * Binance order requests from unified arguments. Pure functions: the same parameters go to the
 * WebSocket API (order.place, order.cancel, order.cancelReplace, openOrders.cancelAll) and to REST
 * (POST/DELETE /api/v3/order, POST /api/v3/order/cancelReplace, DELETE /api/v3/openOrders), per
 * protocols.md §1 "order.place params".
 *
 * Unified params understood: clientOrderId, postOnly, timeInForce ('GTC' | 'IOC' | 'FOK' | 'PO'),
 * cost (market buy by quote amount, also quoteOrderQty). Anything else is passed through as a
 * Binance parameter (e.g. selfTradePreventionMode, strategyId).
 */
import { randomBytes } from 'crypto';
import { BadRequest } from '../../core/errors';
import { ClientIdRule, clientIdFor } from '../order-flow';
import { toDecimalString } from '../../core/decimal';
import type { Market } from '../../core/types';
import type { OrderParams, OrderRequest } from '../../core/private-adapter';

export type WireParams = Record<string, string | number | boolean>;

const UNIFIED = new Set(['clientOrderId', 'postOnly', 'timeInForce', 'cost', 'quoteOrderQty']);
const CLIENT_ID: ClientIdRule = { pattern: /^[.A-Z:/a-z0-9_-]{1,36}$/, says: 'up to 36 of A-Z a-z 0-9 . : / _ -' };

/** The order's client order id: the caller's (Binance's pattern) or a fresh one. */
export function clientOrderIdOf(params: OrderParams, symbol: string): string {
  return clientIdFor(params, 'binance', symbol, () => 'x-exs-' + randomBytes(10).toString('hex'), CLIENT_ID);
}

/** An order id as the API takes it (a JSON number when it is one). */
export function orderIdParam(id: string): number | string {
  const n = Number(id);
  return /^\d+$/.test(id) && Number.isSafeInteger(n) ? n : id;
}

function passThrough(params: OrderParams, into: WireParams): void {
  for (const [k, v] of Object.entries(params)) {
    if (UNIFIED.has(k) || v === undefined || v === null) continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') into[k] = v;
    else throw new BadRequest(`parameter ${k} must be a string, number or boolean`, { exchange: 'binance' });
  }
}

/** order.place / POST /api/v3/order parameters (FULL response: status and fills in the reply). */
export function orderParams(req: OrderRequest, clientOrderId: string): WireParams {
  const m = req.market;
  const p = req.params;
  const tif = typeof p['timeInForce'] === 'string' ? (p['timeInForce'] as string).toUpperCase() : undefined;
  const postOnly = p['postOnly'] === true || tif === 'PO';
  const out: WireParams = { symbol: m.id, side: req.side === 'buy' ? 'BUY' : 'SELL' };
  const type = req.type.toLowerCase();
  if (type === 'market') {
    out['type'] = 'MARKET';
    const cost = p['cost'] ?? p['quoteOrderQty'];
    if (cost !== undefined) out['quoteOrderQty'] = toDecimalString(Number(cost), m.precision.price, 'floor');
    else out['quantity'] = amountString(req.amount, m);
    if (postOnly) throw new BadRequest('a market order cannot be post-only', { exchange: 'binance', symbol: m.symbol });
  } else if (type === 'limit' || type === 'limit_maker') {
    out['type'] = postOnly || type === 'limit_maker' ? 'LIMIT_MAKER' : 'LIMIT';
    if (out['type'] === 'LIMIT') {
      if (tif !== undefined && tif !== 'GTC' && tif !== 'IOC' && tif !== 'FOK') {
        throw new BadRequest(`timeInForce must be GTC, IOC, FOK or PO, got ${tif}`, { exchange: 'binance', symbol: m.symbol });
      }
      out['timeInForce'] = tif ?? 'GTC';
    }
    out['quantity'] = amountString(req.amount, m);
    out['price'] = priceString(req.price as number, m);
  } else {
    // other Binance types (STOP_LOSS_LIMIT, ...) with their own params (stopPrice, ...)
    out['type'] = type.toUpperCase();
    out['quantity'] = amountString(req.amount, m);
    if (req.price !== undefined) out['price'] = priceString(req.price, m);
    if (tif !== undefined) out['timeInForce'] = tif;
  }
  out['newClientOrderId'] = clientOrderId;
  out['newOrderRespType'] = 'FULL';
  passThrough(p, out);
  return out;
}

/** order.cancel / DELETE /api/v3/order parameters; params.clientOrderId cancels by client id. */
export function cancelParams(id: string, market: Market, params: OrderParams): WireParams {
  const out: WireParams = { symbol: market.id };
  const cid = params['clientOrderId'];
  if (typeof cid === 'string' && cid !== '') out['origClientOrderId'] = cid;
  else out['orderId'] = orderIdParam(id);
  passThrough(params, out);
  return out;
}

/** order.cancelReplace / POST /api/v3/order/cancelReplace: cancel `id`, place `req` (stop if the cancel fails). */
export function cancelReplaceParams(id: string, req: OrderRequest, clientOrderId: string): WireParams {
  return { ...orderParams(req, clientOrderId), cancelReplaceMode: 'STOP_ON_FAILURE', cancelOrderId: orderIdParam(id) };
}

function amountString(amount: number, m: Market): string {
  return toDecimalString(amount, m.precision.amount, 'floor');
}

function priceString(price: number, m: Market): string {
  return toDecimalString(price, m.precision.price, 'round');
}
