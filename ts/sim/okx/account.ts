/**
 * The simulated OKX account: signed REST (OK-ACCESS-* headers), the private socket /ws/v5/private
 * (login; `orders` and `account` channels; order entry by `op: order / cancel-order /
 * amend-order`) over the shared matching engine, deposits and withdrawals.
 *
 * Per OKX docs-v5 (protocols.md §3 "Login and private channels", "Order entry over WebSocket"):
 * - login `{"op":"login","args":[{apiKey,passphrase,timestamp(s),sign}]}`, sign =
 *   Base64(HMAC-SHA256(secret, timestamp+'GET'+'/users/self/verify')), expiring 30 s after its
 *   timestamp: `{"event":"login","code":"0"}` or `{"event":"error","code":"60009"...}` (60004 bad
 *   timestamp, 60005 unknown key, 60007 bad sign, 60024 wrong passphrase); private channels and
 *   order ops before it: 60011 "Please log in";
 * - order ops answer `{"id","op","code","msg","data":[{ordId,clOrdId,sCode,sMsg,ts,...}]}`
 *   (code "1" with the per-order sCode on failure); the state follows on `orders`;
 * - `orders` pushes carry the order record and, for a fill, tradeId / fillPx / fillSz / fillFee /
 *   execType; `account` pushes the balances on subscribe and on every change;
 * - REST: account/balance, trade/order (GET, POST), cancel-order, amend-order, orders-pending,
 *   orders-history, fills, fills-history, asset/deposit-history, asset/withdrawal-history; auth errors 50111
 *   (key), 50105 (passphrase), 50113 (sign), 50102 (timestamp outside 30 s), HTTP 401.
 *
 * An order keeps its ordId for life, also through an amend: an amend of the size alone keeps the
 * queue priority (the engine reduces it in place), one of the price is a cancel and a new engine
 * order under the same ordId (fills so far carried over). Deposits credit the trading account
 * directly (OKX credits the funding account; the simulator has one account).
 */
import { createHmac, randomBytes } from 'crypto';
import { ASSET_SCALE, EngineError, formatScaled, MatchingEngine, OrderSnapshot, OrderUpdate, PlaceOrderRequest } from '../engine';
import type { Faults } from '../common/faults';
import { trimDecimal } from '../common/format';
import { SimSocket, SocketGate, SocketServer } from '../common/ws-server';
import { amount, px, sz } from './format';
import type { OkxInstrument } from './symbols';

export const PRIVATE_PATH = '/ws/v5/private';
export const USER = 'user';
const ID_RE = /^[A-Za-z0-9]{1,32}$/;
const CL_ORD_ID = /^[A-Za-z0-9]{0,32}$/;

type Json = Record<string, unknown>;

/** REST trade endpoints and the op each is. */
const TRADE_PATHS: Record<string, string> = {
  '/api/v5/trade/order': 'order',
  '/api/v5/trade/cancel-order': 'cancel-order',
  '/api/v5/trade/amend-order': 'amend-order',
  '/api/v5/trade/batch-orders': 'batch-orders',
  '/api/v5/trade/cancel-batch-orders': 'batch-cancel-orders',
  '/api/v5/trade/amend-batch-orders': 'batch-amend-orders',
};

/** Each batch op and the single op it repeats. */
const BATCH_OPS: Record<string, string> = { 'batch-orders': 'order', 'batch-cancel-orders': 'cancel-order', 'batch-amend-orders': 'amend-order' };

/** An OKX refusal: code, message, HTTP status (REST). */
export class OkxFail extends Error {
  constructor(readonly code: string, msg: string, readonly status = 200) {
    super(msg);
  }
}

interface OrderRec {
  ordId: string;
  clOrdId: string;
  instId: string;
  ordType: string;
  side: 'buy' | 'sell';
  tgtCcy: string;
  cTime: number;
  /** The engine order now standing for it (a price amend replaces it). */
  engineId: number | undefined;
  /** Filled before the current engine order (price amends). */
  priorSteps: number;
  priorQuote: bigint;
  /** Fees charged so far (10^-16 units, positive) and in which currency. */
  fee: bigint;
  feeCcy: string;
  /** A post-only order that would have taken: accepted, then canceled at once. */
  canceledAtOnce?: { sz: string; px: string };
  /** The next push reports the result of this amend request. */
  amendReqId?: string;
  lastFill?: Json;
}

export class OkxPrivConn extends SimSocket {
  loggedIn = false;
  orders = false;
  account = false;
}

export interface Transfer {
  kind: 'deposit' | 'withdrawal';
  id: string;
  ccy: string;
  amt: string;
  ts: number;
  txId: string;
  state: string;
}

export class OkxAccount {
  readonly apiKey = randomBytes(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
  readonly secret = randomBytes(16).toString('hex').toUpperCase();
  readonly password = 'Sim-Passphrase1';
  readonly server: SocketServer<OkxPrivConn>;
  readonly transfers: Transfer[] = [];
  private readonly recs = new Map<string, OrderRec>();
  private readonly byEngine = new Map<string, string>();
  private nextOrdId = 600_000_000_000_000_000n;
  private amending: string | undefined;

  constructor(
    private readonly engine: MatchingEngine,
    private readonly instruments: readonly OkxInstrument[],
    private readonly faults: Faults,
    gate: SocketGate,
    private readonly now: () => number,
  ) {
    this.server = new SocketServer<OkxPrivConn>((p) => p === PRIVATE_PATH, {
      create: (ws, path, query, id) => new OkxPrivConn(ws, path, query, id.slice(-8).padStart(8, '0'), gate),
      message: (c, text) => this.onMessage(c, text),
      closed: () => undefined,
    });
    engine.on('order', (u) => this.onEngineOrder(u));
    engine.on('balance', (b) => {
      if (b.account === USER) this.pushAccount(b.balances.map((x) => x.asset));
    });
  }

  // ---------------------------------------------------------------- auth

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload, 'utf8').digest('base64');
  }

  /** Checks the OK-ACCESS-* headers of a REST request. */
  checkRest(method: string, requestPath: string, body: string, headers: Record<string, string | string[] | undefined>): void {
    const h = (n: string): string => String(headers[n.toLowerCase()] ?? '');
    if (h('OK-ACCESS-KEY') !== this.apiKey) throw new OkxFail('50111', 'Invalid OK-ACCESS-KEY.', 401);
    if (h('OK-ACCESS-PASSPHRASE') !== this.password) throw new OkxFail('50105', 'Your OK-ACCESS-PASSPHRASE is incorrect.', 401);
    const ts = h('OK-ACCESS-TIMESTAMP');
    const t = Date.parse(ts);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(ts) || !Number.isFinite(t)) throw new OkxFail('50112', 'Invalid OK-ACCESS-TIMESTAMP.', 401);
    if (Math.abs(this.now() - t) > 30_000) throw new OkxFail('50102', 'Timestamp request expired.', 401);
    if (h('OK-ACCESS-SIGN') !== this.sign(`${ts}${method}${requestPath}${body}`)) throw new OkxFail('50113', 'Invalid Sign.', 401);
  }

  // ---------------------------------------------------------------- the private socket

  private onMessage(c: OkxPrivConn, text: string): void {
    if (text === 'ping') {
      c.send('pong');
      return;
    }
    let msg: Json | undefined;
    try {
      const v: unknown = JSON.parse(text);
      msg = v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
    } catch {
      msg = undefined;
    }
    if (!msg) return this.wsError(c, undefined, '60012', `Invalid request: ${text}`);
    const id = typeof msg['id'] === 'string' && ID_RE.test(msg['id']) ? msg['id'] : undefined;
    const op = msg['op'];
    const args = Array.isArray(msg['args']) ? (msg['args'] as unknown[]) : undefined;
    if (op === 'login') return this.login(c, args);
    if (op === 'subscribe' || op === 'unsubscribe') return this.subscribe(c, id, op, args);
    if (op === 'order' || op === 'cancel-order' || op === 'amend-order' || (typeof op === 'string' && op in BATCH_OPS)) return this.orderOp(c, id, op as string, args);
    return this.wsError(c, id, '60019', `Invalid op: op:${String(op)}`);
  }

  private wsError(c: OkxPrivConn, id: string | undefined, code: string, msg: string): void {
    c.send(JSON.stringify({ ...(id !== undefined ? { id } : {}), event: 'error', code, msg, connId: c.id }));
  }

  /** Checks a login request's args: undefined when it is good, else OKX's [code, msg]. */
  checkLogin(args: unknown[] | undefined): [string, string] | undefined {
    const a = (args?.[0] ?? {}) as Json;
    if (this.faults.loginsRejected) return ['60009', 'Login failed.'];
    if (a['apiKey'] !== this.apiKey) return ['60005', 'Invalid OK-ACCESS-KEY'];
    if (a['passphrase'] !== this.password) return ['60024', 'Wrong passphrase'];
    const ts = String(a['timestamp'] ?? '');
    if (!/^\d+(\.\d+)?$/.test(ts)) return ['60004', 'Invalid timestamp'];
    if (Math.abs(this.now() / 1000 - Number(ts)) > 30) return ['60006', 'Timestamp request expired'];
    if (a['sign'] !== this.sign(`${ts}GET/users/self/verify`)) return ['60007', 'Invalid sign'];
    return undefined;
  }

  private login(c: OkxPrivConn, args: unknown[] | undefined): void {
    const bad = this.checkLogin(args);
    if (bad) return this.wsError(c, undefined, bad[0], bad[1]);
    c.loggedIn = true;
    c.send(JSON.stringify({ event: 'login', code: '0', msg: '', connId: c.id }));
  }

  private subscribe(c: OkxPrivConn, id: string | undefined, op: string, args: unknown[] | undefined): void {
    if (!args || args.length === 0 || args.some((a) => !a || typeof a !== 'object')) return this.wsError(c, id, '60013', 'Invalid args');
    if (!c.loggedIn) return this.wsError(c, id, '60011', 'Please log in');
    for (const a of args as Json[]) {
      const channel = a['channel'];
      if (channel === 'orders') {
        if (!['SPOT', 'ANY', 'MARGIN', 'SWAP', 'FUTURES', 'OPTION'].includes(String(a['instType']))) return this.wsError(c, id, '60013', 'Invalid args');
      } else if (channel !== 'account') {
        return this.wsError(c, id, '60018', `Wrong URL or channel:${String(channel)} doesn't exist. Please use the correct URL, channel and parameters referring to API document.`);
      }
    }
    for (const a of args as Json[]) {
      const on = op === 'subscribe';
      if (a['channel'] === 'orders') c.orders = on;
      else c.account = on;
      c.send(JSON.stringify({ ...(id !== undefined ? { id } : {}), event: op, arg: a, connId: c.id }));
      if (on && a['channel'] === 'account') c.send(this.accountPush(undefined));
    }
  }

  private orderOp(c: OkxPrivConn, id: string | undefined, op: string, args: unknown[] | undefined): void {
    const reply = (code: string, msg: string, data: Json[]): void => {
      const t = String(this.now() * 1000);
      c.send(JSON.stringify({ ...(id !== undefined ? { id } : {}), op, code, msg, data, inTime: t, outTime: t }));
    };
    if (!c.loggedIn) return this.wsError(c, id, '60011', 'Please log in');
    if (id === undefined) return reply('60013', 'Invalid args', []);
    const limited = this.faults.takeRateLimit('wsApi');
    if (limited) return reply('50011', 'Rate limit reached. Please refer to API documentation and throttle requests accordingly.', []);
    const single = BATCH_OPS[op];
    const max = single ? 20 : 1;
    if (!args || args.length === 0 || args.length > max || args.some((x) => !x || typeof x !== 'object')) return reply('60013', 'Invalid args', []);
    const results = (args as Json[]).map((x) => this.trade(single ?? op, x));
    const failed = results.filter((r) => r['sCode'] !== '0').length;
    // "1": all failed, "2": some failed (batch), "0": none
    const code = failed === 0 ? '0' : failed === results.length ? '1' : '2';
    reply(code, code === '0' ? '' : code === '1' ? 'All operations failed' : 'Batch operation partially succeeded', results);
  }

  /** One order op (socket or REST): the per-order result `{ordId, clOrdId, sCode, sMsg, ts}`. */
  trade(op: string, a: Json): Json {
    // a cancel / amend echoes the ids it was given, also when it fails (docs-v5 "WS / Cancel order" failure example)
    const base: Json = { clOrdId: typeof a['clOrdId'] === 'string' ? a['clOrdId'] : '', ordId: typeof a['ordId'] === 'string' ? a['ordId'] : '', tag: '', ts: String(this.now()) };
    try {
      if (op === 'order') return { ...base, ...this.place(a), sCode: '0', sMsg: 'Order placed' };
      if (op === 'cancel-order') return { ...base, ...this.cancel(a), sCode: '0', sMsg: '' };
      return { ...base, ...this.amend(a), sCode: '0', sMsg: '' };
    } catch (err) {
      const f = err instanceof OkxFail ? err : new OkxFail('50026', 'System error.');
      return { ...base, sCode: f.code, sMsg: f.message };
    }
  }

  // ---------------------------------------------------------------- orders over the engine

  inst(a: Json): OkxInstrument {
    const code = a['instIdCode'];
    const id = a['instId'];
    const i =
      code !== undefined && code !== ''
        ? this.instruments.find((x) => String(x.instIdCode) === String(code))
        : typeof id === 'string'
          ? this.instruments.find((x) => x.instId === id)
          : undefined;
    if (!i) {
      if ((code === undefined || code === '') && (id === undefined || id === '')) throw new OkxFail('50014', 'Parameter instId can not be empty.');
      throw new OkxFail('51001', "Instrument ID, Instrument ID code, or Spread ID doesn't exist.");
    }
    return i;
  }

  private place(a: Json): Json {
    const inst = this.inst(a);
    const side = a['side'];
    if (side !== 'buy' && side !== 'sell') throw new OkxFail('51000', 'Parameter side error');
    if (a['tdMode'] !== 'cash') throw new OkxFail('51000', 'Parameter tdMode error');
    const ordType = String(a['ordType'] ?? '');
    if (!['market', 'limit', 'post_only', 'ioc', 'fok'].includes(ordType)) throw new OkxFail('51000', 'Parameter ordType error');
    const clOrdId = a['clOrdId'] === undefined ? '' : String(a['clOrdId']);
    if (!CL_ORD_ID.test(clOrdId)) throw new OkxFail('51000', 'Parameter clOrdId error');
    if (clOrdId && [...this.recs.values()].some((r) => r.clOrdId === clOrdId && this.isOpen(r))) throw new OkxFail('51016', 'Duplicated clOrdId');
    const size = String(a['sz'] ?? '');
    if (!/^\d+(\.\d+)?$/.test(size) || Number(size) <= 0) throw new OkxFail('51000', 'Parameter sz error');
    const tgtCcy = ordType === 'market' ? String(a['tgtCcy'] ?? (side === 'buy' ? 'quote_ccy' : 'base_ccy')) : '';
    const ordId = String(++this.nextOrdId);
    const req: PlaceOrderRequest = {
      account: USER,
      symbol: inst.instId,
      side: side === 'buy' ? 'BUY' : 'SELL',
      type: ordType === 'market' ? 'MARKET' : ordType === 'post_only' ? 'LIMIT_MAKER' : 'LIMIT',
      clientOrderId: `o${ordId}`,
    };
    if (ordType === 'market') {
      if (tgtCcy === 'quote_ccy') req.quoteOrderQty = size;
      else req.quantity = size;
    } else {
      const price = String(a['px'] ?? '');
      if (!/^\d+(\.\d+)?$/.test(price) || Number(price) <= 0) throw new OkxFail('51000', 'Parameter px error');
      req.price = price;
      req.quantity = size;
      if (ordType === 'ioc') req.timeInForce = 'IOC';
      if (ordType === 'fok') req.timeInForce = 'FOK';
    }
    const rec: OrderRec = {
      ordId,
      clOrdId,
      instId: inst.instId,
      ordType,
      side,
      tgtCcy,
      cTime: this.now(),
      engineId: undefined,
      priorSteps: 0,
      priorQuote: 0n,
      fee: 0n,
      feeCcy: side === 'buy' ? inst.base : inst.quote,
    };
    this.recs.set(ordId, rec);
    try {
      const res = this.engine.placeOrder(req);
      rec.engineId = res.order.orderId;
    } catch (err) {
      if (err instanceof EngineError && err.reason === 'WOULD_TAKE') {
        // post_only that would take: accepted, then canceled at once
        rec.canceledAtOnce = { sz: size, px: String(req.price) };
        this.push(rec, undefined);
        return { ordId, clOrdId };
      }
      this.recs.delete(ordId);
      throw engineFail(err, inst);
    }
    return { ordId, clOrdId };
  }

  private find(a: Json, inst: OkxInstrument): OrderRec | undefined {
    const ordId = a['ordId'];
    const cl = a['clOrdId'];
    if ((ordId === undefined || ordId === '') && (cl === undefined || cl === '')) throw new OkxFail('51000', 'Parameter ordId error');
    let found: OrderRec | undefined;
    for (const r of this.recs.values()) {
      if (r.instId !== inst.instId) continue;
      if (ordId !== undefined && ordId !== '' ? r.ordId === String(ordId) : r.clOrdId === String(cl)) found = r;
    }
    return found;
  }

  private cancel(a: Json): Json {
    const inst = this.inst(a);
    const rec = this.find(a, inst);
    if (!rec) throw new OkxFail('51400', 'Cancellation failed as the order has been filled, canceled or does not exist.');
    const state = this.record(rec)['state'];
    if (state === 'filled') throw new OkxFail('51402', 'Cancellation failed as the order has been completed.');
    if (state === 'canceled') throw new OkxFail('51401', 'Cancellation failed as the order has been canceled.');
    this.engine.cancelOrder(USER, rec.instId, { orderId: rec.engineId as number });
    return { ordId: rec.ordId, clOrdId: rec.clOrdId };
  }

  private amend(a: Json): Json {
    const inst = this.inst(a);
    const rec = this.find(a, inst);
    if (!rec || !this.isOpen(rec)) throw new OkxFail('51503', 'Order modification failed as the order has been filled, canceled or does not exist.');
    const reqId = typeof a['reqId'] === 'string' ? a['reqId'] : '';
    const newSz = a['newSz'] === undefined || a['newSz'] === '' ? undefined : String(a['newSz']);
    const newPx = a['newPx'] === undefined || a['newPx'] === '' ? undefined : String(a['newPx']);
    if (newSz === undefined && newPx === undefined) throw new OkxFail('51000', 'Parameter newSz error');
    const info = this.engine.market(rec.instId);
    const o = this.engine.getOrder(rec.instId, { orderId: rec.engineId as number }, USER) as OrderSnapshot;
    let steps: number;
    let ticks: number;
    try {
      steps = newSz !== undefined ? info.qtyToSteps(newSz, 'newSz') : rec.priorSteps + o.origQty;
      ticks = newPx !== undefined ? info.priceToTicks(newPx, 'newPx') : o.price;
    } catch (err) {
      throw engineFail(err, inst);
    }
    const filled = rec.priorSteps + o.executedQty;
    if (steps <= filled) throw new OkxFail('51512', 'Order modification failed: the new size is not above the filled size.');
    rec.amendReqId = reqId;
    try {
      if (ticks === o.price && steps < rec.priorSteps + o.origQty) {
        // a smaller size at the same price keeps the queue position
        this.engine.amendKeepPriority(USER, rec.instId, { orderId: o.orderId }, info.formatQty(steps - rec.priorSteps, info.stepDecimals));
      } else if (ticks !== o.price || steps !== rec.priorSteps + o.origQty) {
        this.amending = rec.ordId;
        try {
          const r = this.engine.amendOrder(USER, rec.instId, { orderId: o.orderId }, {
            price: info.formatPrice(ticks, info.tickDecimals),
            quantity: info.formatQty(steps - filled, info.stepDecimals),
            clientOrderId: `o${rec.ordId}`,
          });
          void r;
        } finally {
          this.amending = undefined;
        }
      } else {
        // nothing changes: reported as amended all the same
        this.push(rec, undefined);
      }
    } catch (err) {
      rec.amendReqId = undefined;
      throw engineFail(err, inst);
    }
    return { ordId: rec.ordId, clOrdId: rec.clOrdId, reqId };
  }

  private onEngineOrder(u: OrderUpdate): void {
    if (u.order.account !== USER) return;
    // known engine orders by id; a new one by its client id ('o' + ordId; a cancel renames it, as
    // the engine does for Binance, keeping the old one as origClientOrderId)
    const cid = u.order.origClientOrderId ?? u.order.clientOrderId;
    const ordId = this.byEngine.get(`${u.order.symbol}:${u.order.orderId}`) ?? (cid.startsWith('o') ? cid.slice(1) : undefined);
    const rec = ordId !== undefined ? this.recs.get(ordId) : undefined;
    if (!rec) return;
    if (this.amending === rec.ordId) {
      if (u.order.orderId === rec.engineId && u.execType === 'CANCELED') {
        // the replaced engine order: its fills carry over, its cancel is not the OKX order's
        rec.priorSteps += u.order.executedQty;
        rec.priorQuote += u.order.cumQuote;
        return;
      }
      rec.engineId = u.order.orderId;
    }
    if (rec.engineId === undefined) rec.engineId = u.order.orderId;
    if (u.order.orderId !== rec.engineId) return;
    this.byEngine.set(`${rec.instId}:${u.order.orderId}`, rec.ordId);
    let fill: Json | undefined;
    if (u.execType === 'TRADE' && u.fill) {
      const info = this.engine.market(rec.instId);
      const f = u.fill;
      rec.fee += f.commission;
      rec.feeCcy = f.commissionAsset;
      fill = {
        tradeId: String(f.tradeId),
        fillPx: px(info, f.price),
        fillSz: sz(info, f.qty),
        fillFee: f.commission === 0n ? '0' : `-${amount(f.commission)}`,
        fillFeeCcy: f.commissionAsset,
        fillTime: String(f.time),
        execType: f.isMaker ? 'M' : 'T',
      };
    }
    this.push(rec, fill, u.order);
  }

  private isOpen(rec: OrderRec): boolean {
    const s = this.record(rec)['state'];
    return s === 'live' || s === 'partially_filled';
  }

  /** The OKX order record of an order now. */
  record(rec: OrderRec, snap?: OrderSnapshot): Json {
    const inst = this.instruments.find((i) => i.instId === rec.instId) as OkxInstrument;
    const info = this.engine.market(rec.instId);
    const out: Json = {
      instType: 'SPOT',
      instId: rec.instId,
      instIdCode: inst.instIdCode,
      ordId: rec.ordId,
      clOrdId: rec.clOrdId,
      tag: '',
      ordType: rec.ordType,
      side: rec.side,
      tdMode: 'cash',
      tgtCcy: rec.tgtCcy,
      cTime: String(rec.cTime),
    };
    if (rec.canceledAtOnce) {
      return { ...out, px: rec.canceledAtOnce.px, sz: rec.canceledAtOnce.sz, state: 'canceled', accFillSz: '0', avgPx: '', fee: '0', feeCcy: rec.feeCcy, uTime: String(rec.cTime), cancelSource: '31' };
    }
    const o = snap ?? (this.engine.getOrder(rec.instId, { orderId: rec.engineId as number }, USER) as OrderSnapshot);
    const filled = rec.priorSteps + o.executedQty;
    const quote = rec.priorQuote + o.cumQuote;
    const state =
      o.status === 'FILLED' ? 'filled'
      : o.status === 'NEW' || o.status === 'PARTIALLY_FILLED' ? (filled > 0 ? 'partially_filled' : 'live')
      : 'canceled';
    const total = o.type === 'MARKET' && rec.tgtCcy === 'quote_ccy' ? amount(o.origQuoteQty) : sz(info, rec.priorSteps + o.origQty);
    const avg = filled > 0 ? avgPrice(quote, info.baseUnits(filled), info.priceDecimals) : '';
    return {
      ...out,
      px: o.type === 'MARKET' ? '' : px(info, o.price),
      sz: total,
      state,
      accFillSz: sz(info, filled),
      avgPx: avg,
      fee: rec.fee === 0n ? '0' : `-${amount(rec.fee)}`,
      feeCcy: rec.feeCcy,
      uTime: String(o.updateTime),
    };
  }

  private push(rec: OrderRec, fill: Json | undefined, snap?: OrderSnapshot): void {
    const d: Json = {
      ...this.record(rec, snap),
      tradeId: '',
      fillPx: '',
      fillSz: '0',
      fillFee: '0',
      fillFeeCcy: '',
      fillTime: '',
      execType: '',
      ...(fill ?? {}),
      amendResult: '',
      reqId: '',
      code: '0',
      msg: '',
    };
    if (rec.amendReqId !== undefined && !fill) {
      d['amendResult'] = '0';
      d['reqId'] = rec.amendReqId;
      rec.amendReqId = undefined;
    }
    const text = JSON.stringify({ arg: { channel: 'orders', instType: 'SPOT', uid: '1' }, data: [d] });
    for (const c of this.server.clients) if (c.loggedIn && c.orders) c.send(text);
  }

  private accountPush(assets: string[] | undefined): string {
    const now = this.now();
    const details = this.engine
      .balances(USER)
      .filter((b) => !assets || assets.includes(b.asset))
      .map((b) => balanceDetail(b.asset, b.free, b.locked, now));
    return JSON.stringify({ arg: { channel: 'account', uid: '1' }, data: [{ uTime: String(now), totalEq: '0', details }] });
  }

  private pushAccount(assets: string[]): void {
    let text: string | undefined;
    for (const c of this.server.clients) {
      if (!c.loggedIn || !c.account) continue;
      text ??= this.accountPush(assets);
      c.send(text);
    }
  }

  // ---------------------------------------------------------------- REST

  /** A private REST route, or undefined when the path is not one. */
  rest(method: string, path: string, p: URLSearchParams, body: string): Json[] | undefined {
    const instType = (): void => {
      if (!p.get('instType')) throw new OkxFail('50014', 'Parameter instType can not be empty.', 400);
    };
    const instFilter = (r: OrderRec): boolean => !p.get('instId') || r.instId === p.get('instId');
    const limit = Math.max(1, Math.min(100, Number(p.get('limit') ?? 100) || 100));
    if (method === 'GET') {
      switch (path) {
        case '/api/v5/account/balance': {
          const now = this.now();
          const ccys = p.get('ccy')?.split(',');
          const details = this.engine.balances(USER).filter((b) => !ccys || ccys.includes(b.asset)).map((b) => balanceDetail(b.asset, b.free, b.locked, now));
          return [{ uTime: String(now), totalEq: '0', details }];
        }
        case '/api/v5/trade/orders-pending':
          return [...this.recs.values()].filter((r) => instFilter(r) && this.isOpen(r)).reverse().slice(0, limit).map((r) => this.record(r));
        case '/api/v5/trade/orders-history':
          instType();
          return [...this.recs.values()].filter((r) => instFilter(r) && !this.isOpen(r)).reverse().slice(0, limit).map((r) => this.record(r));
        case '/api/v5/trade/order': {
          const rec = this.find({ ordId: p.get('ordId') ?? undefined, clOrdId: p.get('clOrdId') ?? undefined }, this.inst({ instId: p.get('instId') ?? '' }));
          if (!rec) throw new OkxFail('51603', 'Order does not exist');
          return [this.record(rec)];
        }
        // fills of the last 3 days, and of the last 3 months (docs-v5 "Get transaction details
        // (last 3 months)": the same records; ccxt's fetchMyTrades reads this one)
        case '/api/v5/trade/fills':
        case '/api/v5/trade/fills-history':
          instType();
          return this.fills(p.get('instId') ?? undefined).reverse().slice(0, limit);
        case '/api/v5/asset/currencies': {
          // one chain per currency (docs-v5 "Funding account > Get currencies")
          const ccys = [...new Set(this.instruments.flatMap((i) => [i.base, i.quote]))].sort();
          const want = p.get('ccy')?.split(',');
          return ccys
            .filter((c) => !want || want.includes(c))
            .map((c) => ({
              ccy: c,
              name: c,
              chain: `${c}-${c}`,
              canDep: true,
              canWd: true,
              canInternal: true,
              minDep: '0.00000001',
              minWd: '0.0001',
              maxWd: '1000000',
              wdTickSz: '8',
              minFee: '0',
              maxFee: '0',
              mainNet: true,
              needTag: false,
              minDepArrivalConfirm: '1',
              minWdUnlockConfirm: '1',
              depQuotaFixed: '',
              usedDepQuotaFixed: '',
              logoLink: '',
              wdQuota: '10000000',
              usedWdQuota: '0',
              burningFeeRate: '',
            }));
        }
        case '/api/v5/asset/deposit-history':
          return this.transferList('deposit', p.get('ccy') ?? undefined).slice(0, limit);
        case '/api/v5/asset/withdrawal-history':
          return this.transferList('withdrawal', p.get('ccy') ?? undefined).slice(0, limit);
        default:
          return undefined;
      }
    }
    if (method === 'POST') {
      if (path === '/api/v5/asset/withdrawal') return [this.withdrawRequest(body)];
      const op = TRADE_PATHS[path];
      if (!op) return undefined;
      let a: unknown;
      try {
        a = JSON.parse(body);
      } catch {
        throw new OkxFail('50002', 'JSON syntax error', 400);
      }
      if (op.startsWith('batch-')) {
        // an array of up to 20 requests, each answered in order
        if (!Array.isArray(a) || a.length === 0 || a.length > 20 || a.some((x) => !x || typeof x !== 'object')) throw new OkxFail('50002', 'JSON syntax error', 400);
        return (a as Json[]).map((x) => this.trade(BATCH_OPS[op] as string, x));
      }
      if (!a || typeof a !== 'object' || Array.isArray(a)) throw new OkxFail('50002', 'JSON syntax error', 400);
      return [this.trade(op, a as Json)];
    }
    return undefined;
  }

  private fills(instId: string | undefined): Json[] {
    const out: Json[] = [];
    for (const t of this.engine.myTrades(USER, instId)) {
      const ordId = this.byEngine.get(`${t.symbol}:${t.orderId}`);
      if (!ordId) continue;
      const rec = this.recs.get(ordId) as OrderRec;
      const info = this.engine.market(t.symbol);
      const inst = this.instruments.find((i) => i.instId === t.symbol) as OkxInstrument;
      out.push({
        instType: 'SPOT',
        instId: t.symbol,
        instIdCode: inst.instIdCode,
        tradeId: String(t.tradeId),
        ordId,
        clOrdId: rec.clOrdId,
        billId: String(t.tradeId),
        tag: '',
        fillPx: px(info, t.price),
        fillSz: sz(info, t.qty),
        side: t.isBuyer ? 'buy' : 'sell',
        posSide: 'net',
        execType: t.isMaker ? 'M' : 'T',
        feeCcy: t.commissionAsset,
        fee: t.commission === 0n ? '0' : `-${amount(t.commission)}`,
        ts: String(t.time),
        fillTime: String(t.time),
      });
    }
    return out;
  }

  // ---------------------------------------------------------------- deposits and withdrawals

  /** Where deposit-info / withdrawal-info pushes go (the business socket, set by the server). */
  onTransfer: ((channel: 'deposit-info' | 'withdrawal-info', data: Json) => void) | undefined;

  /** Credits the account and records a completed deposit (pushed on deposit-info). */
  deposit(ccy: string, amt: number | string): Transfer {
    this.engine.deposit(USER, ccy, amt);
    const t: Transfer = { kind: 'deposit', id: String(100000 + this.transfers.length + 1), ccy, amt: trimDecimal(String(amt)), ts: this.now(), txId: `simtx${randomBytes(8).toString('hex')}`, state: '2' };
    this.transfers.push(t);
    this.onTransfer?.('deposit-info', { ...this.transferJson(t), uid: '1', subAcct: '', pTime: String(this.now()) });
    return t;
  }

  /** Debits the account and records a completed withdrawal (pushed on withdrawal-info). */
  withdraw(ccy: string, amt: number | string): Transfer {
    this.engine.withdraw(USER, ccy, amt);
    const t: Transfer = { kind: 'withdrawal', id: String(200000 + this.transfers.length + 1), ccy, amt: trimDecimal(String(amt)), ts: this.now(), txId: `simtx${randomBytes(8).toString('hex')}`, state: '2' };
    this.transfers.push(t);
    this.onTransfer?.('withdrawal-info', { ...this.transferJson(t), uid: '1', subAcct: '', pTime: String(this.now()) });
    return t;
  }

  /** POST /api/v5/asset/withdrawal: on chain (dest 4) to `toAddr`; completes at once here. */
  private withdrawRequest(body: string): Json {
    let a: Json;
    try {
      a = JSON.parse(body) as Json;
    } catch {
      throw new OkxFail('50002', 'JSON syntax error', 400);
    }
    const ccy = String(a['ccy'] ?? '');
    const amt = String(a['amt'] ?? '');
    if (!ccy) throw new OkxFail('50014', 'Parameter ccy can not be empty.', 400);
    if (!/^\d+(\.\d+)?$/.test(amt) || Number(amt) <= 0) throw new OkxFail('51000', 'Parameter amt error', 400);
    if (a['dest'] !== '4' && a['dest'] !== '3') throw new OkxFail('51000', 'Parameter dest error', 400);
    if (!a['toAddr']) throw new OkxFail('50014', 'Parameter toAddr can not be empty.', 400);
    let t: Transfer;
    try {
      t = this.withdraw(ccy, amt);
    } catch (err) {
      if (err instanceof EngineError && err.reason === 'INSUFFICIENT_BALANCE') throw new OkxFail('58350', 'Insufficient balance.');
      throw err;
    }
    return { amt: t.amt, wdId: t.id, ccy, clientId: String(a['clientId'] ?? ''), chain: String(a['chain'] ?? `${ccy}-${ccy}`) };
  }

  transferJson(t: Transfer): Json {
    const common = { ccy: t.ccy, chain: `${t.ccy}-${t.ccy}`, amt: t.amt, to: 'sim-address', txId: t.txId, ts: String(t.ts), state: t.state };
    return t.kind === 'deposit' ? { ...common, depId: t.id, from: '', actualDepBlkConfirm: '1' } : { ...common, wdId: t.id, fee: '0', clientId: '' };
  }

  private transferList(kind: 'deposit' | 'withdrawal', ccy: string | undefined): Json[] {
    return this.transfers.filter((t) => t.kind === kind && (!ccy || t.ccy === ccy)).reverse().map((t) => this.transferJson(t));
  }

  /** The account's balances as 8-decimal strings. */
  balances(): Record<string, { free: string; locked: string }> {
    const out: Record<string, { free: string; locked: string }> = {};
    for (const b of this.engine.balances(USER)) out[b.asset] = { free: formatScaled(b.free, ASSET_SCALE, 8), locked: formatScaled(b.locked, ASSET_SCALE, 8) };
    return out;
  }
}

function balanceDetail(ccy: string, free: bigint, locked: bigint, now: number): Json {
  const total = amount(free + locked);
  return { ccy, cashBal: total, eq: total, availBal: amount(free), availEq: amount(free), frozenBal: amount(locked), ordFrozen: amount(locked), uTime: String(now) };
}

/** quote / base (both 10^-16 units) as a price with `decimals` (+4) decimals, trimmed. */
function avgPrice(quote: bigint, base: bigint, decimals: number): string {
  const d = decimals + 4;
  const scaled = (quote * 10n ** BigInt(d)) / base;
  return trimDecimal(formatScaled(scaled, d, d));
}

/** An engine refusal as OKX's sCode. */
function engineFail(err: unknown, inst: OkxInstrument): OkxFail {
  if (err instanceof OkxFail) return err;
  if (!(err instanceof EngineError)) return new OkxFail('50026', 'System error.');
  switch (err.reason) {
    case 'INSUFFICIENT_BALANCE':
      return new OkxFail('51008', `Order failed. Insufficient ${inst.quote} or ${inst.base} balance in account.`);
    case 'LOT_SIZE':
      return new OkxFail('51020', 'Your order should meet or exceed the minimum order amount.');
    case 'BAD_PRECISION':
      return new OkxFail('51000', `Parameter ${err.field === 'price' || err.field === 'newPx' ? 'px' : 'sz'} error`);
    case 'PRICE_FILTER':
      return new OkxFail('51006', 'Order price is not within the price limit.');
    case 'NOTIONAL':
      return new OkxFail('51020', 'Your order should meet or exceed the minimum order amount.');
    case 'DUPLICATE_ORDER':
      return new OkxFail('51016', 'Duplicated clOrdId');
    case 'UNKNOWN_ORDER':
      return new OkxFail('51400', 'Cancellation failed as the order has been filled, canceled or does not exist.');
    default:
      return new OkxFail('51000', `Parameter ${err.field ?? 'sz'} error`);
  }
}
