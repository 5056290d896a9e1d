/**
 * Kraken's private side: the PrivateAdapter behind fetchBalance / createOrder / on('orders') ...
 * (protocols.md §2 "Authentication and private channels", "Order entry over WebSocket").
 *
 * One socket to the ws-auth host (`urls.wsPrivate` + /v2, WsRpc) carries the private channels and
 * order entry:
 * - after every (re)connect a fresh token comes from REST `GetWebSocketsToken` (signed, valid for
 *   15 minutes until a private subscription holds it), and `executions` and `balances` are
 *   subscribed with it; a refused token or key fails the private stream and orders go over REST;
 * - orders go out as `add_order` / `amend_order` (the order keeps its id) / `cancel_order` /
 *   `cancel_all`, each with the token and a `req_id`; the reply only acknowledges (order_id), the
 *   order's state comes from the `executions` update that follows (or precedes) it, from REST
 *   (QueryOrders) when none comes in time; a request that cannot be sent over the socket goes over
 *   REST (/0/private/AddOrder ...), one whose reply was lost is looked up by its cl_ord_id;
 * - `executions` updates (possibly partial: merged per order) report orders and each own fill
 *   once (trade_id); `balances` reports ledger changes but not what open orders hold, so every
 *   balances or executions update makes the state re-read BalanceEx (one request at a time,
 *   coalesced), which gives free / used / total exactly;
 * - after an interruption REST tells what changed meanwhile (recover); the signed REST calls and
 *   snapshots are in account-rest.ts.
 */
import { randomUUID } from 'crypto';
import { AuthenticationError, BadRequest, BadResponse, OrderNotFound } from '../../core/errors';
import type { OrderParams, OrderRequest, PrivateAdapter, PrivateSink } from '../../core/private-adapter';
import { toDecimalString } from '../../core/decimal';
import type { Market, Order, Transaction } from '../../core/types';
import type { Query } from '../../transport/rest-client';
import { RpcCodec, RpcReplyLost, WsRpc } from '../../transport/ws-rpc';
import { OrderRecords, cancelEach, clientIdFor, inChunks, partWay, isOrderError, needSymbol, placeBatchOnce, placeOnce, refusedOrder, wsOrRest } from '../order-flow';
import { StreamTap, privateSocket, reports } from '../private-socket';
import { KRAKEN_TIERS, KrakenAccountRest, KrakenPrivateContext, RefreshBudget } from './account-rest';
import { krakenError } from './errors';
import { unifiedAsset } from './markets';
import { KrakenExecution, KrakenRestOrder, parseExecutionOrder, parseExecutionTrade, parseRestOrder } from './parse-private';
import { PATHS } from './urls';

export { KRAKEN_TIERS, RefreshBudget } from './account-rest';
export type { KrakenPrivateContext, KrakenTier } from './account-rest';

type Json = Record<string, unknown>;

/** `{"method","params","req_id"}` requests; replies echo req_id. */
const codec: RpcCodec = {
  encode: (id, method, params) => JSON.stringify({ method, params: params ?? {}, req_id: id }),
  replyId: (msg) => {
    const m = msg as Json | undefined;
    return m && typeof m === 'object' && typeof m['req_id'] === 'number' && typeof m['method'] === 'string' ? (m['req_id'] as number) : undefined;
  },
};

const FINAL = new Set(['filled', 'canceled', 'expired']);

export class KrakenPrivate extends KrakenAccountRest implements PrivateAdapter {
  /** `balances` ledger entries of type deposit / withdrawal report them. */
  readonly streamsTransactions = true;
  private rpc: WsRpc | undefined;
  private token: string | undefined;
  private readonly tap = new StreamTap();
  /** Per order id: the execution records seen (2000 orders, 32 each), each merged over the one before. */
  private readonly records = new OrderRecords<KrakenExecution>(2000, 32);
  private balanceBusy = false;
  private balanceRetry = 0;
  private balanceTimer: ReturnType<typeof setTimeout> | undefined;
  private balanceDirty = false;
  private readonly refreshBudget: RefreshBudget;

  constructor(ctx: KrakenPrivateContext) {
    super(ctx);
    const t = KRAKEN_TIERS[ctx.tier];
    this.refreshBudget = new RefreshBudget(Math.max(1, Math.floor(t.max / 3)), t.decayPerSec / 2);
  }

  warm(): void {
    if (this.ctx.wsTrading) this.api().start();
  }

  // ---------------------------------------------------------------- the ws-auth socket

  api(): WsRpc {
    if (this.rpc) return this.rpc;
    const base = this.ctx.urls.wsPrivate ?? this.ctx.urls.ws;
    this.rpc = privateSocket({ ...reports(this.ctx), url: `${base as string}${PATHS.ws}`, codec, prepare: () => this.prepare(), push: (m) => this.onPush(m) });
    return this.rpc;
  }

  /** Every (re)connect: a fresh token, then executions and balances. */
  private async prepare(): Promise<void> {
    const rpc = this.api();
    try {
      const r = await this.rest<{ token: string; expires: number }>(PATHS.wsToken);
      if (!r || typeof r.token !== 'string') throw new BadResponse('GetWebSocketsToken reply has no token', { exchange: 'kraken' });
      this.token = r.token;
      await Promise.all([
        this.request(rpc, 'subscribe', { channel: 'executions', snap_orders: false, snap_trades: false }, true),
        this.request(rpc, 'subscribe', { channel: 'balances', snapshot: false }, true),
      ]);
    } catch (err) {
      if (err instanceof AuthenticationError) this.refuse(err);
      throw err;
    }
  }

  /** A request with the token; a `success: false` reply is a typed error. */
  private async request(rpc: WsRpc, method: string, params: Json, early = false): Promise<Json> {
    const r = (await rpc.request(method, { ...params, token: this.token }, early ? { early: true } : {})) as Json;
    if (r['success'] === true) return (r['result'] as Json) ?? {};
    throw krakenError(String(r['error'] ?? 'unknown error'), method, { raw: r });
  }

  private refuse(err: Error): void {
    this.tap.refuse(err);
  }

  startStream(sink: PrivateSink): void {
    this.tap.start(sink);
    const rpc = this.api();
    this.tap.follow(rpc);
    rpc.start();
    if (rpc.isReady) queueMicrotask(() => {
      if (rpc.isReady) this.tap.to?.live();
    });
  }

  stopStream(): void {
    this.tap.stop();
  }

  private onPush(msg: unknown): void {
    const m = msg as Json | undefined;
    if (!m || typeof m !== 'object') return;
    const data = m['data'];
    if (!Array.isArray(data)) return;
    if (m['channel'] === 'executions') {
      for (const d of data as KrakenExecution[]) this.onExecution(d);
      this.refreshBalance();
    } else if (m['channel'] === 'balances') {
      if (m['type'] === 'update') for (const d of data as Json[]) this.onLedger(d);
      this.refreshBalance();
    }
  }

  /** A ledger entry: deposits and withdrawals are transactions (the entry's ref_id is the funding reference). */
  private onLedger(d: Json): void {
    const type = d['type'];
    const sink = this.tap.to;
    if ((type !== 'deposit' && type !== 'withdrawal') || !sink) return;
    const ts = typeof d['timestamp'] === 'string' ? Date.parse(d['timestamp']) : undefined;
    const t: Transaction = {
      id: String(d['ref_id'] ?? d['ledger_id']),
      timestamp: ts,
      datetime: ts !== undefined ? new Date(ts).toISOString() : undefined,
      type,
      currency: unifiedAsset(String(d['asset'])),
      amount: Math.abs(Number(d['amount'])),
      status: 'ok',
      info: d,
    };
    const fee = Number(d['fee']);
    if (Number.isFinite(fee) && fee > 0) t.fee = { cost: fee, currency: t.currency };
    sink.transaction(t);
  }

  private onExecution(d: KrakenExecution): void {
    if (!d || typeof d.order_id !== 'string') return;
    // a partial update keeps what the order's last record said
    const prev = this.records.latest(d.order_id);
    const merged: KrakenExecution = { ...(prev ?? {}), ...d };
    if (prev && d.trade_id === undefined) {
      delete merged.trade_id;
      delete merged.last_qty;
      delete merged.last_price;
      delete merged.fees;
      delete merged.exec_id;
    }
    this.records.add(d.order_id, merged);
    const sink = this.tap.to;
    const market = this.marketOf(merged.symbol);
    if (!sink || !market) return;
    const trade = parseExecutionTrade(merged, market);
    if (trade) sink.trade(trade);
    sink.order(parseExecutionOrder(merged, market));
  }

  /**
   * BalanceEx again (one at a time; changes meanwhile make it run once more), within its own share
   * of the REST call counter (Kraken "Spot REST Rate Limits": every call adds 1 to a counter that
   * decays by 0.33 / 0.5 / 1 a second, starter / intermediate / pro, and may not pass 15 / 20 / 20).
   * Refreshes may burst to a third of the counter, then run at half its decay rate: streamed
   * executions alone can never drive the counter up, and the rest of it stays for the caller's
   * own requests. A refresh that has to wait runs once, when its share allows.
   */
  private refreshBalance(): void {
    if (!this.tap.wanted) return;
    if (this.balanceBusy) {
      this.balanceDirty = true;
      return;
    }
    const wait = this.refreshBudget.take(Date.now());
    if (wait > 0) {
      this.balanceDirty = true;
      if (!this.balanceTimer) {
        this.balanceTimer = setTimeout(() => {
          this.balanceTimer = undefined;
          this.refreshBalance();
        }, wait);
      }
      return;
    }
    this.balanceBusy = true;
    this.balanceDirty = false;
    const t = Date.now();
    this.fetchBalance().then(
      (b) => {
        this.balanceBusy = false;
        this.balanceRetry = 0;
        this.tap.to?.balance({ ...b, time: t });
        if (this.balanceDirty) this.refreshBalance();
      },
      (err: Error) => {
        this.balanceBusy = false;
        this.ctx.error(err);
        // the state must not keep a stale balance: try again (1 s, then every 5 s) while wanted
        this.balanceRetry = Math.min(5000, this.balanceRetry ? this.balanceRetry * 2 : 1000);
        clearTimeout(this.balanceTimer);
        this.balanceTimer = setTimeout(() => {
          this.balanceTimer = undefined;
          this.refreshBalance();
        }, this.balanceRetry);
      },
    );
  }

  /** The order's record satisfying `pred` among those from index `from` on; REST when none comes in time. */
  private async orderAfter(orderId: string, m: Market, from: number, pred: (e: KrakenExecution) => boolean): Promise<Order> {
    const hit = await this.records.after(orderId, from, pred, this.ctx.timeoutMs, this.rpc?.isReady === true);
    return hit ? parseExecutionOrder(this.records.latest(orderId) as KrakenExecution, m) : this.fetchOrder(orderId, m);
  }

  // ---------------------------------------------------------------- trading

  private route(method: string, params: Json, restPath: string, restParams: Query | Json, json = false): Promise<Json> {
    return wsOrRest(
      this.ctx.wsTrading,
      async () => {
        const rpc = this.api();
        await rpc.whenReady(this.ctx.timeoutMs);
        return this.request(rpc, method, params);
      },
      () => this.rest<Json>(restPath, restParams, json),
    );
  }

  private altname(m: Market): string {
    return (m.info as { altname?: string }).altname ?? m.id;
  }

  /** The add_order / AddOrder fields of a request, and whether it takes liquidity at once. */
  private orderFields(req: OrderRequest): { cid: string; ws: Json; rest: Query; taking: boolean } {
    const m = req.market;
    const p = req.params;
    const cid = clientIdFor(p, 'kraken', m.symbol, randomUUID);
    const type = req.type.toLowerCase();
    const tif = typeof p['timeInForce'] === 'string' ? (p['timeInForce'] as string).toLowerCase() : undefined;
    const postOnly = p['postOnly'] === true || tif === 'po';
    if (type !== 'limit' && type !== 'market') throw new BadRequest(`order type must be limit or market on kraken, got ${type}`, { exchange: 'kraken', symbol: m.symbol });
    if (tif !== undefined && !['gtc', 'ioc', 'po'].includes(tif)) throw new BadRequest(`timeInForce must be GTC, IOC or PO on kraken, got ${tif}`, { exchange: 'kraken', symbol: m.symbol });
    const qty = toDecimalString(req.amount, m.precision.amount, 'floor');
    const price = req.price !== undefined ? toDecimalString(req.price, m.precision.price, 'round') : undefined;
    const ws: Json = { order_type: type, side: req.side, order_qty: Number(qty), symbol: m.symbol, cl_ord_id: cid };
    const rest: Query = { pair: this.altname(m), type: req.side, ordertype: type, volume: qty, cl_ord_id: cid };
    if (type === 'limit') {
      ws['limit_price'] = Number(price);
      rest['price'] = price;
      if (tif === 'ioc') {
        ws['time_in_force'] = 'ioc';
        rest['timeinforce'] = 'IOC';
      }
      if (postOnly) {
        ws['post_only'] = true;
        rest['oflags'] = 'post';
      }
    }
    return { cid, ws, rest, taking: type === 'market' || tif === 'ioc' };
  }

  async createOrder(req: OrderRequest): Promise<Order> {
    const m = req.market;
    const { cid, ws, rest, taking } = this.orderFields(req);
    const placed = (r: Json): Promise<Order> => {
      const id = String(r['order_id'] ?? (Array.isArray(r['txid']) ? (r['txid'] as string[])[0] : ''));
      if (!id) throw new BadResponse('add_order reply has no order id', { exchange: 'kraken', symbol: m.symbol, raw: r });
      return this.placed(id, m, taking);
    };
    return placeOnce({
      exchange: 'kraken',
      symbol: m.symbol,
      clientOrderId: cid,
      send: async () => placed(await this.route('add_order', ws, PATHS.addOrder, rest)),
      lookup: () => this.byClientId(cid, m),
      resend: async () => placed(await this.rest<Json>(PATHS.addOrder, rest)),
    });
  }

  /** The order's state once the executions stream (or REST) reports it placed. */
  private placed(id: string, m: Market, taking: boolean): Promise<Order> {
    return this.orderAfter(id, m, 0, (e) => (taking ? FINAL.has(e.order_status ?? '') : e.order_status !== undefined && e.order_status !== 'pending_new'));
  }

  /** An order looked up by its cl_ord_id over REST (open or closed), if it exists. */
  private async byClientId(cid: string, m: Market): Promise<Order | undefined> {
    const [open, closed] = await Promise.all([
      this.rest<{ open: Record<string, KrakenRestOrder> }>(PATHS.openOrders, { cl_ord_id: cid }),
      this.rest<{ closed: Record<string, KrakenRestOrder> }>(PATHS.closedOrders, { cl_ord_id: cid }),
    ]);
    const hit = Object.entries({ ...closed.closed, ...open.open })[0];
    return hit ? parseRestOrder(hit[0], hit[1], m) : undefined;
  }

  /**
   * createOrders: `batch_add` over ws-auth (REST AddOrderBatch when the socket cannot take it).
   * Kraken takes 2 to 15 orders of one pair a batch (docs.kraken.com websocket-v2 "batch_add",
   * REST "Add Order Batch"): orders are grouped by pair and cut into batches of 15; a lone order
   * goes as add_order. The batch is validated as a whole (one invalid order refuses it: the call
   * rejects); an order failing the engine's pre-match checks (funds) is refused on its own: its
   * entry has an `error` (the per-order entry shape with `error` is Kraken's REST one; the v2 reply
   * is read the same way) and becomes a 'rejected' entry with the mapped error. Each order has its
   * cl_ord_id: a batch whose reply was lost is reconciled order by order.
   */
  async createOrders(reqs: OrderRequest[]): Promise<Order[]> {
    const out: Order[] = new Array<Order>(reqs.length);
    const groups = new Map<string, number[]>();
    reqs.forEach((r, i) => {
      const g = groups.get(r.market.symbol);
      if (g) g.push(i);
      else groups.set(r.market.symbol, [i]);
    });
    try {
      for (const idx of groups.values()) {
        for (const chunk of inChunks(idx, ADD_BATCH_MAX)) {
          const done = await this.addBatch(chunk.map((i) => reqs[i] as OrderRequest));
          chunk.forEach((i, j) => (out[i] = done[j] as Order));
        }
      }
    } catch (err) {
      // the requests that went out before stand: say which (never sent again by a retry)
      throw partWay(err, out);
    }
    return out;
  }

  private async addBatch(reqs: OrderRequest[]): Promise<Order[]> {
    const fields = reqs.map((r) => this.orderFields(r));
    // each order keeps its cl_ord_id whatever path it takes (a lookup after a lost reply needs it)
    reqs.forEach((r, i) => (r.params['clientOrderId'] = (fields[i] as { cid: string }).cid));
    const one = async (req: OrderRequest, f: { cid: string }): Promise<Order> => {
      try {
        return await this.createOrder(req);
      } catch (err) {
        if (!isOrderError(err)) throw err;
        return refusedOrder(req, '', f.cid, err, undefined);
      }
    };
    if (reqs.length === 1) return [await one(reqs[0] as OrderRequest, fields[0] as { cid: string })];
    const m = (reqs[0] as OrderRequest).market;
    const wsOrders = fields.map((f) => {
      const o = { ...f.ws };
      delete o['symbol'];
      return o;
    });
    const restOrders = fields.map((f) => {
      const o: Json = { ...f.rest };
      delete o['pair'];
      return o;
    });
    let entries: Json[];
    try {
      const r = await this.route('batch_add', { symbol: m.symbol, orders: wsOrders }, PATHS.addOrderBatch, { pair: this.altname(m), orders: restOrders }, true);
      entries = Array.isArray(r) ? (r as Json[]) : Array.isArray(r['orders']) ? (r['orders'] as Json[]) : [];
    } catch (err) {
      if (!(err instanceof RpcReplyLost)) throw err;
      // the connection dropped with the batch in flight: each order is looked up by cl_ord_id,
      // and only those that did not land are sent (over REST)
      const items = reqs.map((req, i) => ({ req, f: fields[i] as { cid: string } }));
      return placeBatchOnce(items, (x) => this.byClientId(x.f.cid, m), (missing) => Promise.all(missing.map((x) => one(x.req, x.f))));
    }
    return Promise.all(reqs.map(async (req, i) => {
      const e = entries[i] ?? {};
      const f = fields[i] as { cid: string; taking: boolean };
      if (typeof e['error'] === 'string' && e['error'] !== '') {
        return refusedOrder(req, '', f.cid, krakenError(e['error'], 'batch_add', { symbol: m.symbol, raw: e }), e);
      }
      const id = String(e['order_id'] ?? e['txid'] ?? '');
      if (!id) return refusedOrder(req, '', f.cid, new BadResponse('batch_add reply entry has no order id', { exchange: 'kraken', symbol: m.symbol, raw: e }), e);
      return this.placed(id, m, f.taking);
    }));
  }

  /**
   * cancelOrders: `batch_cancel` over ws-auth (REST CancelOrderBatch), 2 to 50 ids a batch
   * (docs.kraken.com websocket-v2 "batch_cancel"). Kraken answers only how many it canceled; when
   * that is fewer than asked, one QueryOrders call tells which were not (done already, or
   * unknown): those entries carry an OrderNotFound error, the others come back canceled.
   */
  async cancelOrders(ids: string[], market: Market | undefined, params: OrderParams): Promise<Order[]> {
    const m = needSymbol(market, 'cancelOrders', 'kraken');
    const out: Order[] = [];
    try {
      for (const chunk of inChunks(ids, CANCEL_BATCH_MAX)) {
        if (chunk.length === 1) {
          const id = chunk[0] as string;
          try {
            out.push(await this.cancelOrder(id, m, params));
          } catch (err) {
            if (!(err instanceof OrderNotFound)) throw err;
            out.push(refusedOrder(m, id, undefined, err, undefined));
          }
          continue;
        }
        const froms = chunk.map((id) => this.records.seen(id));
        let r: Json;
        try {
          r = await this.route('batch_cancel', { orders: chunk }, PATHS.cancelOrderBatch, { orders: chunk }, true);
        } catch (err) {
          if (!(err instanceof RpcReplyLost)) throw err;
          // a cancel is safe to send again
          r = await this.rest<Json>(PATHS.cancelOrderBatch, { orders: chunk }, true);
        }
        const count = Number(r['count']);
        if (count === chunk.length) {
          out.push(...(await Promise.all(chunk.map((id, i) => this.orderAfter(id, m, froms[i] as number, (e) => FINAL.has(e.order_status ?? ''))))));
          continue;
        }
        // some were not canceled: REST says where each stands
        let known: Record<string, KrakenRestOrder> = {};
        try {
          known = await this.rest<Record<string, KrakenRestOrder>>(PATHS.queryOrders, { txid: chunk.join(',') });
        } catch (err) {
          if (!isOrderError(err)) throw err;
        }
        out.push(...chunk.map((id) => {
          const o = known[id];
          if (!o) return refusedOrder(m, id, undefined, new OrderNotFound(`batch_cancel: order ${id} unknown`, { exchange: 'kraken', symbol: m.symbol, code: 'EOrder:Unknown order' }), undefined);
          const order = parseRestOrder(id, o, m);
          if (order.status === 'canceled') return order;
          return { ...order, error: new OrderNotFound(`batch_cancel: order ${id} is ${order.status}, not canceled`, { exchange: 'kraken', symbol: m.symbol, code: 'EOrder:Unknown order' }) };
        }));
      }
    } catch (err) {
      // the requests that went out before stand: say which (never sent again by a retry)
      throw partWay(err, out);
    }
    return out;
  }

  async cancelOrder(id: string, market: Market | undefined, params: OrderParams): Promise<Order> {
    const m = needSymbol(market, 'cancelOrder', 'kraken');
    const cid = typeof params['clientOrderId'] === 'string' ? (params['clientOrderId'] as string) : undefined;
    const from = this.records.seen(id);
    const r = await this.route(
      'cancel_order',
      cid ? { cl_ord_id: [cid] } : { order_id: [id] },
      PATHS.cancelOrder,
      cid ? { cl_ord_id: cid } : { txid: id },
    );
    const orderId = String(r['order_id'] ?? id);
    return this.orderAfter(orderId, m, orderId === id ? from : 0, (e) => FINAL.has(e.order_status ?? ''));
  }

  /** amend_order: the order keeps its id (and its queue priority where Kraken keeps it). */
  async editOrder(id: string, req: OrderRequest): Promise<Order> {
    const m = req.market;
    const qty = toDecimalString(req.amount, m.precision.amount, 'floor');
    const price = req.price !== undefined ? toDecimalString(req.price, m.precision.price, 'round') : undefined;
    const ws: Json = { order_id: id, order_qty: Number(qty) };
    const rest: Query = { txid: id, order_qty: qty };
    if (price !== undefined) {
      ws['limit_price'] = Number(price);
      rest['limit_price'] = price;
    }
    const from = this.records.seen(id);
    await this.route('amend_order', ws, PATHS.amendOrder, rest);
    return this.orderAfter(id, m, from, (e) => e.exec_type === 'amended' || FINAL.has(e.order_status ?? ''));
  }

  async cancelAllOrders(market: Market | undefined, params: OrderParams): Promise<Order[]> {
    const open = await this.fetchOpenOrders(market);
    if (!market) {
      const froms = open.map((o) => this.records.seen(o.id));
      await this.route('cancel_all', {}, PATHS.cancelAll, {});
      return Promise.all(open.map((o, i) => this.orderAfter(o.id, this.ctx.market(o.symbol), froms[i] as number, (e) => FINAL.has(e.order_status ?? ''))));
    }
    return cancelEach(open, (o) => this.cancelOrder(o.id, market, params));
  }

  async close(): Promise<void> {
    this.tap.close();
    clearTimeout(this.balanceTimer);
    this.records.clear();
    await this.rpc?.close();
  }
}

/** Orders per batch_add / AddOrderBatch (Kraken: 2 to 15, one pair). */
const ADD_BATCH_MAX = 15;
/** Ids per batch_cancel / CancelOrderBatch (Kraken: 2 to 50). */
const CANCEL_BATCH_MAX = 50;
