/**
 * OKX's private side: the PrivateAdapter behind fetchBalance / createOrder / on('orders') ...
 * (protocols.md §3 "Login and private channels", "Order entry over WebSocket").
 *
 * One private socket (/ws/v5/private, WsRpc) carries both the private channels and order entry:
 * - after every (re)connect it logs in (`op: login`, HMAC-SHA256 of timestamp + 'GET' +
 *   '/users/self/verify', timestamp in seconds from the server's clock) and subscribes `orders`
 *   (instType SPOT) and `account`; a refused login (60009, 60024, ...) fails the private stream and
 *   orders go over REST while it is retried with backoff;
 * - orders go out as `op: order` / `amend-order` / `cancel-order` (OKX's reply only acknowledges:
 *   `sCode: "0"` and the ordId), and the order's state is taken from the `orders` channel push that
 *   follows (or precedes) the reply, from REST when none comes in time; a request that cannot be
 *   sent over the socket goes over REST (POST /api/v5/trade/order ...) — one whose reply was lost
 *   with its connection is looked up by its clOrdId, never blindly sent again;
 * - `orders` pushes report each fill once (tradeId, fillSz): own trades; `account` pushes balances;
 * - after an interruption REST tells what changed meanwhile (recover).
 *
 * `balance_and_position` is not subscribed: for spot it adds nothing `account` lacks and lacks
 * what a balance needs. Its `balData` carries only `ccy`, `cashBal` and `uTime` (OKX docs-v5
 * "WebSocket > Balance and position channel"), no available / frozen split, so free and used
 * could not be told from it; `account` pushes `availBal`, `frozenBal` and `cashBal` per currency
 * on every change (order placed, filled, canceled, transfer), which is exactly free / used /
 * total. Its other parts are for derivatives (`posData`) or already covered: the `trades` it
 * names come from `orders` (fillSz / tradeId), and deposits / withdrawals from `deposit-info` /
 * `withdrawal-info` on the business socket. One channel fewer also keeps within OKX's 480
 * subscribe requests an hour per connection.
 *
 * OKX allows 60 order requests per 2 s per instrument (shared by WebSocket and REST) and 480
 * login/subscribe requests an hour per connection: one login and two subscriptions per connect.
 */
import { AuthenticationError, BadRequest, BadResponse, InvalidNonce, OrderNotFound } from '../../core/errors';
import type { BalanceData, OrderParams, OrderRequest, PrivateAdapter, PrivateSink, Recovery, RecoveryHint, WithdrawRequest } from '../../core/private-adapter';
import { toDecimalString } from '../../core/decimal';
import type { Market, Order, Trade, Transaction } from '../../core/types';
import { encodeQuery, HttpMethod, Query } from '../../transport/rest-client';
import { ServerClock } from '../../transport/server-clock';
import { RpcReplyLost, WsRpc } from '../../transport/ws-rpc';
import { PrivateContext, StreamTap, onServerClock, privateSocket, reports } from '../private-socket';
import { OrderRecords, cancelEach, inChunks, partWay, needSymbol, orNone, placeBatchOnce, placeOnce, recoverBySymbol, refusedOrder, wsOrRest } from '../order-flow';
import type { OkxCredentials } from './auth';
import { okxError } from './errors';
import type { RestEnvelope } from './parse';
import {
  OkxAccountJson,
  OkxDepositJson,
  OkxFillJson,
  OkxOrderJson,
  OkxWithdrawalJson,
  fillOfOrderPush,
  parseBalances,
  parseDeposit,
  parseFill,
  parseOrder,
  parseWithdrawal,
} from './parse-private';
import { OkxRpcCodec, unwrap } from './private-wire';
import { OkxArgs, amendArgs, cancelArgs, clOrdIdOf, orderArgs } from './trading';
import { PATHS } from './urls';

export interface OkxPrivateContext extends PrivateContext {
  credentials: OkxCredentials;
  marketById(id: string): Market | undefined;
}

type Json = Record<string, unknown>;

const FINAL_STATES = new Set(['filled', 'canceled', 'mmp_canceled']);

export class OkxPrivate implements PrivateAdapter {
  /** deposit-info / withdrawal-info on the business socket report deposits and withdrawals. */
  readonly streamsTransactions = true;
  readonly clock: ServerClock;
  private readonly ctx: OkxPrivateContext;
  private rpc: WsRpc | undefined;
  /** The business socket (/ws/v5/business, logged in): the funding channels, while the stream is wanted. */
  private biz: WsRpc | undefined;
  private readonly tap = new StreamTap();
  /** Order records pushed per ordId (2000 orders, 16 each), kept briefly so a reply can find a push that came first. */
  private readonly pushes = new OrderRecords<OkxOrderJson>(2000, 16);
  private reqSeq = 0;

  constructor(ctx: OkxPrivateContext) {
    this.ctx = ctx;
    this.clock = new ServerClock(async () => {
      const env = await ctx.rest.request<RestEnvelope<{ ts: string }>>('GET', PATHS.time, {});
      const ts = Number(env?.data?.[0]?.ts);
      if (!Number.isFinite(ts)) throw new BadResponse('public/time reply has no ts', { exchange: 'okx', raw: env });
      return ts;
    });
  }

  /** Opens the private socket and measures the clock ahead of the first order. */
  warm(): void {
    this.clock.ensure().catch((err: Error) => this.ctx.error(err));
    if (this.ctx.wsTrading) this.api().start();
  }

  // ---------------------------------------------------------------- the private socket

  api(): WsRpc {
    if (this.rpc) return this.rpc;
    const base = this.ctx.urls.wsPrivate ?? this.ctx.urls.ws;
    this.rpc = privateSocket({ ...reports(this.ctx), url: `${base as string}${PATHS.wsPrivate}`, codec: new OkxRpcCodec(), prepare: () => this.prepare(), push: (m) => this.onPush(m) });
    return this.rpc;
  }

  /** After every (re)connect: login, then the `orders` and `account` channels. */
  private async prepare(): Promise<void> {
    const rpc = this.api();
    await this.loginOn(rpc);
    await Promise.all([
      this.subscribe(rpc, { channel: 'orders', instType: 'SPOT' }),
      this.subscribe(rpc, { channel: 'account' }),
    ]);
  }

  /** The business socket: login, then deposit-info and withdrawal-info. */
  private business(): WsRpc {
    if (this.biz) return this.biz;
    const base = this.ctx.urls.wsPrivate ?? this.ctx.urls.ws;
    const rpc: WsRpc = privateSocket({
      ...reports(this.ctx),
      url: `${base as string}${PATHS.wsBusiness}`,
      codec: new OkxRpcCodec(),
      prepare: async () => {
        await this.loginOn(rpc);
        await Promise.all([this.subscribe(rpc, { channel: 'deposit-info' }), this.subscribe(rpc, { channel: 'withdrawal-info' })]);
      },
      push: (m) => this.onPush(m),
    });
    this.tap.follow(rpc, () => this.maybeLive());
    this.biz = rpc;
    return rpc;
  }

  /** The stream is live once both sockets are logged in and subscribed. */
  private maybeLive(): void {
    if (this.rpc?.isReady && this.biz?.isReady) this.tap.to?.live();
  }

  private async loginOn(rpc: WsRpc): Promise<void> {
    try {
      await this.clock.ensure();
      await this.login(rpc);
    } catch (err) {
      if (err instanceof InvalidNonce) {
        // our timestamp was out of OKX's 30 s window: measure the clock again for the retry
        this.clock.sync().catch(() => undefined);
      } else if (err instanceof AuthenticationError) {
        this.refuse(err);
      }
      throw err;
    }
  }

  private async login(rpc: WsRpc): Promise<void> {
    const r = (await rpc.request('login', { args: [this.ctx.credentials.loginArgs(this.clock.now())] }, { early: true })) as Json;
    if (r['event'] === 'login' && String(r['code'] ?? '0') === '0') return;
    throw okxError(String(r['code'] ?? ''), String(r['msg'] ?? ''), 'login', { raw: r });
  }

  private async subscribe(rpc: WsRpc, arg: Json): Promise<void> {
    const r = (await rpc.request('subscribe', { args: [arg] }, { early: true })) as Json;
    if (r['event'] === 'subscribe') return;
    throw okxError(String(r['code'] ?? ''), String(r['msg'] ?? ''), `subscribe ${String(arg['channel'])}`, { raw: r });
  }

  private refuse(err: Error): void {
    this.tap.refuse(err);
  }

  startStream(sink: PrivateSink): void {
    this.tap.start(sink);
    const rpc = this.api();
    this.tap.follow(rpc, () => this.maybeLive());
    rpc.start();
    this.business().start();
    queueMicrotask(() => this.maybeLive());
  }

  stopStream(): void {
    // the private socket's channels stay subscribed (order replies read them); the business one goes
    this.tap.stop();
    const biz = this.biz;
    this.biz = undefined;
    void biz?.close();
  }

  private onPush(msg: unknown): void {
    if (!msg || typeof msg !== 'object') return;
    const m = msg as Json;
    if (m['event'] === 'notice' && String(m['code']) === '64008') {
      this.api().reconnect(`service upgrade announced (64008): ${String(m['msg'] ?? '')}`);
      return;
    }
    if (m['event'] === 'error') {
      this.ctx.error(okxError(String(m['code'] ?? ''), String(m['msg'] ?? ''), 'private socket', { raw: m }));
      return;
    }
    const arg = m['arg'] as Json | undefined;
    const data = m['data'];
    if (!arg || !Array.isArray(data)) return;
    try {
      if (arg['channel'] === 'orders') for (const d of data as OkxOrderJson[]) this.onOrderPush(d);
      else if (arg['channel'] === 'deposit-info') {
        for (const d of data as OkxDepositJson[]) this.tap.to?.transaction(parseDeposit(d));
      } else if (arg['channel'] === 'withdrawal-info') {
        for (const d of data as OkxWithdrawalJson[]) this.tap.to?.transaction(parseWithdrawal(d));
      }
      else if (arg['channel'] === 'account') {
        for (const d of data as OkxAccountJson[]) this.tap.to?.balance(parseBalances(d));
      }
    } catch (err) {
      this.ctx.error(new BadResponse(`malformed ${String(arg['channel'])} push ignored: ${(err as Error).message}`, { exchange: 'okx', raw: msg }));
    }
  }

  private onOrderPush(d: OkxOrderJson): void {
    if (!d || typeof d.ordId !== 'string') return;
    this.pushes.add(d.ordId, d);
    const sink = this.tap.to;
    const market = this.ctx.marketById(d.instId);
    if (!sink || !market) return;
    const trade = fillOfOrderPush(d, market);
    if (trade) sink.trade(trade);
    sink.order(parseOrder(d, market));
  }

  /**
   * The order record of `ordId` satisfying `pred`: from a push already seen, or the next one; from
   * REST when none comes within the request timeout (or the socket is not up).
   */
  private async orderAfter(ordId: string, m: Market, pred: (o: OkxOrderJson) => boolean): Promise<Order> {
    const hit = await this.pushes.after(ordId, 0, pred, this.ctx.timeoutMs, this.rpc?.isReady === true);
    // the newest record known (a later push may already have come)
    if (hit) return parseOrder(this.pushes.latest(ordId) ?? hit, m);
    return this.fetchOrderBy({ instId: m.id, ordId }, m);
  }

  // ---------------------------------------------------------------- requests

  /** A signed REST request; unwraps the envelope (per-order sCode of trade requests included). */
  private async rest<T>(method: HttpMethod, path: string, query: Query, body?: OkxArgs | OkxArgs[], what = `${method} ${path}`, perEntry = false): Promise<T[]> {
    return onServerClock(this.clock, async (): Promise<T[]> => {
      const qs = encodeQuery(query);
      const text = body ? JSON.stringify(body) : '';
      const headers = this.ctx.credentials.restHeaders(this.clock.now(), method, qs ? `${path}?${qs}` : path, text);
      if (body) headers['Content-Type'] = 'application/json';
      const env = await this.ctx.rest.request<RestEnvelope<T>>(method, path, { query, headers, ...(body ? { body: text } : {}) });
      return unwrap<T>(env, what, perEntry);
    });
  }

  /** An order op over the private socket; rejects with RpcNotSent when the socket cannot take it now. */
  private async wsOp(op: string, args: OkxArgs): Promise<Json> {
    const rpc = this.api();
    await rpc.whenReady(this.ctx.timeoutMs);
    const r = (await rpc.request(op, { args: [args] })) as Json;
    const data = unwrap<Json>(r as unknown as RestEnvelope<Json>, op);
    return data[0] ?? {};
  }

  /** Over the socket unless it cannot take the request now (then REST). */
  private route(op: string, path: string, args: OkxArgs): Promise<Json> {
    return wsOrRest(this.ctx.wsTrading, () => this.wsOp(op, args), async () => (await this.rest<Json>('POST', path, {}, args, op))[0] ?? {});
  }

  /**
   * A batch op (batch-orders / batch-cancel-orders) over the socket unless it cannot take it now
   * (then REST): one reply entry per `args` element, each with its own sCode / sMsg.
   */
  private routeBatch(op: string, path: string, args: OkxArgs[]): Promise<Json[]> {
    return wsOrRest(
      this.ctx.wsTrading,
      async () => {
        const rpc = this.api();
        await rpc.whenReady(this.ctx.timeoutMs);
        return unwrap<Json>((await rpc.request(op, { args })) as RestEnvelope<Json>, op, true);
      },
      () => this.rest<Json>('POST', path, {}, args, op, true),
    );
  }

  // ---------------------------------------------------------------- pub

  async createOrder(req: OrderRequest): Promise<Order> {
    const m = req.market;
    const clOrdId = clOrdIdOf(req.params, m.symbol);
    const args = orderArgs(req, clOrdId);
    const placed = (ack: Json): Promise<Order> => {
      const ordId = String(ack['ordId'] ?? '');
      if (!ordId) throw new BadResponse('order reply has no ordId', { exchange: 'okx', symbol: m.symbol, raw: ack });
      return this.placed(ordId, m, args);
    };
    return placeOnce({
      exchange: 'okx',
      symbol: m.symbol,
      clientOrderId: clOrdId,
      send: async () => placed(await this.route('order', PATHS.order, args)),
      lookup: () => orNone(this.fetchOrderBy({ instId: m.id, clOrdId }, m)),
      resend: async () => placed((await this.rest<Json>('POST', PATHS.order, {}, args, 'order'))[0] ?? {}),
    });
  }

  /** The order once placed: taking orders once done, resting ones once known. */
  private placed(ordId: string, m: Market, sent: OkxArgs): Promise<Order> {
    const taking = sent['ordType'] === 'market' || sent['ordType'] === 'ioc' || sent['ordType'] === 'fok';
    return this.orderAfter(ordId, m, (o) => !taking || FINAL_STATES.has(o.state ?? ''));
  }

  async cancelOrder(id: string, market: Market | undefined, params: OrderParams): Promise<Order> {
    const m = needSymbol(market, 'cancelOrder', 'okx');
    const args = cancelArgs(id, m, params);
    let ack: Json;
    try {
      ack = await this.route('cancel-order', PATHS.cancelOrder, args);
    } catch (err) {
      if (!(err instanceof RpcReplyLost)) throw err;
      const o = await this.fetchOrderBy(args['ordId'] !== undefined ? { instId: m.id, ordId: id } : { instId: m.id, clOrdId: String(args['clOrdId']) }, m);
      if (o.status !== 'open') return o;
      ack = (await this.rest<Json>('POST', PATHS.cancelOrder, {}, args, 'cancel-order'))[0] ?? {};
    }
    const ordId = String(ack['ordId'] || id);
    return this.orderAfter(ordId, m, (o) => FINAL_STATES.has(o.state ?? ''));
  }

  /** amend-order: the order keeps its id (OKX amends in place); its new state once pushed. */
  async editOrder(id: string, req: OrderRequest): Promise<Order> {
    const m = req.market;
    const reqId = `exs${Date.now().toString(36)}${(++this.reqSeq).toString(36)}`;
    const args = amendArgs(id, req, reqId);
    const ack = await this.route('amend-order', PATHS.amendOrder, args);
    const ordId = String(ack['ordId'] || id);
    const o = await this.orderAfter(ordId, m, (x) => (x as unknown as Json)['reqId'] === reqId || FINAL_STATES.has(x.state ?? ''));
    const info = o.info as Json;
    if (info['reqId'] === reqId && info['amendResult'] !== undefined && String(info['amendResult']) !== '0') {
      throw okxError(String(info['code'] || '51503'), String(info['msg'] || 'amend failed'), 'amend-order', { symbol: m.symbol, raw: info });
    }
    return o;
  }

  /**
   * createOrders: `batch-orders` over the private socket (REST POST /api/v5/trade/batch-orders when
   * it cannot take it), at most 20 orders a request (OKX docs-v5 "Place multiple orders"; more are
   * sent as several batches). Each order has its clOrdId; each reply entry its sCode / sMsg: a
   * refused one becomes a 'rejected' entry carrying the mapped error, the others are followed to
   * their state like createOrder. A batch whose reply was lost is reconciled order by order by
   * clOrdId; only those not found are sent again (over REST).
   */
  async createOrders(reqs: OrderRequest[]): Promise<Order[]> {
    const args = reqs.map((r) => orderArgs(r, clOrdIdOf(r.params, r.market.symbol)));
    const out: Order[] = [];
    try {
      for (let i = 0; i < reqs.length; i += BATCH_MAX) {
        out.push(...(await this.placeBatch(reqs.slice(i, i + BATCH_MAX), args.slice(i, i + BATCH_MAX))));
      }
    } catch (err) {
      // the requests that went out before stand: say which (never sent again by a retry)
      throw partWay(err, out);
    }
    return out;
  }

  private async placeBatch(reqs: OrderRequest[], args: OkxArgs[]): Promise<Order[]> {
    const settle = (acks: Json[], idx: number[]): Promise<Order[]> =>
      Promise.all(idx.map(async (i, k) => {
        const [req, sent, a] = [reqs[i] as OrderRequest, args[i] as OkxArgs, acks[k] ?? {}];
        const m = req.market;
        if (a['sCode'] !== undefined && String(a['sCode']) !== '0') {
          return refusedOrder(req, String(a['ordId'] ?? ''), String(sent['clOrdId']), okxError(String(a['sCode']), String(a['sMsg'] ?? ''), 'batch-orders', { symbol: m.symbol, raw: a }), a);
        }
        const ordId = String(a['ordId'] ?? '');
        if (!ordId) return refusedOrder(req, '', String(sent['clOrdId']), new BadResponse('batch-orders reply entry has no ordId', { exchange: 'okx', symbol: m.symbol, raw: a }), a);
        return this.placed(ordId, m, sent);
      }));
    const all = reqs.map((_, i) => i);
    try {
      return await settle(await this.routeBatch('batch-orders', PATHS.batchOrders, args), all);
    } catch (err) {
      if (!(err instanceof RpcReplyLost)) throw err;
      // the connection dropped with the batch in flight: which orders landed?
      return placeBatchOnce(
        all,
        (i) => orNone(this.fetchOrderBy({ instId: (reqs[i] as OrderRequest).market.id, clOrdId: String(args[i]?.['clOrdId']) }, (reqs[i] as OrderRequest).market)),
        async (missing) => settle(await this.rest<Json>('POST', PATHS.batchOrders, {}, missing.map((i) => args[i] as OkxArgs), 'batch-orders', true), missing),
      );
    }
  }

  /**
   * cancelOrders: `batch-cancel-orders` over the private socket (REST POST
   * /api/v5/trade/cancel-batch-orders), at most 20 a request, all of one instrument here (`symbol`
   * is required, as for cancelOrder). A cancel OKX refused (51400 done or canceled already, ...)
   * is an entry carrying the mapped error (the order as last pushed, or known by its id only with
   * status 'rejected'); the others come back canceled.
   *
   * OKX's `mass-cancel` is not used: it cancels the market-maker-protection orders of an OPTION
   * instrument family in Portfolio Margin mode only (OKX docs-v5 "Mass cancel order"), nothing
   * that applies to spot; cancelAllOrders cancels the open orders it lists instead.
   */
  async cancelOrders(ids: string[], market: Market | undefined, params: OrderParams): Promise<Order[]> {
    const m = needSymbol(market, 'cancelOrders', 'okx');
    const out: Order[] = [];
    try {
      for (const chunk of inChunks(ids, BATCH_MAX)) {
        const args = chunk.map((id) => cancelArgs(id, m, { ...params, clientOrderId: undefined }));
        let acks: Json[];
        try {
          acks = await this.routeBatch('batch-cancel-orders', PATHS.cancelBatchOrders, args);
        } catch (err) {
          if (!(err instanceof RpcReplyLost)) throw err;
          // cancels are idempotent: send again over REST (a done order answers 51400 and is looked up)
          acks = await this.rest<Json>('POST', PATHS.cancelBatchOrders, {}, args, 'batch-cancel-orders', true);
        }
        out.push(...(await Promise.all(chunk.map(async (id, k) => {
          const a = acks[k] ?? {};
          if (a['sCode'] !== undefined && String(a['sCode']) !== '0') {
            const err = okxError(String(a['sCode']), String(a['sMsg'] ?? ''), 'batch-cancel-orders', { symbol: m.symbol, raw: a });
            // the order as last pushed (a done order says so), else known by its id only
            const known = this.pushes.latest(id);
            return known ? { ...parseOrder(known, m), error: err } : refusedOrder(m, id, undefined, err, a);
          }
          return this.orderAfter(String(a['ordId'] || id), m, (o) => FINAL_STATES.has(o.state ?? ''));
        }))));
      }
    } catch (err) {
      // the requests that went out before stand: say which (never sent again by a retry)
      throw partWay(err, out);
    }
    return out;
  }

  /** Cancels each open order of the market (OKX's batch cancel takes 20 per request). */
  async cancelAllOrders(market: Market | undefined, params: OrderParams): Promise<Order[]> {
    const m = needSymbol(market, 'cancelAllOrders', 'okx');
    // one done meanwhile (51400-51402): nothing to cancel
    return cancelEach(await this.fetchOpenOrders(m), (o) => this.cancelOrder(o.id, m, params));
  }

  // ---------------------------------------------------------------- REST snapshots

  async fetchBalance(): Promise<BalanceData> {
    const data = await this.rest<OkxAccountJson>('GET', PATHS.balance, {});
    if (!data[0]) throw new BadResponse('account/balance reply is empty', { exchange: 'okx', raw: data });
    return parseBalances(data[0]);
  }

  async fetchOpenOrders(market: Market | undefined): Promise<Order[]> {
    const list = await this.rest<OkxOrderJson>('GET', PATHS.ordersPending, { instType: 'SPOT', instId: market?.id });
    return this.orders(list, market);
  }

  private orders(list: OkxOrderJson[], market: Market | undefined): Order[] {
    const out: Order[] = [];
    for (const o of list) {
      const m = market ?? this.ctx.marketById(o.instId);
      if (m) out.push(parseOrder(o, m));
    }
    // newest first on the wire
    return out.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
  }

  async fetchOrders(market: Market | undefined, since?: number, limit?: number): Promise<Order[]> {
    const m = needSymbol(market, 'fetchOrders', 'okx');
    const [open, done] = await Promise.all([
      this.rest<OkxOrderJson>('GET', PATHS.ordersPending, { instType: 'SPOT', instId: m.id }),
      this.rest<OkxOrderJson>('GET', PATHS.ordersHistory, { instType: 'SPOT', instId: m.id, begin: since, limit: Math.min(limit ?? 100, 100) }),
    ]);
    return this.orders(done.concat(open), m);
  }

  async fetchOrder(id: string, market: Market | undefined): Promise<Order> {
    const m = needSymbol(market, 'fetchOrder', 'okx');
    return this.fetchOrderBy({ instId: m.id, ordId: id }, m);
  }

  private async fetchOrderBy(query: Query, m: Market): Promise<Order> {
    const data = await this.rest<OkxOrderJson>('GET', PATHS.order, query);
    if (!data[0]) throw new OrderNotFound('order does not exist', { exchange: 'okx', symbol: m.symbol, code: '51603' });
    return parseOrder(data[0], m);
  }

  async fetchMyTrades(market: Market | undefined, since?: number, limit?: number): Promise<Trade[]> {
    const list = await this.rest<OkxFillJson>('GET', PATHS.fills, { instType: 'SPOT', instId: market?.id, begin: since, limit: Math.min(limit ?? 100, 100) });
    const out: Trade[] = [];
    for (const f of list) {
      const m = market ?? this.ctx.marketById(f.instId);
      if (m) out.push(parseFill(f, m));
    }
    return out.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
  }

  async fetchDeposits(code?: string, since?: number, limit?: number): Promise<Transaction[]> {
    const list = await this.rest<OkxDepositJson>('GET', PATHS.depositHistory, { ccy: code, limit: Math.min(limit ?? 100, 100) });
    return list.map(parseDeposit).filter((t) => since === undefined || (t.timestamp ?? 0) >= since).sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
  }

  async fetchWithdrawals(code?: string, since?: number, limit?: number): Promise<Transaction[]> {
    const list = await this.rest<OkxWithdrawalJson>('GET', PATHS.withdrawalHistory, { ccy: code, limit: Math.min(limit ?? 100, 100) });
    return list.map(parseWithdrawal).filter((t) => since === undefined || (t.timestamp ?? 0) >= since).sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
  }

  /**
   * POST /api/v5/asset/withdrawal, on chain (`dest` 4): `toAddr` is `address:tag` where a tag
   * applies; `params.chain` names the chain (OKX's default: the main one). Pending until pushed.
   */
  async withdraw(req: WithdrawRequest): Promise<Transaction> {
    if (!req.address) throw new BadRequest('withdraw needs an address', { exchange: 'okx' });
    const p = req.params;
    const args: OkxArgs = { ccy: req.code, amt: toDecimalString(req.amount), dest: '4', toAddr: req.tag ? `${req.address}:${req.tag}` : req.address };
    for (const [k, v] of Object.entries(p)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') args[k] = v;
    const [r] = await this.rest<Json>('POST', PATHS.withdrawal, {}, args, 'withdrawal');
    if (!r || r['wdId'] === undefined) throw new BadResponse('withdrawal reply has no wdId', { exchange: 'okx', raw: r });
    const now = this.clock.now();
    return parseWithdrawal({ wdId: String(r['wdId']), ccy: req.code, chain: r['chain'] as string | undefined, amt: String(r['amt'] ?? args['amt']), to: String(args['toAddr']), ts: String(now), state: '0' });
  }

  /** What changed while the socket was down: balances, open orders, and per symbol the recent orders and fills. */
  async recover(hint: RecoveryHint): Promise<Recovery> {
    const [balance, open] = await Promise.all([this.fetchBalance(), this.fetchOpenOrders(undefined)]);
    const history = async (symbol: string): Promise<[Order[], Trade[]]> => {
      const m = this.ctx.market(symbol);
      const [os, ts] = await Promise.all([this.rest<OkxOrderJson>('GET', PATHS.ordersHistory, { instType: 'SPOT', instId: m.id, limit: 100 }), this.fetchMyTrades(m)]);
      return [os.map((o) => parseOrder(o, m)), ts];
    };
    const { orders, trades } = await recoverBySymbol(hint, open, history);
    const [deposits, withdrawals] = await Promise.all([this.fetchDeposits(), this.fetchWithdrawals()]);
    return { balance, orders, trades, transactions: deposits.concat(withdrawals) };
  }

  async close(): Promise<void> {
    this.tap.close();
    this.pushes.clear();
    await Promise.all([this.rpc?.close(), this.biz?.close()]);
  }
}

/** Orders per batch-orders / batch-cancel-orders request (OKX docs-v5: "maximum 20 orders"). */
const BATCH_MAX = 20;
