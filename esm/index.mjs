// ESM entry: the library is compiled to CommonJS (js/); this re-exports it with named exports.
import cjs from '../js/index.js';

export const {
  binance,
  kraken,
  okx,
  bitfinex,
  Exchange,
  Watch,
  OrderBook,
  errors,
  exchanges,
  exchangeIds,
  version,
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
} = cjs;
export default cjs;
