/**
 * Exchange: the unified API every adapter extends (DESIGN.md §1).
 *
 * - pull: fetch* answer from live stream state when `ws: true` (first call subscribes and waits
 *   for sync), from REST otherwise;
 * - push: on/off callbacks and watch* iterators/thenables, all fed by the same topics;
 * - the adapter subclass supplies REST calls, stream subscription and frame parsing.
 */
import type { OrderBook } from '../book/orderbook';
import { BadRequest, BaseError } from '../core/errors';
import { Topic } from './topic';
import type { OrderParams } from './trading';
import type {
  Balances,
  Market,
  OHLCV,
  OrderBookSnapshot,
  Order,
  Ticker,
  Trade,
  Transaction,
} from '../core/types';
import { Watch } from './watch';

import { ExchangePush } from './exchange-push';
import { CANDLES_KEPT, TRADES_KEPT, filterSinceLimit, mergeCandle } from './exchange-core';
export { ExchangeSpec, mergeCandle } from './exchange-core';

export abstract class Exchange extends ExchangePush {
  // ---------------------------------------------------------------- pull

  /** The order book: live state with `ws: true` (first call waits for sync), REST otherwise. */
  async fetchOrderBook(symbol: string, limit?: number): Promise<OrderBookSnapshot> {
    const market = await this.marketOf(symbol);
    if (!this.ws) return this.restOrderBook(market, limit);
    const book = await this.readyBook(symbol);
    return limit ? book.limit(limit) : book.snapshot();
  }

  /** Several order books (all markets' books are not streamed: pass symbols with `ws: true`). */
  async fetchOrderBooks(symbols?: string[], limit?: number): Promise<Record<string, OrderBookSnapshot>> {
    await this.loadMarkets();
    const list = symbols ?? Object.keys(this.markets ?? {});
    if (this.ws && symbols === undefined) {
      throw new BadRequest('fetchOrderBooks with ws: true needs a list of symbols', { exchange: this.id });
    }
    const books = await Promise.all(list.map((s) => this.fetchOrderBook(s, limit)));
    const out: Record<string, OrderBookSnapshot> = {};
    list.forEach((s, i) => (out[s] = books[i]));
    return out;
  }

  async fetchTicker(symbol: string): Promise<Ticker> {
    const market = await this.marketOf(symbol);
    if (!this.ws) return this.restTicker(market);
    const t = this.acquire('ticker', symbol, undefined, true);
    await t.whenData(this.timeoutMs, this.id, 'ticker');
    return { ...(t.ticker as Ticker) };
  }

  async fetchTickers(symbols?: string[]): Promise<Record<string, Ticker>> {
    await this.loadMarkets();
    const out: Record<string, Ticker> = {};
    if (!this.ws || symbols === undefined) {
      // no stream covers "every market" cheaply: REST answers that one
      const markets = symbols?.map((s) => this.market(s));
      for (const t of await this.restTickers(markets)) out[t.symbol] = t;
      return out;
    }
    const list = await Promise.all(symbols.map((s) => this.fetchTicker(s)));
    for (const t of list) out[t.symbol] = t;
    return out;
  }

  async fetchTrades(symbol: string, since?: number, limit?: number): Promise<Trade[]> {
    const market = await this.marketOf(symbol);
    if (!this.ws) return this.restTrades(market, since, limit);
    const t = this.acquire('trades', symbol, undefined, true);
    if (!t.hasData) await this.seedTrades(t, market);
    return filterSinceLimit(t.trades, since, limit, (x) => x.timestamp);
  }

  async fetchOHLCV(symbol: string, timeframe = '1m', since?: number, limit?: number): Promise<OHLCV[]> {
    this.checkTimeframe(timeframe);
    const market = await this.marketOf(symbol);
    if (!this.ws) return this.restOHLCV(market, timeframe, since, limit);
    const t = this.acquire('ohlcv', symbol, timeframe, true);
    if (!t.hasData) await this.seedCandles(t, market, timeframe);
    return filterSinceLimit(t.candles, since, limit, (c) => c[0]).map((c) => c.slice() as OHLCV);
  }

  /** Stream trades start empty: fill with the REST history once, keeping the streamed ones. */
  private async seedTrades(t: Topic, market: Market): Promise<void> {
    const hist = await this.restTrades(market, undefined, TRADES_KEPT);
    if (t.hasData && t.trades.length && hist.length) {
      // streamed trades that arrived while REST was answering win; drop duplicates by id
      const seen = new Set(t.trades.map((x) => x.id));
      t.trades = hist.filter((x) => !seen.has(x.id)).concat(t.trades);
    } else {
      t.trades = hist.concat(t.trades);
    }
    t.trades.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
    if (t.trades.length > TRADES_KEPT) t.trades.splice(0, t.trades.length - TRADES_KEPT);
    t.markData();
  }

  private async seedCandles(t: Topic, market: Market, timeframe: string): Promise<void> {
    const hist = await this.restOHLCV(market, timeframe, undefined, CANDLES_KEPT);
    const streamed = t.candles;
    t.candles = hist;
    for (const c of streamed) mergeCandle(t.candles, c);
    t.markData();
  }

  /** Retains the book topic and waits (up to timeoutMs) until it is synced. */
  protected async readyBook(symbol: string): Promise<OrderBook> {
    const t = this.acquire('orderbook', symbol, undefined, true);
    if (t.error) throw t.error;
    if (!t.book) {
      // created by startTopic once markets are loaded (already the case here): wait a tick
      await new Promise<void>((r) => setImmediate(r));
      if (t.error) throw t.error;
      if (!t.book) throw new BaseError('order book stream did not start', { exchange: this.id, symbol });
    }
    await t.book.whenReady(this.timeoutMs);
    return t.book.book;
  }

  // ---------------------------------------------------------------- private: pull, push, pub


  /** Balances: live state with `ws: true` (first call subscribes and seeds from REST), REST otherwise. */
  async fetchBalance(): Promise<Balances> {
    return this.privateApi('fetchBalance').fetchBalance();
  }

  /** Alias of fetchBalance. */
  fetchBalances(): Promise<Balances> {
    return this.fetchBalance();
  }

  async fetchOpenOrders(symbol?: string, since?: number, limit?: number): Promise<Order[]> {
    return this.privateApi('fetchOpenOrders').fetchOpenOrders(symbol, since, limit);
  }

  async fetchOrders(symbol?: string, since?: number, limit?: number): Promise<Order[]> {
    return this.privateApi('fetchOrders').fetchOrders(symbol, since, limit);
  }

  async fetchClosedOrders(symbol?: string, since?: number, limit?: number): Promise<Order[]> {
    return this.privateApi('fetchClosedOrders').fetchOrders(symbol, since, limit, false);
  }

  async fetchOrder(id: string, symbol?: string): Promise<Order> {
    return this.privateApi('fetchOrder').fetchOrder(id, symbol);
  }

  async fetchMyTrades(symbol?: string, since?: number, limit?: number): Promise<Trade[]> {
    return this.privateApi('fetchMyTrades').fetchMyTrades(symbol, since, limit);
  }

  /** Deposits and withdrawals, oldest first (REST). */
  async fetchTransactions(code?: string, since?: number, limit?: number): Promise<Transaction[]> {
    return this.privateApi('fetchTransactions').fetchTransactions(code, since, limit);
  }

  async fetchDeposits(code?: string, since?: number, limit?: number): Promise<Transaction[]> {
    return this.privateApi('fetchDeposits').fetchDeposits(code, since, limit);
  }

  async fetchWithdrawals(code?: string, since?: number, limit?: number): Promise<Transaction[]> {
    return this.privateApi('fetchWithdrawals').fetchWithdrawals(code, since, limit);
  }

  /** Places an order over the WebSocket trading API where there is one (`has.createOrder`), REST otherwise. */
  async createOrder(symbol: string, type: string, side: string, amount: number, price?: number, params?: OrderParams): Promise<Order> {
    return this.privateApi('createOrder').createOrder(symbol, type, side, amount, price, params);
  }

  async cancelOrder(id: string, symbol?: string, params?: OrderParams): Promise<Order> {
    return this.privateApi('cancelOrder').cancelOrder(id, symbol, params);
  }

  /** Replaces an order (new price/amount); resolves with the new order. */
  async editOrder(id: string, symbol: string, type: string, side: string, amount?: number, price?: number, params?: OrderParams): Promise<Order> {
    return this.privateApi('editOrder').editOrder(id, symbol, type, side, amount, price, params);
  }

  async cancelAllOrders(symbol?: string, params?: OrderParams): Promise<Order[]> {
    return this.privateApi('cancelAllOrders').cancelAllOrders(symbol, params);
  }

  /** The balance after every change (conflated: a slow reader gets the latest). */
  watchBalance(): Watch<Balances> {
    return this.privateApi('watchBalance').watchBalance();
  }

  /** Changed orders, queued (none lost); all symbols, or one. */
  watchOrders(symbol?: string): Watch<Order[]> {
    if (symbol !== undefined && this.markets) this.market(symbol);
    return this.privateApi('watchOrders').watchOrders(symbol);
  }

  /** New own trades, queued (none lost); all symbols, or one. */
  watchMyTrades(symbol?: string): Watch<Trade[]> {
    if (symbol !== undefined && this.markets) this.market(symbol);
    return this.privateApi('watchMyTrades').watchMyTrades(symbol);
  }

}
