/**
 * The simulated Kraken account: signed private REST (/0/private/*: API-Key, API-Sign =
 * Base64(HMAC-SHA512(base64-decoded secret, path + SHA256(nonce + body))), nonces strictly
 * increasing), WebSocket tokens, the ws-auth socket (`urls.wsPrivate` + /v2) with the `executions`
 * and `balances` channels and order entry (add_order, amend_order, cancel_order, cancel_all,
 * batch_add, batch_cancel; REST AddOrderBatch / CancelOrderBatch take JSON bodies) over
 * the shared matching engine, deposits and withdrawals as ledger entries.
 *
 * Per protocols.md §2 "Authentication and private channels", "Order entry over WebSocket":
 * - every private request carries `token` in its params; a missing, unknown or expired one is
 *   refused (`EAPI:Invalid token`); a token held by a private subscription does not expire;
 * - replies `{"method","req_id","result":{...},"success":true,"time_in","time_out"}` or
 *   `{"method","req_id","error","success":false,...}`;
 * - `executions` updates: one record per order change, full here (Kraken may send partial ones),
 *   with the fill fields (exec_id, trade_id, last_qty, last_price, cost, fees, liquidity_ind) on
 *   `trade` / `filled`; `balances` updates: one ledger entry per balance change of a trade, a
 *   deposit or a withdrawal (`type`), with the new `balance`.
 * `amend_order` keeps the order id; a smaller quantity at the same price keeps the queue position,
 * a new price re-queues (the engine replaces the order under the same Kraken id).
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'crypto';
import { ASSET_SCALE, EngineError, formatScaled, MatchingEngine, OrderSnapshot, OrderUpdate, PlaceOrderRequest } from '../engine';
import type { Faults } from '../common/faults';
import { rfc3339 } from '../common/format';
import { SimSocket, SocketGate, SocketServer } from '../common/ws-server';
import { KrakenPair, LEGACY } from './symbols';

export const AUTH_PREFIX = '/auth';
export const USER = 'user';
const TOKEN_ERROR = 'EAPI:Invalid token';

type Json = Record<string, unknown>;

export class KrakenFail extends Error {
  constructor(readonly text: string, readonly status = 200) {
    super(text);
  }
}

interface Rec {
  id: string;
  clOrdId: string;
  pair: KrakenPair;
  side: 'buy' | 'sell';
  type: 'limit' | 'market';
  tif: string;
  postOnly: boolean;
  openTime: number;
  engineId: number | undefined;
  priorSteps: number;
  priorQuote: bigint;
  fee: bigint;
  canceledAtOnce?: { qty: string; price: string };
  amendPending?: boolean;
}

export class KrakenPrivConn extends SimSocket {
  executions = false;
  balances = false;
}

interface Ledger {
  refid: string;
  asset: string;
  amount: string;
  time: number;
  kind: 'deposit' | 'withdrawal';
}

export class KrakenAccount {
  readonly apiKey = randomBytes(42).toString('base64');
  readonly secret = randomBytes(64).toString('base64');
  readonly server: SocketServer<KrakenPrivConn>;
  private readonly tokens = new Map<string, number>();
  private lastNonce = 0n;
  private readonly recs = new Map<string, Rec>();
  private readonly byEngine = new Map<string, string>();
  private amending: string | undefined;
  private seq = 0;
  private ledgerSeq = 0;
  readonly transfers: Ledger[] = [];

  constructor(
    private readonly engine: MatchingEngine,
    private readonly pairs: readonly KrakenPair[],
    private readonly faults: Faults,
    gate: SocketGate,
    private readonly now: () => number,
  ) {
    this.server = new SocketServer<KrakenPrivConn>((p) => p === `${AUTH_PREFIX}/v2`, {
      create: (ws, path, query, id) => new KrakenPrivConn(ws, path, query, id, gate),
      opened: (c) => c.send(JSON.stringify({ channel: 'status', type: 'update', data: [{ api_version: 'v2', connection_id: Number.parseInt(c.id.slice(-8), 16), system: 'online', version: '2.0.10' }] })),
      message: (c, text) => this.onMessage(c, text),
      closed: () => undefined,
    });
    engine.on('order', (u) => this.onEngineOrder(u));
  }

  // ---------------------------------------------------------------- REST auth

  sign(path: string, nonce: string, body: string): string {
    const inner = createHash('sha256').update(nonce + body).digest();
    return createHmac('sha512', Buffer.from(this.secret, 'base64')).update(Buffer.concat([Buffer.from(path), inner])).digest('base64');
  }

  /** Checks API-Key, API-Sign and the nonce of a private REST request. */
  checkRest(path: string, body: string, headers: Record<string, string | string[] | undefined>, json?: Json): void {
    if (headers['api-key'] !== this.apiKey) throw new KrakenFail('EAPI:Invalid key', 403);
    const nonce = json ? String(json['nonce'] ?? '') : (new URLSearchParams(body).get('nonce') ?? '');
    if (!/^\d{1,20}$/.test(nonce)) throw new KrakenFail('EAPI:Invalid nonce');
    if (headers['api-sign'] !== this.sign(path, nonce, body)) throw new KrakenFail('EAPI:Invalid signature', 403);
    const n = BigInt(nonce);
    if (n <= this.lastNonce) throw new KrakenFail('EAPI:Invalid nonce');
    this.lastNonce = n;
  }

  /** A private REST route, or undefined when the path is not one (`json`: the body, when it was JSON). */
  rest(path: string, p: URLSearchParams, json?: Json): unknown {
    switch (path) {
      case '/0/private/AddOrderBatch': {
        // JSON body {nonce, pair, orders: [{ordertype, type, volume, price, cl_ord_id, oflags, timeinforce}]}
        const b = json ?? {};
        const pair = this.pairOf(String(b['pair'] ?? ''));
        const orders = Array.isArray(b['orders']) ? (b['orders'] as Json[]) : [];
        const results = this.batchAdd(pair, orders.map((o) => ({
          side: o['type'],
          order_type: o['ordertype'],
          order_qty: o['volume'],
          limit_price: o['price'],
          time_in_force: String(o['timeinforce'] ?? 'gtc').toLowerCase(),
          post_only: String(o['oflags'] ?? '').split(',').includes('post'),
          cl_ord_id: o['cl_ord_id'],
        })));
        return { orders: results.map((r) => (typeof r['error'] === 'string' ? { error: r['error'] } : { txid: r['order_id'], descr: { order: 'batch order' } })) };
      }
      case '/0/private/CancelOrderBatch': {
        const b = json ?? {};
        return { count: this.batchCancel(b['orders'], b['cl_ord_ids']) };
      }
      case '/0/private/GetWebSocketsToken': {
        if (this.faults.loginsRejected) throw new KrakenFail('EGeneral:Permission denied', 403);
        const token = randomBytes(24).toString('base64');
        this.tokens.set(token, this.now() + 900_000);
        return { token, expires: 900 };
      }
      case '/0/private/Balance':
      case '/0/private/BalanceEx': {
        const out: Record<string, unknown> = {};
        for (const b of this.engine.balances(USER)) {
          const total = fmt(b.free + b.locked, 10);
          out[legacy(b.asset)] = path.endsWith('Ex') ? { balance: total, hold_trade: fmt(b.locked, 10) } : total;
        }
        return out;
      }
      case '/0/private/OpenOrders':
        return { open: this.restOrders(true, p.get('cl_ord_id')) };
      case '/0/private/ClosedOrders': {
        const closed = this.restOrders(false, p.get('cl_ord_id'));
        return { closed, count: Object.keys(closed).length };
      }
      case '/0/private/QueryOrders': {
        const out: Record<string, unknown> = {};
        for (const id of (p.get('txid') ?? '').split(',')) {
          const r = this.recs.get(id);
          if (r) out[id] = this.restOrder(r);
        }
        if (Object.keys(out).length === 0) throw new KrakenFail('EOrder:Invalid order');
        return out;
      }
      case '/0/private/TradesHistory': {
        const trades: Record<string, unknown> = {};
        for (const t of this.engine.myTrades(USER)) {
          const id = this.byEngine.get(`${t.symbol}:${t.orderId}`);
          const r = id ? this.recs.get(id) : undefined;
          if (!r) continue;
          const info = this.engine.market(t.symbol);
          trades[`T${t.tradeId}`] = {
            ordertxid: r.id,
            postxid: 'TKH2SE-M7IF5-CFI7LT',
            pair: r.pair.key,
            time: t.time / 1000,
            type: t.isBuyer ? 'buy' : 'sell',
            ordertype: r.type,
            price: info.formatPrice(t.price),
            cost: fmt(t.quote, r.pair.costDecimals),
            fee: fmt(t.commission, 8),
            vol: info.formatQty(t.qty),
            margin: '0.00000',
            misc: '',
            maker: t.isMaker,
            trade_id: t.tradeId,
          };
        }
        return { trades, count: Object.keys(trades).length };
      }
      case '/0/private/AddOrder': {
        const pair = this.pairOf(p.get('pair') ?? '');
        const oflags = (p.get('oflags') ?? '').split(',');
        const r = this.place({
          symbol: pair.symbol,
          side: p.get('type'),
          order_type: p.get('ordertype'),
          order_qty: p.get('volume'),
          limit_price: p.get('price') ?? undefined,
          time_in_force: (p.get('timeinforce') ?? 'gtc').toLowerCase(),
          post_only: oflags.includes('post'),
          cl_ord_id: p.get('cl_ord_id') ?? undefined,
        });
        return { txid: [r['order_id']], descr: { order: `${p.get('type')} ${p.get('volume')} ${pair.altname} @ ${p.get('ordertype')} ${p.get('price') ?? ''}`.trim() } };
      }
      case '/0/private/CancelOrder': {
        const id = p.get('txid') ?? undefined;
        const cl = p.get('cl_ord_id') ?? undefined;
        this.cancel(id !== undefined ? { order_id: [id] } : { cl_ord_id: [cl] });
        return { count: 1 };
      }
      case '/0/private/CancelAll':
        return { count: this.cancelAll() };
      case '/0/private/AmendOrder':
        return this.amend({ order_id: p.get('txid'), order_qty: p.get('order_qty') ?? undefined, limit_price: p.get('limit_price') ?? undefined });
      case '/0/private/Withdraw': {
        const asset = p.get('asset') ?? '';
        const amount = p.get('amount') ?? '';
        if (!asset || !p.get('key') || !/^\d+(\.\d+)?$/.test(amount) || Number(amount) <= 0) throw new KrakenFail('EGeneral:Invalid arguments');
        const iso = this.isoAsset(asset);
        try {
          return { refid: this.withdraw(iso, amount) };
        } catch (err) {
          if (err instanceof EngineError && err.reason === 'INSUFFICIENT_BALANCE') throw new KrakenFail('EFunding:Insufficient funds');
          throw err;
        }
      }
      case '/0/private/DepositStatus':
      case '/0/private/WithdrawStatus': {
        const kind = path.endsWith('DepositStatus') ? 'deposit' : 'withdrawal';
        const asset = p.get('asset');
        return this.transfers
          .filter((t) => t.kind === kind && (!asset || t.asset === asset || legacy(t.asset) === asset))
          .map((t) => ({ method: t.asset, aclass: 'currency', asset: legacy(t.asset), refid: t.refid, txid: `simtx${t.refid}`, info: 'sim-address', amount: t.amount, fee: '0.0000000000', time: Math.floor(t.time / 1000), status: 'Success' }));
      }
      default:
        return undefined;
    }
  }

  // ---------------------------------------------------------------- ws-auth

  private onMessage(c: KrakenPrivConn, text: string): void {
    let msg: Json | undefined;
    try {
      const v: unknown = JSON.parse(text);
      msg = v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
    } catch {
      msg = undefined;
    }
    const timeIn = rfc3339(this.now());
    const reqId = msg && typeof msg['req_id'] === 'number' ? msg['req_id'] : undefined;
    const method = msg ? msg['method'] : undefined;
    const ok = (result: Json, extra: Json = {}): void => {
      c.send(JSON.stringify({ method, ...(reqId !== undefined ? { req_id: reqId } : {}), result, success: true, time_in: timeIn, time_out: rfc3339(this.now()), ...extra }));
    };
    const fail = (error: string, extra: Json = {}): void => {
      c.send(JSON.stringify({ error, method, ...(reqId !== undefined ? { req_id: reqId } : {}), success: false, time_in: timeIn, time_out: rfc3339(this.now()), ...extra }));
    };
    if (!msg) return fail('EGeneral:Invalid arguments');
    if (method === 'ping') {
      c.send(JSON.stringify({ method: 'pong', ...(reqId !== undefined ? { req_id: reqId } : {}), time_in: timeIn, time_out: rfc3339(this.now()) }));
      return;
    }
    const params = (msg['params'] ?? {}) as Json;
    const token = params['token'];
    if (typeof token !== 'string' || (this.tokens.get(token) ?? 0) < this.now()) return fail(TOKEN_ERROR);
    try {
      switch (method) {
        case 'subscribe':
        case 'unsubscribe': {
          const on = method === 'subscribe';
          if (params['channel'] === 'executions') {
            c.executions = on;
            // a token in use does not expire
            this.tokens.set(token, Number.MAX_SAFE_INTEGER);
            return ok({ channel: 'executions', snap_orders: params['snap_orders'] !== false, snap_trades: params['snap_trades'] === true });
          }
          if (params['channel'] === 'balances') {
            c.balances = on;
            this.tokens.set(token, Number.MAX_SAFE_INTEGER);
            ok({ channel: 'balances', snapshot: params['snapshot'] !== false });
            if (on && params['snapshot'] !== false) c.send(this.balanceSnapshot());
            return;
          }
          return fail('EGeneral:Invalid arguments:channel');
        }
        case 'add_order':
        case 'amend_order':
        case 'cancel_order':
        case 'cancel_all':
        case 'batch_add':
        case 'batch_cancel': {
          if (this.faults.takeRateLimit('wsApi')) return fail('EOrder:Rate limit exceeded');
          if (method === 'add_order') return ok(this.place(params));
          if (method === 'batch_add') {
            const orders = Array.isArray(params['orders']) ? (params['orders'] as Json[]) : [];
            return ok(this.batchAdd(this.pairOf(String(params['symbol'] ?? '')), orders) as unknown as Json);
          }
          if (method === 'batch_cancel') return ok({ count: this.batchCancel(params['orders'], params['cl_ord_id']) });
          if (method === 'amend_order') return ok(this.amend(params));
          if (method === 'cancel_all') return ok({ count: this.cancelAll() });
          // cancel_order takes lists of order_id / cl_ord_id and replies once per order, each
          // reply with the request's req_id (protocols.md §2 "Order entry over WebSocket")
          const ids = [
            ...(Array.isArray(params['order_id']) ? params['order_id'] : params['order_id'] !== undefined ? [params['order_id']] : []).map((id) => ({ order_id: [id] })),
            ...(Array.isArray(params['cl_ord_id']) ? params['cl_ord_id'] : params['cl_ord_id'] !== undefined ? [params['cl_ord_id']] : []).map((id) => ({ cl_ord_id: [id] })),
          ];
          if (ids.length === 0) return fail('EGeneral:Invalid arguments:order_id');
          for (const one of ids) {
            try {
              ok(this.cancel(one));
            } catch (err) {
              fail(err instanceof KrakenFail ? err.text : 'EGeneral:Internal error');
            }
          }
          return;
        }
        default:
          return fail(`EGeneral:Invalid arguments:method`);
      }
    } catch (err) {
      return fail(err instanceof KrakenFail ? err.text : 'EGeneral:Internal error');
    }
  }

  // ---------------------------------------------------------------- orders over the engine

  private pairOf(name: string): KrakenPair {
    const n = name.trim().toUpperCase();
    const p = this.pairs.find((x) => x.key === n || x.altname === n || x.wsname === n || x.symbol === n);
    if (!p) throw new KrakenFail('EQuery:Unknown asset pair');
    return p;
  }

  private place(a: Json): Json {
    const pair = this.pairOf(String(a['symbol'] ?? ''));
    const side = a['side'];
    const type = a['order_type'];
    if (side !== 'buy' && side !== 'sell') throw new KrakenFail('EGeneral:Invalid arguments:side');
    if (type !== 'limit' && type !== 'market') throw new KrakenFail('EGeneral:Invalid arguments:order_type');
    const qty = String(a['order_qty'] ?? '');
    if (!/^\d+(\.\d+)?(e-?\d+)?$/i.test(qty) || Number(qty) <= 0) throw new KrakenFail('EGeneral:Invalid arguments:order_qty');
    const tif = String(a['time_in_force'] ?? 'gtc');
    if (!['gtc', 'ioc', 'gtd'].includes(tif)) throw new KrakenFail('EGeneral:Invalid arguments:time_in_force');
    const clOrdId = a['cl_ord_id'] === undefined ? '' : String(a['cl_ord_id']);
    if (clOrdId && [...this.recs.values()].some((r) => r.clOrdId === clOrdId && this.isOpen(r))) throw new KrakenFail('EOrder:Duplicate cl_ord_id');
    const id = this.orderId();
    const postOnly = a['post_only'] === true;
    const req: PlaceOrderRequest = {
      account: USER,
      symbol: pair.key,
      side: side === 'buy' ? 'BUY' : 'SELL',
      type: type === 'market' ? 'MARKET' : postOnly ? 'LIMIT_MAKER' : 'LIMIT',
      quantity: toPlain(qty),
      clientOrderId: `k${id}`,
    };
    if (type === 'limit') {
      const price = String(a['limit_price'] ?? '');
      if (!/^\d+(\.\d+)?(e-?\d+)?$/i.test(price) || Number(price) <= 0) throw new KrakenFail('EGeneral:Invalid arguments:limit_price');
      req.price = toPlain(price);
      if (tif === 'ioc') req.timeInForce = 'IOC';
    }
    const rec: Rec = { id, clOrdId, pair, side, type, tif, postOnly, openTime: this.now(), engineId: undefined, priorSteps: 0, priorQuote: 0n, fee: 0n };
    this.recs.set(id, rec);
    try {
      rec.engineId = this.engine.placeOrder(req).order.orderId;
    } catch (err) {
      if (err instanceof EngineError && err.reason === 'WOULD_TAKE') {
        // post_only that would take: accepted, then canceled
        rec.canceledAtOnce = { qty: toPlain(qty), price: String(req.price) };
        this.pushExec(rec, 'canceled', undefined, undefined);
        return { order_id: id, ...(clOrdId ? { cl_ord_id: clOrdId } : {}) };
      }
      this.recs.delete(id);
      throw engineFail(err);
    }
    return { order_id: id, ...(clOrdId ? { cl_ord_id: clOrdId } : {}) };
  }

  /**
   * batch_add / AddOrderBatch: 2 to 15 orders of one pair. The whole batch is validated first (one
   * invalid order refuses it: EGeneral:Invalid arguments); then each goes to the engine, and one
   * that fails there (funds, minimum size) is refused alone: its entry is `{"error": "..."}`, the
   * rest stand (docs.kraken.com "batch_add"; the per-order entry shape is REST AddOrderBatch's).
   */
  private batchAdd(pair: KrakenPair, orders: Json[]): Json[] {
    if (orders.length < 2 || orders.length > 15) throw new KrakenFail('EGeneral:Invalid arguments:orders');
    const all: Json[] = orders.map((o) => ({ ...o, symbol: pair.symbol }));
    for (const o of all) this.checkOrder(o);
    const cls = all.map((o) => (o['cl_ord_id'] === undefined ? '' : String(o['cl_ord_id']))).filter((c) => c !== '');
    if (new Set(cls).size !== cls.length) throw new KrakenFail('EOrder:Duplicate cl_ord_id');
    return all.map((o) => {
      try {
        return this.place(o);
      } catch (err) {
        if (!(err instanceof KrakenFail)) throw err;
        return { error: err.text, ...(o['cl_ord_id'] !== undefined ? { cl_ord_id: String(o['cl_ord_id']) } : {}) };
      }
    });
  }

  /** batch_cancel / CancelOrderBatch: 2 to 50 ids; the count of orders canceled (unknown or done ones are skipped). */
  private batchCancel(ids: unknown, cls: unknown): number {
    const list = [...(Array.isArray(ids) ? ids : []), ...(Array.isArray(cls) ? cls : [])];
    if (list.length < 2 || list.length > 50) throw new KrakenFail('EGeneral:Invalid arguments:orders');
    const recs = this.find({ order_id: Array.isArray(ids) ? ids : [], cl_ord_id: Array.isArray(cls) ? cls : [] });
    let n = 0;
    for (const r of new Set(recs)) {
      if (!this.isOpen(r)) continue;
      this.engine.cancelOrder(USER, r.pair.key, { orderId: r.engineId as number });
      n++;
    }
    return n;
  }

  /** The checks add_order makes before the engine sees the order (throws KrakenFail). */
  private checkOrder(a: Json): void {
    if (a['side'] !== 'buy' && a['side'] !== 'sell') throw new KrakenFail('EGeneral:Invalid arguments:side');
    if (a['order_type'] !== 'limit' && a['order_type'] !== 'market') throw new KrakenFail('EGeneral:Invalid arguments:order_type');
    const qty = String(a['order_qty'] ?? '');
    if (!/^\d+(\.\d+)?(e-?\d+)?$/i.test(qty) || Number(qty) <= 0) throw new KrakenFail('EGeneral:Invalid arguments:order_qty');
    if (!['gtc', 'ioc', 'gtd'].includes(String(a['time_in_force'] ?? 'gtc'))) throw new KrakenFail('EGeneral:Invalid arguments:time_in_force');
    if (a['order_type'] === 'limit') {
      const price = String(a['limit_price'] ?? '');
      if (!/^\d+(\.\d+)?(e-?\d+)?$/i.test(price) || Number(price) <= 0) throw new KrakenFail('EGeneral:Invalid arguments:limit_price');
    }
  }

  private orderId(): string {
    const b = randomBytes(10).toString('base64').replace(/[^A-Z0-9]/gi, '').toUpperCase().padEnd(16, 'X');
    return `O${b.slice(0, 5)}-${b.slice(5, 10)}-${b.slice(10, 16)}`;
  }

  private find(a: Json): Rec[] {
    const ids = Array.isArray(a['order_id']) ? (a['order_id'] as unknown[]) : a['order_id'] !== undefined ? [a['order_id']] : [];
    const cls = Array.isArray(a['cl_ord_id']) ? (a['cl_ord_id'] as unknown[]) : a['cl_ord_id'] !== undefined ? [a['cl_ord_id']] : [];
    const out: Rec[] = [];
    for (const id of ids) {
      const r = this.recs.get(String(id));
      if (r) out.push(r);
    }
    for (const cl of cls) for (const r of this.recs.values()) if (r.clOrdId === String(cl) && this.isOpen(r)) out.push(r);
    return out;
  }

  private cancel(a: Json): Json {
    const [r] = this.find(a);
    if (!r || !this.isOpen(r)) throw new KrakenFail('EOrder:Unknown order');
    this.engine.cancelOrder(USER, r.pair.key, { orderId: r.engineId as number });
    return { order_id: r.id, ...(r.clOrdId ? { cl_ord_id: r.clOrdId } : {}) };
  }

  private cancelAll(): number {
    let n = 0;
    for (const r of [...this.recs.values()]) {
      if (!this.isOpen(r)) continue;
      this.engine.cancelOrder(USER, r.pair.key, { orderId: r.engineId as number });
      n++;
    }
    return n;
  }

  private amend(a: Json): Json {
    const [r] = this.find(a);
    if (!r || !this.isOpen(r)) throw new KrakenFail('EOrder:Unknown order');
    const info = this.engine.market(r.pair.key);
    const o = this.engine.getOrder(r.pair.key, { orderId: r.engineId as number }, USER) as OrderSnapshot;
    let steps: number;
    let ticks: number;
    try {
      steps = a['order_qty'] !== undefined ? info.qtyToSteps(toPlain(String(a['order_qty'])), 'order_qty') : r.priorSteps + o.origQty;
      ticks = a['limit_price'] !== undefined ? info.priceToTicks(toPlain(String(a['limit_price'])), 'limit_price') : o.price;
    } catch (err) {
      throw engineFail(err);
    }
    const filled = r.priorSteps + o.executedQty;
    if (steps <= filled) throw new KrakenFail('EGeneral:Invalid arguments:order_qty');
    r.amendPending = true;
    try {
      if (ticks === o.price && steps < r.priorSteps + o.origQty) {
        this.engine.amendKeepPriority(USER, r.pair.key, { orderId: o.orderId }, info.formatQty(steps - r.priorSteps, info.stepDecimals));
      } else if (ticks !== o.price || steps !== r.priorSteps + o.origQty) {
        this.amending = r.id;
        try {
          this.engine.amendOrder(USER, r.pair.key, { orderId: o.orderId }, { price: info.formatPrice(ticks, info.tickDecimals), quantity: info.formatQty(steps - filled, info.stepDecimals), clientOrderId: `k${r.id}` });
        } finally {
          this.amending = undefined;
        }
      } else this.pushExec(r, 'amended', undefined, undefined);
    } catch (err) {
      r.amendPending = false;
      throw engineFail(err);
    }
    return { amend_id: randomUUID().slice(0, 20), order_id: r.id, ...(r.clOrdId ? { cl_ord_id: r.clOrdId } : {}) };
  }

  private onEngineOrder(u: OrderUpdate): void {
    if (u.order.account !== USER) return;
    const cid = u.order.origClientOrderId ?? u.order.clientOrderId;
    const id = this.byEngine.get(`${u.order.symbol}:${u.order.orderId}`) ?? (cid.startsWith('k') ? cid.slice(1) : undefined);
    const r = id !== undefined ? this.recs.get(id) : undefined;
    if (!r) return;
    if (this.amending === r.id) {
      if (u.order.orderId === r.engineId && u.execType === 'CANCELED') {
        r.priorSteps += u.order.executedQty;
        r.priorQuote += u.order.cumQuote;
        return;
      }
      r.engineId = u.order.orderId;
    }
    if (r.engineId === undefined) r.engineId = u.order.orderId;
    if (u.order.orderId !== r.engineId) return;
    this.byEngine.set(`${u.order.symbol}:${u.order.orderId}`, r.id);
    let exec: string;
    if (u.execType === 'TRADE') exec = u.order.status === 'FILLED' ? 'filled' : 'trade';
    else if (r.amendPending && (u.execType === 'AMENDED' || u.execType === 'NEW')) exec = 'amended';
    else if (u.execType === 'NEW') exec = 'new';
    else if (u.execType === 'CANCELED') exec = 'canceled';
    else if (u.execType === 'EXPIRED') exec = u.order.executedQty + r.priorSteps > 0 && r.type === 'market' ? 'filled' : 'expired';
    else exec = 'restated';
    if (exec === 'amended') r.amendPending = false;
    if (u.fill) r.fee += u.fill.commission;
    this.pushExec(r, exec, u.order, u.fill);
  }

  private isOpen(r: Rec): boolean {
    if (r.canceledAtOnce) return false;
    const o = this.engine.getOrder(r.pair.key, { orderId: r.engineId as number }, USER);
    return o !== undefined && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED');
  }

  private state(r: Rec, snap?: OrderSnapshot): { status: string; qty: number; filled: number; quote: bigint; price: number | undefined; time: number; qtyText: string; filledText: string; priceText: string } {
    const info = this.engine.market(r.pair.key);
    if (r.canceledAtOnce) {
      const c = r.canceledAtOnce;
      return { status: 'canceled', qty: Number(c.qty), filled: 0, quote: 0n, price: Number(c.price), time: r.openTime, qtyText: c.qty, filledText: '0', priceText: c.price };
    }
    const o = snap ?? (this.engine.getOrder(r.pair.key, { orderId: r.engineId as number }, USER) as OrderSnapshot);
    const filledSteps = r.priorSteps + o.executedQty;
    const status =
      o.status === 'FILLED' ? 'filled'
      : o.status === 'NEW' || o.status === 'PARTIALLY_FILLED' ? (filledSteps > 0 ? 'partially_filled' : 'new')
      : o.status === 'EXPIRED' ? (r.type === 'market' && filledSteps > 0 ? 'filled' : 'expired')
      : 'canceled';
    const qtySteps0 = o.type === 'MARKET' && o.status !== 'NEW' ? Math.max(r.priorSteps + o.origQty, filledSteps) : r.priorSteps + o.origQty;
    const qtySteps = r.type === 'market' && status === 'filled' ? filledSteps : qtySteps0;
    return {
      status,
      qtyText: info.formatQty(qtySteps),
      filledText: info.formatQty(filledSteps),
      priceText: o.type === 'MARKET' ? '0' : info.formatPrice(o.price),
      qty: info.qtyNumber(qtySteps),
      filled: info.qtyNumber(filledSteps),
      quote: r.priorQuote + o.cumQuote,
      price: o.type === 'MARKET' ? undefined : info.priceNumber(o.price),
      time: o.updateTime,
    };
  }

  private pushExec(r: Rec, exec: string, snap: OrderSnapshot | undefined, fill: OrderUpdate['fill']): void {
    const info = this.engine.market(r.pair.key);
    const s = this.state(r, snap);
    const d: Json = {
      order_id: r.id,
      ...(r.clOrdId ? { cl_ord_id: r.clOrdId } : {}),
      symbol: r.pair.symbol,
      side: r.side,
      order_type: r.type,
      order_qty: s.qty,
      ...(s.price !== undefined ? { limit_price: s.price } : {}),
      time_in_force: r.tif,
      post_only: r.postOnly,
      exec_type: exec,
      order_status: s.status,
      cum_qty: s.filled,
      cum_cost: Number(fmt(s.quote, r.pair.costDecimals)),
      avg_price: s.filled > 0 ? Number((Number(fmt(s.quote, 10)) / s.filled).toFixed(r.pair.pairDecimals + 2)) : 0,
      fee_usd_equiv: 0,
      timestamp: rfc3339(s.time ?? this.now()),
    };
    if (fill) {
      d['exec_id'] = `E${fill.tradeId}`;
      d['trade_id'] = fill.tradeId;
      d['last_qty'] = info.qtyNumber(fill.qty);
      d['last_price'] = info.priceNumber(fill.price);
      d['cost'] = Number(fmt(fill.quote, r.pair.costDecimals));
      d['liquidity_ind'] = fill.isMaker ? 'm' : 't';
      d['fees'] = [{ asset: fill.commissionAsset, qty: Number(fmt(fill.commission, 10)) }];
    }
    const text = JSON.stringify({ channel: 'executions', type: 'update', data: [d], sequence: ++this.seq });
    for (const c of this.server.clients) if (c.executions) c.send(text);
  }

  private restOrders(open: boolean, clOrdId: string | null): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const r of this.recs.values()) {
      if (this.isOpen(r) !== open || (clOrdId && r.clOrdId !== clOrdId)) continue;
      out[r.id] = this.restOrder(r);
    }
    return out;
  }

  private restOrder(r: Rec): Json {
    const s = this.state(r);
    const status = s.status === 'new' || s.status === 'partially_filled' ? 'open' : s.status === 'filled' ? 'closed' : s.status;
    return {
      refid: null,
      userref: 0,
      cl_ord_id: r.clOrdId || null,
      status,
      opentm: r.openTime / 1000,
      starttm: 0,
      expiretm: 0,
      descr: { pair: r.pair.altname, type: r.side, ordertype: r.type, price: s.priceText, price2: '0', leverage: 'none', order: '', close: '' },
      vol: s.qtyText,
      vol_exec: s.filledText,
      cost: fmt(s.quote, r.pair.costDecimals),
      fee: fmt(r.fee, 8),
      price: s.filled > 0 ? (Number(fmt(s.quote, 10)) / s.filled).toFixed(r.pair.pairDecimals) : '0',
      stopprice: '0',
      limitprice: '0',
      misc: '',
      oflags: r.postOnly ? 'post,fcib' : 'fcib',
      timeinforce: r.tif.toUpperCase(),
      ...(status === 'open' ? {} : { closetm: s.time / 1000, reason: null }),
    };
  }

  private balanceSnapshot(): string {
    const data = this.engine.balances(USER).map((b) => {
      const total = Number(fmt(b.free + b.locked, 10));
      return { asset: b.asset, asset_class: 'currency', balance: total, wallets: [{ type: 'spot', id: 'main', balance: total }] };
    });
    return JSON.stringify({ channel: 'balances', type: 'snapshot', data, sequence: ++this.seq });
  }

  /** A ledger entry on `balances` (deposit / withdrawal / trade). */
  private pushLedger(asset: string, amount: string, type: string, refid: string): void {
    const b = this.engine.balances(USER).find((x) => x.asset === asset);
    const total = b ? Number(fmt(b.free + b.locked, 10)) : 0;
    const d = { asset, asset_class: 'currency', amount: Number(amount), balance: total, fee: 0, ledger_id: `L${++this.ledgerSeq}`, ref_id: refid, timestamp: rfc3339(this.now()), type, subtype: '', category: type, wallet_type: 'spot', wallet_id: 'main' };
    const text = JSON.stringify({ channel: 'balances', type: 'update', data: [d], sequence: ++this.seq });
    for (const c of this.server.clients) if (c.balances) c.send(text);
  }

  // ---------------------------------------------------------------- funding

  deposit(asset: string, amount: number | string): void {
    this.engine.deposit(USER, asset, amount);
    const refid = `FT${randomBytes(4).toString('hex').toUpperCase()}`;
    this.transfers.push({ refid, asset, amount: String(amount), time: this.now(), kind: 'deposit' });
    this.pushLedger(asset, String(amount), 'deposit', refid);
  }

  withdraw(asset: string, amount: number | string): string {
    this.engine.withdraw(USER, asset, amount);
    const refid = `FT${randomBytes(4).toString('hex').toUpperCase()}`;
    this.transfers.push({ refid, asset, amount: String(amount), time: this.now(), kind: 'withdrawal' });
    this.pushLedger(asset, `-${amount}`, 'withdrawal', refid);
    return refid;
  }

  /** An ISO asset name from a REST one (XXBT -> BTC, ZUSD -> USD, ETH -> ETH). */
  private isoAsset(name: string): string {
    for (const [iso, [v1, code]] of Object.entries(LEGACY)) if (name === code || name === v1 || name === iso) return iso;
    return name;
  }

  /** Balances by ISO asset name as 8-decimal strings. */
  balances(): Record<string, { free: string; locked: string }> {
    const out: Record<string, { free: string; locked: string }> = {};
    for (const b of this.engine.balances(USER)) out[b.asset] = { free: formatScaled(b.free, ASSET_SCALE, 8), locked: formatScaled(b.locked, ASSET_SCALE, 8) };
    return out;
  }
}

function fmt(units: bigint, decimals: number): string {
  return formatScaled(units, ASSET_SCALE, decimals);
}

/** A JSON number's text as a plain decimal (1e-7 -> 0.0000001). */
function toPlain(s: string): string {
  if (!/e/i.test(s)) return s;
  const n = Number(s);
  return n.toFixed(Math.min(20, Math.max(0, -Math.floor(Math.log10(Math.abs(n))) + 8))).replace(/\.?0+$/, '');
}

/** The REST / legacy asset code of an ISO name (BTC -> XXBT, USD -> ZUSD). */
function legacy(iso: string): string {
  return LEGACY[iso]?.[1] ?? iso;
}

function engineFail(err: unknown): KrakenFail {
  if (err instanceof KrakenFail) return err;
  if (!(err instanceof EngineError)) return new KrakenFail('EGeneral:Internal error');
  switch (err.reason) {
    case 'INSUFFICIENT_BALANCE':
      return new KrakenFail('EOrder:Insufficient funds');
    case 'LOT_SIZE':
    case 'NOTIONAL':
      return new KrakenFail('EOrder:Order minimum not met');
    case 'BAD_PRECISION':
    case 'PRICE_FILTER':
      return new KrakenFail(`EGeneral:Invalid arguments:${err.field === 'price' || err.field === 'limit_price' ? 'price' : 'volume'}`);
    case 'DUPLICATE_ORDER':
      return new KrakenFail('EOrder:Duplicate cl_ord_id');
    case 'UNKNOWN_ORDER':
      return new KrakenFail('EOrder:Unknown order');
    default:
      return new KrakenFail('EGeneral:Invalid arguments');
  }
}
