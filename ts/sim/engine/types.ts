/**
 * Types of the exchange-agnostic matching engine. Prices are integer tick counts, quantities
 * integer step counts, money amounts bigint counts of 10^-ASSET_SCALE (see decimal.ts). Each
 * market's MarketInfo converts them to and from decimal strings.
 */

export type Side = 'BUY' | 'SELL';
export type BookSideName = 'bid' | 'ask';
export type OrderType = 'LIMIT' | 'MARKET' | 'LIMIT_MAKER';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK';
export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED' | 'REJECTED';
/** Why an order update was emitted (the exchange's "execution type"). */
export type ExecType = 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED' | 'REJECTED' | 'AMENDED';

/** A market as configured: every size is a decimal string. */
export interface MarketConfig {
  /** Engine id of the market, e.g. 'BTCUSDT'. */
  symbol: string;
  base: string;
  quote: string;
  tickSize: string;
  stepSize: string;
  minPrice?: string;
  maxPrice?: string;
  minQty?: string;
  maxQty?: string;
  minNotional?: string;
  maxNotional?: string;
  /** Decimals used when formatting prices for output (default: the tick's decimals). */
  priceDecimals?: number;
  /** Decimals used when formatting quantities for output (default: the step's decimals). */
  qtyDecimals?: number;
}

export interface AccountOptions {
  /** Never checks or moves balances (market makers of the synthetic flow). */
  unlimited?: boolean;
  /** Emit order events and keep closed orders and own trades (default true). */
  track?: boolean;
  /** Maker fee in parts per million of the received amount (default 1000 = 0.1%). */
  makerFeePpm?: number;
  /** Taker fee in parts per million of the received amount (default 1000 = 0.1%). */
  takerFeePpm?: number;
}

/** The live state of one order; the engine hands out copies (OrderSnapshot). */
export interface OrderSnapshot {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  /** Client order id before a cancel renamed it (set on cancel). */
  origClientOrderId?: string;
  account: string;
  side: Side;
  type: OrderType;
  timeInForce: TimeInForce;
  /** Limit price in ticks (0 for market orders). */
  price: number;
  /** Ordered quantity in steps (for quote-quantity market orders: what was executed). */
  origQty: number;
  executedQty: number;
  /** Quote amount executed so far (10^-16 units). */
  cumQuote: bigint;
  /** Quote amount asked for by a quote-quantity market order (10^-16 units), else 0. */
  origQuoteQty: bigint;
  status: OrderStatus;
  /** Creation time (ms). */
  time: number;
  /** Last change (ms). */
  updateTime: number;
  /** Time the order started resting on the book (ms), or -1. */
  workingTime: number;
  /** Whether the order is (or was) on the book. */
  isWorking: boolean;
}

/** One execution of one order. */
export interface Fill {
  tradeId: number;
  /** Price in ticks. */
  price: number;
  /** Quantity in steps. */
  qty: number;
  /** price * qty (10^-16 units of the quote asset). */
  quote: bigint;
  /** Fee charged (10^-16 units of commissionAsset). */
  commission: bigint;
  commissionAsset: string;
  isMaker: boolean;
  time: number;
}

/** An own trade as kept for the account (myTrades). */
export interface OwnTrade extends Fill {
  symbol: string;
  orderId: number;
  isBuyer: boolean;
}

export interface OrderUpdate {
  order: OrderSnapshot;
  execType: ExecType;
  /** Set when execType is 'TRADE'. */
  fill?: Fill;
  time: number;
}

/** A public trade between a resting (maker) and an incoming (taker) order. */
export interface EngineTrade {
  symbol: string;
  id: number;
  price: number;
  qty: number;
  quote: bigint;
  time: number;
  takerSide: Side;
  buyerIsMaker: boolean;
  buyerOrderId: number;
  sellerOrderId: number;
  makerOrderId: number;
  takerOrderId: number;
}

/** The new total quantity at one price level (0 = level removed), with its update id. */
export interface LevelChange {
  symbol: string;
  side: BookSideName;
  price: number;
  qty: number;
  updateId: number;
}

export interface BalanceEntry {
  asset: string;
  /** 10^-16 units. */
  free: bigint;
  locked: bigint;
}

/** Balances of one account changed by one engine operation. */
export interface BalanceUpdate {
  account: string;
  time: number;
  balances: BalanceEntry[];
  /** Set for deposits and withdrawals: the change of the free balance of `asset`. */
  transfer?: { asset: string; delta: bigint };
}

/** Emitted after every public engine operation, once its other events are out. */
export interface Settled {
  symbol: string | undefined;
}

export interface EngineEvents {
  level: LevelChange;
  trade: EngineTrade;
  order: OrderUpdate;
  balance: BalanceUpdate;
  settled: Settled;
}

export interface PlaceOrderRequest {
  account: string;
  symbol: string;
  side: Side;
  type: OrderType;
  /** Default GTC. Ignored for MARKET (always IOC semantics). */
  timeInForce?: TimeInForce;
  price?: string | number;
  quantity?: string | number;
  /** MARKET only: spend (BUY) or receive (SELL) this much quote. */
  quoteOrderQty?: string | number;
  clientOrderId?: string;
}

export interface PlaceOrderResult {
  order: OrderSnapshot;
  fills: Fill[];
}

export interface OrderRef {
  orderId?: number;
  clientOrderId?: string;
}

export interface CancelOptions {
  /** Rename the canceled order's client id (frees the old one). */
  newClientOrderId?: string;
  /** Only cancel when the order is in this state. */
  restriction?: 'ONLY_NEW' | 'ONLY_PARTIALLY_FILLED';
}

export type EngineErrorReason =
  | 'UNKNOWN_SYMBOL'
  | 'UNKNOWN_ACCOUNT'
  | 'INVALID_PARAMETER'
  | 'BAD_PRECISION'
  | 'PRICE_FILTER'
  | 'LOT_SIZE'
  | 'NOTIONAL'
  | 'INSUFFICIENT_BALANCE'
  | 'WOULD_TAKE'
  | 'DUPLICATE_ORDER'
  | 'UNKNOWN_ORDER'
  | 'CANCEL_RESTRICTED';

/** A request the engine refused; `reason` is stable, `field` names the offending input. */
export class EngineError extends Error {
  constructor(
    readonly reason: EngineErrorReason,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}
