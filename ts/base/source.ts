/**
 * A market source: where an Exchange's public data comes from when it is not the exchange itself.
 * By default the StreamEngine opens the exchange's sockets; with a source (the `relay` option: a
 * relay's Redis streams, ts/relay) the same topics, books and callbacks are fed from it instead,
 * and nothing connects to the exchange. The skeleton knows no source by name: the entry module
 * hands the factories to `exchangeClass` (ts/index.ts), so base never imports a layer above it.
 */
import type { Capability, ExchangeOptions, Market, OHLCV, Ticker, Trade } from '../core/types';
import type { EventHub } from './events';
import type { TopicTable, TopicWire } from './topics';

/** What a source is given when an Exchange is created over it. */
export interface SourceContext {
  /** The exchange id, e.g. 'binance'. */
  readonly exchange: string;
  /** Every option the user passed (secrets included: never log this). */
  readonly options: ExchangeOptions;
  readonly timeoutMs: number;
  readonly events: EventHub;
  readonly topics: TopicTable;
}

/**
 * A source starts and stops topics like the StreamEngine does (books as LiveBooks on `topic.book`,
 * tickers and trades through `topics.pushTicker` / `pushTrades`), loads the markets, and answers
 * the few pulls that no live state covers (the trades history a `fetchTrades` starts from).
 */
export interface MarketSource extends TopicWire {
  fetchMarkets(): Promise<Market[]>;
  /** `has` over this source, given the exchange's own. */
  has(exchangeHas: Record<string, Capability>): Record<string, Capability>;
  /** History of a symbol's trades (oldest first), to seed fetchTrades. */
  restTrades(market: Market, since?: number, limit?: number): Promise<Trade[]>;
  /** Tickers of every market: most sources cannot answer it (NotSupported). */
  restTickers(markets?: Market[]): Promise<Ticker[]>;
  restOHLCV(market: Market, timeframe: string, since?: number, limit?: number): Promise<OHLCV[]>;
  close(): Promise<void>;
}

/** Makes the source of an Exchange (e.g. a relay consumer for the `relay` option). */
export type SourceFactory = (ctx: SourceContext) => MarketSource;

/** The sources an exchange class can use, by the option that selects them. */
export interface SourceHooks {
  /** Used when the `relay` option is set. */
  relay?: SourceFactory;
}
