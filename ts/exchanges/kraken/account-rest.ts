/**
 * Kraken's private REST (protocols.md §2): signed calls (API-Key / API-Sign, a nonce per call,
 * retried once with a newer nonce when one lost a race), each within the account tier's REST call
 * counter; the snapshots the private state is seeded from, deposits, withdrawals, withdraw, and
 * the re-sync after an interruption (recover). Order entry and the ws-auth socket build on it
 * (private.ts).
 */
import { BadRequest, BadResponse, InvalidNonce, OrderNotFound } from '../../core/errors';
import type { BalanceData, Recovery, RecoveryHint, WithdrawRequest } from '../../core/private-adapter';
import { toDecimalString } from '../../core/decimal';
import type { Market, Order, Trade, Transaction } from '../../core/types';
import { encodeQuery, Query } from '../../transport/rest-client';
import type { PrivateContext } from '../private-socket';
import type { KrakenCredentials } from './auth';
import { krakenError } from './errors';
import { unifiedAsset } from './markets';
import { KrakenRestOrder, KrakenRestTrade, parseBalanceEx, parseRestOrder, parseRestTrade } from './parse-private';
import { PATHS } from './urls';

export interface KrakenPrivateContext extends PrivateContext {
  credentials: KrakenCredentials;
  /** The account's verification tier's REST counter (Kraken "Spot REST Rate Limits"). */
  tier: KrakenTier;
  allMarkets(): readonly Market[];
}

type Json = Record<string, unknown>;

/** The private side's REST part; KrakenPrivate adds order entry and the ws-auth socket. */
export class KrakenAccountRest {
  protected readonly ctx: KrakenPrivateContext;

  constructor(ctx: KrakenPrivateContext) {
    this.ctx = ctx;
  }

  // ---------------------------------------------------------------- REST

  /**
   * A signed private REST call: form body with the nonce first (a JSON body for the endpoints that
   * take arrays: AddOrderBatch, CancelOrderBatch; API-Sign covers whichever body is sent); unwraps
   * `{error, result}`.
   */
  protected async rest<T>(path: string, params: Query | Json = {}, json = false): Promise<T> {
    const send = async (): Promise<T> => {
      const nonce = this.ctx.credentials.nonce();
      const body = json ? JSON.stringify({ nonce, ...params }) : encodeQuery({ nonce, ...(params as Query) });
      const env = await this.ctx.rest.request<{ error?: string[]; result?: T }>('POST', path, {
        body,
        // ledger / trade history calls add 2 to the call counter, the others 1 (Spot REST Rate Limits)
        weight: HISTORY_CALLS.has(path) ? 2 : 1,
        headers: {
          'API-Key': this.ctx.credentials.apiKey,
          'API-Sign': this.ctx.credentials.sign(path, nonce, body),
          'Content-Type': json ? 'application/json' : 'application/x-www-form-urlencoded',
        },
      });
      if (!env || typeof env !== 'object') throw new BadResponse(`${path}: reply is not a Kraken envelope`, { exchange: 'kraken', raw: env });
      if (Array.isArray(env.error) && env.error.length > 0) throw krakenError(String(env.error[0]), path, { raw: env });
      return env.result as T;
    };
    try {
      return await send();
    } catch (err) {
      // a nonce that lost a race with another request of this key: once more, with a newer one
      if (err instanceof InvalidNonce) return send();
      throw err;
    }
  }

  protected marketOf(symbol: string | undefined): Market | undefined {
    if (!symbol) return undefined;
    return this.ctx.allMarkets().find((m) => m.symbol === symbol || (m.info as { altname?: string }).altname === symbol || m.id === symbol);
  }

  // ---------------------------------------------------------------- REST snapshots

  async fetchBalance(): Promise<BalanceData> {
    return parseBalanceEx(await this.rest<Record<string, { balance: string; hold_trade?: string }>>(PATHS.balanceEx));
  }

  private ordersOf(list: Record<string, KrakenRestOrder> | undefined, market: Market | undefined): Order[] {
    const out: Order[] = [];
    for (const [id, o] of Object.entries(list ?? {})) {
      const m = this.marketOf(o.descr?.pair);
      if (!m || (market && m.symbol !== market.symbol)) continue;
      out.push(parseRestOrder(id, o, m));
    }
    return out.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
  }

  async fetchOpenOrders(market: Market | undefined): Promise<Order[]> {
    const r = await this.rest<{ open: Record<string, KrakenRestOrder> }>(PATHS.openOrders);
    return this.ordersOf(r.open, market);
  }

  async fetchOrders(market: Market | undefined, since?: number): Promise<Order[]> {
    const [open, closed] = await Promise.all([
      this.rest<{ open: Record<string, KrakenRestOrder> }>(PATHS.openOrders),
      this.rest<{ closed: Record<string, KrakenRestOrder> }>(PATHS.closedOrders, since !== undefined ? { start: Math.floor(since / 1000) } : {}),
    ]);
    return this.ordersOf({ ...closed.closed, ...open.open }, market);
  }

  async fetchOrder(id: string, market: Market | undefined): Promise<Order> {
    const r = await this.rest<Record<string, KrakenRestOrder>>(PATHS.queryOrders, { txid: id });
    const o = r[id];
    if (!o) throw new OrderNotFound(`order ${id} not found`, { exchange: 'kraken', code: 'EOrder:Unknown order' });
    const m = market ?? this.marketOf(o.descr.pair);
    if (!m) throw new BadResponse(`order ${id} names an unknown pair ${o.descr.pair}`, { exchange: 'kraken' });
    return parseRestOrder(id, o, m);
  }

  async fetchMyTrades(market: Market | undefined, since?: number): Promise<Trade[]> {
    const r = await this.rest<{ trades: Record<string, KrakenRestTrade> }>(PATHS.tradesHistory, since !== undefined ? { start: Math.floor(since / 1000) } : {});
    const out: Trade[] = [];
    for (const [id, t] of Object.entries(r.trades ?? {})) {
      const m = this.marketOf(t.pair);
      if (!m || (market && m.symbol !== market.symbol)) continue;
      out.push(parseRestTrade(String(t.trade_id ?? id), t, m));
    }
    return out.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
  }

  private async transfers(path: string, type: 'deposit' | 'withdrawal', code?: string): Promise<Transaction[]> {
    type Row = { refid: string; txid?: string; asset: string; amount: string; fee?: string; time: number; status: string; method?: string; info?: string };
    const rows = await this.rest<Row[]>(path, code ? { asset: code } : {});
    return (rows ?? []).map((r) => {
      const ts = Math.round(r.time * 1000);
      const t: Transaction = {
        id: r.refid,
        timestamp: ts,
        datetime: new Date(ts).toISOString(),
        type,
        currency: unifiedAsset(r.asset),
        amount: Number(r.amount),
        status: r.status === 'Success' ? 'ok' : r.status === 'Failure' ? 'failed' : 'pending',
        info: r,
      };
      if (r.txid) t.txid = r.txid;
      if (r.method) t.network = r.method;
      if (r.fee !== undefined) t.fee = { cost: Number(r.fee), currency: t.currency };
      return t;
    });
  }

  fetchDeposits(code?: string): Promise<Transaction[]> {
    return this.transfers(PATHS.depositStatus, 'deposit', code);
  }

  fetchWithdrawals(code?: string): Promise<Transaction[]> {
    return this.transfers(PATHS.withdrawStatus, 'withdrawal', code);
  }

  /**
   * POST /0/private/Withdraw: Kraken withdraws to a withdrawal key set up in the account, named by
   * `params.key`; `address` (when given) must be that key's address. Pending until it settles.
   */
  async withdraw(req: WithdrawRequest): Promise<Transaction> {
    const key = req.params['key'];
    if (typeof key !== 'string' || key === '') {
      throw new BadRequest('kraken withdraw needs params.key, the name of a withdrawal key set up on Kraken', { exchange: 'kraken' });
    }
    const q: Query = { asset: req.code, key, amount: toDecimalString(req.amount) };
    if (req.address) q['address'] = req.address;
    const r = await this.rest<{ refid: string }>(PATHS.withdraw, q);
    if (!r || typeof r.refid !== 'string') throw new BadResponse('Withdraw reply has no refid', { exchange: 'kraken', raw: r });
    const ts = Date.now();
    const t: Transaction = { id: r.refid, timestamp: ts, datetime: new Date(ts).toISOString(), type: 'withdrawal', currency: req.code, amount: req.amount, status: 'pending', info: r };
    if (req.address) t.address = req.address;
    return t;
  }

  async recover(hint: RecoveryHint): Promise<Recovery> {
    const since = hint.since - 60_000;
    const [balance, orders, trades, deposits, withdrawals] = await Promise.all([
      this.fetchBalance(),
      this.fetchOrders(undefined, since),
      this.fetchMyTrades(undefined, since),
      this.fetchDeposits(),
      this.fetchWithdrawals(),
    ]);
    return { balance, orders, trades, transactions: deposits.concat(withdrawals) };
  }
}

/** A Kraken verification tier (its REST call counter: "Spot REST Rate Limits"). */
export type KrakenTier = 'starter' | 'intermediate' | 'pro';

/** Max API counter and its decay per second by tier (docs.kraken.com "Spot REST Rate Limits"). */
export const KRAKEN_TIERS: Record<KrakenTier, { max: number; decayPerSec: number }> = {
  starter: { max: 15, decayPerSec: 0.33 },
  intermediate: { max: 20, decayPerSec: 0.5 },
  pro: { max: 20, decayPerSec: 1 },
};

/** Ledger / trade history calls: +2 on the counter. */
const HISTORY_CALLS = new Set([PATHS.tradesHistory, '/0/private/QueryTrades', '/0/private/Ledgers', '/0/private/QueryLedgers']);

/** A small token bucket: how long until one token is there (0: taken now). */
export class RefreshBudget {
  private tokens: number;
  private last = 0;

  constructor(
    private readonly capacity: number,
    private readonly perSec: number,
  ) {
    this.tokens = capacity;
  }

  /** Takes a token and returns 0, or returns the ms until one is there (nothing taken). */
  take(now: number): number {
    if (this.last) this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSec);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.perSec) * 1000);
  }
}
