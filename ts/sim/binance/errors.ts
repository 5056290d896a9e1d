/**
 * Binance error replies: code, message and HTTP status. Codes and message texts are taken from
 * binance-spot-api-docs errors.md (and the "Messages for -1010/-2010/-2011" table); statuses from
 * rest-api.md / web-socket-api.md ("4XX: the issue is on your side", 401 for rejected keys).
 */
import { EngineError } from '../engine';

export class BinanceError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
    /** Extra `data` object (WS API cancel-replace and rate-limit errors). */
    readonly data?: unknown,
  ) {
    super(msg);
    this.name = 'BinanceError';
  }

  body(): { code: number; msg: string; data?: unknown } {
    return this.data === undefined ? { code: this.code, msg: this.message } : { code: this.code, msg: this.message, data: this.data };
  }
}

export const E = {
  invalidSymbol: () => new BinanceError(400, -1121, 'Invalid symbol.'),
  mandatory: (p: string) => new BinanceError(400, -1102, `Mandatory parameter '${p}' was not sent, was empty/null, or malformed.`),
  eitherParam: (a: string, b: string) => new BinanceError(400, -1102, `Param '${a}' or '${b}' must be sent, but both were empty/null!`),
  illegalChars: (p: string, range: string) => new BinanceError(400, -1100, `Illegal characters found in parameter '${p}'; legal range is '${range}'.`),
  notRequired: (p: string) => new BinanceError(400, -1106, `Parameter '${p}' sent when not required.`),
  duplicateParam: () => new BinanceError(400, -1101, 'Duplicate values for a parameter detected.'),
  badPrecision: (p: string) => new BinanceError(400, -1111, `Parameter '${p}' has too much precision.`),
  invalidTif: () => new BinanceError(400, -1115, 'Invalid timeInForce.'),
  invalidType: () => new BinanceError(400, -1116, 'Invalid orderType.'),
  invalidSide: () => new BinanceError(400, -1117, 'Invalid side.'),
  badInterval: () => new BinanceError(400, -1120, 'Invalid interval.'),
  invalidParam: (p: string) => new BinanceError(400, -1130, `Data sent for parameter '${p}' is not valid.`),
  invalidJson: () => new BinanceError(400, -1135, 'Invalid JSON Request'),
  cancelRestrictionsValue: () => new BinanceError(400, -1145, 'Invalid cancelRestrictions'),
  badRecvWindow: () => new BinanceError(400, -1102, "'recvWindow' contains unexpected value. Cannot be greater than 60000."),
  timestampOutside: () => new BinanceError(400, -1021, 'Timestamp for this request is outside of the recvWindow.'),
  timestampAhead: () => new BinanceError(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time."),
  badSignature: () => new BinanceError(400, -1022, 'Signature for this request is not valid.'),
  badKeyFormat: () => new BinanceError(401, -2014, 'API-key format invalid.'),
  rejectedKey: () => new BinanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.'),
  unauthorized: () => new BinanceError(401, -1002, 'You are not authorized to execute this request.'),
  unsupported: () => new BinanceError(400, -1020, 'This operation is not supported.'),
  newOrderRejected: (msg: string) => new BinanceError(400, -2010, msg),
  cancelRejected: (msg: string) => new BinanceError(400, -2011, msg),
  noSuchOrder: () => new BinanceError(400, -2013, 'Order does not exist.'),
  filter: (name: string) => new BinanceError(400, -1013, `Filter failure: ${name}`),
  subscriptionActive: () => new BinanceError(400, -2035, 'User Data Stream subscription already active.'),
  subscriptionInactive: () => new BinanceError(400, -2036, 'User Data Stream subscription not active.'),
  /** `data` ({serverTime, retryAfter}) is only sent by the WebSocket API. */
  tooMuchWeight: (status: number, until: number, data?: { serverTime: number; retryAfter: number }) =>
    status === 418
      ? new BinanceError(418, -1003, `Way too much request weight used; IP banned until ${until}. Please use WebSocket Streams for live updates to avoid bans.`, data)
      : new BinanceError(429, -1003, 'Too much request weight used; current limit is 6000 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.', data),
  internal: (msg: string) => new BinanceError(500, -1000, msg),
};

export const MSG = {
  insufficient: 'Account has insufficient balance for requested action.',
  wouldTake: 'Order would immediately match and take.',
  duplicate: 'Duplicate order sent.',
  unknownOrder: 'Unknown order sent.',
  cancelRestricted: 'Order was not canceled due to cancel restrictions.',
};

/**
 * Maps an engine refusal to Binance's reply. `context` picks the -2010 (new order) or -2011
 * (cancel) family and -2013 for queries.
 */
export function fromEngine(err: unknown, context: 'new' | 'cancel' | 'query'): BinanceError {
  if (err instanceof BinanceError) return err;
  if (!(err instanceof EngineError)) return E.internal(err instanceof Error ? err.message : String(err));
  switch (err.reason) {
    case 'UNKNOWN_SYMBOL':
      return E.invalidSymbol();
    case 'BAD_PRECISION':
      return E.badPrecision(err.field ?? 'quantity');
    case 'PRICE_FILTER':
    case 'LOT_SIZE':
    case 'NOTIONAL':
      return E.filter(err.reason);
    case 'INSUFFICIENT_BALANCE':
      return E.newOrderRejected(MSG.insufficient);
    case 'WOULD_TAKE':
      return E.newOrderRejected(MSG.wouldTake);
    case 'DUPLICATE_ORDER':
      return E.newOrderRejected(MSG.duplicate);
    case 'CANCEL_RESTRICTED':
      return E.cancelRejected(MSG.cancelRestricted);
    case 'UNKNOWN_ORDER':
      if (context === 'query') return E.noSuchOrder();
      return context === 'cancel' ? E.cancelRejected(MSG.unknownOrder) : E.newOrderRejected(MSG.unknownOrder);
    case 'INVALID_PARAMETER':
      return E.invalidParam(err.field ?? 'unknown');
    default:
      return E.internal(err.message);
  }
}
