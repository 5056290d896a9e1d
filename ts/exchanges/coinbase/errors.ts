/**
 * Coinbase Advanced Trade errors -> exstream error classes (protocols.md §5).
 *
 * REST: a failed call answers an HTTP status and `{"error":"NOT_FOUND","error_details":"...",
 * "message":"..."}`; the Create Order reply's `error_response` has the same `error`, `message`,
 * `error_details` plus `preview_failure_reason` / `new_order_failure_reason` (the fields of
 * Coinbase's own SDK, coinbase-advanced-py, CreateOrderError). The HTTP status is what we trust
 * most.
 * WebSocket: the error frame is not in Coinbase's docs (neither the channel pages nor the
 * AsyncAPI reference show one). What Coinbase sends, as recorded by third-party clients' test
 * data, is `{"type":"error","message":"failure to subscribe"}`: no channel, no product, no
 * request id. So an error frame refuses the oldest request still waiting for its reply, and its
 * class comes from its text. That replies come in request order is an assumption the docs
 * neither state nor contradict (a connection's requests are answered one by one);
 * `{"channel":"error",...}` and a `reason` field (the older Exchange feed's) are accepted too.
 * Messages always name the request they answer.
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
  InvalidOrder,
  OrderNotFound,
  RateLimitExceeded,
} from '../../core/errors';

type ErrorClass = new (message: string, ctx?: ErrorContext) => BaseError;

/** The `error` codes of REST bodies (gRPC-style status names). */
const BY_CODE: Record<string, ErrorClass> = {
  INVALID_ARGUMENT: BadRequest,
  NOT_FOUND: BadRequest,
  UNAUTHENTICATED: AuthenticationError,
  PERMISSION_DENIED: AuthenticationError,
  RESOURCE_EXHAUSTED: RateLimitExceeded,
  UNAVAILABLE: ExchangeNotAvailable,
  INTERNAL: ExchangeNotAvailable,
  DEADLINE_EXCEEDED: ExchangeNotAvailable,
  // order placement failures (error_response.error / preview_failure_reason)
  INSUFFICIENT_FUND: InsufficientFunds,
  INSUFFICIENT_FUNDS: InsufficientFunds,
  INVALID_LIMIT_PRICE_POST_ONLY: InvalidOrder,
  INVALID_LIMIT_PRICE: InvalidOrder,
  INVALID_SIZE_PRECISION: InvalidOrder,
  INVALID_PRICE_PRECISION: InvalidOrder,
  ORDER_ENTRY_DISABLED: InvalidOrder,
  UNKNOWN_FAILURE_REASON: ExchangeError,
  UNSUPPORTED_ORDER_CONFIGURATION: InvalidOrder,
  INVALID_PRODUCT_ID: BadSymbol,
  UNKNOWN_CANCEL_ORDER: OrderNotFound,
  ORDER_NOT_FOUND: OrderNotFound,
};

/** The class of an HTTP status when the body names no known code. */
function byStatus(status: number): ErrorClass | undefined {
  if (status === 401 || status === 403) return AuthenticationError;
  if (status === 429) return RateLimitExceeded;
  if (status === 400 || status === 404) return BadRequest;
  if (status >= 500) return ExchangeNotAvailable;
  return undefined;
}

/** A text that says the product does not exist. */
function aboutProduct(text: string): boolean {
  return /product/i.test(text) && /(invalid|not (a )?valid|not found|unknown|not exist)/i.test(text);
}

/** A REST error body (with its HTTP status) -> typed error, or undefined when it is not one. */
export function mapRestError(status: number, body: unknown, what: string, symbol?: string): BaseError | undefined {
  const b = (typeof body === 'object' && body !== null ? body : {}) as { error?: unknown; message?: unknown; error_details?: unknown };
  const code = typeof b.error === 'string' ? b.error : undefined;
  const message = typeof b.message === 'string' ? b.message : typeof b.error_details === 'string' ? b.error_details : '';
  if (status < 400 && code === undefined) return undefined;
  let Cls: ErrorClass = (code !== undefined ? BY_CODE[code] : undefined) ?? byStatus(status) ?? ExchangeError;
  if ((Cls === BadRequest || status === 404) && aboutProduct(`${message} ${String(b.error_details ?? '')}`)) Cls = BadSymbol;
  const text = [code, message].filter(Boolean).join(': ') || `HTTP ${status}`;
  return new Cls(`${what}: ${text}`, { exchange: 'coinbase', symbol, code, status, raw: body });
}

/** An order-placement failure code (`error_response.error` / `preview_failure_reason`) -> class. */
export function orderErrorClass(code: string | undefined): ErrorClass {
  return (code !== undefined ? BY_CODE[code] : undefined) ?? InvalidOrder;
}

/** A WebSocket error frame's text -> typed error naming the request it answered. */
export function wsError(message: string, what: string, raw: unknown): BaseError {
  let Cls: ErrorClass = BadRequest;
  if (aboutProduct(message)) Cls = BadSymbol;
  else if (/rate|too many|exceed/i.test(message)) Cls = RateLimitExceeded;
  else if (/jwt|auth|unauthori[sz]ed|signature|expired/i.test(message)) Cls = AuthenticationError;
  return new Cls(`${what}: ${message}`, { exchange: 'coinbase', raw });
}
