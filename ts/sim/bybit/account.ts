/**
 * The simulated Bybit account (spot, unified): order ops over the engine with Bybit's ids and
 * retCodes, the records REST and the private topics report (order, execution, wallet), and the
 * signature checks of signed REST and of `op: auth` (protocols.md §4; Bybit docs v5 guide
 * "Authentication", order/create|amend|cancel|cancel-all, order/open-order, order/order-list,
 * position/execution, account/wallet-balance, websocket/private, websocket/trade).
 *
 * Bybit order ids are the simulator's own strings; the engine order behind one changes when an
 * amend re-places it (engine cancel-replace), the Bybit id does not: `order.amend` keeps the id,
 * as Bybit's does, and the internal cancel of an amend is never reported.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'crypto';
import { ASSET_SCALE, EngineError, formatScaled, MatchingEngine, OrderSnapshot, OrderUpdate } from '../engine';
import { trimDecimal } from '../common/format';
import { px, sz } from './market-data';
import type { BybitInstrument } from './symbols';

export const USER_ACCOUNT = 'user';

type Json = Record<string, unknown>;

/** A refused request: Bybit's retCode and retMsg. */
export class BybitRefusal extends Error {
  constructor(
    readonly retCode: number,
    msg: string,
  ) {
    super(msg);
  }
}

interface OrderRecord {
  id: string;
  linkId: string;
  symbol: string;
  engineId: number;
  created: number;
  /** Executed before the current engine order (amends re-place the rest). */
  execBefore: number;
  quoteBefore: bigint;
  feeBefore: bigint;
  amending: boolean;
}

export interface AccountListener {
  order(o: Json): void;
  execution(e: Json): void;
  wallet(w: Json): void;
}

const amount = (units: bigint): string => trimDecimal(formatScaled(units, ASSET_SCALE, 8));

export class BybitAccount {
  readonly apiKey: string;
  readonly secret: string;
  private readonly records = new Map<string, OrderRecord>();
  private readonly byLink = new Map<string, string>();
  private readonly executions: Json[] = [];
  readonly deposits: Json[] = [];
  readonly listeners = new Set<AccountListener>();
  private seq = 0;

  constructor(
    private readonly engine: MatchingEngine,
    private readonly instruments: readonly BybitInstrument[],
    private readonly now: () => number,
  ) {
    this.apiKey = `SIM${randomBytes(9).toString('hex').toUpperCase()}`;
    this.secret = randomBytes(18).toString('hex');
    engine.on('order', (u) => {
      if (u.order.account === USER_ACCOUNT) this.onOrder(u);
    });
    engine.on('balance', (b) => {
      if (b.account === USER_ACCOUNT) for (const l of this.listeners) l.wallet(this.wallet());
    });
  }

  // ---------------------------------------------------------------- signatures

  private hmac(payload: string): string {
    return createHmac('sha256', this.secret).update(payload, 'utf8').digest('hex');
  }

  private same(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  }

  /** Checks X-BAPI-* headers of a signed REST request (payload: the query string or the body). */
  checkRest(headers: Record<string, string | string[] | undefined>, payload: string, serverNow: number): void {
    const h = (k: string): string => String(headers[k.toLowerCase()] ?? '');
    const key = h('X-BAPI-API-KEY');
    const ts = h('X-BAPI-TIMESTAMP');
    const rw = h('X-BAPI-RECV-WINDOW') || '5000';
    const sign = h('X-BAPI-SIGN');
    if (!key || !ts || !sign) throw new BybitRefusal(10003, 'API key is invalid.');
    if (key !== this.apiKey) throw new BybitRefusal(10003, 'API key is invalid.');
    const t = Number(ts);
    // server_time - recv_window <= timestamp < server_time + 1000
    if (!Number.isFinite(t) || t < serverNow - Number(rw) || t >= serverNow + 1000) {
      throw new BybitRefusal(10002, `invalid request, please check your server timestamp or recv_window param. req_timestamp[${ts}],server_timestamp[${serverNow}],recv_window[${rw}]`);
    }
    if (!this.same(sign, this.hmac(`${ts}${key}${rw}${payload}`))) throw new BybitRefusal(10004, 'error sign! origin_string[' + `${ts}${key}${rw}${payload}` + ']');
  }

  /** Checks the args of `op: auth`; returns an error text or undefined. */
  checkAuth(args: unknown, serverNow: number): string | undefined {
    if (!Array.isArray(args) || args.length !== 3) return 'Params Error';
    const [key, expires, sign] = args as [unknown, unknown, unknown];
    if (key !== this.apiKey) return 'Invalid apikey';
    const exp = Number(expires);
    if (!Number.isFinite(exp) || exp <= serverNow) return 'Params Error: expires is in the past';
    if (typeof sign !== 'string' || !this.same(sign, this.hmac(`GET/realtime${exp}`))) return 'Signature verification failed';
    return undefined;
  }

  // ---------------------------------------------------------------- records

  private inst(symbol: unknown): BybitInstrument {
    const i = this.instruments.find((x) => x.id === symbol);
    if (!i) throw new BybitRefusal(170121, 'Invalid symbol.');
    return i;
  }

  private record(arg: Json): OrderRecord {
    const id = typeof arg['orderId'] === 'string' && arg['orderId'] ? arg['orderId'] : typeof arg['orderLinkId'] === 'string' ? this.byLink.get(arg['orderLinkId']) : undefined;
    const r = id === undefined ? undefined : this.records.get(id);
    if (!r || (arg['symbol'] !== undefined && r.symbol !== arg['symbol'])) throw new BybitRefusal(170213, 'Order does not exist.');
    return r;
  }

  private snapshot(r: OrderRecord): OrderSnapshot {
    const o = this.engine.getOrder(r.symbol, { orderId: r.engineId }, USER_ACCOUNT);
    if (!o) throw new BybitRefusal(170213, 'Order does not exist.');
    return o;
  }

  /** An order record as Bybit's REST and `order` topic show it. */
  orderJson(r: OrderRecord, o: OrderSnapshot = this.snapshot(r)): Json {
    const info = this.engine.market(r.symbol);
    const exec = r.execBefore + o.executedQty;
    const total = r.execBefore + o.origQty;
    const quote = r.quoteBefore + o.cumQuote;
    const status =
      o.status === 'FILLED' ? 'Filled'
      : o.status === 'CANCELED' || o.status === 'EXPIRED' ? (exec > 0 ? 'PartiallyFilledCanceled' : 'Cancelled')
      : o.status === 'REJECTED' ? 'Rejected'
      : exec > 0 ? 'PartiallyFilled' : 'New';
    const open = status === 'New' || status === 'PartiallyFilled';
    const fee = this.feeOf(r);
    return {
      symbol: r.symbol,
      orderId: r.id,
      orderLinkId: r.linkId,
      blockTradeId: '',
      side: o.side === 'BUY' ? 'Buy' : 'Sell',
      orderType: o.type === 'MARKET' ? 'Market' : 'Limit',
      price: o.type === 'MARKET' ? '0' : px(info, o.price),
      qty: sz(info, total),
      timeInForce: o.type === 'LIMIT_MAKER' ? 'PostOnly' : o.type === 'MARKET' ? 'IOC' : o.timeInForce,
      orderStatus: status,
      cumExecQty: sz(info, exec),
      cumExecValue: amount(quote),
      avgPrice: exec > 0 ? trimDecimal((Number(amount(quote)) / Number(sz(info, exec))).toFixed(info.tickDecimals + 4)) : '',
      leavesQty: open ? sz(info, total - exec) : '0',
      leavesValue: '0',
      cumExecFee: fee ? fee[1] : '0',
      cumFeeDetail: fee ? { [fee[0]]: fee[1] } : {},
      createdTime: String(r.created),
      updatedTime: String(o.updateTime),
      rejectReason: 'EC_NoError',
      category: 'spot',
      isLeverage: '0',
    };
  }

  private feeOf(r: OrderRecord): [string, string] | undefined {
    const mine = this.executions.filter((e) => e['orderId'] === r.id);
    if (mine.length === 0) return undefined;
    const coin = String(mine[0]!['feeCurrency']);
    const total = mine.reduce((s, e) => s + Number(e['execFee']), 0);
    return [coin, trimDecimal(total.toFixed(10))];
  }

  private onOrder(u: OrderUpdate): void {
    const r = this.records.get(u.order.clientOrderId) ?? this.records.get(u.order.origClientOrderId ?? '');
    if (!r) return;
    // events inside the placing call come before its result names the engine order
    if (r.engineId === -1) r.engineId = u.order.orderId;
    // the cancel half of an amend (engine cancel-replace) is not Bybit's: never reported
    if (r.amending && u.order.orderId === r.engineId && u.execType === 'CANCELED') return;
    if (u.order.orderId !== r.engineId && !r.amending) return;
    if (u.fill) {
      const info = this.engine.market(r.symbol);
      const f = u.fill;
      const e: Json = {
        category: 'spot',
        symbol: r.symbol,
        orderId: r.id,
        orderLinkId: r.linkId,
        side: u.order.side === 'BUY' ? 'Buy' : 'Sell',
        orderPrice: px(info, u.order.price),
        orderQty: sz(info, u.order.origQty),
        leavesQty: sz(info, u.order.origQty - u.order.executedQty),
        orderType: u.order.type === 'MARKET' ? 'Market' : 'Limit',
        execFee: amount(f.commission),
        feeCurrency: f.commissionAsset,
        execId: `${r.symbol}-${f.tradeId}-${f.isMaker ? 'm' : 't'}`,
        execPrice: px(info, f.price),
        execQty: sz(info, f.qty),
        execType: 'Trade',
        execValue: amount(f.quote),
        execTime: String(f.time),
        isMaker: f.isMaker,
        feeRate: '0.001',
        seq: ++this.seq,
      };
      this.executions.push(e);
      for (const l of this.listeners) l.execution(e);
    }
    if (r.amending && u.order.orderId !== r.engineId) return; // reported once the amend is done
    const json = this.orderJson(r, u.order);
    for (const l of this.listeners) l.order(json);
  }

  // ---------------------------------------------------------------- ops

  private refuse(err: unknown): never {
    if (err instanceof BybitRefusal) throw err;
    if (err instanceof EngineError) {
      switch (err.reason) {
        case 'INSUFFICIENT_BALANCE':
          throw new BybitRefusal(170131, 'Insufficient balance.');
        case 'UNKNOWN_ORDER':
          throw new BybitRefusal(170213, 'Order does not exist.');
        case 'LOT_SIZE':
          throw new BybitRefusal(170136, 'Order quantity exceeded lower limit.');
        case 'NOTIONAL':
          throw new BybitRefusal(170140, 'Order value exceeded lower limit.');
        case 'PRICE_FILTER':
        case 'BAD_PRECISION':
          throw new BybitRefusal(170134, `Order price or quantity has too many decimals (${err.message}).`);
        case 'DUPLICATE_ORDER':
          throw new BybitRefusal(170141, 'Duplicate clientOrderId.');
        case 'WOULD_TAKE':
          throw new BybitRefusal(170218, 'The LIMIT-MAKER order is rejected due to invalid price.');
        default:
          throw new BybitRefusal(10001, `params error: ${err.message}`);
      }
    }
    throw new BybitRefusal(10016, 'Internal server error.');
  }

  create(arg: Json): { orderId: string; orderLinkId: string } {
    if (arg['category'] !== 'spot') throw new BybitRefusal(10001, 'params error: category');
    const inst = this.inst(arg['symbol']);
    const side = arg['side'] === 'Buy' ? 'BUY' : arg['side'] === 'Sell' ? 'SELL' : undefined;
    if (!side) throw new BybitRefusal(10001, 'params error: side invalid');
    const type = arg['orderType'];
    if (type !== 'Limit' && type !== 'Market') throw new BybitRefusal(10001, 'params error: orderType invalid');
    const linkId = typeof arg['orderLinkId'] === 'string' && arg['orderLinkId'] ? arg['orderLinkId'] : '';
    if (linkId.length > 36) throw new BybitRefusal(10001, 'params error: orderLinkId is too long');
    if (linkId && this.byLink.has(linkId)) throw new BybitRefusal(170141, 'Duplicate clientOrderId.');
    const id = `${Date.now()}${String(++this.seq).padStart(6, '0')}`;
    const tif = String(arg['timeInForce'] ?? 'GTC');
    const r: OrderRecord = { id, linkId, symbol: inst.id, engineId: -1, created: this.now(), execBefore: 0, quoteBefore: 0n, feeBefore: 0n, amending: false };
    this.records.set(id, r);
    try {
      const qty = String(arg['qty'] ?? '');
      const quoteUnit = type === 'Market' && side === 'BUY' && arg['marketUnit'] !== 'baseCoin';
      const res = this.engine.placeOrder({
        account: USER_ACCOUNT,
        symbol: inst.id,
        side,
        type: type === 'Market' ? 'MARKET' : tif === 'PostOnly' ? 'LIMIT_MAKER' : 'LIMIT',
        timeInForce: tif === 'IOC' || tif === 'FOK' ? tif : 'GTC',
        ...(type === 'Limit' ? { price: String(arg['price'] ?? '') } : {}),
        ...(quoteUnit ? { quoteOrderQty: qty } : { quantity: qty }),
        clientOrderId: id,
      });
      r.engineId = res.order.orderId;
    } catch (err) {
      this.records.delete(id);
      this.refuse(err);
    }
    if (linkId) this.byLink.set(linkId, id);
    return { orderId: id, orderLinkId: linkId };
  }

  amend(arg: Json): { orderId: string; orderLinkId: string } {
    const r = this.record(arg);
    const o = this.snapshot(r);
    if (o.status !== 'NEW' && o.status !== 'PARTIALLY_FILLED') throw new BybitRefusal(170213, 'Order does not exist.');
    const info = this.engine.market(r.symbol);
    const changes: { price?: string; quantity?: string; clientOrderId: string } = { clientOrderId: r.id };
    if (arg['price'] !== undefined) changes.price = String(arg['price']);
    if (arg['qty'] !== undefined) {
      // qty is the order's new total: the part already executed stays executed
      const total = info.qtyToSteps(String(arg['qty']), 'qty');
      const left = total - (r.execBefore + o.executedQty);
      if (left <= 0) throw new BybitRefusal(170136, 'Order quantity exceeded lower limit.');
      changes.quantity = sz(info, left);
    }
    if (changes.price === undefined && changes.quantity === undefined) throw new BybitRefusal(10001, 'params error: nothing to amend');
    r.amending = true;
    try {
      const { canceled, placed } = this.engine.amendOrder(USER_ACCOUNT, r.symbol, { orderId: r.engineId }, changes);
      r.execBefore += canceled.executedQty;
      r.quoteBefore += canceled.cumQuote;
      r.engineId = placed.order.orderId;
    } catch (err) {
      this.refuse(err);
    } finally {
      r.amending = false;
    }
    const json = this.orderJson(r);
    for (const l of this.listeners) l.order(json);
    return { orderId: r.id, orderLinkId: r.linkId };
  }

  cancel(arg: Json): { orderId: string; orderLinkId: string } {
    const r = this.record(arg);
    try {
      this.engine.cancelOrder(USER_ACCOUNT, r.symbol, { orderId: r.engineId });
    } catch (err) {
      this.refuse(err);
    }
    return { orderId: r.id, orderLinkId: r.linkId };
  }

  /**
   * A batch op (POST /v5/order/{create,amend,cancel}-batch, `order.{create,amend,cancel}-batch` on
   * /v5/trade): `{category, request: [..]}`, at most 10 spot orders a request. Each order is done
   * on its own: `list` and `retExtInfo.list` hold one entry per order in the request's order (a
   * refused one with empty ids and its retCode / retMsg), the others stand.
   */
  batch(kind: 'create' | 'amend' | 'cancel', arg: Json): { list: Json[]; ext: Array<{ code: number; msg: string }> } {
    if (arg['category'] !== 'spot') throw new BybitRefusal(10001, 'params error: category');
    const items = arg['request'];
    if (!Array.isArray(items) || items.length === 0) throw new BybitRefusal(10001, 'params error: request is empty');
    // "10 orders (spot) can be placed per request"
    if (items.length > 10) throw new BybitRefusal(10001, 'params error: a spot batch holds at most 10 orders');
    const list: Json[] = [];
    const ext: Array<{ code: number; msg: string }> = [];
    for (const raw of items) {
      const item = (raw && typeof raw === 'object' ? raw : {}) as Json;
      const symbol = typeof item['symbol'] === 'string' ? item['symbol'] : '';
      try {
        const done = this[kind]({ ...item, category: 'spot' });
        list.push({ category: 'spot', symbol, orderId: done.orderId, orderLinkId: done.orderLinkId, ...(kind === 'create' ? { createAt: String(this.now()) } : {}) });
        ext.push({ code: 0, msg: 'OK' });
      } catch (err) {
        const e = err instanceof BybitRefusal ? err : new BybitRefusal(10016, 'Internal server error.');
        list.push({ category: 'spot', symbol, orderId: '', orderLinkId: typeof item['orderLinkId'] === 'string' ? item['orderLinkId'] : '', ...(kind === 'create' ? { createAt: '' } : {}) });
        ext.push({ code: e.retCode, msg: e.message });
      }
    }
    return { list, ext };
  }

  cancelAll(arg: Json): Json[] {
    const out: Json[] = [];
    for (const r of this.records.values()) {
      if (arg['symbol'] !== undefined && r.symbol !== arg['symbol']) continue;
      const o = this.engine.getOrder(r.symbol, { orderId: r.engineId }, USER_ACCOUNT);
      if (!o || (o.status !== 'NEW' && o.status !== 'PARTIALLY_FILLED')) continue;
      this.engine.cancelOrder(USER_ACCOUNT, r.symbol, { orderId: r.engineId });
      out.push({ orderId: r.id, orderLinkId: r.linkId });
    }
    return out;
  }

  // ---------------------------------------------------------------- queries

  /** Orders by filter: open only (realtime) or closed only (history); an id or link id finds either. */
  orders(q: URLSearchParams, open: boolean): Json[] {
    const id = q.get('orderId');
    const link = q.get('orderLinkId');
    const symbol = q.get('symbol');
    const since = Number(q.get('startTime') ?? 0);
    const out: Json[] = [];
    for (const r of this.records.values()) {
      if (symbol && r.symbol !== symbol) continue;
      if (id && r.id !== id) continue;
      if (link && r.linkId !== link) continue;
      const o = this.engine.getOrder(r.symbol, { orderId: r.engineId }, USER_ACCOUNT);
      if (!o) continue;
      const isOpen = o.status === 'NEW' || o.status === 'PARTIALLY_FILLED';
      if (!id && !link && isOpen !== open) continue;
      if (id || link ? false : r.created < since) continue;
      out.push(this.orderJson(r, o));
    }
    return out.reverse().slice(0, Number(q.get('limit') ?? 50));
  }

  executionList(q: URLSearchParams): Json[] {
    const symbol = q.get('symbol');
    const since = Number(q.get('startTime') ?? 0);
    return this.executions
      .filter((e) => (!symbol || e['symbol'] === symbol) && Number(e['execTime']) >= since)
      .slice()
      .reverse()
      .slice(0, Number(q.get('limit') ?? 50));
  }

  /** The unified wallet: every coin of the account (walletBalance = free + locked). */
  wallet(): Json {
    const coin = this.engine.balances(USER_ACCOUNT).map((b) => {
      const total = amount(b.free + b.locked);
      return { coin: b.asset, equity: total, walletBalance: total, locked: amount(b.locked), free: amount(b.free), availableToWithdraw: amount(b.free), usdValue: '0', borrowAmount: '0', accruedInterest: '0', totalOrderIM: '0', totalPositionIM: '0', unrealisedPnl: '0', cumRealisedPnl: '0' };
    });
    return { accountType: 'UNIFIED', accountIMRate: '0', accountMMRate: '0', totalEquity: '0', totalWalletBalance: '0', totalMarginBalance: '0', totalAvailableBalance: '0', totalPerpUPL: '0', totalInitialMargin: '0', totalMaintenanceMargin: '0', coin };
  }

  deposit(asset: string, qty: number | string): void {
    const now = this.now();
    this.engine.deposit(USER_ACCOUNT, asset, qty);
    this.deposits.push({ coin: asset, chain: asset, amount: String(qty), txID: `simtx${now}${this.deposits.length}`, status: 3, toAddress: 'sim-address', tag: '', depositFee: '', successAt: String(now), confirmations: '64', txIndex: '0', blockHash: '', batchReleaseLimit: '-1', depositType: '0', id: `sim${this.deposits.length + 1}` });
  }

  readonly withdrawals: Json[] = [];

  /** POST /v5/asset/withdraw/create: debits the free balance at once and records it as sent. */
  withdraw(arg: Json): { id: string } {
    const coin = typeof arg['coin'] === 'string' ? arg['coin'] : '';
    const amt = typeof arg['amount'] === 'string' ? arg['amount'] : '';
    if (!coin || !/^\d+(\.\d+)?$/.test(amt) || Number(amt) <= 0) throw new BybitRefusal(131002, 'Parameter error');
    if (typeof arg['address'] !== 'string' || arg['address'] === '') throw new BybitRefusal(131002, 'Parameter error: address');
    if (typeof arg['timestamp'] !== 'number') throw new BybitRefusal(131002, 'Parameter error: timestamp');
    try {
      this.engine.withdraw(USER_ACCOUNT, coin, amt);
    } catch (err) {
      if (err instanceof EngineError && err.reason === 'INSUFFICIENT_BALANCE') throw new BybitRefusal(131212, 'Insufficient balance');
      throw new BybitRefusal(131002, `Parameter error: ${(err as Error).message}`);
    }
    const now = this.now();
    const id = String(10000 + this.withdrawals.length + 1);
    this.withdrawals.push({ coin, chain: String(arg['chain'] ?? coin), amount: amt, txID: `simwtx${now}${id}`, status: 'success', toAddress: arg['address'], tag: String(arg['tag'] ?? ''), withdrawFee: '0', createTime: String(now), updateTime: String(now), withdrawId: id, withdrawType: 0 });
    return { id };
  }

  balances(): Record<string, { free: string; locked: string }> {
    const out: Record<string, { free: string; locked: string }> = {};
    for (const b of this.engine.balances(USER_ACCOUNT)) out[b.asset] = { free: formatScaled(b.free, ASSET_SCALE, 8), locked: formatScaled(b.locked, ASSET_SCALE, 8) };
    return out;
  }
}
