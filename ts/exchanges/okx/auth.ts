/**
 * OKX v5 request signing (protocols.md §3 "Endpoints" and "Login and private channels"; OKX
 * docs-v5 "REST Authentication" and "WebSocket Login"):
 *
 * - REST: `OK-ACCESS-SIGN` = Base64(HMAC-SHA256(secret, timestamp + METHOD + requestPath + body)),
 *   timestamp ISO 8601 with milliseconds (`2020-12-08T09:08:57.715Z`, also sent as
 *   `OK-ACCESS-TIMESTAMP`), requestPath with its query string (`/api/v5/account/balance?ccy=BTC`),
 *   body the JSON text sent (empty for GET); `OK-ACCESS-KEY`, `OK-ACCESS-PASSPHRASE` beside it.
 * - WebSocket login: `sign` = Base64(HMAC-SHA256(secret, timestamp + 'GET' + '/users/self/verify'))
 *   with the timestamp in Unix seconds; the login expires 30 s after it.
 *
 * The passphrase is the `password` option. Secrets live in private class fields: never enumerable,
 * never in util.inspect or JSON.
 */
import { createHmac } from 'crypto';
import { AuthenticationError } from '../../core/errors';

/** Base64(HMAC-SHA256(secret, payload)). */
export function okxSign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload, 'utf8').digest('base64');
}

/** The text OKX signs for a REST request. */
export function restPrehash(timestamp: string, method: string, requestPath: string, body: string): string {
  return `${timestamp}${method.toUpperCase()}${requestPath}${body}`;
}

/** The text OKX signs for a WebSocket login (timestamp in seconds). */
export function loginPrehash(timestampSec: string): string {
  return `${timestampSec}GET/users/self/verify`;
}

/** An ISO 8601 timestamp with milliseconds, as OK-ACCESS-TIMESTAMP takes it. */
export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

export class OkxCredentials {
  readonly #apiKey: string;
  readonly #secret: string;
  readonly #passphrase: string;

  constructor(apiKey: unknown, secret: unknown, passphrase: unknown) {
    if (typeof apiKey !== 'string' || apiKey === '' || typeof secret !== 'string' || secret === '') {
      throw new AuthenticationError('apiKey and secret must be non-empty strings', { exchange: 'okx' });
    }
    if (typeof passphrase !== 'string' || passphrase === '') {
      throw new AuthenticationError('OKX needs the API key passphrase as the `password` option', { exchange: 'okx' });
    }
    this.#apiKey = apiKey;
    this.#secret = secret;
    this.#passphrase = passphrase;
  }

  get apiKey(): string {
    return this.#apiKey;
  }

  /** The four OK-ACCESS-* headers of a REST request at `timestampMs`. */
  restHeaders(timestampMs: number, method: string, requestPath: string, body: string): Record<string, string> {
    const ts = isoTimestamp(timestampMs);
    return {
      'OK-ACCESS-KEY': this.#apiKey,
      'OK-ACCESS-SIGN': okxSign(this.#secret, restPrehash(ts, method, requestPath, body)),
      'OK-ACCESS-TIMESTAMP': ts,
      'OK-ACCESS-PASSPHRASE': this.#passphrase,
    };
  }

  /** The one `args` element of a login request at `timestampMs` (sent as whole seconds). */
  loginArgs(timestampMs: number): Record<string, string> {
    const ts = String(Math.floor(timestampMs / 1000));
    return { apiKey: this.#apiKey, passphrase: this.#passphrase, timestamp: ts, sign: okxSign(this.#secret, loginPrehash(ts)) };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'OkxCredentials {}';
  }

  toJSON(): Record<string, unknown> {
    return {};
  }
}
