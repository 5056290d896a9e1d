/**
 * Binance error codes -> exstream error classes (errors.md; codes in protocols.md (the project brief) §1).
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
  RequestTimeout,
} from '../../core/errors';

type ErrorClass = new (message: string, ctx?: ErrorContext) => BaseError;

const BY_CODE: Record<number, ErrorClass> = {
  [-1000]: ExchangeNotAvailable, // UNKNOWN
  [-1001]: ExchangeNotAvailable, // DISCONNECTED
  [-1002]: AuthenticationError, // UNAUTHORIZED
  [-1003]: RateLimitExceeded, // TOO_MANY_REQUESTS
  [-1006]: ExchangeNotAvailable, // UNEXPECTED_RESP
  [-1007]: RequestTimeout, // TIMEOUT
  [-1008]: ExchangeNotAvailable, // SERVER_BUSY
  [-1013]: InvalidOrder, // INVALID_MESSAGE (filter failures)
  [-1015]: RateLimitExceeded, // TOO_MANY_ORDERS
  [-1021]: InvalidNonce, // INVALID_TIMESTAMP
  [-1022]: AuthenticationError, // INVALID_SIGNATURE
  [-1100]: BadRequest,
  [-1101]: BadRequest,
  [-1102]: BadRequest,
  [-1103]: BadRequest,
  [-1104]: BadRequest,
  [-1105]: BadRequest,
  [-1106]: BadRequest,
  [-1111]: InvalidOrder, // BAD_PRECISION
  [-1121]: BadSymbol, // BAD_SYMBOL
  [-1125]: AuthenticationError, // INVALID_LISTEN_KEY
  [-2010]: InvalidOrder, // NEW_ORDER_REJECTED (refined below)
  [-2011]: OrderNotFound, // CANCEL_REJECTED (usually "Unknown order sent.")
  [-2013]: OrderNotFound, // NO_SUCH_ORDER
  [-2014]: AuthenticationError, // BAD_API_KEY_FMT
  [-2015]: AuthenticationError, // REJECTED_MBX_KEY
};

/** Builds the error for a Binance `{code, msg}` reply. `what` names the request. */
export function binanceError(code: number, msg: string, what: string, ctx: ErrorContext = {}): BaseError {
  let cls: ErrorClass = BY_CODE[code] ?? ExchangeError;
  if (code === -2010 && /insufficient balance/i.test(msg)) cls = InsufficientFunds;
  if (code === -2011 && !/unknown order/i.test(msg)) cls = InvalidOrder;
  let detail = '';
  if (code === -2021 || code === -2022) {
    // cancel-replace: the class is that of the half that failed (protocols.md §1: 409 = partly done)
    const inner = cancelReplaceFailure(ctx.raw);
    if (inner) {
      cls = binanceError(inner.code, inner.msg, what).constructor as ErrorClass;
      detail = `; ${inner.part}: ${inner.msg} (code ${inner.code})`;
    }
  }
  return new cls(`${what} failed: ${msg} (code ${code})${detail}`, { exchange: 'binance', code, ...ctx });
}

/** The failed half of a cancel-replace error's `data` (REST body or WS API reply). */
function cancelReplaceFailure(raw: unknown): { part: string; code: number; msg: string } | undefined {
  const r = raw as { data?: unknown; error?: { data?: unknown } } | undefined;
  const data = (r?.data ?? r?.error?.data) as
    | { cancelResult?: string; newOrderResult?: string; cancelResponse?: { code?: unknown; msg?: unknown }; newOrderResponse?: { code?: unknown; msg?: unknown } | null }
    | undefined;
  if (!data) return undefined;
  const pick = (part: string, x: { code?: unknown; msg?: unknown } | null | undefined) =>
    x && typeof x.code === 'number' && typeof x.msg === 'string' ? { part, code: x.code, msg: x.msg } : undefined;
  if (data.cancelResult === 'FAILURE') return pick('cancel', data.cancelResponse);
  if (data.newOrderResult === 'FAILURE') return pick('new order', data.newOrderResponse);
  return undefined;
}

/**
 * A WebSocket API error reply `{"id","status":400,"error":{"code","msg"[,"data"]}}`. 429/418 are
 * rate limits whatever the code; their `data.retryAfter` is an epoch-ms time.
 */
export function wsApiError(reply: { status?: unknown; error?: { code?: unknown; msg?: unknown; data?: unknown } }, what: string, now = Date.now()): BaseError {
  const status = typeof reply.status === 'number' ? reply.status : undefined;
  const code = typeof reply.error?.code === 'number' ? reply.error.code : 0;
  const msg = typeof reply.error?.msg === 'string' ? reply.error.msg : 'request failed';
  if (status === 429 || status === 418) {
    const data = reply.error?.data as { retryAfter?: unknown } | undefined;
    const err = new RateLimitExceeded(`${what} failed: HTTP ${status} rate limit: ${msg} (code ${code})`, { exchange: 'binance', code, status, raw: reply });
    if (typeof data?.retryAfter === 'number') err.retryAfterMs = Math.max(0, data.retryAfter - now);
    return err;
  }
  return binanceError(code, msg, what, { status, raw: reply });
}

/** RestClient mapError hook: HTTP 4xx body `{"code":-1121,"msg":"Invalid symbol."}`. */
export function mapRestError(status: number, body: unknown, what: string): BaseError | undefined {
  const b = body as { code?: unknown; msg?: unknown } | undefined;
  if (b && typeof b.code === 'number' && typeof b.msg === 'string') {
    return binanceError(b.code, b.msg, what, { status, raw: body });
  }
  return undefined;
}
