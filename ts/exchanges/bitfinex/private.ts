/**
 * Bitfinex's private side: the PrivateAdapter behind fetchBalance / createOrder / on('orders') ...
 * (protocols.md §6 "Authentication and the account channel").
 *
 * One socket to the authenticated host (`urls.wsPrivate` + /ws/2) carries both: after every open
 * it sends the `auth` event (a fresh nonce each time, `dms: 4` with the `deadManSwitch` option);
 * the account channel 0 then streams wallets (`ws`/`wu`, the "exchange" wallet is the balance),
 * orders (`os`/`on`/`ou`/`oc`), own trades (counted once, from `tu`, which carries the fee; `te`
 * announces the same trade before it) and
 * notifications (`n`). Orders go out on it as `on` (with an integer `cid`), `ou` (the order keeps
 * its id), `oc`, `oc_multi`; each call resolves or rejects on its `*-req` notification (SUCCESS /
 * ERROR with the mapped ccxt error). With no authenticated socket the same requests go over signed
 * REST (`/v2/auth/w/order/submit`, `.../update`, `.../cancel`, `.../cancel/multi`). An order whose
 * socket dropped before its notification is looked up by its cid (open orders, then history) and
 * only sent again over REST when it is not there: never placed twice.
 *
 * The state is seeded and re-seeded from REST (`/v2/auth/r/wallets`, `/v2/auth/r/orders`,
 * `/v2/auth/r/orders/{symbol}/hist`, `/v2/auth/r/trades/hist`); deposits and withdrawals come from
 * `/v2/auth/r/movements/hist`.
 */
import { AuthenticationError, BadRequest, BadResponse, BaseError, ExchangeNotAvailable, OrderNotFound, RequestTimeout } from '../../core/errors';
import type { BalanceData, OrderParams, OrderRequest, PrivateAdapter, PrivateSink, Recovery, RecoveryHint } from '../../core/private-adapter';
import type { Market, Order, StatusEvent, Trade, Transaction } from '../../core/types';
import type { RestClient } from '../../transport/rest-client';
import { WsConnection, WsConnectionOptions } from '../../transport/ws-connection';
import { placeOnce, wsOrRest } from '../order-flow';
import { BitfinexCredentials } from './auth';
import { bitfinexError } from './errors';
import { unifiedCode } from './markets';
import { iso, isNum } from './parse';
import {
  Notification,
  cidDate,
  encodeCancelMulti,
  encodeCancelOrder,
  encodeNewOrder,
  encodeUpdateOrder,
  notificationError,
  parseMyTrade,
  parseNotification,
  parseOrder,
  parseWallets,
} from './parse-private';

export interface BitfinexPrivateContext {
  credentials: BitfinexCredentials;
  /** Signed REST on the authenticated host. */
  rest: RestClient;
  /** ws(s)://host[:port] of the authenticated socket. */
  wsUrl: string;
  connection: Omit<WsConnectionOptions, 'url'>;
  timeoutMs: number;
  deadManSwitch: boolean;
  market(symbol: string): Market;
  marketById(id: string): Market | undefined;
  error(err: Error): void;
  status(s: StatusEvent): void;
}

interface Waiter {
  type: string;
  match: (n: Notification) => boolean;
  resolve: (n: Notification) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** The request was written but its socket dropped before the notification: outcome unknown. */
class ReplyLost extends BaseError {}

const SEEN_TRADES = 1000;

/** The same error naming the symbol (a REST reply does not say which). */
function withSymbol(err: BaseError, symbol: string): BaseError {
  if (err.symbol !== undefined) return err;
  const Cls = err.constructor as new (m: string, c: ConstructorParameters<typeof BaseError>[1]) => BaseError;
  const prefix = `${err.exchange ?? 'bitfinex'}: `;
  const msg = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  return new Cls(msg, { exchange: err.exchange ?? 'bitfinex', symbol, code: err.code, raw: err.raw, status: err.status });
}

export class BitfinexPrivate implements PrivateAdapter {
  /** `ou` sets the order's amount, which Bitfinex reports as what is left (AMOUNT; AMOUNT_ORIG is the original). */
  readonly editAmount = 'remaining' as const;
  private conn: WsConnection | undefined;
  private authed = false;
  /** The key was refused: orders go over REST, the stream has failed. */
  private refused = false;
  private sink: PrivateSink | undefined;
  private waiters: Waiter[] = [];
  private readonly seenTrades = new Set<string>();
  private cidSeq = 0;
  private closed = false;
  /** Info 20060 seen on the account socket and no 20061 since: no trading request is sent. */
  private maintenance = false;

  constructor(private readonly ctx: BitfinexPrivateContext) {}

  // ---------------------------------------------------------------- socket

  /** Opens the authenticated socket (idempotent). */
  warm(): void {
    if (this.conn || this.closed || this.refused) return;
    const conn = new WsConnection({ ...this.ctx.connection, url: `${this.ctx.wsUrl}/ws/2` });
    this.conn = conn;
    conn.onMessage = (text) => this.onMessage(text);
    conn.events.on('open', () => {
      conn.send(JSON.stringify(this.ctx.credentials.authEvent({ dms: this.ctx.deadManSwitch })));
    });
    conn.events.on('close', () => this.onDown());
    conn.events.on('error', (e) => this.ctx.error(e));
    conn.events.on('status', (st) => this.ctx.status(st));
    conn.connect();
  }

  private onDown(): void {
    const was = this.authed;
    this.authed = false;
    const lost = this.waiters;
    this.waiters = [];
    for (const w of lost) {
      clearTimeout(w.timer);
      w.reject(new ReplyLost('the account socket dropped before the reply', { exchange: 'bitfinex' }));
    }
    if (was) this.sink?.down();
  }

  private onMessage(text: string): void {
    let m: unknown;
    try {
      m = JSON.parse(text);
    } catch {
      this.ctx.error(new BadResponse(`malformed account frame ignored: ${text.slice(0, 120)}`, { exchange: 'bitfinex', raw: text }));
      return;
    }
    if (!Array.isArray(m)) {
      const e = m as Record<string, unknown>;
      if (e.event === 'auth') this.onAuth(e);
      else if (e.event === 'info') this.onInfo(e);
      return;
    }
    if (m[0] !== 0 || typeof m[1] !== 'string') return;
    try {
      this.account(m[1], m[2]);
    } catch (err) {
      this.ctx.error(new BadResponse(`malformed account ${m[1]} ignored (${(err as Error).message})`, { exchange: 'bitfinex', raw: m }));
    }
  }

  /**
   * Info codes on the account socket (Bitfinex docs ws-general "Info Messages"): 20051 restart
   * (reconnect); 20060 maintenance starts — "pause any activity": from then on no order, edit or
   * cancel is sent (each call fails at once with ExchangeNotAvailable naming the maintenance, over
   * the socket and REST alike) — until 20061, after which the socket reconnects (authenticates and
   * re-seeds the account state from REST, as after any drop). Neither is an error. Every
   * connection's greeting (`platform.status`, 0 in maintenance) sets the state afresh.
   */
  private onInfo(e: Record<string, unknown>): void {
    if (e.code === undefined) {
      // the greeting of every connection says whether the platform is in maintenance (status 0):
      // a 20061 missed while the socket was down cannot leave trading blocked
      const platform = e.platform as { status?: unknown } | undefined;
      if (platform && (platform.status === 0 || platform.status === 1)) this.maintenance = platform.status === 0;
      return;
    }
    if (e.code === 20060) {
      this.maintenance = true;
      return;
    }
    if (e.code === 20051 || e.code === 20061) {
      if (e.code === 20061) this.maintenance = false;
      this.conn?.reconnect(`info ${String(e.code)}`);
    }
  }

  /** Throws while Bitfinex is in maintenance (info 20060 seen, 20061 not yet): nothing is sent. */
  private notInMaintenance(what: string, symbol?: string): void {
    if (!this.maintenance) return;
    throw new ExchangeNotAvailable(`${what} not sent: Bitfinex is in maintenance (info 20060) until it announces the end (info 20061)`, {
      exchange: 'bitfinex',
      symbol,
      code: 20060,
    });
  }

  private onAuth(e: Record<string, unknown>): void {
    if (e.status === 'OK') {
      this.authed = true;
      this.sink?.live();
      return;
    }
    const err = bitfinexError(isNum(e.code) ? e.code : undefined, typeof e.msg === 'string' ? e.msg : 'auth failed', 'auth', { raw: e });
    const auth = err instanceof AuthenticationError ? err : new AuthenticationError(err.message, { exchange: 'bitfinex', code: err.code, raw: e });
    if (auth.code === 10114 || /nonce/.test(auth.message)) {
      // a nonce below the last one seen: the next attempt takes a fresh, larger one
      this.ctx.error(err);
      this.conn?.reconnect('auth nonce refused');
      return;
    }
    this.refused = true;
    this.sink?.failed(auth);
    const c = this.conn;
    this.conn = undefined;
    void c?.close();
  }

  private account(type: string, payload: unknown): void {
    const sink = this.sink;
    switch (type) {
      case 'ws':
        if (sink && Array.isArray(payload)) sink.balance({ balances: parseWallets(payload), info: payload });
        return;
      case 'wu':
        if (sink && Array.isArray(payload)) sink.balance({ balances: parseWallets([payload]), info: payload });
        return;
      case 'os':
        if (sink && Array.isArray(payload)) for (const o of payload) sink.order(this.order(o));
        return;
      case 'on':
      case 'ou':
      case 'oc':
        sink?.order(this.order(payload));
        return;
      case 'te':
        // the execution, before its fee is known: the `tu` of the same trade follows with the fee,
        // and is the one counted
        return;
      case 'tu': {
        const t = parseMyTrade(payload);
        const key = t.id as string;
        if (this.seenTrades.has(key)) return;
        this.seenTrades.add(key);
        if (this.seenTrades.size > SEEN_TRADES) this.seenTrades.delete(this.seenTrades.values().next().value as string);
        sink?.trade(t);
        return;
      }
      case 'n': {
        const n = parseNotification(payload);
        const w = this.waiters.find((x) => n.type === x.type && x.match(n));
        if (!w) return;
        this.waiters.splice(this.waiters.indexOf(w), 1);
        clearTimeout(w.timer);
        w.resolve(n);
        return;
      }
      default:
        return;
    }
  }

  private order(a: unknown): Order {
    const id = Array.isArray(a) && typeof a[3] === 'string' ? a[3] : undefined;
    return parseOrder(a, id ? this.ctx.marketById(id)?.symbol : undefined);
  }

  /** Sends an input and resolves with its `*-req` notification (rejects on ERROR with the mapped error). */
  private request(frame: string, type: string, match: (n: Notification) => boolean, what: string, symbol?: string): Promise<Notification> {
    return new Promise<Notification>((resolve, reject) => {
      const w: Waiter = {
        type,
        match,
        resolve: (n) => {
          const err = notificationError(n, what, symbol);
          if (err) reject(err);
          else resolve(n);
        },
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          reject(new ReplyLost(`${what}: no notification within ${this.ctx.timeoutMs} ms`, { exchange: 'bitfinex', symbol }));
        }, this.ctx.timeoutMs),
      };
      this.waiters.push(w);
      this.conn?.send(frame);
    });
  }

  private get live(): boolean {
    return this.authed && this.conn !== undefined && this.conn.isOpen;
  }

  // ---------------------------------------------------------------- REST

  private async post<T>(path: string, body: Record<string, unknown> = {}): Promise<T> {
    const text = JSON.stringify(body);
    return this.ctx.rest.request<T>('POST', path, { body: text, headers: this.ctx.credentials.restHeaders(path, text) });
  }

  private orders(rows: unknown): Order[] {
    if (!Array.isArray(rows)) throw new BadResponse('orders reply is not an array', { exchange: 'bitfinex', raw: rows });
    return rows.map((r) => this.order(r));
  }

  async fetchBalance(): Promise<BalanceData> {
    const rows = await this.post<unknown[]>('/v2/auth/r/wallets');
    return { balances: parseWallets(rows), info: rows };
  }

  async fetchOpenOrders(market: Market | undefined): Promise<Order[]> {
    return this.orders(await this.post(market ? `/v2/auth/r/orders/${market.id}` : '/v2/auth/r/orders'));
  }

  private async history(market: Market | undefined, since?: number, limit?: number, ids?: number[]): Promise<Order[]> {
    const body: Record<string, unknown> = {};
    if (since !== undefined) body.start = since;
    if (limit !== undefined) body.limit = limit;
    if (ids) body.id = ids;
    return this.orders(await this.post(market ? `/v2/auth/r/orders/${market.id}/hist` : '/v2/auth/r/orders/hist', body));
  }

  async fetchOrders(market: Market | undefined, since?: number, limit?: number): Promise<Order[]> {
    const [open, done] = await Promise.all([this.fetchOpenOrders(market), this.history(market, since, limit)]);
    const all = [...done, ...open].filter((o) => since === undefined || (o.timestamp ?? 0) >= since);
    all.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
    return limit !== undefined && all.length > limit ? all.slice(all.length - limit) : all;
  }

  async fetchOrder(id: string, market: Market | undefined): Promise<Order> {
    const n = Number(id);
    const open = this.orders(await this.post('/v2/auth/r/orders', { id: [n] })).find((o) => o.id === id);
    if (open) return open;
    const done = (await this.history(market, undefined, undefined, [n])).find((o) => o.id === id);
    if (done) return done;
    throw new OrderNotFound(`order ${id} not found`, { exchange: 'bitfinex', symbol: market?.symbol });
  }

  async fetchMyTrades(market: Market | undefined, since?: number, limit?: number): Promise<Trade[]> {
    const body: Record<string, unknown> = {};
    if (since !== undefined) body.start = since;
    if (limit !== undefined) body.limit = limit;
    const rows = await this.post<unknown[]>(market ? `/v2/auth/r/trades/${market.id}/hist` : '/v2/auth/r/trades/hist', body);
    const trades = rows.map(parseMyTrade).sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
    return limit !== undefined && trades.length > limit ? trades.slice(trades.length - limit) : trades;
  }

  private async movements(code?: string, since?: number, limit?: number): Promise<Transaction[]> {
    const body: Record<string, unknown> = {};
    if (since !== undefined) body.start = since;
    if (limit !== undefined) body.limit = limit;
    const rows = await this.post<unknown[]>(code ? `/v2/auth/r/movements/${code}/hist` : '/v2/auth/r/movements/hist', body);
    // [ID, CURRENCY, CURRENCY_NAME, _, _, MTS_STARTED, MTS_UPDATED, _, _, STATUS, _, _, AMOUNT, FEES, _, _, DESTINATION_ADDRESS, _, _, _, TRANSACTION_ID, ...]
    return rows.filter(Array.isArray).map((r) => {
      const a = r as unknown[];
      const amount = isNum(a[12]) ? a[12] : 0;
      const status = String(a[9] ?? '').toUpperCase();
      const ts = isNum(a[5]) ? a[5] : undefined;
      return {
        id: String(a[0]),
        txid: typeof a[20] === 'string' ? a[20] : undefined,
        timestamp: ts,
        datetime: iso(ts),
        type: amount >= 0 ? 'deposit' : 'withdrawal',
        currency: unifiedCode(String(a[1])),
        amount: Math.abs(amount),
        address: typeof a[16] === 'string' ? a[16] : undefined,
        status: status === 'COMPLETED' ? 'ok' : status === 'CANCELED' ? 'canceled' : status.includes('FAIL') ? 'failed' : 'pending',
        fee: isNum(a[13]) ? { cost: Math.abs(a[13]), currency: unifiedCode(String(a[1])) } : undefined,
        info: a,
      } as Transaction;
    });
  }

  async fetchDeposits(code?: string, since?: number, limit?: number): Promise<Transaction[]> {
    return (await this.movements(code, since, limit)).filter((t) => t.type === 'deposit');
  }

  async fetchWithdrawals(code?: string, since?: number, limit?: number): Promise<Transaction[]> {
    return (await this.movements(code, since, limit)).filter((t) => t.type === 'withdrawal');
  }

  async recover(hint: RecoveryHint): Promise<Recovery> {
    const [balance, open, trades] = await Promise.all([
      this.fetchBalance(),
      this.fetchOpenOrders(undefined),
      this.fetchMyTrades(undefined, hint.since),
    ]);
    // orders that were open and are not any more: their final state from history
    const openIds = new Set(open.map((o) => o.id));
    const gone = hint.openOrders.filter((o) => !openIds.has(o.id)).map((o) => Number(o.id));
    const closed = gone.length ? await this.history(undefined, undefined, undefined, gone) : [];
    return { balance, orders: [...open, ...closed], trades };
  }

  // ---------------------------------------------------------------- trading

  private newCid(): number {
    // an integer, unique per UTC day for this key: ms clock * 1000 + a counter
    this.cidSeq = (this.cidSeq + 1) % 1000;
    return Date.now() * 1000 + this.cidSeq;
  }

  async createOrder(req: OrderRequest): Promise<Order> {
    this.notInMaintenance('createOrder', req.market.symbol);
    const p = req.params;
    const given = p.cid ?? p.clientOrderId;
    const cid = given !== undefined && /^\d+$/.test(String(given)) ? Number(given) : this.newCid();
    const created = Date.now();
    const input = {
      symbol: req.market.id,
      type: req.type,
      side: req.side,
      amount: req.amount,
      price: req.price,
      cid,
      timeInForce: typeof p.timeInForce === 'string' ? p.timeInForce : undefined,
      postOnly: p.postOnly === true,
    };
    const frame = encodeNewOrder(input);
    const rest = async (): Promise<Order> => this.restWrite('/v2/auth/w/order/submit', JSON.parse(frame)[3] as Record<string, unknown>, req.market, 'createOrder');
    const ws = async (): Promise<Order> => {
      const n = await this.request(frame, 'on-req', (x) => Array.isArray(x.info) && x.info[2] === cid, 'createOrder', req.market.symbol);
      return parseOrder(n.info, req.market.symbol);
    };
    return placeOnce({
      exchange: 'bitfinex',
      symbol: req.market.symbol,
      clientOrderId: String(cid),
      send: () => wsOrRest(this.live, ws, rest),
      // the socket dropped with the order in flight, or no notification came: did it land? (by cid, that day)
      lost: (err) => err instanceof ReplyLost,
      lookup: () => this.findByCid(cid, created, req.market),
      resend: rest,
    });
  }

  private async findByCid(cid: number, created: number, market: Market): Promise<Order | undefined> {
    const cidOf = (o: Order): boolean => o.clientOrderId === String(cid);
    const open = (await this.fetchOpenOrders(market)).find(cidOf);
    if (open) return open;
    return (await this.history(market, created - 60_000)).find(cidOf);
  }

  private async restWrite(path: string, body: Record<string, unknown>, market: Market | undefined, what: string): Promise<Order> {
    let reply: unknown[];
    try {
      reply = await this.post<unknown[]>(path, body);
    } catch (err) {
      throw market && err instanceof BaseError ? withSymbol(err, market.symbol) : err;
    }
    const n = parseNotification(reply);
    const err = notificationError(n, what, market?.symbol);
    if (err) throw err;
    const info = Array.isArray(n.info) && Array.isArray(n.info[0]) ? n.info[0] : n.info;
    return parseOrder(info, market?.symbol);
  }

  async cancelOrder(id: string, market: Market | undefined, params: OrderParams): Promise<Order> {
    this.notInMaintenance('cancelOrder', market?.symbol);
    const n = Number(id);
    if (!Number.isInteger(n)) throw new BadRequest(`cancelOrder: order id ${id} is not a Bitfinex order id`, { exchange: 'bitfinex' });
    const frame = encodeCancelOrder({ id: n });
    const done = (o: Order): Order => ({ ...o, status: 'canceled', remaining: 0 });
    if (!this.live) return done(await this.restWrite('/v2/auth/w/order/cancel', { id: n }, market, 'cancelOrder'));
    void params;
    try {
      const note = await this.request(frame, 'oc-req', (x) => Array.isArray(x.info) && x.info[0] === n, 'cancelOrder', market?.symbol);
      return done(parseOrder(note.info, market?.symbol));
    } catch (err) {
      if (!(err instanceof ReplyLost)) throw err;
      const o = await this.fetchOrder(id, market);
      if (o.status === 'canceled') return o;
      return done(await this.restWrite('/v2/auth/w/order/cancel', { id: n }, market, 'cancelOrder'));
    }
  }

  async editOrder(id: string, req: OrderRequest): Promise<Order> {
    this.notInMaintenance('editOrder', req.market.symbol);
    const n = Number(id);
    if (!Number.isInteger(n)) throw new BadRequest(`editOrder: order id ${id} is not a Bitfinex order id`, { exchange: 'bitfinex' });
    const change = { price: req.price, amount: req.amount, side: req.side };
    const frame = encodeUpdateOrder(n, change);
    if (!this.live) return this.restWrite('/v2/auth/w/order/update', JSON.parse(frame)[3] as Record<string, unknown>, req.market, 'editOrder');
    const note = await this.request(frame, 'ou-req', (x) => Array.isArray(x.info) && x.info[0] === n, 'editOrder', req.market.symbol);
    return parseOrder(note.info, req.market.symbol);
  }

  async cancelAllOrders(market: Market | undefined): Promise<Order[]> {
    this.notInMaintenance('cancelAllOrders', market?.symbol);
    const ids = market ? (await this.fetchOpenOrders(market)).map((o) => Number(o.id)) : undefined;
    if (ids && ids.length === 0) return [];
    const frame = encodeCancelMulti(ids);
    const body = JSON.parse(frame)[3] as Record<string, unknown>;
    let info: unknown;
    if (!this.live) {
      const reply = await this.post<unknown[]>('/v2/auth/w/order/cancel/multi', body);
      const n = parseNotification(reply);
      const err = notificationError(n, 'cancelAllOrders', market?.symbol);
      if (err) throw err;
      info = n.info;
    } else {
      info = (await this.request(frame, 'oc_multi-req', () => true, 'cancelAllOrders', market?.symbol)).info;
    }
    const list = Array.isArray(info) ? (Array.isArray(info[0]) ? info : [info]) : [];
    return list.map((o) => ({ ...this.order(o), status: 'canceled' as const, remaining: 0 }));
  }

  // ---------------------------------------------------------------- stream

  startStream(sink: PrivateSink): void {
    this.sink = sink;
    if (this.refused) {
      sink.failed(new AuthenticationError('the API key was refused', { exchange: 'bitfinex' }));
      return;
    }
    this.warm();
    if (this.live) sink.live();
  }

  stopStream(): void {
    this.sink = undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.conn;
    this.conn = undefined;
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new RequestTimeout('closed', { exchange: 'bitfinex' }));
    }
    this.waiters = [];
    await c?.close();
  }
}

export { cidDate };
