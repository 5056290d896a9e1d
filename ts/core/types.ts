/**
 * Unified data structures: the shapes ccxt users already know (numbers as JS numbers).
 */

/** One price level: [price, amount]. */
export type Level = [number, number];

/** Trading rules of one market, parsed from the exchange's market list. */
export interface Market {
  /** Exchange-native id, e.g. 'BTCUSDT'. */
  id: string;
  /** Unified symbol, e.g. 'BTC/USDT'. */
  symbol: string;
  base: string;
  quote: string;
  baseId: string;
  quoteId: string;
  type: 'spot' | 'swap' | 'future';
  spot: boolean;
  active: boolean;
  precision: { amount?: number; price?: number };
  limits: {
    amount: { min?: number; max?: number };
    price: { min?: number; max?: number };
    cost: { min?: number; max?: number };
  };
  /** The exchange's own market record. */
  info: unknown;
}

/** A read-only order book view, as handed to callbacks and returned by pull methods. */
export interface OrderBookView {
  symbol: string;
  /** Bids, best (highest) first. */
  readonly bids: Level[];
  /** Asks, best (lowest) first. */
  readonly asks: Level[];
  /** Exchange time of the last applied update (ms), or undefined when the exchange gives none. */
  timestamp: number | undefined;
  datetime: string | undefined;
  /** Exchange sequence number of the last applied update (Binance: lastUpdateId / u). */
  nonce: number | undefined;
  /** Top n levels of each side, without copying the whole book. */
  limit(n?: number): OrderBookSnapshot;
}

/** A plain, detached copy of (part of) an order book. */
export interface OrderBookSnapshot {
  symbol: string;
  bids: Level[];
  asks: Level[];
  timestamp: number | undefined;
  datetime: string | undefined;
  nonce: number | undefined;
  limit(n?: number): OrderBookSnapshot;
}

export interface Ticker {
  symbol: string;
  timestamp: number | undefined;
  datetime: string | undefined;
  high?: number;
  low?: number;
  bid?: number;
  bidVolume?: number;
  ask?: number;
  askVolume?: number;
  vwap?: number;
  open?: number;
  close?: number;
  last?: number;
  previousClose?: number;
  change?: number;
  percentage?: number;
  average?: number;
  baseVolume?: number;
  quoteVolume?: number;
  info: unknown;
}

export interface Trade {
  id: string | undefined;
  order?: string;
  symbol: string;
  timestamp: number | undefined;
  datetime: string | undefined;
  side: 'buy' | 'sell' | undefined;
  /** 'maker' / 'taker' for own trades. */
  takerOrMaker?: 'maker' | 'taker';
  type?: string;
  price: number;
  amount: number;
  cost: number;
  fee?: { cost: number; currency: string };
  info: unknown;
}

/** [timestamp, open, high, low, close, volume] */
export type OHLCV = [number, number, number, number, number, number];

export interface BalanceEntry {
  free: number;
  used: number;
  total: number;
}

export interface Balances {
  [currency: string]: BalanceEntry | unknown;
  info: unknown;
  timestamp?: number;
  datetime?: string;
}

export type OrderStatus = 'open' | 'closed' | 'canceled' | 'expired' | 'rejected';

export interface Order {
  id: string;
  clientOrderId?: string;
  symbol: string;
  timestamp: number | undefined;
  datetime: string | undefined;
  lastTradeTimestamp?: number;
  type: string;
  timeInForce?: string;
  postOnly?: boolean;
  side: 'buy' | 'sell';
  price: number | undefined;
  average?: number;
  amount: number;
  filled: number;
  remaining: number;
  cost: number;
  status: OrderStatus;
  fee?: { cost: number; currency: string };
  trades?: Trade[];
  info: unknown;
  /**
   * Only on an entry of a createOrders / editOrders / cancelOrders reply whose own request failed (`status`
   * 'rejected' for an order not placed; the order's last known status for a cancel that failed):
   * the typed error (core/errors) the exchange's per-order code maps to.
   */
  error?: Error;
}

export interface Transaction {
  id: string;
  txid?: string;
  timestamp: number | undefined;
  datetime: string | undefined;
  type: 'deposit' | 'withdrawal';
  currency: string;
  amount: number;
  address?: string;
  network?: string;
  status: 'pending' | 'ok' | 'failed' | 'canceled';
  fee?: { cost: number; currency: string };
  info: unknown;
}

/** Base URLs. Each is scheme://host[:port]; adapters append the real paths. */
export interface Urls {
  rest?: string;
  ws?: string;
  wsApi?: string;
  wsPrivate?: string;
  restPrivate?: string;
  [key: string]: string | undefined;
}

/** Constructor options shared by every exchange. */
export interface ExchangeOptions {
  /** Pull methods answer from live WebSocket state (default false: plain REST). */
  ws?: boolean;
  apiKey?: string;
  secret?: string;
  /** OKX passphrase. */
  password?: string;
  /** Override of base URLs (local servers, testnets). */
  urls?: Urls;
  /** Default for every request and for "wait for first data". Default 10000. */
  timeoutMs?: number;
  /** Transport tuning (mostly for tests). */
  reconnect?: {
    /** First backoff delay (ms). Default 500. */
    baseDelayMs?: number;
    /** Backoff cap (ms). Default 30000. */
    maxDelayMs?: number;
    /** Give up after this many attempts (default Infinity: retry forever). */
    maxAttempts?: number;
  };
  /**
   * Deposits and withdrawals of an exchange whose private stream does not report them are polled
   * from REST this often (ms) once watched (`on('transactions')`, `watchDeposits`, ...) or pulled
   * with `ws: true`; pulls then answer from that state. Default 60000; 0 turns polling off (REST only).
   */
  transactionsPollMs?: number;
  /** A stream with no frame for this long is declared stale and reconnected (ms). */
  staleTimeoutMs?: number;
  /**
   * Depth of the REST snapshot used to initialise WebSocket books. Default (Binance): chosen by how
   * many books are open, so that all of them sync within about a minute under the weight limit
   * (5,000 levels for up to 12 books, down to 100 for more than 120).
   */
  snapshotLimit?: number;
  /**
   * Read public market data from a relay (`exstream relay`, Redis Streams) instead of the exchange:
   * 'redis://host:port'. Books, tickers and trades then come from the relay; nothing connects to
   * the exchange, and pull methods answer from live state.
   */
  relay?: string;
}

/** Connection status, emitted on 'status'. */
export interface StatusEvent {
  url: string;
  /**
   * 'stale' (relay consumers only): the Redis link is open but a relay holding a followed symbol's
   * lease stopped beating (its heartbeat key expired: frozen, or cut off from Redis); 'open' again
   * when it beats again.
   */
  state: 'connecting' | 'open' | 'reconnecting' | 'closed' | 'stale';
  attempt: number;
  delayMs?: number;
  error?: Error;
}

/** Emitted on 'resync' whenever a book is thrown away and rebuilt. */
export interface ResyncEvent {
  symbol: string;
  /**
   * Why: 'gap' (a lost update), 'checksum' (the exchange's checksum disagreed), 'crossed' (best bid
   * reached best ask: an exchange without a checksum), 'invalid' (a frame failed validation),
   * 'reconnect', 'stale' (the stream went quiet), 'maintenance' (the exchange paused its streams
   * for maintenance: rebuilt when it ends), 'relay' (scale-out consumer reloaded).
   */
  reason: 'gap' | 'checksum' | 'crossed' | 'reconnect' | 'stale' | 'maintenance' | 'invalid' | 'relay';
  /** Human-readable detail, e.g. "expected U=101, got U=103". */
  detail?: string;
  /** Book nonce before the resync. */
  nonce?: number;
}

/** What `has` advertises per method. */
export type Capability = 'ws' | 'rest' | false;
