/**
 * Bitfinex error codes -> exstream error classes (protocols.md §6 "REST" and "Subscribe and
 * acks"; Bitfinex v2 docs "Abbreviations / error codes"). REST errors are `["error", CODE, "text"]`;
 * WebSocket errors `{"event":"error","msg":"...","code":10300,...}`. The WebSocket code list is
 * UNCONFIRMED in the brief; the texts Bitfinex sends ("symbol: invalid", "nonce: small") are read
 * too.
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
  10000: BadRequest, // unknown event / unknown error
  10001: BadSymbol, // unknown pair (also the generic error code of some REST replies: texts decide below)
  10011: BadRequest, // unknown book precision
  10012: BadRequest, // unknown book length
  10020: BadRequest, // parameters invalid
  10100: AuthenticationError, // auth failed
  10111: AuthenticationError, // dms: invalid
  10112: AuthenticationError, // auth signature invalid
  10113: InvalidNonce, // nonce: small / invalid
  10114: InvalidNonce,
  10300: BadRequest, // subscribe failed
  10301: BadRequest, // already subscribed
  10302: BadRequest, // unknown channel
  10305: RateLimitExceeded, // channel limit reached
  10400: BadRequest, // unsubscribe failed
  10401: BadRequest, // not subscribed
  11000: ExchangeNotAvailable, // not ready, try again later
  20051: ExchangeNotAvailable,
  20060: ExchangeNotAvailable,
};

/** The error class of a Bitfinex code and text. */
export function errorClass(code: number | undefined, msg: string): ErrorClass {
  const m = msg.toLowerCase();
  if (m.includes('symbol: invalid') || m.includes('pair: invalid') || m.includes('unknown pair')) return BadSymbol;
  if (m.includes('nonce')) return InvalidNonce;
  if (m.includes('ratelimit') || m.includes('rate limit')) return RateLimitExceeded;
  if (m.includes('not enough') && m.includes('balance')) return InsufficientFunds;
  if (m.includes('order') && (m.includes('not found') || m.includes('could not find'))) return OrderNotFound;
  if (m.includes('invalid order') || m.includes('minimum size') || m.includes('price: invalid') || m.includes('amount: invalid')) return InvalidOrder;
  if (m.includes('apikey') || m.includes('api key') || m.includes('signature')) return AuthenticationError;
  return (code !== undefined && BY_CODE[code]) || ExchangeError;
}

/** Builds the error for a Bitfinex code and text; `what` names the request. */
export function bitfinexError(code: number | undefined, msg: string, what: string, ctx: ErrorContext = {}): BaseError {
  const Cls = errorClass(code, msg);
  return new Cls(`${what} failed: ${msg || 'error'}${code === undefined ? '' : ` (code ${code})`}`, { exchange: 'bitfinex', code, ...ctx });
}

/** RestClient mapError hook: `["error", CODE, "text"]` bodies (any HTTP status); 429 is a rate limit. */
export function mapRestError(status: number, body: unknown, what: string): BaseError | undefined {
  if (Array.isArray(body) && body[0] === 'error') {
    const code = typeof body[1] === 'number' ? body[1] : undefined;
    const msg = typeof body[2] === 'string' ? body[2] : '';
    if (status === 429) return new RateLimitExceeded(`${what} failed: ${msg || 'rate limited'}`, { exchange: 'bitfinex', code, status, raw: body });
    return bitfinexError(code, msg, what, { status, raw: body });
  }
  if (status === 429) return new RateLimitExceeded(`${what} failed: rate limited (HTTP 429)`, { exchange: 'bitfinex', status, raw: body });
  return undefined;
}
