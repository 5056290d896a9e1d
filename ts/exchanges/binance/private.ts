/**
 * Binance's private side: the PrivateAdapter behind fetchBalance / createOrder / on('orders') ...
 *
 * - orders go over the WebSocket API (BinanceSession.route), over REST when it is unreachable or
 *   refuses the session; a request whose reply was lost with its connection is reconciled over
 *   REST by its client order id, never blindly sent again;
 * - the user data stream shares the WebSocket API connection: userDataStream.subscribe.signature
 *   (HMAC) or userDataStream.subscribe after session.logon (Ed25519); after a reconnect it is
 *   subscribed again and REST tells what changed meanwhile (recover). The REST listenKey endpoints
 *   are not used (retired 2026-02-20, protocols.md §1).
 */
import { BadResponse, OrderNotFound } from '../../core/errors';
import type { OrderParams, OrderRequest, PrivateAdapter, PrivateSink, Recovery, RecoveryHint } from '../../core/private-adapter';
import type { Market, Order, Trade, Transaction } from '../../core/types';
import type { HttpMethod, Query } from '../../transport/rest-client';
import { RpcReplyLost } from '../../transport/ws-rpc';
import { needSymbol, orNone, placeOnce, recoverBySymbol } from '../order-flow';
import { StreamTap, subscribeOn } from '../private-socket';
import { wsApiError } from './errors';
import {
  AccountJson,
  AccountPosition,
  BalanceUpdateEvent,
  DepositJson,
  ExecutionReport,
  MyTradeJson,
  OrderJson,
  WithdrawalJson,
  balanceDelta,
  parseAccount,
  parseAccountPosition,
  parseDeposit,
  parseExecutionReport,
  parseMyTrade,
  parseOrder,
  parseWithdrawal,
} from './parse-private';
import type { BinanceSession } from './session';
import { WireParams, cancelParams, cancelReplaceParams, clientOrderIdOf, orderIdParam, orderParams } from './trading';
import { PATHS } from './urls';
import { classifyFrame } from './user-data';

export interface BinancePrivateContext {
  session: BinanceSession;
  marketById(id: string): Market | undefined;
  market(symbol: string): Market;
  error(err: Error): void;
}

export class BinancePrivate implements PrivateAdapter {
  /** An amend is a cancel-replace (order.cancelReplace): the new order's quantity is what is left to fill. */
  readonly editAmount = 'remaining' as const;
  private readonly ctx: BinancePrivateContext;
  private readonly session: BinanceSession;
  private readonly tap = new StreamTap();
  private subscribed = false;
  private subscribing = false;
  private subscriptionId: number | undefined;
  private listening = false;

  constructor(ctx: BinancePrivateContext) {
    this.ctx = ctx;
    this.session = ctx.session;
    // an Ed25519 logon refused: the user data stream cannot start (orders go over REST meanwhile)
    this.session.onLogonRefused = (err) => this.refuse(err);
  }

  /** Opens the WebSocket API connection and measures the clock ahead of the first order. */
  warm(): void {
    this.session.warm();
  }

  private rest<T>(method: HttpMethod, path: string, query: Query, weight: number): Promise<T> {
    return this.session.restSigned<T>(method, path, query, weight);
  }

  private marketOf(id: string): Market {
    const m = this.ctx.marketById(id);
    if (!m) throw new BadResponse(`reply names an unknown symbol ${id}`, { exchange: 'binance' });
    return m;
  }

  // ---------------------------------------------------------------- pub

  async createOrder(req: OrderRequest): Promise<Order> {
    const cid = clientOrderIdOf(req.params, req.market.symbol);
    const p = orderParams(req, cid);
    const rest = async (): Promise<Order> => parseOrder(await this.rest<OrderJson>('POST', PATHS.order, p, 1), req.market);
    // no reply in time, over the WebSocket API or REST: looked up by its client order id, never
    // sent again (a late original would make two); lost with the connection: sent again when not there
    return placeOnce({
      exchange: 'binance',
      symbol: req.market.symbol,
      clientOrderId: cid,
      send: () => this.session.route(async () => parseOrder(await this.session.wsSigned<OrderJson>('order.place', p), req.market), rest),
      lookup: () => orNone(this.fetchOrderBy({ symbol: req.market.id, origClientOrderId: cid }, req.market)),
      resend: rest,
    });
  }

  async cancelOrder(id: string, market: Market | undefined, params: OrderParams): Promise<Order> {
    const m = needSymbol(market, 'cancelOrder', 'binance');
    const p = cancelParams(id, m, params);
    const rest = async (): Promise<Order> => parseOrder(await this.rest<OrderJson>('DELETE', PATHS.order, p, 1), m);
    try {
      return await this.session.route(async () => parseOrder(await this.session.wsSigned<OrderJson>('order.cancel', p), m), rest);
    } catch (err) {
      if (!(err instanceof RpcReplyLost)) throw err;
      try {
        return await rest();
      } catch (e) {
        if (!(e instanceof OrderNotFound)) throw e;
        // unknown now: canceled by the lost request, or never there
        const o = await this.fetchOrderBy(p['orderId'] !== undefined ? { symbol: m.id, orderId: p['orderId'] } : { symbol: m.id, origClientOrderId: p['origClientOrderId'] }, m);
        if (o.status === 'canceled') return o;
        throw e;
      }
    }
  }

  async editOrder(id: string, req: OrderRequest): Promise<Order> {
    const cid = clientOrderIdOf(req.params, req.market.symbol);
    const p = cancelReplaceParams(id, req, cid);
    type Reply = { newOrderResponse: OrderJson };
    const r = await this.session.route(
      () => this.session.wsSigned<Reply>('order.cancelReplace', p),
      () => this.rest<Reply>('POST', PATHS.cancelReplace, p, 1),
    );
    return parseOrder(r.newOrderResponse, req.market);
  }

  async cancelAllOrders(market: Market | undefined, params: OrderParams): Promise<Order[]> {
    const m = needSymbol(market, 'cancelAllOrders', 'binance');
    const p: WireParams = { symbol: m.id };
    for (const [k, v] of Object.entries(params)) if (typeof v === 'string' || typeof v === 'number') p[k] = v;
    try {
      const list = await this.session.route(
        () => this.session.wsSigned<OrderJson[]>('openOrders.cancelAll', p),
        () => this.rest<OrderJson[]>('DELETE', PATHS.openOrders, p, 1),
      );
      return list.filter((o) => o && o.orderId !== undefined).map((o) => parseOrder(o, m));
    } catch (err) {
      // Binance answers "Unknown order sent." when there was nothing to cancel
      if (err instanceof OrderNotFound && err.code === -2011) return [];
      throw err;
    }
  }

  // ---------------------------------------------------------------- REST snapshots

  private async restAccount(): Promise<AccountJson> {
    return this.rest<AccountJson>('GET', PATHS.account, {}, 20);
  }

  async fetchBalance() {
    return parseAccount(await this.restAccount());
  }

  async fetchOpenOrders(market: Market | undefined): Promise<Order[]> {
    const list = await this.rest<OrderJson[]>('GET', PATHS.openOrders, market ? { symbol: market.id } : {}, market ? 6 : 80);
    return list.map((o) => parseOrder(o, market ?? this.marketOf(o.symbol)));
  }

  async fetchOrders(market: Market | undefined, since?: number, limit?: number): Promise<Order[]> {
    const m = needSymbol(market, 'fetchOrders', 'binance');
    const list = await this.rest<OrderJson[]>('GET', PATHS.allOrders, { symbol: m.id, startTime: since, limit: Math.min(limit ?? 500, 1000) }, 20);
    return list.map((o) => parseOrder(o, m));
  }

  async fetchOrder(id: string, market: Market | undefined): Promise<Order> {
    const m = needSymbol(market, 'fetchOrder', 'binance');
    return this.fetchOrderBy({ symbol: m.id, orderId: orderIdParam(id) }, m);
  }

  private async fetchOrderBy(query: Query, m: Market): Promise<Order> {
    return parseOrder(await this.rest<OrderJson>('GET', PATHS.order, query, 4), m);
  }

  async fetchMyTrades(market: Market | undefined, since?: number, limit?: number): Promise<Trade[]> {
    const m = needSymbol(market, 'fetchMyTrades', 'binance');
    const list = await this.rest<MyTradeJson[]>('GET', PATHS.myTrades, { symbol: m.id, startTime: since, limit: Math.min(limit ?? 500, 1000) }, 20);
    return list.map((t) => parseMyTrade(t, m));
  }

  async fetchDeposits(code?: string, since?: number, limit?: number): Promise<Transaction[]> {
    const list = await this.rest<DepositJson[]>('GET', PATHS.deposits, { coin: code, startTime: since, limit }, 1);
    return list.map(parseDeposit).sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
  }

  async fetchWithdrawals(code?: string, since?: number, limit?: number): Promise<Transaction[]> {
    const list = await this.rest<WithdrawalJson[]>('GET', PATHS.withdrawals, { coin: code, startTime: since, limit }, 1);
    return list.map(parseWithdrawal).sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
  }

  /** What changed while the user stream was down: balances, open orders, and per symbol the orders and trades since. */
  async recover(hint: RecoveryHint): Promise<Recovery> {
    const [account, open] = await Promise.all([this.restAccount(), this.fetchOpenOrders(undefined)]);
    const since = Math.floor(hint.since + this.session.clock.offsetMs);
    const history = async (symbol: string): Promise<[Order[], Trade[]]> => {
      const m = this.ctx.market(symbol);
      const openIds = hint.openOrders.filter((o) => o.symbol === symbol).map((o) => Number(o.id)).filter(Number.isSafeInteger);
      const last = Number(hint.lastTrades[symbol]?.id);
      const [os, ts] = await Promise.all([
        this.rest<OrderJson[]>('GET', PATHS.allOrders, { symbol: m.id, ...(openIds.length ? { orderId: Math.min(...openIds) } : { startTime: since }), limit: 1000 }, 20),
        this.rest<MyTradeJson[]>('GET', PATHS.myTrades, { symbol: m.id, ...(Number.isSafeInteger(last) ? { fromId: last + 1 } : { startTime: since }), limit: 1000 }, 20),
      ]);
      return [os.map((o) => parseOrder(o, m)), ts.map((t) => parseMyTrade(t, m))];
    };
    return { balance: parseAccount(account), ...(await recoverBySymbol(hint, open, history)) };
  }

  // ---------------------------------------------------------------- user data stream

  startStream(sink: PrivateSink): void {
    this.tap.start(sink);
    const rpc = this.session.api();
    if (!this.listening) {
      this.listening = true;
      rpc.events.on('event', (msg) => this.onFrame(msg));
      rpc.events.on('down', () => {
        this.subscribed = false;
        this.subscriptionId = undefined;
      });
      this.tap.follow(rpc, () => {
        if (this.tap.wanted) void this.subscribe();
      });
    }
    rpc.start();
    if (rpc.isReady) void this.subscribe();
  }

  stopStream(): void {
    this.tap.stop();
    const id = this.subscriptionId;
    this.subscribed = false;
    this.subscriptionId = undefined;
    const rpc = this.session.api();
    if (id !== undefined && rpc.isReady) rpc.request('userDataStream.unsubscribe', { subscriptionId: id }).catch(() => undefined);
  }

  private refuse(err: Error): void {
    this.tap.refuse(err);
  }

  /** HMAC keys: userDataStream.subscribe.signature; Ed25519: userDataStream.subscribe on the logged-on session. */
  private async subscribe(): Promise<void> {
    if (this.subscribing || this.subscribed || !this.tap.wanted) return;
    this.subscribing = true;
    try {
      await subscribeOn(this.session.api(), 'userDataStream subscription', async () => {
        type Sub = { subscriptionId: number };
        const r =
          this.session.credentials.kind === 'ed25519'
            ? await this.session.wsSession<Sub>('userDataStream.subscribe')
            : await this.session.wsSigned<Sub>('userDataStream.subscribe.signature', {});
        this.subscribed = true;
        this.subscriptionId = r.subscriptionId;
        if (!this.tap.wanted) return this.stopStream();
        this.tap.to?.live();
      });
    } catch (err) {
      this.refuse(err as Error);
    } finally {
      this.subscribing = false;
    }
  }

  private onFrame(msg: unknown): void {
    const f = classifyFrame(msg);
    if (f.kind === 'shutdown') {
      this.session.api().reconnect('serverShutdown');
    } else if (f.kind === 'sessionError') {
      this.ctx.error(wsApiError(f.reply, 'websocket API session'));
      this.session.api().reconnect('session no longer valid');
    } else if (f.kind === 'user' && this.tap.to) {
      const ev = f.event;
      try {
        this.onUserEvent(ev, this.tap.to);
      } catch (err) {
        this.ctx.error(new BadResponse(`malformed ${ev.e} event ignored: ${(err as Error).message}`, { exchange: 'binance', raw: ev }));
      }
    }
  }

  private onUserEvent(ev: { e: string }, sink: PrivateSink): void {
    switch (ev.e) {
      case 'executionReport': {
        const e = ev as unknown as ExecutionReport;
        const m = this.ctx.marketById(e.s);
        if (!m) return;
        const { order, trade } = parseExecutionReport(e, m);
        if (trade) sink.trade(trade);
        sink.order(order);
        return;
      }
      case 'outboundAccountPosition':
        sink.balance(parseAccountPosition(ev as unknown as AccountPosition));
        return;
      case 'balanceUpdate': {
        const e = ev as unknown as BalanceUpdateEvent;
        sink.balanceDelta(e.a, balanceDelta(e), e.T, e);
        return;
      }
      case 'eventStreamTerminated':
        // the subscription ended (logout): subscribe again; what happened meanwhile is re-synced
        this.subscribed = false;
        this.subscriptionId = undefined;
        sink.down();
        void this.subscribe();
        return;
      default:
        return;
    }
  }

  async close(): Promise<void> {
    this.tap.close();
    await this.session.close();
  }
}

