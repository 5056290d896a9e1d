/**
 * Bybit v5 private REST (spot, unified account): what the private side reads and sends outside
 * order entry. Signed X-BAPI-* headers on the server's clock (/v5/market/time), re-measured once on
 * retCode 10002: /v5/account/wallet-balance, /v5/order/realtime, /v5/order/history,
 * /v5/execution/list, the asset records, withdrawals, and the re-sync after an interruption
 * (recover). Order entry (/v5/trade, REST fallback) and the private stream build on it (private.ts).
 */
import { BadRequest, BadResponse, OrderNotFound } from '../../core/errors';
import type { BalanceData, Recovery, RecoveryHint, WithdrawRequest } from '../../core/private-adapter';
import type { Market, Order, Trade, Transaction } from '../../core/types';
import { encodeQuery, Query } from '../../transport/rest-client';
import { ServerClock } from '../../transport/server-clock';
import { needSymbol, recoverBySymbol } from '../order-flow';
import { PrivateContext, onServerClock } from '../private-socket';
import type { BybitCredentials } from './auth';
import { bybitError } from './errors';
import { num } from './parse';
import { ExecutionJson, OrderJson, WalletJson, parseExecution, parseOrder, parseWallet } from './parse-private';
import { CATEGORY } from './urls';

/** The private REST paths and sockets (Bybit v5). */
export const PRIVATE_PATHS = {
  time: '/v5/market/time',
  wallet: '/v5/account/wallet-balance',
  realtime: '/v5/order/realtime',
  history: '/v5/order/history',
  executions: '/v5/execution/list',
  create: '/v5/order/create',
  amend: '/v5/order/amend',
  cancel: '/v5/order/cancel',
  cancelAll: '/v5/order/cancel-all',
  createBatch: '/v5/order/create-batch',
  amendBatch: '/v5/order/amend-batch',
  cancelBatch: '/v5/order/cancel-batch',
  deposits: '/v5/asset/deposit/query-record',
  withdrawals: '/v5/asset/withdraw/query-record',
  withdraw: '/v5/asset/withdraw/create',
  wsPrivate: '/v5/private',
  wsTrade: '/v5/trade',
};

export interface BybitPrivateContext extends PrivateContext {
  credentials: BybitCredentials;
  recvWindow: number;
  marketById(id: string): Market | undefined;
}

/** A v5 REST reply: retCode 0 or the error; batch ops read `retExtInfo` beside `result`. */
export interface Envelope<T> {
  retCode?: number;
  retMsg?: string;
  result?: T;
  retExtInfo?: { list?: unknown };
}

/** The private side's REST part; BybitPrivate adds order entry and the stream. */
export class BybitAccountRest {
  readonly clock: ServerClock;
  protected readonly ctx: BybitPrivateContext;

  constructor(ctx: BybitPrivateContext) {
    this.ctx = ctx;
    this.clock = new ServerClock(async () => {
      const r = await ctx.rest.request<{ retCode?: number; result?: { timeNano?: string; timeSecond?: string } }>('GET', PRIVATE_PATHS.time);
      const nano = r?.result?.timeNano;
      if (typeof nano === 'string' && /^\d+$/.test(nano)) return Number(BigInt(nano) / 1_000_000n);
      const sec = num(r?.result?.timeSecond);
      if (sec === undefined) throw new BadResponse('time reply has no timeNano', { exchange: 'bybit', raw: r });
      return sec * 1000;
    });
  }

  // ---------------------------------------------------------------- REST

  /** A signed REST call: GET parameters in the query, POST in a JSON body; unwraps `result`. */
  async signed<T>(method: 'GET' | 'POST', path: string, params: Record<string, unknown>, symbol?: string): Promise<T> {
    return (await this.signedEnvelope<T>(method, path, params, symbol)).result as T;
  }

  /** A signed REST call's whole envelope (batch ops read `retExtInfo` beside `result`), retCode 0. */
  async signedEnvelope<T>(method: 'GET' | 'POST', path: string, params: Record<string, unknown>, symbol?: string): Promise<Envelope<T>> {
    const attempt = async (): Promise<Envelope<T>> => {
      const ts = this.clock.now();
      let env: Envelope<T> | undefined;
      if (method === 'GET') {
        const query = params as Query;
        const qs = encodeQuery(query);
        env = await this.ctx.rest.request('GET', path, { query, headers: this.ctx.credentials.restHeaders(ts, this.ctx.recvWindow, qs) });
      } else {
        const body = JSON.stringify(params);
        env = await this.ctx.rest.request('POST', path, {
          body,
          headers: { 'content-type': 'application/json', ...this.ctx.credentials.restHeaders(ts, this.ctx.recvWindow, body) },
        });
      }
      if (!env || typeof env.retCode !== 'number') throw new BadResponse(`${method} ${path}: reply is not a Bybit envelope`, { exchange: 'bybit', symbol, raw: env });
      if (env.retCode !== 0) throw bybitError(env.retCode, env.retMsg ?? '', `${method} ${path}`, { symbol, raw: env });
      return env;
    };
    return onServerClock(this.clock, attempt);
  }

  protected marketOf(id: string): Market | undefined {
    return this.ctx.marketById(id);
  }

  async fetchBalance(): Promise<BalanceData> {
    const r = await this.signed<{ list?: WalletJson[] }>('GET', PRIVATE_PATHS.wallet, { accountType: 'UNIFIED' });
    return parseWallet(r.list ?? [], undefined, r);
  }

  protected orders(list: OrderJson[] | undefined, market?: Market): Order[] {
    const out: Order[] = [];
    for (const o of list ?? []) {
      const m = market ?? this.marketOf(o.symbol);
      if (m) out.push(parseOrder(o, m));
    }
    return out;
  }

  async fetchOpenOrders(market: Market | undefined): Promise<Order[]> {
    const r = await this.signed<{ list?: OrderJson[] }>('GET', PRIVATE_PATHS.realtime, { category: CATEGORY, symbol: market?.id, limit: 50 }, market?.symbol);
    return this.orders(r.list, market);
  }

  async fetchOrders(market: Market | undefined, since?: number, limit?: number): Promise<Order[]> {
    const [open, past] = await Promise.all([
      this.fetchOpenOrders(market),
      this.signed<{ list?: OrderJson[] }>('GET', PRIVATE_PATHS.history, { category: CATEGORY, symbol: market?.id, startTime: since, limit: Math.min(limit ?? 50, 50) }, market?.symbol),
    ]);
    const byId = new Map<string, Order>();
    for (const o of [...this.orders(past.list, market), ...open]) byId.set(o.id, o);
    return [...byId.values()].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
  }

  /** An order by orderId or orderLinkId: open orders first, then the history. */
  protected async findOrder(ref: { orderId?: string; orderLinkId?: string }, market: Market): Promise<Order> {
    for (const path of [PRIVATE_PATHS.realtime, PRIVATE_PATHS.history]) {
      const r = await this.signed<{ list?: OrderJson[] }>('GET', path, { category: CATEGORY, symbol: market.id, ...ref }, market.symbol);
      const found = this.orders(r.list, market)[0];
      if (found) return found;
    }
    throw new OrderNotFound(`order ${ref.orderId ?? ref.orderLinkId} not found`, { exchange: 'bybit', symbol: market.symbol });
  }

  async fetchOrder(id: string, market: Market | undefined): Promise<Order> {
    return this.findOrder({ orderId: id }, needSymbol(market, 'fetchOrder', 'bybit'));
  }

  async fetchMyTrades(market: Market | undefined, since?: number, limit?: number): Promise<Trade[]> {
    const r = await this.signed<{ list?: ExecutionJson[] }>('GET', PRIVATE_PATHS.executions, { category: CATEGORY, symbol: market?.id, startTime: since, limit: Math.min(limit ?? 100, 100) }, market?.symbol);
    const out: Trade[] = [];
    for (const e of r.list ?? []) {
      const m = market ?? this.marketOf(e.symbol);
      if (m) out.push(parseExecution(e, m));
    }
    return out.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
  }

  async fetchDeposits(code?: string, since?: number, limit?: number): Promise<Transaction[]> {
    const r = await this.signed<{ rows?: Array<Record<string, string>> }>('GET', PRIVATE_PATHS.deposits, { coin: code, startTime: since, limit });
    return (r.rows ?? []).map((x) => transaction(x, 'deposit'));
  }

  async fetchWithdrawals(code?: string, since?: number, limit?: number): Promise<Transaction[]> {
    const r = await this.signed<{ rows?: Array<Record<string, string>> }>('GET', PRIVATE_PATHS.withdrawals, { coin: code, startTime: since, limit });
    return (r.rows ?? []).map((x) => transaction(x, 'withdrawal'));
  }

  /**
   * POST /v5/asset/withdraw/create: `coin`, `chain` (params.network, else the coin itself),
   * `address`, `tag`, `amount` as a decimal string, `timestamp`, and `accountType: "UTA"` (taken
   * from the unified account, where this adapter trades). The reply carries only the id: the
   * withdrawal starts 'pending'; fetchWithdrawals follows it.
   */
  async withdraw(req: WithdrawRequest): Promise<Transaction> {
    if (!req.address) throw new BadRequest('withdraw needs an address', { exchange: 'bybit' });
    const network = typeof req.params['network'] === 'string' ? req.params['network'] : req.code;
    const body: Record<string, unknown> = {
      coin: req.code,
      chain: network,
      address: req.address,
      ...(req.tag ? { tag: req.tag } : {}),
      amount: String(req.amount),
      timestamp: this.clock.now(),
      forceChain: 0,
      accountType: 'UTA',
    };
    for (const [k, v] of Object.entries(req.params)) if (k !== 'network' && (typeof v === 'string' || typeof v === 'number')) body[k] = v;
    const r = await this.signed<{ id?: string }>('POST', PRIVATE_PATHS.withdraw, body);
    const now = this.clock.now();
    return {
      id: String(r.id ?? ''),
      timestamp: now,
      datetime: new Date(now).toISOString(),
      type: 'withdrawal',
      currency: req.code,
      amount: req.amount,
      address: req.address,
      network,
      status: 'pending',
      info: r,
    };
  }

  /** What changed while the private stream was down: wallet, open orders, and per symbol orders and executions since. */
  async recover(hint: RecoveryHint): Promise<Recovery> {
    const [balance, open] = await Promise.all([this.fetchBalance(), this.fetchOpenOrders(undefined)]);
    const since = Math.floor(hint.since + this.clock.offsetMs) - 1000;
    const history = (symbol: string): Promise<[Order[], Trade[]]> => {
      const m = this.ctx.market(symbol);
      return Promise.all([this.fetchOrders(m, since), this.fetchMyTrades(m, since)]);
    };
    return { balance, ...(await recoverBySymbol(hint, open, history)) };
  }
}


function transaction(x: Record<string, string>, type: 'deposit' | 'withdrawal'): Transaction {
  const ts = num(x['successAt'] ?? x['createTime']);
  const status = String(x['status'] ?? '');
  return {
    id: String(x['id'] ?? x['withdrawId'] ?? x['txID'] ?? ''),
    txid: x['txID'] || undefined,
    timestamp: ts,
    datetime: ts === undefined ? undefined : new Date(ts).toISOString(),
    type,
    currency: String(x['coin'] ?? ''),
    amount: num(x['amount']) ?? 0,
    address: x['toAddress'] || undefined,
    network: x['chain'] || undefined,
    status: /success|^3$/i.test(status) ? 'ok' : /fail|reject|^4$/i.test(status) ? 'failed' : /cancel/i.test(status) ? 'canceled' : 'pending',
    info: x,
  };
}
