/**
 * Transport layer: sockets, HTTP, timers. Everything above it (exchanges, book, base) reaches the
 * network only through these classes.
 */
export { BackoffOptions, DEFAULT_BACKOFF, backoffDelay } from './backoff';
export { ConnectionBudget, ConnectionBudgetRule, HostGate, GateTicket, declareConnectionBudget, connectionGate, hostOf } from './connection-budget';
export { WsConnection, WsConnectionOptions, WsEvents, WsState } from './ws-connection';
export {
  RestClient,
  RestClientOptions,
  RequestOptions,
  HttpMethod,
  Query,
  ErrorMapper,
  encodeQuery,
  parseRetryAfter,
} from './rest-client';
export { RateLimiter, RateLimiterOptions } from './rate-limiter';
export { stripQuery, redactUrls, redactError } from './redact';
export { WsRpc, WsRpcOptions, WsRpcEvents, RpcCodec, RpcRequestOptions, RpcState, RpcNotSent, RpcReplyLost } from './ws-rpc';
