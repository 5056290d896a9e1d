/**
 * Bybit v5 private side (spot, unified account): the PrivateAdapter behind fetchBalance /
 * createOrder / on('orders') ... (protocols.md §4 "Authentication and private topics", "Order entry
 * over WebSocket").
 *
 * - REST (account-rest.ts): balances, orders, executions, asset records, withdraw, recover;
 *   /v5/order/{create,amend,cancel,cancel-all} here, signed the same way.
 * - The private stream: /v5/private, `op: auth` after every (re)connect, then one subscribe of
 *   `order`, `execution` and `wallet`; after an interruption the skeleton re-seeds from REST
 *   (recover) so no fill is lost.
 * - Orders over /v5/trade (`order.create`, `order.amend`, `order.cancel`), authenticated the same
 *   way, each request with a unique numeric reqId and X-BAPI-TIMESTAMP / X-BAPI-RECV-WINDOW in its
 *   header. The ack only means "accepted": the order topic confirms it. When the trade socket is
 *   unreachable (or `wsTrading: false`) the same requests go over REST; a create whose reply was
 *   lost with its socket is looked up by its orderLinkId before anything is sent again.
 */
import { AuthenticationError, BadRequest, BadResponse, BaseError, ExchangeNotAvailable, OrderNotFound, RequestTimeout } from '../../core/errors';
import type { EditRequest, OrderParams, OrderRequest, PrivateAdapter, PrivateSink } from '../../core/private-adapter';
import type { Market, Order } from '../../core/types';
import { RpcCodec, RpcReplyLost, WsRpc } from '../../transport/ws-rpc';
import { Asked, clientIdFor, inChunks, partWay, needSymbol, orNone, placeBatchOnce, placeOnce, refusedOrder, wsOrRest } from '../order-flow';
import { StreamTap, onServerClock, privateSocket, reports, subscribeOn } from '../private-socket';
import { BybitAccountRest, PRIVATE_PATHS } from './account-rest';
import { bybitError } from './errors';
import { ExecutionJson, OrderJson, WalletJson, parseExecution, parseOrder, parseWallet } from './parse-private';
import { CATEGORY } from './urls';

export { PRIVATE_PATHS } from './account-rest';
export type { BybitPrivateContext } from './account-rest';

/** The private topics (all-in-one: they cannot be mixed with category topics in one request). */
export const PRIVATE_TOPICS = ['order', 'execution', 'wallet'];

/**
 * Frames of /v5/private and /v5/trade. Requests carry a numeric id (`req_id` on /v5/private,
 * `reqId` on /v5/trade); the auth reply carries none (`{"success":true,"ret_msg":"","op":"auth",..}`
 * and `{"retCode":0,"retMsg":"OK","op":"auth",..}`), nor may a subscribe ack: those are matched to
 * the one request of that op in flight.
 */
function codec(kind: 'private' | 'trade'): RpcCodec {
  const inFlight = new Map<string, number>();
  const idField = kind === 'private' ? 'req_id' : 'reqId';
  return {
    encode(id, op, params) {
      inFlight.set(op, id);
      const frame: Record<string, unknown> = { [idField]: String(id) };
      if (params?.['header']) frame['header'] = params['header'];
      frame['op'] = op;
      if (params?.['args']) frame['args'] = params['args'];
      return JSON.stringify(frame);
    },
    replyId(msg) {
      const m = msg as Record<string, unknown> | null;
      if (!m || typeof m !== 'object' || typeof m['topic'] === 'string') return undefined;
      const raw = m[idField];
      if (typeof raw === 'string' && /^\d+$/.test(raw)) return Number(raw);
      const op = m['op'];
      if ((op === 'auth' || op === 'subscribe') && inFlight.has(op)) {
        const id = inFlight.get(op);
        inFlight.delete(op);
        return id;
      }
      return undefined;
    },
  };
}

interface TradeAck {
  reqId?: string;
  retCode: number;
  retMsg?: string;
  op?: string;
  data?: { orderId?: string; orderLinkId?: string; list?: unknown };
  retExtInfo?: { list?: unknown };
}

/** One order's entry of a batch reply: `result.list[i]` (ids) with `retExtInfo.list[i]` (its code). */
interface BatchEntry {
  orderId: string;
  orderLinkId: string;
  code: number;
  msg: string;
}

/** Spot batch ops take at most 10 orders a request (docs v5 "Batch Place Order", websocket/trade "Batch"). */
export const SPOT_BATCH_MAX = 10;

export class BybitPrivate extends BybitAccountRest implements PrivateAdapter {
  private readonly tap = new StreamTap();
  private privateRpc: WsRpc | undefined;
  private tradeRpc: WsRpc | undefined;
  private linkSeq = 0;

  /** Opens the trade socket and measures the clock ahead of the first order. */
  warm(): void {
    this.clock.ensure().catch((err: Error) => this.ctx.error(err));
    if (this.ctx.wsTrading) this.trade().start();
  }

  // ---------------------------------------------------------------- trading

  private trade(): WsRpc {
    if (this.tradeRpc) return this.tradeRpc;
    const rpc: WsRpc = privateSocket({
      ...reports(this.ctx),
      url: `${this.ctx.urls.wsPrivate ?? this.ctx.urls.ws}${PRIVATE_PATHS.wsTrade}`,
      codec: codec('trade'),
      prepare: (): Promise<void> => this.auth(rpc, 'trade'),
    });
    this.tradeRpc = rpc;
    return rpc;
  }

  /** `op: auth` on a fresh connection; a refusal is an AuthenticationError (retCode 10004 / ret_msg). */
  private async auth(rpc: WsRpc, kind: 'private' | 'trade'): Promise<void> {
    await this.clock.ensure();
    // expires: a future time, as Bybit requires (10 s ahead of the server's clock)
    const args = this.ctx.credentials.wsAuthArgs(this.clock.now() + 10_000);
    const r = (await rpc.request('auth', { args }, { early: true })) as Record<string, unknown>;
    const ok = kind === 'private' ? r['success'] === true : r['retCode'] === 0;
    if (!ok) {
      const msg = String(r['ret_msg'] ?? r['retMsg'] ?? 'auth refused');
      const code = typeof r['retCode'] === 'number' ? r['retCode'] : undefined;
      const err = code !== undefined ? bybitError(code, msg, `${PRIVATE_PATHS[kind === 'private' ? 'wsPrivate' : 'wsTrade']} auth`) : new AuthenticationError(`${PRIVATE_PATHS.wsPrivate} auth failed: ${msg}`, { exchange: 'bybit' });
      if (kind === 'private') this.refuse(err);
      throw err;
    }
  }

  /** Over /v5/trade unless it cannot take the request now (then REST, which nothing was sent to). */
  /** One order op over /v5/trade: the ack's `data`, or the mapped retCode error. */
  private async wsOp(op: string, arg: Record<string, unknown>, symbol: string): Promise<{ orderId?: string; orderLinkId?: string }> {
    return (await this.wsRequest(op, arg, symbol)).data ?? {};
  }

  /** One request over /v5/trade: the whole ack (retCode 0), or the mapped retCode error. */
  private async wsRequest(op: string, arg: Record<string, unknown>, symbol: string | undefined): Promise<TradeAck> {
    const rpc = this.trade();
    await rpc.whenReady(this.ctx.timeoutMs);
    const attempt = async (): Promise<TradeAck> => {
      const header = { 'X-BAPI-TIMESTAMP': String(this.clock.now()), 'X-BAPI-RECV-WINDOW': String(this.ctx.recvWindow) };
      const r = (await rpc.request(op, { header, args: [arg] })) as TradeAck;
      if (!r || typeof r.retCode !== 'number') throw new BadResponse(`${op}: reply is not a Bybit ack`, { exchange: 'bybit', symbol, raw: r });
      if (r.retCode !== 0) throw bybitError(r.retCode, r.retMsg ?? '', op, { symbol, raw: r });
      return r;
    };
    // 10002: the timestamp is outside the recv window (the request was refused, not executed):
    // measure the server's clock again and send it once more
    return onServerClock(this.clock, attempt);
  }

  private newLinkId(): string {
    // at most 36 characters, unique per account
    return `xs${Date.now().toString(36)}${(++this.linkSeq).toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  }

  /** The order.create / create-batch fields of an order (category added by the caller). */
  private createArg(req: OrderRequest): { arg: Record<string, unknown>; linkId: string } {
    const m = req.market;
    const linkId = clientIdFor(req.params, 'bybit', m.symbol, () => this.newLinkId());
    const arg: Record<string, unknown> = {
      symbol: m.id,
      side: req.side === 'buy' ? 'Buy' : 'Sell',
      orderType: req.type === 'market' ? 'Market' : 'Limit',
      qty: String(req.amount),
      orderLinkId: linkId,
    };
    if (req.type !== 'market') {
      if (req.price === undefined) throw new BadRequest('a limit order needs a price', { exchange: 'bybit', symbol: m.symbol });
      arg['price'] = String(req.price);
      arg['timeInForce'] = req.params['postOnly'] === true ? 'PostOnly' : typeof req.params['timeInForce'] === 'string' ? req.params['timeInForce'] : 'GTC';
    } else {
      // spot market orders: qty in the base coin
      arg['marketUnit'] = 'baseCoin';
    }
    return { arg, linkId };
  }

  async createOrder(req: OrderRequest): Promise<Order> {
    const m = req.market;
    const { arg: fields, linkId } = this.createArg(req);
    const arg: Record<string, unknown> = { category: CATEGORY, ...fields };
    const accepted = (id: string | undefined): Order => pendingOrder(req, id ?? '', linkId);
    const rest = (): Promise<Order> => this.restCreate(arg, m, linkId, accepted);
    let overWs = true;
    return placeOnce({
      exchange: 'bybit',
      symbol: m.symbol,
      clientOrderId: linkId,
      send: () =>
        wsOrRest(this.ctx.wsTrading, 
          async () => accepted((await this.wsOp('order.create', arg, m.symbol)).orderId),
          () => {
            overWs = false;
            return rest();
          },
        ),
      // the trade socket's lost or late reply is looked up by orderLinkId and sent again over REST
      // when not there (a second one with the same orderLinkId is refused); a REST create resends a
      // timed-out request itself (restCreate), and one that still times out is looked up
      lost: (err) => overWs && err instanceof RequestTimeout,
      lookup: () => orNone(this.findOrder({ orderLinkId: linkId }, m)),
      resend: rest,
    });
  }

  /**
   * POST /v5/order/create, safe to repeat: when no reply comes (timeout, connection lost) the same
   * request goes once more with the same orderLinkId. Bybit never takes a second order with one
   * (retCode 170141 "Duplicate clientOrderId", 110072 on the unified codes): that refusal means the
   * first one landed, and the order is looked up by its orderLinkId instead of being reported as
   * an error.
   */
  private async restCreate(arg: Record<string, unknown>, m: Market, linkId: string, accepted: (id: string | undefined) => Order): Promise<Order> {
    const send = async (): Promise<Order> => accepted((await this.signed<{ orderId?: string }>('POST', PRIVATE_PATHS.create, arg, m.symbol)).orderId);
    const landed = (): Promise<Order> => this.findOrder({ orderLinkId: linkId }, m);
    try {
      return await send();
    } catch (err) {
      if (isDuplicateLinkId(err)) return landed();
      if (!(err instanceof RequestTimeout) && !(err instanceof ExchangeNotAvailable)) throw err;
    }
    try {
      return await send();
    } catch (err) {
      if (isDuplicateLinkId(err)) return landed();
      throw err;
    }
  }

  // ---------------------------------------------------------------- batch ops

  /**
   * One batch op, `order.{create,amend,cancel}-batch` over /v5/trade (REST /v5/order/*-batch when
   * the trade socket cannot take it): `{category, request}`; the reply's `list` and
   * `retExtInfo.list` give one entry per order, in order.
   */
  private async batch(kind: 'create' | 'amend' | 'cancel', items: Array<Record<string, unknown>>, symbol: string | undefined): Promise<BatchEntry[]> {
    const body = { category: CATEGORY, request: items };
    const path = PRIVATE_PATHS[`${kind}Batch`];
    const entries = (list: unknown, ext: unknown, raw: unknown): BatchEntry[] => batchEntries(list, ext, items.length, `${kind} batch`, raw);
    return wsOrRest(this.ctx.wsTrading, 
      async () => {
        const r = await this.wsRequest(`order.${kind}-batch`, body, symbol);
        return entries(r.data?.list, r.retExtInfo?.list, r);
      },
      async () => {
        const env = await this.signedEnvelope<{ list?: unknown }>('POST', path, body, symbol);
        return entries(env.result?.list, env.retExtInfo?.list, env);
      },
    );
  }

  /**
   * createOrders: `order.create-batch` (REST create-batch as the fallback), at most 10 spot orders
   * a request, so larger lists go in several. Each accepted entry is the order as accepted (the
   * order topic brings its state); a refused one is 'rejected' with its mapped error. A batch
   * whose reply is lost with its socket is looked up order by order by orderLinkId; what did not
   * land is sent again over REST (same orderLinkIds: never twice).
   */
  async createOrders(reqs: OrderRequest[]): Promise<Order[]> {
    const made = reqs.map((req) => ({ req, ...this.createArg(req) }));
    const out: Order[] = [];
    try {
      for (const part of inChunks(made, SPOT_BATCH_MAX)) {
        const items = part.map((x) => x.arg);
        const symbol = sameSymbol(part.map((x) => x.req.market));
        let list: BatchEntry[];
        try {
          list = await this.batch('create', items, symbol);
        } catch (err) {
          if (!(err instanceof RpcReplyLost) && !(err instanceof RequestTimeout)) throw err;
          // each order looked up by orderLinkId, the missing ones sent (again) over REST
          out.push(...(await placeBatchOnce(part, (x) => orNone(this.findOrder({ orderLinkId: x.linkId }, x.req.market)), (missing) => this.createAgain(missing))));
          continue;
        }
        part.forEach((x, i) => {
          const e = list[i] as BatchEntry;
          out.push(e.code === 0 ? pendingOrder(x.req, e.orderId, x.linkId) : rejectedOrder(x.req, e, 'order.create-batch'));
        });
      }
    } catch (err) {
      // the requests that went out before stand: say which (never sent again by a retry)
      throw partWay(err, out);
    }
    return out;
  }

  /** The orders of a create batch that did not land, sent again over REST (a duplicate orderLinkId: it landed meanwhile). */
  private async createAgain(missing: Array<{ req: OrderRequest; arg: Record<string, unknown>; linkId: string }>): Promise<Order[]> {
    const env = await this.signedEnvelope<{ list?: unknown }>('POST', PRIVATE_PATHS.createBatch, { category: CATEGORY, request: missing.map((x) => x.arg) });
    const list = batchEntries(env.result?.list, env.retExtInfo?.list, missing.length, 'create batch', env);
    const out: Order[] = [];
    for (const [i, x] of missing.entries()) {
      const e = list[i] as BatchEntry;
      out.push(e.code === 0 ? pendingOrder(x.req, e.orderId, x.linkId) : isDuplicateCode(e.code) ? await this.findOrder({ orderLinkId: x.linkId }, x.req.market) : rejectedOrder(x.req, e, 'order.create-batch'));
    }
    return out;
  }

  /** editOrders: `order.amend-batch` (REST amend-batch), 10 a request; accepted ones read back, keeping their ids. */
  async editOrders(reqs: EditRequest[]): Promise<Order[]> {
    const out: Order[] = [];
    try {
      for (const part of inChunks(reqs, SPOT_BATCH_MAX)) {
        const items = part.map((r) => {
          const item: Record<string, unknown> = { symbol: r.market.id, orderId: r.id };
          if (r.price !== undefined) item['price'] = String(r.price);
          if (r.amount !== undefined) item['qty'] = String(r.amount);
          return item;
        });
        const list = await this.batch('amend', items, sameSymbol(part.map((r) => r.market)));
        const ok = part.filter((_, i) => (list[i] as BatchEntry).code === 0);
        const read = await this.readBack(ok.map((r) => ({ id: r.id, market: r.market })));
        part.forEach((r, i) => {
          const e = list[i] as BatchEntry;
          out.push(e.code === 0 ? (read.get(r.id) as Order) : rejectedOrder(r, { ...e, orderId: r.id }, 'order.amend-batch'));
        });
      }
    } catch (err) {
      // the requests that went out before stand: say which (never sent again by a retry)
      throw partWay(err, out);
    }
    return out;
  }

  /** cancelOrders: `order.cancel-batch` (REST cancel-batch) of one symbol's orders, 10 a request. */
  async cancelOrders(ids: string[], given: Market | undefined): Promise<Order[]> {
    const market = needSymbol(given, 'cancelOrders', 'bybit');
    const out: Order[] = [];
    try {
      for (const part of inChunks(ids, SPOT_BATCH_MAX)) {
        const list = await this.batch('cancel', part.map((orderId) => ({ symbol: market.id, orderId })), market.symbol);
        const ok = part.filter((_, i) => (list[i] as BatchEntry).code === 0);
        const read = await this.readBack(ok.map((id) => ({ id, market })));
        part.forEach((id, i) => {
          const e = list[i] as BatchEntry;
          if (e.code !== 0) {
            out.push(rejectedOrder({ market, type: '', amount: 0, price: undefined }, { ...e, orderId: id }, 'order.cancel-batch'));
            return;
          }
          const o = read.get(id) as Order;
          // the ack means "accepted": an order still open now is on its way out
          out.push(o.status === 'open' ? { ...o, status: 'canceled', remaining: 0 } : o);
        });
      }
    } catch (err) {
      // the requests that went out before stand: say which (never sent again by a retry)
      throw partWay(err, out);
    }
    return out;
  }

  /** Orders by id after a batch: one open-orders and one history page per symbol, then one by one for any not on them. */
  private async readBack(refs: Array<{ id: string; market: Market }>): Promise<Map<string, Order>> {
    const out = new Map<string, Order>();
    const bySymbol = new Map<string, Market>();
    for (const r of refs) bySymbol.set(r.market.symbol, r.market);
    await Promise.all(
      [...bySymbol.values()].map(async (m) => {
        const [open, past] = await Promise.all([
          this.signed<{ list?: OrderJson[] }>('GET', PRIVATE_PATHS.realtime, { category: CATEGORY, symbol: m.id, limit: 50 }, m.symbol),
          this.signed<{ list?: OrderJson[] }>('GET', PRIVATE_PATHS.history, { category: CATEGORY, symbol: m.id, limit: 50 }, m.symbol),
        ]);
        for (const o of [...this.orders(past.list, m), ...this.orders(open.list, m)]) out.set(o.id, o);
      }),
    );
    await Promise.all(refs.filter((r) => !out.has(r.id)).map(async (r) => out.set(r.id, await this.findOrder({ orderId: r.id }, r.market))));
    return out;
  }

  async cancelOrder(id: string, given: Market | undefined, params: OrderParams): Promise<Order> {
    const market = needSymbol(given, 'cancelOrder', 'bybit');
    const arg: Record<string, unknown> = { category: CATEGORY, symbol: market.id, orderId: id };
    if (typeof params['clientOrderId'] === 'string') {
      delete arg['orderId'];
      arg['orderLinkId'] = params['clientOrderId'];
    }
    const rest = (): Promise<unknown> => this.signed('POST', PRIVATE_PATHS.cancel, arg, market.symbol);
    try {
      await wsOrRest(this.ctx.wsTrading, () => this.wsOp('order.cancel', arg, market.symbol), rest);
    } catch (err) {
      if (!(err instanceof RpcReplyLost) && !(err instanceof RequestTimeout)) throw err;
      try {
        await rest();
      } catch (e) {
        if (!(e instanceof OrderNotFound)) throw e;
      }
    }
    const o = await this.findOrder(arg['orderId'] !== undefined ? { orderId: id } : { orderLinkId: arg['orderLinkId'] as string }, market);
    return o.status === 'open' ? { ...o, status: 'canceled', remaining: 0 } : o;
  }

  /** order.amend: price and/or qty of an open order; the order keeps its id. */
  async editOrder(id: string, req: OrderRequest): Promise<Order> {
    const m = req.market;
    const arg: Record<string, unknown> = { category: CATEGORY, symbol: m.id, orderId: id };
    if (req.price !== undefined) arg['price'] = String(req.price);
    if (req.amount !== undefined) arg['qty'] = String(req.amount);
    await wsOrRest(this.ctx.wsTrading, 
      () => this.wsOp('order.amend', arg, m.symbol),
      () => this.signed('POST', PRIVATE_PATHS.amend, arg, m.symbol),
    );
    return this.findOrder({ orderId: id }, m);
  }

  async cancelAllOrders(market: Market | undefined, params: OrderParams): Promise<Order[]> {
    const open = await this.fetchOpenOrders(market);
    const body: Record<string, unknown> = { category: CATEGORY, ...(market ? { symbol: market.id } : {}) };
    for (const [k, v] of Object.entries(params)) if (typeof v === 'string') body[k] = v;
    const r = await this.signed<{ list?: Array<{ orderId: string }> }>('POST', PRIVATE_PATHS.cancelAll, body, market?.symbol);
    const ids = new Set((r.list ?? []).map((x) => String(x.orderId)));
    return open.filter((o) => ids.has(o.id)).map((o) => ({ ...o, status: 'canceled' as const, remaining: 0 }));
  }

  // ---------------------------------------------------------------- private stream

  private privateApi(): WsRpc {
    if (this.privateRpc) return this.privateRpc;
    const rpc: WsRpc = privateSocket({
      ...reports(this.ctx),
      url: `${this.ctx.urls.wsPrivate ?? this.ctx.urls.ws}${PRIVATE_PATHS.wsPrivate}`,
      codec: codec('private'),
      prepare: (): Promise<void> => this.auth(rpc, 'private'),
      // a refused auth fails the stream (refuse) rather than being reported again
      error: (e) => {
        if (!(e instanceof AuthenticationError)) this.ctx.error(e);
      },
      push: (msg) => this.onEvent(msg),
    });
    this.tap.follow(rpc, () => {
      if (this.tap.wanted) void this.subscribe(rpc);
    });
    this.privateRpc = rpc;
    return rpc;
  }

  startStream(sink: PrivateSink): void {
    this.tap.start(sink);
    const rpc = this.privateApi();
    rpc.start();
    if (rpc.isReady) void this.subscribe(rpc);
  }

  stopStream(): void {
    this.tap.stop();
    const rpc = this.privateRpc;
    this.privateRpc = undefined;
    void rpc?.close();
  }

  private refuse(err: Error): void {
    if (!this.tap.refuse(err)) return;
    const rpc = this.privateRpc;
    this.privateRpc = undefined;
    // close outside the prepare that is failing now
    setImmediate(() => void rpc?.close());
  }

  private subscribe(rpc: WsRpc): Promise<void> {
    return subscribeOn(rpc, 'private subscription', async () => {
      const r = (await rpc.request('subscribe', { args: PRIVATE_TOPICS })) as Record<string, unknown>;
      if (r['success'] !== true) throw new BadRequest(`subscribe ${PRIVATE_TOPICS.join(',')} failed: ${String(r['ret_msg'] ?? '')}`, { exchange: 'bybit', raw: r });
      this.tap.to?.live();
    }).catch((err: Error) => this.refuse(err));
  }

  private onEvent(msg: unknown): void {
    const sink = this.tap.to;
    if (!sink) return;
    const m = msg as { topic?: unknown; data?: unknown; creationTime?: unknown };
    if (!m || typeof m.topic !== 'string' || !Array.isArray(m.data)) return;
    try {
      const topic = m.topic.split('.')[0];
      if (topic === 'wallet') {
        sink.balance(parseWallet(m.data as WalletJson[], typeof m.creationTime === 'number' ? m.creationTime : undefined, msg));
      } else if (topic === 'order') {
        for (const o of m.data as OrderJson[]) {
          const mk = this.marketOf(o.symbol);
          if (mk) sink.order(parseOrder(o, mk));
        }
      } else if (topic === 'execution') {
        for (const e of m.data as ExecutionJson[]) {
          const mk = this.marketOf(e.symbol);
          if (mk && (e.execType === undefined || e.execType === 'Trade')) sink.trade(parseExecution(e, mk));
        }
      }
    } catch (err) {
      this.ctx.error(new BadResponse(`malformed ${m.topic} push ignored: ${(err as Error).message}`, { exchange: 'bybit', raw: msg }));
    }
  }

  async close(): Promise<void> {
    this.tap.close();
    await Promise.all([this.privateRpc?.close(), this.tradeRpc?.close()]);
  }
}

/** The order as accepted (the ack carries only its ids); the order topic brings its real state. */
function pendingOrder(req: OrderRequest, id: string, linkId: string): Order {
  const now = Date.now();
  return {
    id,
    clientOrderId: linkId,
    symbol: req.market.symbol,
    timestamp: now,
    datetime: new Date(now).toISOString(),
    type: req.type,
    side: req.side,
    price: req.price,
    amount: req.amount,
    filled: 0,
    remaining: req.amount,
    cost: 0,
    status: 'open',
    info: { orderId: id, orderLinkId: linkId },
  };
}

/** 170141 "Duplicate clientOrderId" (spot), 110072 "OrderLinkedID is duplicate" (unified): an order with this orderLinkId exists. */
function isDuplicateCode(code: number): boolean {
  return code === 170141 || code === 110072;
}

function isDuplicateLinkId(err: unknown): boolean {
  return err instanceof BaseError && isDuplicateCode(Number(err.code));
}

/** The per-order entries of a batch reply, checked: one list entry and one code per order sent. */
function batchEntries(list: unknown, ext: unknown, n: number, what: string, raw: unknown): BatchEntry[] {
  if (!Array.isArray(list) || !Array.isArray(ext) || list.length !== n || ext.length !== n) {
    throw new BadResponse(`${what}: reply does not hold one entry per order (${n} sent)`, { exchange: 'bybit', raw });
  }
  return list.map((x: Record<string, unknown>, i) => {
    const c = ext[i] as Record<string, unknown>;
    if (typeof c?.['code'] !== 'number') throw new BadResponse(`${what}: retExtInfo entry ${i} has no code`, { exchange: 'bybit', raw });
    return { orderId: String(x?.['orderId'] ?? ''), orderLinkId: String(x?.['orderLinkId'] ?? ''), code: c['code'], msg: String(c['msg'] ?? '') };
  });
}

/** An order a batch refused: status 'rejected', the retCode's typed error. */
function rejectedOrder(asked: Asked, e: BatchEntry, op: string): Order {
  const info = { orderId: e.orderId, orderLinkId: e.orderLinkId, code: e.code, msg: e.msg };
  return refusedOrder(asked, e.orderId, e.orderLinkId || undefined, bybitError(e.code, e.msg, op, { symbol: asked.market.symbol }), info, 0);
}

/** The symbol of a batch when all its orders share one (for error texts). */
function sameSymbol(markets: Market[]): string | undefined {
  const first = markets[0]?.symbol;
  return markets.every((m) => m.symbol === first) ? first : undefined;
}
