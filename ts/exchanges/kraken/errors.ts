/**
 * Kraken error strings -> exstream error classes.
 *
 * REST errors are strings "E<Category>:<Message>" in the `error` array of a 200 reply
 * (`{"error":["EQuery:Unknown asset pair"],"result":{}}`, protocols.md §2 "REST market endpoints");
 * WebSocket v2 replies carry one string in `error` with `success: false`, e.g.
 * `{"error":"Currency pair not supported XBT/USD","method":"subscribe","success":false,...}`
 * (protocols.md §2 "Envelope, subscribe and acks").
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

/** Exact messages first, then patterns, then the E<Category> prefix. */
const EXACT: Record<string, ErrorClass> = {
  'EQuery:Unknown asset pair': BadSymbol,
  'EGeneral:Invalid arguments': BadRequest,
  'EGeneral:Permission denied': AuthenticationError,
  'EGeneral:Temporary lockout': RateLimitExceeded,
  'EAPI:Invalid key': AuthenticationError,
  'EAPI:Invalid signature': AuthenticationError,
  'EAPI:Invalid nonce': InvalidNonce,
  'EAPI:Rate limit exceeded': RateLimitExceeded,
  'EOrder:Rate limit exceeded': RateLimitExceeded,
  'EOrder:Insufficient funds': InsufficientFunds,
  'EOrder:Unknown order': OrderNotFound,
  'EService:Unavailable': ExchangeNotAvailable,
  'EService:Busy': ExchangeNotAvailable,
  'EService:Market in cancel_only mode': ExchangeNotAvailable,
  'EService:Market in post_only mode': ExchangeNotAvailable,
  'EService:Deadline elapsed': ExchangeNotAvailable,
};

const PATTERNS: [RegExp, ErrorClass][] = [
  [/currency pair not (supported|in iso 4217)|unknown asset pair|symbol.*not (found|supported)/i, BadSymbol],
  [/exceeded msg rate|rate limit|too many requests/i, RateLimitExceeded],
  [/unknown order/i, OrderNotFound],
  [/insufficient funds/i, InsufficientFunds],
  [/invalid (key|signature|token)|permission denied|token/i, AuthenticationError],
  [/already subscribed|subscription not found|invalid|missing|unsupported|not supported/i, BadRequest],
];

const BY_CATEGORY: Record<string, ErrorClass> = {
  EGeneral: BadRequest,
  EQuery: BadRequest,
  EAPI: ExchangeError,
  EOrder: InvalidOrder,
  ETrade: InvalidOrder,
  EFunding: ExchangeError,
  EService: ExchangeNotAvailable,
};

/** The error class for one Kraken error string. */
export function errorClass(text: string): ErrorClass {
  const exact = EXACT[text];
  if (exact) return exact;
  for (const [re, cls] of PATTERNS) if (re.test(text)) return cls;
  const cat = /^(E[A-Za-z]+):/.exec(text);
  return (cat && BY_CATEGORY[cat[1]]) || ExchangeError;
}

/** Builds the error for a Kraken error string; `what` names the request. */
export function krakenError(text: string, what: string, ctx: ErrorContext = {}): BaseError {
  const Cls = errorClass(text);
  return new Cls(`${what} failed: ${text}`, { exchange: 'kraken', code: text, ...ctx });
}

/** RestClient mapError hook: non-2xx replies that still carry Kraken's `error` array. */
export function mapRestError(status: number, body: unknown, what: string): BaseError | undefined {
  const b = body as { error?: unknown } | undefined;
  if (b && Array.isArray(b.error) && typeof b.error[0] === 'string') {
    return krakenError(b.error[0], what, { status, raw: body });
  }
  return undefined;
}
