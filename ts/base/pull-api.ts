/**
 * The pull side of public market data (DESIGN.md §1 "Pull"): with `ws: true` the first call
 * subscribes and waits for the stream's state (a book: synced), later calls answer from memory;
 * otherwise, and where no stream covers the request, REST.
 */
import { BadRequest, BaseError } from '../core/errors';
import type { Market, OHLCV, OrderBookSnapshot, Ticker, Trade } from '../core/types';
import type { OrderBook } from '../book/orderbook';
import type { AdapterInstance } from '../exchanges/adapter';
import { checkLimit, checkSince } from './args';
import type { MarketStore } from './markets';
import type { Topic } from './topic';
import { CANDLES_KEPT, TRADES_KEPT, TopicTable, filterSinceLimit, mergeCandle } from './topics';

/** What the pull side works with. */
export interface PullParts {
  id: string;
  ws: boolean;
  timeoutMs: number;
  markets: MarketStore;
  topics: TopicTable;
  inst: AdapterInstance;
  checkTimeframe(tf: string): void;
}

export class PullApi {
  constructor(private readonly p: PullParts) {}

  async fetchOrderBook(symbol: string, limit?: number): Promise<OrderBookSnapshot> {
    checkLimit(this.p.id, 'fetchOrderBook', limit);
    const market = await this.p.markets.of(symbol);
    if (!this.p.ws) return this.p.inst.restOrderBook(market, limit);
    const book = await this.readyBook(symbol, limit);
    return limit ? book.limit(limit) : book.snapshot();
  }

  async fetchOrderBooks(symbols?: string[], limit?: number): Promise<Record<string, OrderBookSnapshot>> {
    checkLimit(this.p.id, 'fetchOrderBooks', limit);
    await this.p.markets.load();
    if (this.p.ws && symbols === undefined) {
      throw new BadRequest('fetchOrderBooks with ws: true needs a list of symbols', { exchange: this.p.id });
    }
    const list = symbols ?? Object.keys(this.p.markets.bySymbol ?? {});
    const books = await Promise.all(list.map((s) => this.fetchOrderBook(s, limit)));
    const out: Record<string, OrderBookSnapshot> = {};
    list.forEach((s, i) => (out[s] = books[i]));
    return out;
  }

  async fetchTicker(symbol: string): Promise<Ticker> {
    const market = await this.p.markets.of(symbol);
    if (!this.p.ws) return this.p.inst.restTicker(market);
    const t = this.p.topics.acquire('ticker', symbol, undefined, true);
    await t.whenData(this.p.timeoutMs, this.p.id, 'ticker');
    return { ...(t.ticker as Ticker) };
  }

  async fetchTickers(symbols?: string[]): Promise<Record<string, Ticker>> {
    await this.p.markets.load();
    const out: Record<string, Ticker> = {};
    if (!this.p.ws || symbols === undefined) {
      // no stream covers "every market" cheaply: REST answers that one
      const markets = symbols?.map((s) => this.p.markets.get(s));
      for (const t of await this.p.inst.restTickers(markets)) out[t.symbol] = t;
      return out;
    }
    const list = await Promise.all(symbols.map((s) => this.fetchTicker(s)));
    for (const t of list) out[t.symbol] = t;
    return out;
  }

  async fetchTrades(symbol: string, since?: number, limit?: number): Promise<Trade[]> {
    checkSince(this.p.id, 'fetchTrades', since);
    checkLimit(this.p.id, 'fetchTrades', limit);
    const market = await this.p.markets.of(symbol);
    if (!this.p.ws) return this.p.inst.restTrades(market, since, limit);
    const t = this.p.topics.acquire('trades', symbol, undefined, true);
    if (!t.hasData) await this.seedTrades(t, market);
    return filterSinceLimit(t.trades, since, limit, (x) => x.timestamp);
  }

  async fetchOHLCV(symbol: string, timeframe = '1m', since?: number, limit?: number): Promise<OHLCV[]> {
    checkSince(this.p.id, 'fetchOHLCV', since);
    checkLimit(this.p.id, 'fetchOHLCV', limit);
    this.p.checkTimeframe(timeframe);
    const market = await this.p.markets.of(symbol);
    if (!this.p.ws) return this.p.inst.restOHLCV(market, timeframe, since, limit);
    const t = this.p.topics.acquire('ohlcv', symbol, timeframe, true);
    if (!t.hasData) await this.seedCandles(t, market, timeframe);
    return filterSinceLimit(t.candles, since, limit, (c) => c[0]).map((c) => c.slice() as OHLCV);
  }

  /** Stream trades start empty: fill with the REST history once, keeping the streamed ones. */
  private async seedTrades(t: Topic, market: Market): Promise<void> {
    const hist = await this.p.inst.restTrades(market, undefined, TRADES_KEPT);
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
    const hist = await this.p.inst.restOHLCV(market, timeframe, undefined, CANDLES_KEPT);
    const streamed = t.candles;
    t.candles = hist;
    for (const c of streamed) mergeCandle(t.candles, c);
    t.markData();
  }

  /** Retains the book topic and waits (up to timeoutMs) until it is synced. */
  private async readyBook(symbol: string, limit?: number): Promise<OrderBook> {
    const t = this.p.topics.acquire('orderbook', symbol, undefined, true, limit);
    if (t.error) throw t.error;
    if (!t.book) {
      // created when the topic starts, once markets are loaded (already the case here): wait a tick
      await new Promise<void>((r) => setImmediate(r));
      if (t.error) throw t.error;
      if (!t.book) throw new BaseError('order book stream did not start', { exchange: this.p.id, symbol });
    }
    await t.book.whenReady(this.p.timeoutMs);
    return t.book.book;
  }
}
