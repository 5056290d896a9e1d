/**
 * Bybit v5 error codes -> exstream error classes (protocols.md §4 "Order entry over WebSocket":
 * gateway and business retCodes; bybit-exchange.github.io/docs/v5/error). REST replies carry
 * `{"retCode":N,"retMsg":".."}` (HTTP 200 for business errors); public stream refusals carry
 * `{"success":false,"ret_msg":".."}` with no code.
 */
import {
  AuthenticationError,
  BadRequest,
  BadSymbol,
  BaseError,
  ErrorContext,
  ExchangeError,
  ExchangeNotAvailable,
  InsufficientFunds,
  InvalidNonce,
  InvalidOrder,
  OrderNotFound,
  RateLimitExceeded,
} from '../../core/errors';

type ErrorClass = new (message: string, ctx?: ErrorContext) => BaseError;

const BY_CODE: Record<number, ErrorClass> = {
  10001: BadRequest, // params error
  10002: InvalidNonce, // request time exceeds the time window (timestamp / recv_window)
  10003: AuthenticationError, // API key is invalid
  10004: AuthenticationError, // error sign
  10005: AuthenticationError, // permission denied
  10006: RateLimitExceeded, // too many visits
  10007: AuthenticationError, // user authentication failed
  10009: AuthenticationError, // IP banned
  10010: AuthenticationError, // unmatched IP
  10016: ExchangeNotAvailable, // internal error / service restarting
  10018: RateLimitExceeded, // exceeded the IP rate limit
  10019: ExchangeNotAvailable, // trade service restarting
  10403: RateLimitExceeded, // over 3000 requests/s per IP on /v5/trade
  10404: BadRequest, // op not found or bad category
  10429: RateLimitExceeded, // system frequency protection
  20006: BadRequest, // duplicate reqId
  20001: AuthenticationError, // repeat auth
  170121: BadSymbol, // invalid symbol
  170131: InsufficientFunds, // balance insufficient
  170136: InvalidOrder, // qty below the minimum
  170213: OrderNotFound, // order does not exist
  110001: OrderNotFound, // order does not exist
  110007: InsufficientFunds, // available balance not enough
  // asset (withdrawals)
  131002: BadRequest, // parameter error
  131085: InsufficientFunds, // withdrawal amount is greater than the available balance
  131203: BadRequest, // request parameter error
  131212: InsufficientFunds, // insufficient balance
};

/** The class of a retCode: 11xxxx and 17xxxx trade codes default to InvalidOrder. */
export function errorClass(code: number): ErrorClass {
  const cls = BY_CODE[code];
  if (cls) return cls;
  if ((code >= 110000 && code < 120000) || (code >= 170000 && code < 180000)) return InvalidOrder;
  return ExchangeError;
}

/** The error of a retCode/retMsg pair; `what` names the request. */
export function bybitError(code: number, msg: string, what: string, ctx: ErrorContext = {}): BaseError {
  const Cls = errorClass(code);
  return new Cls(`${what} failed: ${msg || 'error'} (retCode ${code})`, { exchange: 'bybit', code: String(code), ...ctx });
}

/** A public stream's refusal `{"success":false,"ret_msg":"error:handler not found,topic:..."}`. */
export function streamRefusal(retMsg: string, what: string, ctx: ErrorContext = {}): BaseError {
  // "handler not found" is Bybit's answer to a topic it does not serve (unknown symbol or depth)
  const Cls = /handler not found|topic/i.test(retMsg) ? BadSymbol : BadRequest;
  return new Cls(`${what} failed: ${retMsg || 'refused'}`, { exchange: 'bybit', ...ctx });
}

/** RestClient mapError hook: non-2xx replies carrying `{retCode, retMsg}`. */
export function mapRestError(status: number, body: unknown, what: string): BaseError | undefined {
  const b = body as { retCode?: unknown; retMsg?: unknown } | undefined;
  if (b && typeof b.retCode === 'number' && b.retCode !== 0) {
    return bybitError(b.retCode, typeof b.retMsg === 'string' ? b.retMsg : '', what, { status, raw: body });
  }
  // 403 "access too frequent": the IP limit (600 requests / 5 s) was broken; Bybit bans for 10 min
  if (status === 403) return new RateLimitExceeded(`${what} failed: HTTP 403 (IP rate limit)`, { exchange: 'bybit', status, raw: body });
  return undefined;
}
