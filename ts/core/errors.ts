/**
 * Error classes with ccxt's names and hierarchy (DESIGN.md §1), so code migrating from ccxt can keep
 * its `instanceof` checks. Every error names the exchange and carries the raw reply that caused it.
 */

/** Extra context attached to every exstream error. */
export interface ErrorContext {
  /** Exchange id, e.g. 'binance'. */
  exchange?: string;
  /** Unified symbol the error concerns, when there is one. */
  symbol?: string;
  /** Raw reply (parsed JSON or text) from the exchange, when there is one. */
  raw?: unknown;
  /** The exchange's own error code (e.g. Binance -1121), when there is one. */
  code?: string | number;
  /** HTTP status, for REST replies. */
  status?: number;
  /** Underlying error, if any. */
  cause?: unknown;
  /** The client order id of the order a failed or unconfirmed create concerns. */
  clientOrderId?: string;
}

import type { Order } from './types';

/** Root of every error exstream throws or emits. */
export class BaseError extends Error {
  readonly exchange?: string;
  readonly symbol?: string;
  readonly raw?: unknown;
  readonly code?: string | number;
  readonly status?: number;
  /** The client order id of the order a failed or unconfirmed create concerns (look it up by this). */
  readonly clientOrderId?: string;
  override readonly cause?: unknown;
  /**
   * A batch op (createOrders / editOrders / cancelOrders) that the exchange takes in several
   * requests failed part-way: the entries of the requests that went out before this error, in
   * order (those orders are live, amended or canceled). Absent when nothing went out.
   */
  done?: Order[];

  constructor(message: string, ctx: ErrorContext = {}) {
    const prefix = ctx.exchange ? `${ctx.exchange}${ctx.symbol ? ' ' + ctx.symbol : ''}: ` : '';
    super(message.startsWith(prefix) ? message : prefix + message);
    this.name = new.target.name;
    this.exchange = ctx.exchange;
    this.symbol = ctx.symbol;
    this.raw = ctx.raw;
    this.code = ctx.code;
    this.status = ctx.status;
    if (ctx.clientOrderId !== undefined) this.clientOrderId = ctx.clientOrderId;
    if (ctx.cause !== undefined) this.cause = ctx.cause;
  }
}

/** The exchange understood the request and refused it. */
export class ExchangeError extends BaseError {}
/** Bad key, bad signature, rejected login. */
export class AuthenticationError extends ExchangeError {}
/** Malformed request or wrong arguments. */
export class BadRequest extends ExchangeError {}
/** The symbol is not listed by the exchange. */
export class BadSymbol extends BadRequest {}
/** The order was rejected (filters, price, size, type). */
export class InvalidOrder extends ExchangeError {}
/** Not enough balance for the order. */
export class InsufficientFunds extends InvalidOrder {}
/** The order does not exist (or no longer exists). */
export class OrderNotFound extends InvalidOrder {}
/** The exchange (or exstream's adapter for it) does not support this. */
export class NotSupported extends ExchangeError {}
/** The exchange's reply could not be understood (malformed frame, unexpected shape). */
export class BadResponse extends ExchangeError {}

/** Anything about reaching the exchange: timeouts, disconnects, rate limits, integrity failures. */
export class NetworkError extends BaseError {}
/** No reply in time. */
export class RequestTimeout extends NetworkError {}
/** The exchange asked us to slow down (HTTP 429/418, or its own code). */
export class RateLimitExceeded extends NetworkError {
  /** Milliseconds the exchange asked us to wait, when it said. */
  retryAfterMs?: number;
}
/** The exchange is unreachable, in maintenance, or answered 5xx. */
export class ExchangeNotAvailable extends NetworkError {}
/** Timestamp/nonce outside the exchange's window. */
export class InvalidNonce extends NetworkError {}
/** An order book failed its checksum or sequence check. */
export class ChecksumError extends NetworkError {}

/** All error classes by name, exported as `errors`. */
export const errors = {
  BaseError,
  ExchangeError,
  AuthenticationError,
  BadRequest,
  BadSymbol,
  InvalidOrder,
  InsufficientFunds,
  OrderNotFound,
  NotSupported,
  BadResponse,
  NetworkError,
  RequestTimeout,
  RateLimitExceeded,
  ExchangeNotAvailable,
  InvalidNonce,
  ChecksumError,
};
