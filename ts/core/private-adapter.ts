/**
 * What an exchange adapter provides to the private side (ts/base/trading.ts), and how its stream
 * reports back. Binance implements it today; Kraken, OKX and Bybit plug in the same way: REST
 * snapshots, trading (their WebSocket order entry, REST otherwise), and a private stream that calls
 * the PrivateSink methods with unified structures.
 */
import type { BalanceEntry, Market, Order, Trade, Transaction } from './types';

/** Balances as parsed from a snapshot or a stream event. */
export interface BalanceData {
  /** Currency -> entry; a snapshot lists every currency, a stream event those that changed. */
  balances: Record<string, BalanceEntry>;
  /** The exchange's time of the account state (ms), when it says. */
  time?: number;
  info: unknown;
}

/** Extra request parameters: unified ones (clientOrderId, postOnly, timeInForce, cost) or the exchange's own. */
export type OrderParams = Record<string, unknown>;

export interface OrderRequest {
  market: Market;
  type: string;
  side: 'buy' | 'sell';
  amount: number;
  price: number | undefined;
  params: OrderParams;
}

/** One order of an editOrders batch: the order `id` and its new price / amount. */
export interface EditRequest extends OrderRequest {
  id: string;
}

/** A withdrawal as `withdraw(code, amount, address, tag?, params?)` asks for it. */
export interface WithdrawRequest {
  /** Unified currency code. */
  code: string;
  amount: number;
  /** Absent where the exchange names a saved destination in `params` (Kraken's withdrawal `key`). */
  address?: string;
  /** Memo / destination tag, where the network has one. */
  tag?: string;
  /** `network` (unified) or the exchange's own parameters. */
  params: OrderParams;
}

/** What the re-sync after an interruption starts from. */
export interface RecoveryHint {
  /** Orders that were open when the stream went down. */
  openOrders: Order[];
  /** Symbols the state knows about (orders or trades). */
  symbols: string[];
  /** The last own trade known per symbol. */
  lastTrades: Record<string, Trade | undefined>;
  /** Local time from which trades may have been missed. */
  since: number;
}

/** What changed while the stream was down, as REST tells it. */
export interface Recovery {
  balance?: BalanceData;
  orders: Order[];
  trades: Trade[];
  /** Deposits and withdrawals (adapters whose stream reports them: `streamsTransactions`). */
  transactions?: Transaction[];
}

/** REST snapshots, trading and the stream, as one exchange provides them. */
export interface PrivateAdapter {
  /**
   * The stream reports deposits and withdrawals (PrivateSink.transaction): with `ws: true`,
   * fetchDeposits / fetchWithdrawals / fetchTransactions answer from the live state, seeded once
   * from REST. Absent or false: they always ask REST.
   */
  readonly streamsTransactions?: boolean;
  /**
   * What an amend's amount means on this exchange, so an editOrder that gives no amount keeps the
   * order's size: 'total' (the new size of the whole order, filled part included: Bybit `qty`, OKX
   * `newSz`, Kraken `order_qty`, Coinbase `size`) or 'remaining' (what is left to fill: a
   * cancel-replace, Binance; Bitfinex `ou` amount, which is the order's remaining amount). Absent: 'total'.
   */
  readonly editAmount?: 'total' | 'remaining';
  fetchBalance(): Promise<BalanceData>;
  fetchOpenOrders(market: Market | undefined): Promise<Order[]>;
  fetchOrders(market: Market | undefined, since?: number, limit?: number): Promise<Order[]>;
  fetchOrder(id: string, market: Market | undefined): Promise<Order>;
  fetchMyTrades(market: Market | undefined, since?: number, limit?: number): Promise<Trade[]>;
  fetchDeposits(code?: string, since?: number, limit?: number): Promise<Transaction[]>;
  fetchWithdrawals(code?: string, since?: number, limit?: number): Promise<Transaction[]>;
  recover(hint: RecoveryHint): Promise<Recovery>;
  createOrder(req: OrderRequest): Promise<Order>;
  cancelOrder(id: string, market: Market | undefined, params: OrderParams): Promise<Order>;
  editOrder(id: string, req: OrderRequest): Promise<Order>;
  cancelAllOrders(market: Market | undefined, params: OrderParams): Promise<Order[]>;
  /**
   * Batch order ops, where the exchange has them (optional: without them the batch methods reject
   * with NotSupported). One entry per order, in the request's order; an order the exchange refused
   * is an entry with status 'rejected' and its typed `error` (the rest of the batch stands).
   */
  createOrders?(reqs: OrderRequest[]): Promise<Order[]>;
  editOrders?(reqs: EditRequest[]): Promise<Order[]>;
  cancelOrders?(ids: string[], market: Market | undefined, params: OrderParams): Promise<Order[]>;
  /** Sends a withdrawal (optional: an adapter without it makes `withdraw` reject with NotSupported). */
  withdraw?(req: WithdrawRequest): Promise<Transaction>;
  /** Starts the private stream; it reports through `sink`. */
  startStream(sink: PrivateSink): void;
  stopStream(): void;
}

/** How the adapter's stream reports to the private state. */
export interface PrivateSink {
  /** The subscription is active (again). */
  live(): void;
  /** The stream was interrupted (the adapter reconnects and calls live() again). */
  down(): void;
  /** The subscription was refused for good (bad key, rejected login). */
  failed(err: Error): void;
  balance(data: BalanceData): void;
  /** One currency's free balance moved by `delta` (deposit, withdrawal, transfer). */
  balanceDelta(currency: string, delta: (old: BalanceEntry) => BalanceEntry, time: number | undefined, info: unknown): void;
  order(o: Order): void;
  trade(t: Trade): void;
  /** A deposit or withdrawal, new or changed (its status moved): on('transactions') and the live state. */
  transaction(t: Transaction): void;
}
