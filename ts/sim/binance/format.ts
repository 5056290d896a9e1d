/**
 * Engine records -> Binance JSON. Field lists and order follow the examples in
 * binance-spot-api-docs web-socket-api.md (order.place ACK/RESULT/FULL, order.status, order.cancel),
 * rest-api.md (account, myTrades) and user-data-stream.md (executionReport,
 * outboundAccountPosition, balanceUpdate). Every decimal is printed with 8 places, as Binance does.
 */
import { ASSET_SCALE, BalanceEntry, Fill, formatScaled, MarketInfo, OrderSnapshot, OrderUpdate, OwnTrade } from '../engine';

export type Json = Record<string, unknown>;
export type RespType = 'ACK' | 'RESULT' | 'FULL';

/** 10^-16 units -> 8-decimal string. */
export function amount(units: bigint): string {
  return formatScaled(units, ASSET_SCALE, 8);
}

export const price = (info: MarketInfo, ticks: number): string => info.formatPrice(ticks);
export const qty = (info: MarketInfo, steps: number): string => info.formatQty(steps);

function base(info: MarketInfo, o: OrderSnapshot): Json {
  return {
    price: price(info, o.price),
    origQty: qty(info, o.origQty),
    executedQty: qty(info, o.executedQty),
  };
}

/** The order's amounts and state, as order results list them (origQuoteOrderQty ... side). */
function state(info: MarketInfo, o: OrderSnapshot): Json {
  return {
    ...base(info, o),
    origQuoteOrderQty: amount(o.origQuoteQty),
    cummulativeQuoteQty: amount(o.cumQuote),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
  };
}

export function fillJson(info: MarketInfo, f: Fill): Json {
  return {
    price: price(info, f.price),
    qty: qty(info, f.qty),
    commission: amount(f.commission),
    commissionAsset: f.commissionAsset,
    tradeId: f.tradeId,
  };
}

/** order.place / POST /api/v3/order result. */
export function orderResult(info: MarketInfo, o: OrderSnapshot, fills: Fill[], respType: RespType): Json {
  const ack: Json = { symbol: o.symbol, orderId: o.orderId, orderListId: -1, clientOrderId: o.clientOrderId, transactTime: o.time };
  if (respType === 'ACK') return ack;
  const out: Json = { ...ack, ...state(info, o), workingTime: o.time };
  if (respType === 'FULL') out['fills'] = fills.map((f) => fillJson(info, f));
  out['selfTradePreventionMode'] = 'NONE';
  return out;
}

/** order.status / GET /api/v3/order / openOrders entry. */
export function orderStatus(info: MarketInfo, o: OrderSnapshot): Json {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    ...base(info, o),
    cummulativeQuoteQty: amount(o.cumQuote),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    stopPrice: '0.00000000',
    icebergQty: '0.00000000',
    time: o.time,
    updateTime: o.updateTime,
    isWorking: o.isWorking,
    workingTime: o.workingTime,
    origQuoteOrderQty: amount(o.origQuoteQty),
    selfTradePreventionMode: 'NONE',
  };
}

/** order.cancel / DELETE /api/v3/order result. */
export function cancelResult(info: MarketInfo, o: OrderSnapshot): Json {
  return {
    symbol: o.symbol,
    origClientOrderId: o.origClientOrderId ?? o.clientOrderId,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    transactTime: o.updateTime,
    ...state(info, o),
    selfTradePreventionMode: 'NONE',
  };
}

export function myTradeJson(info: MarketInfo, t: OwnTrade): Json {
  return {
    symbol: t.symbol,
    id: t.tradeId,
    orderId: t.orderId,
    orderListId: -1,
    price: price(info, t.price),
    qty: qty(info, t.qty),
    quoteQty: amount(t.quote),
    commission: amount(t.commission),
    commissionAsset: t.commissionAsset,
    time: t.time,
    isBuyer: t.isBuyer,
    isMaker: t.isMaker,
    isBestMatch: true,
  };
}

export interface AccountInfo {
  balances: BalanceEntry[];
  makerFeePpm: number;
  takerFeePpm: number;
  updateTime: number;
  uid: number;
  omitZeroBalances?: boolean;
}

/** GET /api/v3/account and account.status. */
export function accountJson(a: AccountInfo): Json {
  const rate = (ppm: number): string => amount((BigInt(ppm) * 10n ** BigInt(ASSET_SCALE)) / 1_000_000n);
  const balances = a.balances
    .filter((b) => !a.omitZeroBalances || b.free !== 0n || b.locked !== 0n)
    .map((b) => ({ asset: b.asset, free: amount(b.free), locked: amount(b.locked) }));
  return {
    makerCommission: Math.round(a.makerFeePpm / 100),
    takerCommission: Math.round(a.takerFeePpm / 100),
    buyerCommission: 0,
    sellerCommission: 0,
    commissionRates: { maker: rate(a.makerFeePpm), taker: rate(a.takerFeePpm), buyer: '0.00000000', seller: '0.00000000' },
    canTrade: true,
    canWithdraw: true,
    canDeposit: true,
    brokered: false,
    requireSelfTradePrevention: false,
    preventSor: false,
    updateTime: a.updateTime,
    accountType: 'SPOT',
    balances,
    permissions: ['SPOT'],
    uid: a.uid,
  };
}

/** executionReport user data event. */
export function executionReport(info: MarketInfo, u: OrderUpdate, eventTime: number, executionId: number): Json {
  const o = u.order;
  const f = u.fill;
  const canceled = u.execType === 'CANCELED';
  const ev: Json = {
    e: 'executionReport',
    E: eventTime,
    s: o.symbol,
    c: o.clientOrderId,
    S: o.side,
    o: o.type,
    f: o.timeInForce,
    q: qty(info, o.origQty),
    p: price(info, o.price),
    P: '0.00000000',
    F: '0.00000000',
    g: -1,
    C: canceled ? (o.origClientOrderId ?? '') : '',
    x: u.execType === 'AMENDED' ? 'REPLACED' : u.execType,
    X: o.status,
    r: 'NONE',
    i: o.orderId,
    l: f ? qty(info, f.qty) : '0.00000000',
    z: qty(info, o.executedQty),
    L: f ? price(info, f.price) : '0.00000000',
    n: f ? amount(f.commission) : '0',
    N: f ? f.commissionAsset : null,
    T: u.time,
    t: f ? f.tradeId : -1,
    I: executionId,
    w: o.status === 'NEW' || o.status === 'PARTIALLY_FILLED' ? o.isWorking || (u.execType === 'NEW' && o.type !== 'MARKET') : false,
    m: f ? f.isMaker : false,
    M: false,
    O: o.time,
    Z: amount(o.cumQuote),
    Y: f ? amount(f.quote) : '0.00000000',
    Q: amount(o.origQuoteQty),
  };
  if (o.workingTime >= 0) ev['W'] = o.workingTime;
  else if (u.execType === 'NEW' && o.type !== 'MARKET') ev['W'] = o.time;
  ev['V'] = 'NONE';
  return ev;
}

export function outboundAccountPosition(balances: BalanceEntry[], eventTime: number, updateTime: number): Json {
  return {
    e: 'outboundAccountPosition',
    E: eventTime,
    u: updateTime,
    B: balances.map((b) => ({ a: b.asset, f: amount(b.free), l: amount(b.locked) })),
  };
}

export function balanceUpdate(asset: string, delta: bigint, eventTime: number): Json {
  return { e: 'balanceUpdate', E: eventTime, a: asset, d: amount(delta), T: eventTime };
}
