/**
 * The private side of the unified API, exchange-agnostic (DESIGN.md §1 "Pull", "Push", "Pub"):
 *
 * - pull: fetchBalance, fetchOpenOrders, fetchOrders, fetchClosedOrders, fetchMyTrades, fetchOrder
 *   answer from the live private state with `ws: true` (the first call starts the stream and seeds
 *   the state from REST), from REST otherwise; so do fetchDeposits / fetchWithdrawals /
 *   fetchTransactions where the adapter's stream reports them (streamsTransactions), REST elsewhere;
 * - push: on('balance' | 'orders' | 'myTrades'[, symbol], cb), on('transactions', cb) (deposits and
 *   withdrawals, where the adapter's stream reports them), watchBalance (conflated),
 *   watchOrders / watchMyTrades (queued: nothing lost);
 * - pub: createOrder, cancelOrder, editOrder, cancelAllOrders, createOrders / cancelOrders (where
 *   the adapter has batches); the adapter picks the transport
 *   (WebSocket trading API, REST when that is unreachable). Replies are merged into the state too.
 *
 * The adapter implements PrivateAdapter (REST snapshots, trading, stream start/stop) and feeds the
 * stream through the PrivateSink methods of this class. Kraken, OKX and Bybit plug in the same way.
 */
import { BadRequest, NotSupported } from '../core/errors';
import type { EventHub, PrivateChannel } from './events';
import type { OrderParams, OrderRequest, PrivateAdapter, PrivateSink } from '../core/private-adapter';
import { PrivatePush } from './private-push';
import { BalanceData, PrivateState } from './private-state';
import { PrivateStream } from './private-stream';
import type { BalanceEntry, Balances, Market, Order, Trade, Transaction } from '../core/types';
import type { Watch } from './watch';

export type { OrderParams, OrderRequest, PrivateAdapter, PrivateSink, Recovery, RecoveryHint } from '../core/private-adapter';

/** One order of createOrders / editOrders, as ccxt takes them (`id` for editOrders). */
export interface BatchOrder {
  id?: string;
  symbol: string;
  type: string;
  side: string;
  amount?: number;
  price?: number;
  params?: OrderParams;
}

export interface PrivateApiOptions {
  exchange: string;
  events: EventHub;
  ws: boolean;
  timeoutMs: number;
  market: (symbol: string) => Promise<Market>;
  /** Markets are needed to read stream events: loaded before the stream starts. */
  loadMarkets: () => Promise<unknown>;
  adapter: PrivateAdapter;
  /**
   * Where the adapter's stream reports no deposits/withdrawals: REST is polled this often (ms)
   * once someone watches them or pulls them with `ws: true` (default 60000; 0: never, REST only).
   */
  transactionsPollMs?: number;
}

export class PrivateApi implements PrivateSink {
  readonly state = new PrivateState();
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private polling = false;
  private closedWith: Error | undefined;
  readonly stream: PrivateStream;
  private readonly o: PrivateApiOptions;
  private readonly push: PrivatePush;
  private balanceSeed: Promise<void> | undefined;
  private balanceSeeded = false;
  /** Bumped when the state is dropped, so a seed that was in flight is not applied to the next one. */
  private epoch = 0;
  private openSeed: Promise<void> | undefined;
  private readonly orderSeeds = new Map<string, Promise<void>>();
  private readonly tradeSeeds = new Map<string, Promise<void>>();
  private readonly transactionSeeds = new Map<string, Promise<void>>();

  constructor(o: PrivateApiOptions) {
    this.o = o;
    this.stream = new PrivateStream({
      exchange: o.exchange,
      start: () => {
        o.loadMarkets().then(
          () => {
            if (this.stream.state === 'starting') o.adapter.startStream(this);
          },
          (err: Error) => this.stream.failed(err),
        );
      },
      stop: () => {
        o.adapter.stopStream();
        this.forget();
      },
      firstLive: () => void this.seedBalance().catch((err: Error) => o.events.error(err)),
      recover: () => this.recover(),
      failed: (err) => {
        this.push.fail(err);
        o.events.error(err);
      },
      error: (err) => o.events.error(err),
    });
    this.push = new PrivatePush(o.exchange, o.events, this.stream);
  }

  // ---------------------------------------------------------------- pull

  async fetchBalance(): Promise<Balances> {
    if (!this.o.ws) return balancesOf(await this.o.adapter.fetchBalance());
    await this.ensureLive();
    await this.seedBalance();
    return this.state.balance();
  }

  async fetchOpenOrders(symbol?: string, since?: number, limit?: number): Promise<Order[]> {
    const market = await this.marketOrNone(symbol);
    if (!this.o.ws) return window(await this.o.adapter.fetchOpenOrders(market), since, limit);
    await this.ensureLive();
    await this.seedOpen();
    return copies(window(this.state.listOrders(symbol, true), since, limit));
  }

  async fetchOrders(symbol?: string, since?: number, limit?: number, open?: boolean): Promise<Order[]> {
    const market = await this.marketOrNone(symbol);
    if (!this.o.ws) {
      const list = await this.o.adapter.fetchOrders(market, since, limit);
      return open === undefined ? list : list.filter((x) => isOpen(x) === open);
    }
    await this.ensureLive();
    await this.seedOpen();
    if (market) await this.seedOnce(this.orderSeeds, market.symbol, () => this.o.adapter.fetchOrders(market), (l) => this.mergeQuiet(l));
    return copies(window(this.state.listOrders(symbol, open), since, limit));
  }

  async fetchOrder(id: string, symbol?: string): Promise<Order> {
    const market = await this.marketOrNone(symbol);
    if (this.o.ws) {
      await this.ensureLive();
      const known = this.state.order(String(id), symbol);
      if (known) return { ...known };
    }
    const o = await this.o.adapter.fetchOrder(String(id), market);
    if (this.stream.active) this.state.upsertOrder(o);
    return o;
  }

  async fetchMyTrades(symbol?: string, since?: number, limit?: number): Promise<Trade[]> {
    const market = await this.marketOrNone(symbol);
    if (!this.o.ws) return this.o.adapter.fetchMyTrades(market, since, limit);
    await this.ensureLive();
    if (market) {
      await this.seedOnce(this.tradeSeeds, market.symbol, () => this.o.adapter.fetchMyTrades(market), (l) => {
        for (const t of l) this.state.addTrade(t);
      });
    }
    return window(this.state.listTrades(symbol), since, limit).map((t) => ({ ...t }));
  }

  /** True when deposits and withdrawals are answered from the live state (ws: true and a stream that reports them). */
  /** Deposits/withdrawals are answered from live state: streamed, or polled from REST. */
  private get liveTransactions(): boolean {
    return this.o.ws && (this.o.adapter.streamsTransactions === true || this.pollMs > 0);
  }

  private get pollMs(): number {
    return this.o.transactionsPollMs ?? 60_000;
  }

  /**
   * No stream reports deposits/withdrawals: poll REST (documented interval: `transactionsPollMs`)
   * and push what is new or changed, as a stream would. Started on first use, stopped by close().
   */
  private startPolling(): void {
    if (this.o.adapter.streamsTransactions === true || this.pollMs <= 0 || this.pollTimer || this.closedWith) return;
    const poll = (): void => {
      if (this.polling || this.closedWith) return;
      this.polling = true;
      Promise.all([this.o.adapter.fetchDeposits(), this.o.adapter.fetchWithdrawals()]).then(
        ([d, w]) => {
          this.polling = false;
          const changed: Transaction[] = [];
          for (const t of d.concat(w)) {
            const c = this.state.upsertTransaction(t);
            if (c) changed.push(c);
          }
          if (changed.length) this.push.transactions(changed);
        },
        (err: unknown) => {
          this.polling = false;
          this.o.events.error(err instanceof Error ? err : new Error(String(err)));
        },
      );
    };
    this.pollTimer = setInterval(poll, this.pollMs);
    // the poll alone never keeps the process alive
    this.pollTimer.unref?.();
  }

  async fetchDeposits(code?: string, since?: number, limit?: number): Promise<Transaction[]> {
    if (!this.liveTransactions) return this.o.adapter.fetchDeposits(code, since, limit);
    await this.seedTransactions();
    return window(this.state.listTransactions('deposit', code), since, limit);
  }

  async fetchWithdrawals(code?: string, since?: number, limit?: number): Promise<Transaction[]> {
    if (!this.liveTransactions) return this.o.adapter.fetchWithdrawals(code, since, limit);
    await this.seedTransactions();
    return window(this.state.listTransactions('withdrawal', code), since, limit);
  }

  async fetchTransactions(code?: string, since?: number, limit?: number): Promise<Transaction[]> {
    if (this.liveTransactions) {
      await this.seedTransactions();
      return window(this.state.listTransactions(undefined, code), since, limit);
    }
    const [d, w] = await Promise.all([this.fetchDeposits(code, since), this.fetchWithdrawals(code, since)]);
    return window(d.concat(w).sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0)), since, limit);
  }

  /** Live transactions: the stream is live and REST history was merged once (quietly: it is not news). */
  private async seedTransactions(): Promise<void> {
    this.startPolling();
    await this.ensureLive();
    await this.seedOnce(this.transactionSeeds, '*', async () => {
      const [d, w] = await Promise.all([this.o.adapter.fetchDeposits(), this.o.adapter.fetchWithdrawals()]);
      return d.concat(w);
    }, (list) => {
      for (const t of list) this.state.upsertTransaction(t);
    });
  }

  private async ensureLive(): Promise<void> {
    this.stream.retain();
    await this.stream.whenLive(this.o.timeoutMs);
  }

  private seedBalance(): Promise<void> {
    if (!this.balanceSeed) {
      const epoch = this.epoch;
      this.balanceSeed = this.o.adapter.fetchBalance().then(
        (data) => {
          if (epoch === this.epoch) this.applySnapshot(data);
        },
        (err: unknown) => {
          this.balanceSeed = undefined;
          throw err;
        },
      );
    }
    return this.balanceSeed;
  }

  private seedOpen(): Promise<void> {
    if (!this.openSeed) {
      const epoch = this.epoch;
      this.openSeed = this.o.adapter.fetchOpenOrders(undefined).then(
        (l) => {
          if (epoch === this.epoch) this.mergeQuiet(l);
        },
        (err: unknown) => {
          this.openSeed = undefined;
          throw err;
        },
      );
    }
    return this.openSeed;
  }

  private seedOnce<T>(seeds: Map<string, Promise<void>>, key: string, load: () => Promise<T>, apply: (v: T) => void): Promise<void> {
    let p = seeds.get(key);
    if (!p) {
      const epoch = this.epoch;
      p = load().then((v) => {
        if (epoch === this.epoch) apply(v);
      }, (err: unknown) => {
        seeds.delete(key);
        throw err;
      });
      seeds.set(key, p);
    }
    return p;
  }

  /** REST history: merged without events (it is not news; the stream was live before it was asked). */
  private mergeQuiet(list: Order[]): void {
    for (const o of list) this.state.upsertOrder(o);
  }

  /** A whole-account balance: the first one is always announced, later ones when they change something. */
  private applySnapshot(data: BalanceData): void {
    const first = !this.balanceSeeded;
    this.balanceSeeded = true;
    if (this.state.applyBalances(data, 'snapshot') || first) this.emitBalance();
  }

  /** The stream stopped: its state is no longer maintained. */
  private forget(): void {
    this.epoch++;
    this.state.clear();
    this.balanceSeed = this.openSeed = undefined;
    this.balanceSeeded = false;
    this.orderSeeds.clear();
    this.tradeSeeds.clear();
    this.transactionSeeds.clear();
  }

  private async recover(): Promise<void> {
    const s = this.state;
    s.streamResubscribed();
    const symbols = s.symbols();
    const lastTrades: Record<string, Trade | undefined> = {};
    for (const sym of symbols) lastTrades[sym] = s.lastTrade(sym);
    const downAt = this.stream.downAt ?? Date.now();
    const since = Math.max(this.stream.liveSince ?? 0, downAt - 5000);
    const r = await this.o.adapter.recover({ openOrders: s.listOrders(undefined, true), symbols, lastTrades, since });
    const trades = r.trades.filter((t) => s.addTrade(t));
    this.emitTrades(trades);
    const changed: Order[] = [];
    for (const o of r.orders) {
      const c = s.upsertOrder(o);
      if (c) changed.push(c);
    }
    this.emitOrders(changed);
    if (r.transactions) this.push.transactions(r.transactions.map((t) => s.upsertTransaction(t)).filter((t): t is Transaction => t !== undefined));
    if (r.balance) {
      this.applySnapshot(r.balance);
      this.balanceSeed = Promise.resolve();
    }
  }

  // ---------------------------------------------------------------- pub

  async createOrder(symbol: string, type: string, side: string, amount: number, price?: number, params: OrderParams = {}): Promise<Order> {
    const req = await this.orderRequest(symbol, type, side, amount, price, params);
    return this.noted(await this.o.adapter.createOrder(req));
  }

  async cancelOrder(id: string, symbol?: string, params: OrderParams = {}): Promise<Order> {
    if (id === undefined || id === null || id === '') throw new BadRequest('cancelOrder needs an order id', { exchange: this.o.exchange });
    const market = await this.marketOrNone(symbol);
    return this.noted(await this.o.adapter.cancelOrder(String(id), market, params));
  }

  async editOrder(id: string, symbol: string, type: string, side: string, amount?: number, price?: number, params: OrderParams = {}): Promise<Order> {
    if (id === undefined || id === null || id === '') throw new BadRequest('editOrder needs an order id', { exchange: this.o.exchange });
    let amt = amount;
    if (amt === undefined) {
      const known = this.state.order(String(id), symbol);
      if (!known) throw new BadRequest('editOrder needs the amount (the order is not in the private state)', { exchange: this.o.exchange, symbol });
      amt = this.keptAmount(known);
    }
    const req = await this.orderRequest(symbol, type, side, amt, price, params);
    return this.noted(await this.o.adapter.editOrder(String(id), req));
  }

  /**
   * The amount an amend without one sends so the order keeps its size: the whole order's where the
   * exchange's amend takes the total (a partly filled order would otherwise shrink), what is left
   * where it takes the remaining amount (PrivateAdapter.editAmount).
   */
  private keptAmount(known: Order): number {
    return this.o.adapter.editAmount === 'remaining' ? known.remaining : known.amount;
  }

  async cancelAllOrders(symbol?: string, params: OrderParams = {}): Promise<Order[]> {
    const market = await this.marketOrNone(symbol);
    const list = await this.o.adapter.cancelAllOrders(market, params);
    return list.map((o) => this.noted(o));
  }

  /** Several orders in one request where the exchange has batch ops; refused entries come back 'rejected' with their error. */
  async createOrders(orders: BatchOrder[], params: OrderParams = {}): Promise<Order[]> {
    const batch = this.batchOf('createOrders', orders, params);
    const reqs = await Promise.all(batch.map((o) => this.orderRequest(o.symbol, o.type, o.side, o.amount as number, o.price, { ...params, ...(o.params ?? {}) })));
    return this.notedAll(await batchOp(this.o.adapter, 'createOrders', this.o.exchange)(reqs));
  }

  /** Several orders amended in one request (each keeps its id where the exchange amends in place). */
  async editOrders(orders: BatchOrder[], params: OrderParams = {}): Promise<Order[]> {
    const batch = this.batchOf('editOrders', orders, params);
    const reqs = await Promise.all(
      batch.map(async (o) => {
        if (o.id === undefined || o.id === null || o.id === '') throw new BadRequest('editOrders needs an id for every order', { exchange: this.o.exchange, symbol: o.symbol });
        let amt = o.amount;
        if (amt === undefined) {
          const known = this.state.order(String(o.id), o.symbol);
          if (!known) throw new BadRequest('editOrders needs the amount (the order is not in the private state)', { exchange: this.o.exchange, symbol: o.symbol });
          amt = this.keptAmount(known);
        }
        return { ...(await this.orderRequest(o.symbol, o.type, o.side, amt, o.price, { ...params, ...(o.params ?? {}) })), id: String(o.id) };
      }),
    );
    return this.notedAll(await batchOp(this.o.adapter, 'editOrders', this.o.exchange)(reqs));
  }

  /** Several orders of one symbol cancelled in one request. */
  async cancelOrders(ids: string[], symbol?: string, params: OrderParams = {}): Promise<Order[]> {
    if (!Array.isArray(ids) || ids.length === 0 || ids.some((id) => id === undefined || id === null || id === '')) {
      throw new BadRequest('cancelOrders needs a non-empty list of order ids', { exchange: this.o.exchange, symbol });
    }
    const market = await this.marketOrNone(symbol);
    return this.notedAll(await batchOp(this.o.adapter, 'cancelOrders', this.o.exchange)(ids.map(String), market, params));
  }

  private batchOf(what: string, orders: BatchOrder[], params: OrderParams): BatchOrder[] {
    batchOp(this.o.adapter, what as 'createOrders', this.o.exchange);
    // one id for every order would make the exchange refuse the second, and a lookup find the wrong one
    if (params !== null && typeof params === 'object' && params['clientOrderId'] !== undefined) {
      throw new BadRequest(`${what}: clientOrderId goes in each order's own params, not in the params shared by the batch`, { exchange: this.o.exchange });
    }
    if (!Array.isArray(orders) || orders.length === 0) throw new BadRequest(`${what} needs a non-empty list of orders`, { exchange: this.o.exchange });
    return orders;
  }

  /** Batch replies: accepted orders merged into the state; refused entries returned as they are. */
  private notedAll(list: Order[]): Order[] {
    return list.map((o) => (o.error ? { ...o } : this.noted(o)));
  }

  private async orderRequest(symbol: string, type: string, side: string, amount: number, price: number | undefined, params: OrderParams): Promise<OrderRequest> {
    const ex = this.o.exchange;
    if (side !== 'buy' && side !== 'sell') throw new BadRequest(`side must be 'buy' or 'sell', got ${JSON.stringify(side)}`, { exchange: ex, symbol });
    if (typeof type !== 'string' || type === '') throw new BadRequest(`order type must be a string like 'limit', got ${JSON.stringify(type)}`, { exchange: ex, symbol });
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) {
      throw new BadRequest(`amount must be a positive number, got ${JSON.stringify(amount)}`, { exchange: ex, symbol });
    }
    if (price !== undefined && price !== null && (typeof price !== 'number' || !Number.isFinite(price) || price <= 0)) {
      throw new BadRequest(`price must be a positive number, got ${JSON.stringify(price)}`, { exchange: ex, symbol });
    }
    if (type === 'limit' && (price === undefined || price === null)) throw new BadRequest('a limit order needs a price', { exchange: ex, symbol });
    const market = await this.o.market(symbol);
    return { market, type, side, amount, price: price ?? undefined, params: { ...(params ?? {}) } };
  }

  /** An order reply: merged into the live state (and announced if it is news), returned as a copy. */
  private noted(o: Order): Order {
    if (this.stream.active) {
      const c = this.state.upsertOrder(o);
      if (c) this.emitOrders([c]);
    }
    return { ...o };
  }

  private async marketOrNone(symbol: string | undefined): Promise<Market | undefined> {
    return symbol === undefined || symbol === null ? undefined : this.o.market(symbol);
  }

  // ---------------------------------------------------------------- push

  on(channel: PrivateChannel, symbol: string | undefined, cb: (payload: never) => void): () => void {
    if (channel === 'transactions') this.startPolling();
    return this.push.on(channel, symbol, cb);
  }

  off(channel: PrivateChannel, symbol: string | undefined, cb: (payload: never) => void): void {
    this.push.off(channel, symbol, cb);
  }

  watchBalance(): Watch<Balances> {
    return this.push.watch<Balances>('balance', undefined, 'conflate', () => (this.balanceSeeded ? this.state.balance() : undefined));
  }

  watchOrders(symbol?: string): Watch<Order[]> {
    return this.push.watch<Order[]>('orders', symbol, 'queue', undefined);
  }

  watchMyTrades(symbol?: string): Watch<Trade[]> {
    return this.push.watch<Trade[]>('myTrades', symbol, 'queue', undefined);
  }

  /** New or changed deposits and / or withdrawals, queued; of one currency or all. */
  watchTransactions(type: Transaction['type'] | undefined, code: string | undefined): Watch<Transaction[]> {
    this.startPolling();
    return this.push.watch<Transaction[]>('transactions', undefined, 'queue', undefined, (p) => {
      const list = (p as Transaction[]).filter((t) => (type === undefined || t.type === type) && (code === undefined || t.currency === code));
      return list.length ? list : undefined;
    });
  }

  /** A withdrawal over REST (the adapter's); merged into the live transactions when the stream runs. */
  async withdraw(code: string, amount: number, address: string | undefined, tag: string | undefined, params: OrderParams): Promise<Transaction> {
    const ex = this.o.exchange;
    if (typeof code !== 'string' || code === '') throw new BadRequest('withdraw needs a currency code', { exchange: ex });
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) throw new BadRequest(`amount must be a positive number, got ${JSON.stringify(amount)}`, { exchange: ex });
    // an address, or none where the exchange names a saved destination in params (Kraken's `key`)
    if (address !== undefined && (typeof address !== 'string' || address === '')) {
      throw new BadRequest(`withdraw: address must be a non-empty string, got ${JSON.stringify(address)}`, { exchange: ex });
    }
    if (!this.o.adapter.withdraw) throw new NotSupported('withdraw is not supported', { exchange: ex });
    const t = await this.o.adapter.withdraw({ code, amount, address, tag: tag ?? undefined, params: { ...(params ?? {}) } });
    if (this.stream.active) {
      const c = this.state.upsertTransaction(t);
      if (c) this.push.transactions([c]);
    }
    return { ...t };
  }

  /** Balance events start once the state holds the whole account (seeded from REST), never a partial one. */
  private emitBalance(): void {
    if (this.balanceSeeded) this.push.balance(() => this.state.balance());
  }

  private emitOrders(list: Order[]): void {
    this.push.batch('orders', list);
  }

  private emitTrades(list: Trade[]): void {
    this.push.batch('myTrades', list);
  }

  // ---------------------------------------------------------------- PrivateSink (the adapter's stream)

  live(): void {
    this.stream.live();
  }

  down(): void {
    this.stream.down();
  }

  failed(err: Error): void {
    this.stream.failed(err);
  }

  balance(data: BalanceData): void {
    if (this.stream.active && this.state.applyBalances(data, 'stream')) this.emitBalance();
  }

  balanceDelta(currency: string, delta: (old: BalanceEntry) => BalanceEntry, time: number | undefined, info: unknown): void {
    if (!this.stream.active) return;
    this.state.applyBalanceDelta(currency, delta, time, info);
    this.emitBalance();
  }

  order(o: Order): void {
    if (!this.stream.active) return;
    const c = this.state.upsertOrder(o);
    if (c) this.emitOrders([c]);
  }

  trade(t: Trade): void {
    if (this.stream.active && this.state.addTrade(t)) this.emitTrades([t]);
  }

  transaction(t: Transaction): void {
    if (!this.stream.active) return;
    const c = this.state.upsertTransaction(t);
    if (c) this.push.transactions([c]);
  }

  /** The exchange closed: pending pulls and iterator reads fail with `err`. */
  close(err: Error): void {
    this.closedWith = err;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    this.stream.close(err);
    this.push.fail(err);
  }
}

/** A balance snapshot as a ccxt-shaped Balances object. */
/** The adapter's batch op bound to it, or NotSupported. */
function batchOp<K extends 'createOrders' | 'editOrders' | 'cancelOrders'>(adapter: PrivateAdapter, what: K, exchange: string): NonNullable<PrivateAdapter[K]> {
  const fn = adapter[what];
  if (typeof fn !== 'function') throw new NotSupported(`${what} is not supported`, { exchange });
  return (fn as (...a: unknown[]) => unknown).bind(adapter) as NonNullable<PrivateAdapter[K]>;
}

export function balancesOf(data: BalanceData): Balances {
  const s = new PrivateState();
  s.applyBalances(data, 'snapshot');
  return s.balance();
}

function isOpen(o: Order): boolean {
  return o.status === 'open';
}

function copies(list: Order[]): Order[] {
  return list.map((o) => ({ ...o }));
}

function window<T extends { timestamp: number | undefined }>(list: T[], since: number | undefined, limit: number | undefined): T[] {
  let out = since === undefined ? list.slice() : list.filter((x) => (x.timestamp ?? 0) >= since);
  if (limit !== undefined && out.length > limit) out = out.slice(out.length - limit);
  return out;
}
