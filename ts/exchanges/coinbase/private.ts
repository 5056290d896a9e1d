/**
 * Coinbase Advanced Trade's private side: the PrivateAdapter behind fetchBalance / createOrder /
 * on('orders') ... (protocols.md §5 "Orders", "user").
 *
 * - Every REST call carries a fresh JWT whose `uri` claim is "METHOD host/path" (auth.ts).
 * - Orders go over REST: Advanced Trade has no WebSocket order entry. Every order carries a
 *   client_order_id; a request whose reply was lost (timeout, dropped connection) is reconciled by
 *   that id (looked up among the product's recent orders) and only sent again when the exchange
 *   does not have it — and then with the same id, which the exchange deduplicates.
 * - The `user` channel (advanced-trade-ws-user, JWT on every subscribe) pushes the open orders
 *   first, then every order change. Own trades are not pushed: a rise in an order's
 *   `cumulative_quantity` / `number_of_fills` is confirmed against `/orders/historical/fills`
 *   for that order, and the balance, which Coinbase never streams for spot, is read again from
 *   `/accounts` after each fill. `heartbeats` keeps the socket alive; a jump in its
 *   connection-wide `sequence_num` means lost updates: the socket reconnects and the state is
 *   re-seeded from REST (PrivateApi's recovery).
 */
import { randomUUID } from 'crypto';
import { BadRequest, BadResponse, BaseError, ExchangeNotAvailable, OrderNotFound } from '../../core/errors';
import type { OrderRequest, PrivateAdapter, PrivateSink, Recovery, RecoveryHint } from '../../core/private-adapter';
import type { Market, Order, StatusEvent, Trade, Transaction } from '../../core/types';
import { RateLimiter } from '../../transport/rate-limiter';
import { HttpMethod, Query, RestClient } from '../../transport/rest-client';
import { WsConnection } from '../../transport/ws-connection';
import type { ConnectionOptions } from '../adapter';
import { clientIdFor, placeOnce } from '../order-flow';
import { CoinbaseCredentials, restUri } from './auth';
import { mapRestError, orderErrorClass, wsError } from './errors';
import { AccountJson, FillJson, OrderJson, TransferJson, WsOrder, parseAccounts, parseFill, parseOrder, parseTransfer, parseWsOrder } from './parse-private';

const B = '/api/v3/brokerage';

export const PRIVATE_PATHS = {
  accounts: `${B}/accounts`,
  orders: `${B}/orders`,
  batchCancel: `${B}/orders/batch_cancel`,
  edit: `${B}/orders/edit`,
  historicalBatch: `${B}/orders/historical/batch`,
  historicalOrder: (id: string) => `${B}/orders/historical/${encodeURIComponent(id)}`,
  fills: `${B}/orders/historical/fills`,
  /** Coinbase App API v2 (deposits / withdrawals of one account). */
  transfers: (accountId: string, kind: 'deposits' | 'withdrawals') => `/v2/accounts/${encodeURIComponent(accountId)}/${kind}`,
};

export interface CoinbasePrivateContext {
  credentials: CoinbaseCredentials;
  restBase: string;
  wsPrivateUrl: string;
  timeoutMs: number;
  connection: ConnectionOptions;
  /** Re-read balances this often while the stream runs (ms; 0: only after fills and reconnects). */
  balancePollMs: number;
  marketById(id: string): Market | undefined;
  market(symbol: string): Market;
  error(err: Error): void;
  /** The user socket's connection status, for the exchange's 'status' channel. */
  status?(s: StatusEvent): void;
}

/** The wire order_configuration of a unified order request. */
export function orderConfiguration(req: OrderRequest): Record<string, Record<string, unknown>> {
  const p = req.params;
  const base = String(req.amount);
  if (req.type === 'market') {
    const cost = p['cost'] ?? p['quoteSize'];
    // market buys may be sized in quote ("cost"), sells only in base
    return { market_market_ioc: cost !== undefined ? { quote_size: String(cost) } : { base_size: base } };
  }
  if (req.type !== 'limit') throw new BadRequest(`order type ${req.type} is not supported (limit, market)`, { exchange: 'coinbase', symbol: req.market.symbol });
  if (req.price === undefined) throw new BadRequest('a limit order needs a price', { exchange: 'coinbase', symbol: req.market.symbol });
  const price = String(req.price);
  const tif = String(p['timeInForce'] ?? 'GTC').toUpperCase();
  const postOnly = p['postOnly'] === true || tif === 'PO';
  if (tif === 'GTC' || tif === 'PO') return { limit_limit_gtc: { base_size: base, limit_price: price, post_only: postOnly } };
  if (tif === 'FOK') return { limit_limit_fok: { base_size: base, limit_price: price } };
  if (tif === 'IOC') return { sor_limit_ioc: { base_size: base, limit_price: price } };
  if (tif === 'GTD') {
    const end = p['endTime'] ?? p['end_time'];
    if (end === undefined) throw new BadRequest('a GTD order needs params.endTime (ms or ISO)', { exchange: 'coinbase', symbol: req.market.symbol });
    const endIso = typeof end === 'number' ? new Date(end).toISOString() : String(end);
    return { limit_limit_gtd: { base_size: base, limit_price: price, end_time: endIso, post_only: postOnly } };
  }
  throw new BadRequest(`timeInForce ${tif} is not one of GTC, GTD, IOC, FOK, PO`, { exchange: 'coinbase', symbol: req.market.symbol });
}

interface PlaceReply {
  success: boolean;
  success_response?: { order_id: string; product_id?: string; side?: string; client_order_id?: string };
  error_response?: { error?: string; message?: string; error_details?: string; preview_failure_reason?: string; new_order_failure_reason?: string };
  failure_reason?: string;
}


/** Finished orders whose last fill count is remembered (see fillsFinished). */
export const FINISHED_KEPT = 1000;
export class CoinbasePrivate implements PrivateAdapter {
  private readonly rest: RestClient;
  private sink: PrivateSink | undefined;
  private conn: WsConnection | undefined;
  private streamWanted = false;
  private lastSeq: number | undefined;
  /** order id -> number of fills / cumulative quantity last seen on the user channel (working orders). */
  private readonly fillsSeen = new Map<string, string>();
  /**
   * The same for finished orders, the newest FINISHED_KEPT only (a late or repeated message of a
   * finished order is still recognised; a long-running client does not keep every order it saw).
   */
  private readonly fillsFinished = new Map<string, string>();
  /**
   * order id -> its size while it works (the user channel names none: a finished order reports
   * leaves_quantity 0, so a canceled order's size is what was seen before). Dropped when it ends.
   */
  private readonly sizes = new Map<string, number>();
  private snapshotDone = false;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  /** live() was reported for the current connection. */
  private liveSent = false;

  constructor(private readonly ctx: CoinbasePrivateContext) {
    this.rest = new RestClient({
      baseUrl: ctx.restBase,
      exchange: 'coinbase',
      timeoutMs: ctx.timeoutMs,
      // private endpoints: 30 requests a second per user (Advanced Trade rate limits page)
      limiter: new RateLimiter({ capacity: 30, intervalMs: 1000 }),
      mapError: (status, body) => mapRestError(status, body, 'request'),
    });
  }

  private async call<T>(method: HttpMethod, path: string, query?: Query, body?: unknown, symbol?: string): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.ctx.credentials.jwt(restUri(method, this.ctx.restBase, path))}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      const r = await this.rest.request<T>(method, path, { query, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      if (!r || typeof r !== 'object') throw new BadResponse(`${method} ${path}: reply is not a JSON object`, { exchange: 'coinbase', symbol, raw: r });
      return r;
    } catch (err) {
      if (err instanceof BaseError && symbol !== undefined && err.symbol === undefined) {
        const Cls = err.constructor as new (m: string, c: ConstructorParameters<typeof BaseError>[1]) => BaseError;
        const prefix = `${err.exchange}: `;
        throw new Cls(err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message, { exchange: err.exchange, symbol, code: err.code, raw: err.raw, status: err.status });
      }
      throw err;
    }
  }

  private marketOf(id: string): Market | undefined {
    return this.ctx.marketById(id);
  }

  // ---------------------------------------------------------------- trading (REST)

  async createOrder(req: OrderRequest): Promise<Order> {
    const cid = clientIdFor(req.params, 'coinbase', req.market.symbol, randomUUID);
    const body = { client_order_id: cid, product_id: req.market.id, side: req.side === 'buy' ? 'BUY' : 'SELL', order_configuration: orderConfiguration(req) };
    const started = Date.now();
    const place = async (): Promise<Order> => {
      const reply = await this.call<PlaceReply>('POST', PRIVATE_PATHS.orders, undefined, body, req.market.symbol);
      // a client_order_id Coinbase has seen: "the order fails to be created and the order
      // corresponding to that ID is returned" (Create Order reference): its id, whatever `success` says
      const seen = reply.success_response?.order_id !== undefined && (reply.success_response.client_order_id ?? cid) === cid;
      if (!seen || !reply.success_response) {
        const e = reply.error_response ?? {};
        // the most specific reason: error ("INSUFFICIENT_FUND"), new_order_failure_reason, then
        // preview_failure_reason without its PREVIEW_ prefix; UNKNOWN_* say nothing
        const known = (v: string | undefined): string | undefined => (v && !v.startsWith('UNKNOWN_') ? v : undefined);
        const code = known(e.error) ?? known(e.new_order_failure_reason) ?? known(e.preview_failure_reason?.replace(/^PREVIEW_/, '')) ?? e.error ?? reply.failure_reason;
        const Cls = orderErrorClass(code);
        throw new Cls(`POST orders: ${[code, e.message ?? e.error_details].filter(Boolean).join(': ')}`, { exchange: 'coinbase', symbol: req.market.symbol, code, raw: reply });
      }
      return this.fetchOrder(reply.success_response.order_id, req.market);
    };
    // no reply (timeout, connection lost) or a gateway error: the order may have landed. Did it?
    // Never placed twice: a resend carries the same client_order_id, which Coinbase deduplicates
    return placeOnce({
      exchange: 'coinbase',
      symbol: req.market.symbol,
      clientOrderId: cid,
      send: place,
      timedOut: (err) => err instanceof ExchangeNotAvailable,
      lookup: () => this.findByClientId(req.market, cid, started),
      resend: place,
      dedupes: true,
    });
  }

  /** The product's order with this client_order_id placed since `since` (ms), if any. */
  private async findByClientId(m: Market, cid: string, since: number): Promise<Order | undefined> {
    const r = await this.call<{ orders?: OrderJson[] }>('GET', PRIVATE_PATHS.historicalBatch, { product_ids: m.id, start_date: new Date(since - 60_000).toISOString(), limit: 1000 }, undefined, m.symbol);
    const o = (r.orders ?? []).find((x) => x.client_order_id === cid);
    return o ? parseOrder(o, m) : undefined;
  }

  async cancelOrder(id: string, market: Market | undefined): Promise<Order> {
    type Reply = { results?: { success: boolean; failure_reason?: string; order_id: string }[] };
    const r = await this.call<Reply>('POST', PRIVATE_PATHS.batchCancel, undefined, { order_ids: [id] }, market?.symbol);
    const res = r.results?.[0];
    if (!res) throw new BadResponse('POST batch_cancel: no result', { exchange: 'coinbase', symbol: market?.symbol, raw: r });
    if (!res.success) {
      const Cls = orderErrorClass(res.failure_reason === 'UNKNOWN_CANCEL_ORDER' ? 'UNKNOWN_CANCEL_ORDER' : res.failure_reason);
      throw new Cls(`cancel ${id}: ${res.failure_reason ?? 'failed'}`, { exchange: 'coinbase', symbol: market?.symbol, code: res.failure_reason, raw: r });
    }
    return this.fetchOrder(id, market);
  }

  async editOrder(id: string, req: OrderRequest): Promise<Order> {
    if (req.price === undefined) throw new BadRequest('editOrder needs the new price', { exchange: 'coinbase', symbol: req.market.symbol });
    // Edit Order's reply: success, errors[] (edit_failure_reason, preview_failure_reason), and in
    // Coinbase's SDK (coinbase-advanced-py EditOrderResponse) also error_response
    type Reply = { success: boolean; errors?: { edit_failure_reason?: string; preview_failure_reason?: string }[]; error_response?: { error_details?: string; edit_order_failure_reason?: string } };
    const r = await this.call<Reply>('POST', PRIVATE_PATHS.edit, undefined, { order_id: id, price: String(req.price), size: String(req.amount) }, req.market.symbol);
    if (!r.success) {
      const why = r.errors?.[0]?.edit_failure_reason ?? r.errors?.[0]?.preview_failure_reason ?? r.error_response?.edit_order_failure_reason;
      const Cls = orderErrorClass(why === 'ORDER_NOT_FOUND' ? 'ORDER_NOT_FOUND' : why);
      throw new Cls(`edit ${id}: ${why ?? 'failed'}`, { exchange: 'coinbase', symbol: req.market.symbol, code: why, raw: r });
    }
    return this.fetchOrder(id, req.market);
  }

  async cancelAllOrders(market: Market | undefined): Promise<Order[]> {
    const open = await this.fetchOpenOrders(market);
    const out: Order[] = [];
    // batch_cancel takes at most 100 ids a request
    for (let i = 0; i < open.length; i += 100) {
      const ids = open.slice(i, i + 100).map((o) => o.id);
      await this.call('POST', PRIVATE_PATHS.batchCancel, undefined, { order_ids: ids }, market?.symbol);
    }
    for (const o of open) out.push(await this.fetchOrder(o.id, this.ctx.market(o.symbol)));
    return out;
  }

  // ---------------------------------------------------------------- REST snapshots

  async fetchBalance() {
    const all: AccountJson[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const r = await this.call<{ accounts?: AccountJson[]; has_next?: boolean; cursor?: string }>('GET', PRIVATE_PATHS.accounts, { limit: 250, cursor });
      all.push(...(r.accounts ?? []));
      if (!r.has_next || !r.cursor) break;
      cursor = r.cursor;
    }
    return parseAccounts(all, all);
  }

  private async orders(query: Query, symbol?: string): Promise<Order[]> {
    const r = await this.call<{ orders?: OrderJson[] }>('GET', PRIVATE_PATHS.historicalBatch, query, undefined, symbol);
    const out: Order[] = [];
    for (const o of r.orders ?? []) {
      const m = this.marketOf(o.product_id);
      if (m) out.push(parseOrder(o, m));
    }
    return out.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
  }

  fetchOpenOrders(market: Market | undefined): Promise<Order[]> {
    return this.orders({ order_status: 'OPEN', product_ids: market?.id, limit: 1000 }, market?.symbol);
  }

  fetchOrders(market: Market | undefined, since?: number, limit?: number): Promise<Order[]> {
    return this.orders({ product_ids: market?.id, start_date: since === undefined ? undefined : new Date(since).toISOString(), limit: Math.min(limit ?? 1000, 1000) }, market?.symbol);
  }

  async fetchOrder(id: string, market: Market | undefined): Promise<Order> {
    const r = await this.call<{ order?: OrderJson }>('GET', PRIVATE_PATHS.historicalOrder(id), undefined, undefined, market?.symbol);
    if (!r.order) throw new OrderNotFound(`order ${id} not found`, { exchange: 'coinbase', symbol: market?.symbol, raw: r });
    const m = market ?? this.marketOf(r.order.product_id);
    if (!m) throw new BadResponse(`order ${id} is on an unknown product ${r.order.product_id}`, { exchange: 'coinbase', raw: r });
    return parseOrder(r.order, m);
  }

  private async fills(query: Query, symbol?: string): Promise<Trade[]> {
    const r = await this.call<{ fills?: FillJson[] }>('GET', PRIVATE_PATHS.fills, query, undefined, symbol);
    const out: Trade[] = [];
    for (const f of r.fills ?? []) {
      const m = this.marketOf(f.product_id);
      if (m) out.push(parseFill(f, m));
    }
    return out.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0) || Number(a.id) - Number(b.id));
  }

  fetchMyTrades(market: Market | undefined, since?: number, limit?: number): Promise<Trade[]> {
    return this.fills({ product_ids: market?.id, start_sequence_timestamp: since === undefined ? undefined : new Date(since).toISOString(), limit: Math.min(limit ?? 1000, 1000) }, market?.symbol);
  }

  fetchDeposits(code?: string, since?: number, limit?: number): Promise<Transaction[]> {
    return this.transfers('deposits', code, since, limit);
  }

  fetchWithdrawals(code?: string, since?: number, limit?: number): Promise<Transaction[]> {
    return this.transfers('withdrawals', code, since, limit);
  }

  /**
   * Deposits or withdrawals from the Coinbase App API (v2), per account: the Advanced Trade API
   * (v3, /api/v3/brokerage) documents no deposit or withdrawal history (its REST reference and
   * Coinbase's own SDK coinbase-advanced-py list accounts, orders, fills, products, fees,
   * portfolios, convert and payment methods only), while the App API documents "List Deposits
   * GET /v2/accounts/:account_id/deposits" and "List Withdrawals GET
   * /v2/accounts/:account_id/withdrawals", CDP key scope `view`, signed with the same JWT
   * (docs.cdp.coinbase.com/coinbase-app/transfer-apis/deposit-fiat and withdraw-fiat). The
   * account uuids of v3 `/accounts` (one per currency) are the v2 account ids.
   */
  private async transfers(kind: 'deposits' | 'withdrawals', code?: string, since?: number, limit?: number): Promise<Transaction[]> {
    const accounts = (await this.fetchBalance()).info as AccountJson[];
    const out: Transaction[] = [];
    for (const a of accounts) {
      if (!a.uuid || (code !== undefined && a.currency !== code)) continue;
      const r = await this.call<{ data?: TransferJson[] }>('GET', PRIVATE_PATHS.transfers(a.uuid, kind), { limit: 100 });
      for (const t of r.data ?? []) out.push(parseTransfer(t, kind === 'deposits' ? 'deposit' : 'withdrawal'));
    }
    let list = out.sort((x, y) => (x.timestamp ?? 0) - (y.timestamp ?? 0));
    if (since !== undefined) list = list.filter((t) => (t.timestamp ?? 0) >= since);
    if (limit !== undefined && list.length > limit) list = list.slice(list.length - limit);
    return list;
  }

  async recover(hint: RecoveryHint): Promise<Recovery> {
    const [balance, open] = await Promise.all([this.fetchBalance(), this.fetchOpenOrders(undefined)]);
    const since = new Date(hint.since - 60_000).toISOString();
    const orders = open.slice();
    const trades = await this.fills({ start_sequence_timestamp: since, limit: 1000 });
    // orders open before the interruption may have finished meanwhile
    for (const o of hint.openOrders) if (!open.some((x) => x.id === o.id)) orders.push(await this.fetchOrder(o.id, this.ctx.market(o.symbol)));
    return { balance, orders, trades };
  }

  // ---------------------------------------------------------------- the user channel

  startStream(sink: PrivateSink): void {
    this.sink = sink;
    this.streamWanted = true;
    if (this.conn) return;
    // Coinbase streams no spot balance: deposits, withdrawals and transfers show by polling
    if (this.ctx.balancePollMs > 0 && !this.pollTimer) {
      this.pollTimer = setInterval(() => {
        if (!this.streamWanted || !this.liveSent) return;
        this.fetchBalance().then(
          (b) => this.sink?.balance(b),
          (err: Error) => this.ctx.error(err),
        );
      }, this.ctx.balancePollMs);
      this.pollTimer.unref?.();
    }
    const conn = new WsConnection({ ...this.ctx.connection, url: this.ctx.wsPrivateUrl });
    this.conn = conn;
    conn.onMessage = (text) => this.onFrame(text);
    conn.events.on('open', () => {
      this.lastSeq = undefined;
      this.snapshotDone = false;
      this.liveSent = false;
      // a fresh JWT per message: heartbeats first (keeps the channel open), then user
      conn.send(JSON.stringify({ type: 'subscribe', channel: 'heartbeats', jwt: this.ctx.credentials.jwt() }));
      conn.send(JSON.stringify({ type: 'subscribe', channel: 'user', jwt: this.ctx.credentials.jwt() }));
    });
    conn.events.on('close', () => {
      if (this.streamWanted) this.sink?.down();
    });
    conn.events.on('error', (e) => this.ctx.error(e));
    conn.events.on('status', (st) => this.ctx.status?.(st));
    conn.connect();
  }

  stopStream(): void {
    this.streamWanted = false;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    const c = this.conn;
    this.conn = undefined;
    void c?.close();
  }

  private onFrame(text: string): void {
    let m: { channel?: string; type?: string; message?: string; sequence_num?: number; events?: unknown[] };
    try {
      m = JSON.parse(text);
    } catch {
      this.ctx.error(new BadResponse(`malformed user channel frame ignored: ${text.slice(0, 120)}`, { exchange: 'coinbase', raw: text }));
      return;
    }
    if (!m || typeof m !== 'object') return;
    if (m.type === 'error' || m.channel === 'error') {
      const err = wsError(String(m.message ?? 'error'), 'SUBSCRIBE user', m);
      if (this.streamWanted) {
        this.streamWanted = false;
        this.sink?.failed(err);
      }
      this.stopStream();
      return;
    }
    if (typeof m.sequence_num === 'number') {
      const last = this.lastSeq;
      this.lastSeq = m.sequence_num;
      if (last !== undefined && m.sequence_num !== last + 1) {
        // lost updates: reconnect, and the state is seeded again from REST
        this.conn?.reconnect(`sequence_num ${m.sequence_num} after ${last}`);
        return;
      }
    }
    if (m.channel === 'subscriptions' && Array.isArray(m.events) && this.sink) {
      // the user subscription is confirmed: live (even should no snapshot batch follow)
      const subs = (m.events[0] as { subscriptions?: Record<string, unknown> } | undefined)?.subscriptions;
      if (subs && 'user' in subs && !this.liveSent) {
        this.liveSent = true;
        this.sink.live();
      }
      return;
    }
    if (m.channel !== 'user' || !Array.isArray(m.events) || !this.sink) return;
    for (const ev of m.events as { type?: string; orders?: WsOrder[] }[]) {
      for (const o of ev.orders ?? []) this.onOrder(o);
      if (ev.type === 'snapshot' && (ev.orders?.length ?? 0) < 50 && !this.snapshotDone) {
        // the open orders come in batches of 50: a shorter batch ends them
        this.snapshotDone = true;
        if (!this.liveSent) {
          this.liveSent = true;
          this.sink.live();
        }
      }
    }
  }

  private onOrder(o: WsOrder): void {
    const sink = this.sink;
    const m = o && typeof o.product_id === 'string' ? this.marketOf(o.product_id) : undefined;
    if (!sink || !m) return;
    let order: Order;
    const id = String(o.order_id);
    try {
      order = parseWsOrder(o, m, this.sizes.get(id));
    } catch (err) {
      this.ctx.error(new BadResponse(`malformed user order ignored: ${(err as Error).message}`, { exchange: 'coinbase', raw: o }));
      return;
    }
    const known = this.sizes.has(id);
    if (order.status === 'open') this.sizes.set(id, order.amount);
    else this.sizes.delete(id);
    const key = `${o.number_of_fills ?? ''}|${o.cumulative_quantity}`;
    const before = this.fillsSeen.get(order.id) ?? this.fillsFinished.get(order.id);
    if (order.status === 'open') {
      this.fillsSeen.set(order.id, key);
    } else {
      this.fillsSeen.delete(order.id);
      this.fillsFinished.delete(order.id);
      this.fillsFinished.set(order.id, key);
      if (this.fillsFinished.size > FINISHED_KEPT) this.fillsFinished.delete(this.fillsFinished.keys().next().value as string);
    }
    const filledMore = order.filled > 0 && before !== key && (before === undefined ? this.snapshotDone : true);
    if (order.status === 'canceled' && !known) {
      // ended before this client saw it work (placed elsewhere, or an IOC / market order): the
      // channel does not say how big it was; REST does (order_configuration)
      void this.fetchOrder(order.id, m).then(
        (full) => this.sink?.order(full),
        (err: Error) => this.ctx.error(err),
      );
    } else sink.order(order);
    if (filledMore) void this.confirmFills(order, m);
  }

  /** Own trades of an order that filled more, from REST; then the balance (never streamed). */
  private async confirmFills(order: Order, m: Market): Promise<void> {
    try {
      const trades = await this.fills({ order_ids: order.id, limit: 1000 }, m.symbol);
      for (const t of trades) this.sink?.trade(t);
      const balance = await this.fetchBalance();
      this.sink?.balance(balance);
    } catch (err) {
      this.ctx.error(err as Error);
    }
  }

  async close(): Promise<void> {
    this.stopStream();
    this.sink = undefined;
    this.rest.close();
  }
}
