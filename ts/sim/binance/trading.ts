/**
 * Binance order entry and account queries over the matching engine, shared by the REST API and
 * the WebSocket API (their parameters are the same, per rest-api.md and web-socket-api.md:
 * order.place, order.test, order.status, order.cancel, order.cancelReplace, openOrders.status,
 * openOrders.cancelAll, allOrders, myTrades, account.status).
 */
import { MatchingEngine, OrderSnapshot, PlaceOrderRequest, TimeInForce } from '../engine';
import { BinanceError, E, fromEngine, MSG } from './errors';
import { accountJson, cancelResult, Json, myTradeJson, orderResult, orderStatus, RespType } from './format';
import { bool, clientId, decimal, int, limit, opt, Params, req, SymbolResolver } from './params';

const STOP_TYPES: Record<string, string> = {
  STOP_LOSS: 'Stop loss orders are not supported for this symbol.',
  STOP_LOSS_LIMIT: 'Stop loss limit orders are not supported for this symbol.',
  TAKE_PROFIT: 'Take profit orders are not supported for this symbol.',
  TAKE_PROFIT_LIMIT: 'Take profit limit orders are not supported for this symbol.',
};

interface ParsedOrder {
  req: PlaceOrderRequest;
  respType: RespType;
}

export class Trading {
  constructor(
    private readonly engine: MatchingEngine,
    private readonly symbols: SymbolResolver,
    private readonly uidOf: (account: string) => number,
  ) {}

  /** Validates order parameters the way Binance does before the order reaches the engine. */
  parseOrder(account: string, p: Params): ParsedOrder {
    const info = this.symbols.symbol(p);
    const side = req(p, 'side');
    if (side !== 'BUY' && side !== 'SELL') throw E.invalidSide();
    const type = req(p, 'type');
    if (STOP_TYPES[type]) throw E.newOrderRejected(STOP_TYPES[type] as string);
    if (type !== 'LIMIT' && type !== 'MARKET' && type !== 'LIMIT_MAKER') throw E.invalidType();
    const tif = opt(p, 'timeInForce');
    if (tif !== undefined && tif !== 'GTC' && tif !== 'IOC' && tif !== 'FOK') throw E.invalidTif();
    const price = decimal(p, 'price');
    const quantity = decimal(p, 'quantity');
    const quoteOrderQty = decimal(p, 'quoteOrderQty');
    if (type === 'LIMIT') {
      if (tif === undefined) throw E.mandatory('timeInForce');
    } else if (tif !== undefined) throw E.notRequired('timeInForce');
    if (type === 'MARKET') {
      if (price !== undefined) throw E.notRequired('price');
      if (quantity === undefined && quoteOrderQty === undefined) throw E.eitherParam('quantity', 'quoteOrderQty');
      if (quantity !== undefined && quoteOrderQty !== undefined) throw E.notRequired('quoteOrderQty');
    } else {
      if (price === undefined) throw E.mandatory('price');
      if (quantity === undefined) throw E.mandatory('quantity');
      if (quoteOrderQty !== undefined) throw E.notRequired('quoteOrderQty');
    }
    if (decimal(p, 'icebergQty') !== undefined) throw E.newOrderRejected('Iceberg orders are not supported for this symbol.');
    if (decimal(p, 'stopPrice') !== undefined || int(p, 'trailingDelta') !== undefined) throw E.notRequired(opt(p, 'stopPrice') ? 'stopPrice' : 'trailingDelta');
    const respType = opt(p, 'newOrderRespType') ?? (type === 'LIMIT_MAKER' ? 'ACK' : 'FULL');
    if (respType !== 'ACK' && respType !== 'RESULT' && respType !== 'FULL') throw E.invalidParam('newOrderRespType');
    const r: PlaceOrderRequest = { account, symbol: info.symbol, side, type };
    if (tif !== undefined) r.timeInForce = tif as TimeInForce;
    if (price !== undefined) r.price = price;
    if (quantity !== undefined) r.quantity = quantity;
    if (quoteOrderQty !== undefined) r.quoteOrderQty = quoteOrderQty;
    const cid = clientId(p, 'newClientOrderId');
    if (cid !== undefined) r.clientOrderId = cid;
    return { req: r, respType };
  }

  placeOrder(account: string, p: Params): Json {
    const { req: r, respType } = this.parseOrder(account, p);
    try {
      const res = this.engine.placeOrder(r);
      return orderResult(this.engine.market(r.symbol), res.order, res.fills, respType);
    } catch (err) {
      throw fromEngine(err, 'new');
    }
  }

  /** order.test / POST /api/v3/order/test: validates, never places. */
  testOrder(account: string, p: Params): Json {
    const { req: r } = this.parseOrder(account, p);
    const info = this.engine.market(r.symbol);
    try {
      if (r.price !== undefined) info.priceToTicks(r.price);
      if (r.quantity !== undefined) info.qtyToSteps(r.quantity);
    } catch (err) {
      throw fromEngine(err, 'new');
    }
    return {};
  }

  cancelOrder(account: string, p: Params): Json {
    const info = this.symbols.symbol(p);
    const orderId = int(p, 'orderId');
    const orig = opt(p, 'origClientOrderId');
    if (orderId === undefined && orig === undefined) throw E.eitherParam('orderId', 'origClientOrderId');
    const restriction = opt(p, 'cancelRestrictions');
    if (restriction !== undefined && restriction !== 'ONLY_NEW' && restriction !== 'ONLY_PARTIALLY_FILLED') throw E.cancelRestrictionsValue();
    const newClientOrderId = clientId(p, 'newClientOrderId');
    try {
      const o = this.engine.cancelOrder(
        account,
        info.symbol,
        { ...(orderId !== undefined ? { orderId } : {}), ...(orig !== undefined ? { clientOrderId: orig } : {}) },
        { ...(newClientOrderId !== undefined ? { newClientOrderId } : {}), ...(restriction !== undefined ? { restriction } : {}) },
      );
      return cancelResult(info, o);
    } catch (err) {
      throw fromEngine(err, 'cancel');
    }
  }

  /**
   * order.cancelReplace / POST /api/v3/order/cancelReplace: cancel then place, not transactional.
   * Both succeed: 200. One fails (ALLOW_FAILURE, or the placement under STOP_ON_FAILURE): 409 -2021.
   * Cancel fails under STOP_ON_FAILURE, or both fail: 400 -2022. Failures carry `data`.
   */
  cancelReplace(account: string, p: Params): Json {
    const mode = req(p, 'cancelReplaceMode');
    if (mode !== 'STOP_ON_FAILURE' && mode !== 'ALLOW_FAILURE') throw E.invalidParam('cancelReplaceMode');
    const cancelOrderId = opt(p, 'cancelOrderId');
    const cancelOrig = opt(p, 'cancelOrigClientOrderId');
    if (cancelOrderId === undefined && cancelOrig === undefined) throw E.eitherParam('cancelOrderId', 'cancelOrigClientOrderId');
    this.parseOrder(account, p);
    const cancelParams: Params = { symbol: p['symbol'] as string };
    if (cancelOrderId !== undefined) cancelParams['orderId'] = cancelOrderId;
    if (cancelOrig !== undefined) cancelParams['origClientOrderId'] = cancelOrig;
    if (p['cancelNewClientOrderId'] !== undefined) cancelParams['newClientOrderId'] = p['cancelNewClientOrderId'];
    if (p['cancelRestrictions'] !== undefined) cancelParams['cancelRestrictions'] = p['cancelRestrictions'];
    let cancelResponse: Json | undefined;
    let cancelError: BinanceError | undefined;
    try {
      cancelResponse = this.cancelOrder(account, cancelParams);
    } catch (err) {
      cancelError = fromEngine(err, 'cancel');
    }
    const data = (newResult: string, newResponse: Json | null): Json => ({
      cancelResult: cancelError ? 'FAILURE' : 'SUCCESS',
      newOrderResult: newResult,
      cancelResponse: cancelError ? cancelError.body() : cancelResponse,
      newOrderResponse: newResponse,
    });
    if (cancelError && mode === 'STOP_ON_FAILURE') {
      throw new BinanceError(400, -2022, 'Order cancel-replace failed.', data('NOT_ATTEMPTED', null));
    }
    let newResponse: Json | undefined;
    let newError: BinanceError | undefined;
    try {
      newResponse = this.placeOrder(account, p);
    } catch (err) {
      newError = fromEngine(err, 'new');
    }
    if (cancelError && newError) throw new BinanceError(400, -2022, 'Order cancel-replace failed.', data('FAILURE', newError.body()));
    if (cancelError || newError) {
      throw new BinanceError(409, -2021, 'Order cancel-replace partially failed.', newError ? data('FAILURE', newError.body()) : data('SUCCESS', newResponse as Json));
    }
    return data('SUCCESS', newResponse as Json);
  }

  queryOrder(account: string, p: Params): Json {
    const info = this.symbols.symbol(p);
    const orderId = int(p, 'orderId');
    const orig = opt(p, 'origClientOrderId');
    if (orderId === undefined && orig === undefined) throw E.eitherParam('orderId', 'origClientOrderId');
    const o = this.engine.getOrder(
      info.symbol,
      { ...(orderId !== undefined ? { orderId } : {}), ...(orig !== undefined ? { clientOrderId: orig } : {}) },
      account,
    );
    if (!o) throw E.noSuchOrder();
    return orderStatus(info, o);
  }

  openOrders(account: string, p: Params): Json[] {
    const info = this.symbols.optSymbol(p);
    return this.engine.openOrders(account, info?.symbol).map((o) => orderStatus(this.engine.market(o.symbol), o));
  }

  /** openOrders.cancelAll / DELETE /api/v3/openOrders; no open order is -2011 "Unknown order sent.". */
  cancelAll(account: string, p: Params): Json[] {
    const info = this.symbols.symbol(p);
    const canceled = this.engine.cancelAll(account, info.symbol);
    if (canceled.length === 0) throw E.cancelRejected(MSG.unknownOrder);
    return canceled.map((o) => cancelResult(info, o));
  }

  allOrders(account: string, p: Params): Json[] {
    const info = this.symbols.symbol(p);
    const fromId = int(p, 'orderId');
    const start = int(p, 'startTime');
    const end = int(p, 'endTime');
    const n = limit(p, 'limit', 500, 1000);
    let list: OrderSnapshot[] = this.engine.allOrders(account, info.symbol).filter(
      (o) => (fromId === undefined || o.orderId >= fromId) && (start === undefined || o.time >= start) && (end === undefined || o.time <= end),
    );
    list = fromId !== undefined || start !== undefined ? list.slice(0, n) : list.slice(-n);
    return list.map((o) => orderStatus(info, o));
  }

  myTrades(account: string, p: Params): Json[] {
    const info = this.symbols.symbol(p);
    const orderId = int(p, 'orderId');
    const fromId = int(p, 'fromId');
    const start = int(p, 'startTime');
    const end = int(p, 'endTime');
    const n = limit(p, 'limit', 500, 1000);
    let list = this.engine.myTrades(account, info.symbol).filter(
      (t) =>
        (orderId === undefined || t.orderId === orderId) &&
        (fromId === undefined || t.tradeId >= fromId) &&
        (start === undefined || t.time >= start) &&
        (end === undefined || t.time <= end),
    );
    list = fromId !== undefined || start !== undefined ? list.slice(0, n) : list.slice(-n);
    return list.map((t) => myTradeJson(info, t));
  }

  account(account: string, p: Params): Json {
    const acc = this.engine.account(account);
    return accountJson({
      balances: acc.balances(),
      makerFeePpm: acc.makerFeePpm,
      takerFeePpm: acc.takerFeePpm,
      updateTime: acc.updateTime,
      uid: this.uidOf(account),
      omitZeroBalances: bool(p, 'omitZeroBalances') ?? false,
    });
  }
}
