/**
 * Bybit v5 request signing (protocols.md §4 "Endpoints" and "Authentication and private topics";
 * bybit-exchange.github.io/docs/v5/guide "Authentication"):
 * - REST: X-BAPI-SIGN = lowercase hex HMAC-SHA256(secret, timestamp + apiKey + recvWindow +
 *   queryString) for GET (the query string exactly as sent, unsorted), `+ jsonBodyString` for
 *   POST; headers X-BAPI-API-KEY, X-BAPI-TIMESTAMP (ms), X-BAPI-RECV-WINDOW, X-BAPI-SIGN.
 * - WebSocket (/v5/private, /v5/trade): `{"op":"auth","args":[apiKey, expires, signature]}` with
 *   signature = hex HMAC-SHA256(secret, "GET/realtime" + expires), expires a future ms time.
 *
 * The secret lives in a private class field: never enumerable, never in util.inspect or JSON.
 */
import { createHmac } from 'crypto';

/** HMAC-SHA256 of `payload` with `secret`, lowercase hex. */
export function hmacHex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload, 'utf8').digest('hex');
}

/** The REST signature payload: timestamp + apiKey + recvWindow + (queryString | jsonBody). */
export function restPayload(timestamp: number | string, apiKey: string, recvWindow: number | string, queryOrBody: string): string {
  return `${timestamp}${apiKey}${recvWindow}${queryOrBody}`;
}

/** The WebSocket auth payload: "GET/realtime" + expires. */
export function wsAuthPayload(expires: number): string {
  return `GET/realtime${expires}`;
}

export class BybitCredentials {
  readonly apiKey: string;
  readonly #secret: string;

  constructor(apiKey: string, secret: string) {
    this.apiKey = apiKey;
    this.#secret = secret;
  }

  /** X-BAPI-* headers of a REST request whose query string (GET) or JSON body (POST) is `payload`. */
  restHeaders(timestamp: number, recvWindow: number, payload: string): Record<string, string> {
    return {
      'X-BAPI-API-KEY': this.apiKey,
      'X-BAPI-TIMESTAMP': String(timestamp),
      'X-BAPI-RECV-WINDOW': String(recvWindow),
      'X-BAPI-SIGN': hmacHex(this.#secret, restPayload(timestamp, this.apiKey, recvWindow, payload)),
    };
  }

  /** The `args` of an `op: "auth"` frame. */
  wsAuthArgs(expires: number): [string, number, string] {
    return [this.apiKey, expires, hmacHex(this.#secret, wsAuthPayload(expires))];
  }

  toJSON(): Record<string, string> {
    return { apiKey: this.apiKey };
  }
}
