/**
 * OKX error codes -> exstream error classes.
 *
 * WebSocket: `{"event":"error","code":"60012","msg":"Invalid request: ...","id":"1512"}` with the
 * codes of OKX docs-v5 "Error Code > WebSocket > Public" (60004-64008); REST: the envelope's
 * non-"0" `code` (docs-v5 "Error Code > REST API", 50000-59999). protocols.md §3.
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

const BY_CODE: Record<string, ErrorClass> = {
  // ---- WebSocket (public)
  '60004': InvalidNonce, // Invalid timestamp
  '60005': AuthenticationError, // Invalid apiKey
  '60006': InvalidNonce, // Timestamp request expired
  '60007': AuthenticationError, // Invalid sign
  '60008': BadRequest, // endpoint does not support subscribing to {0} channels
  '60009': AuthenticationError, // Login failure
  '60011': AuthenticationError, // Please log in
  '60012': BadRequest, // Invalid request
  '60013': BadRequest, // Invalid args
  '60014': RateLimitExceeded, // Requests too frequent
  '60018': BadSymbol, // Wrong URL or {0} doesn't exist
  '60019': BadRequest, // Invalid op
  '60023': RateLimitExceeded, // Bulk login requests too frequent
  '60024': AuthenticationError, // Wrong passphrase
  '60027': BadRequest, // Parameter {0} can not be empty
  '60028': BadRequest, // operation not supported by this URL
  '60032': AuthenticationError, // API key doesn't exist
  '60033': BadRequest, // Parameter {param0} error
  '63999': ExchangeNotAvailable, // internal error
  '64000': BadRequest, // uly no longer available
  '64001': BadRequest, // channel migrated to /business
  '64002': BadRequest, // channel not supported by /business
  '64003': AuthenticationError, // fee tier does not allow this channel
  '64004': BadRequest, // books and books-l2-tbt together
  '64007': ExchangeNotAvailable, // internal error
  // ---- REST (general, API and trade classes)
  '1': ExchangeError, // Operation failed
  '50001': ExchangeNotAvailable, // Service temporarily unavailable
  '50002': BadRequest, // JSON syntax error
  '50004': RequestTimeout, // endpoint request timeout
  '50005': ExchangeNotAvailable, // endpoint inactive
  '50011': RateLimitExceeded, // Rate limit reached
  '50013': ExchangeNotAvailable, // Systems are busy
  '50014': BadRequest, // Parameter can not be empty
  '50015': BadRequest,
  '50016': BadRequest,
  '50024': BadRequest,
  '50025': BadRequest,
  '50026': ExchangeNotAvailable, // System error
  '50030': AuthenticationError, // no permission for this endpoint
  '50040': RateLimitExceeded, // Too frequent operations
  '50061': RateLimitExceeded, // max order rate
  '50100': AuthenticationError,
  '50101': AuthenticationError,
  '50102': InvalidNonce, // Timestamp request expired
  '50103': AuthenticationError,
  '50104': AuthenticationError,
  '50105': AuthenticationError,
  '50106': AuthenticationError,
  '50107': AuthenticationError,
  '50110': AuthenticationError,
  '50111': AuthenticationError,
  '50112': InvalidNonce, // Invalid OK-ACCESS-TIMESTAMP
  '50113': AuthenticationError, // Invalid signature
  '50114': AuthenticationError,
  '50119': AuthenticationError,
  '50120': AuthenticationError,
  '51000': BadRequest, // Parameter {param0} error
  '51001': BadSymbol, // Instrument ID ... doesn't exist
  '51008': InsufficientFunds,
  '51400': OrderNotFound, // cancellation failed: order does not exist
  '51401': OrderNotFound, // cancellation failed: order already canceled
  '51402': OrderNotFound, // cancellation failed: order already completed
  '51503': OrderNotFound, // amend failed: order does not exist
  '51509': OrderNotFound, // amend failed: order already canceled
  '51510': OrderNotFound, // amend failed: order already completed
  '58350': InsufficientFunds, // withdrawal: insufficient balance
  '51119': InsufficientFunds, // order failed: insufficient balance
  '51131': InsufficientFunds, // insufficient balance
  '51603': OrderNotFound, // Order does not exist
};

/** The error class of an OKX code ('5xxxx' trade codes default to InvalidOrder). */
export function errorClass(code: string): ErrorClass {
  const cls = BY_CODE[code];
  if (cls) return cls;
  if (/^51\d{3}/.test(code)) return InvalidOrder;
  return ExchangeError;
}

/** Builds the error for an OKX `{code, msg}`; `what` names the request. */
export function okxError(code: string, msg: string, what: string, ctx: ErrorContext = {}): BaseError {
  const Cls = errorClass(code);
  return new Cls(`${what} failed: ${msg || 'error'} (code ${code})`, { exchange: 'okx', code, ...ctx });
}

/** RestClient mapError hook: non-2xx replies with OKX's `{code, msg}` body. */
export function mapRestError(status: number, body: unknown, what: string): BaseError | undefined {
  const b = body as { code?: unknown; msg?: unknown } | undefined;
  if (b && (typeof b.code === 'string' || typeof b.code === 'number') && String(b.code) !== '0') {
    return okxError(String(b.code), typeof b.msg === 'string' ? b.msg : '', what, { status, raw: body });
  }
  return undefined;
}
