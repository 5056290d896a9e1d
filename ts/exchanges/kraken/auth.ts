/**
 * Kraken Spot REST signing (docs.kraken.com "Spot REST Authentication"; protocols.md §2):
 * `API-Sign` = Base64(HMAC-SHA512(base64-decoded secret, URI path + SHA256(nonce + POST data))),
 * the URI path starting at `/0/private`, the POST data the form-encoded body exactly as sent (which
 * carries the nonce); `API-Key` the public key. The nonce is an always increasing unsigned 64-bit
 * integer per key: here microseconds since the epoch, bumped by one when the clock has not moved.
 *
 * Secrets live in private class fields: never enumerable, never in util.inspect or JSON.
 */
import { createHash, createHmac } from 'crypto';
import { AuthenticationError } from '../../core/errors';

/** API-Sign of one request. */
export function krakenSign(secretBase64: string, path: string, nonce: string, postData: string): string {
  const inner = createHash('sha256').update(nonce + postData, 'utf8').digest();
  return createHmac('sha512', Buffer.from(secretBase64, 'base64')).update(Buffer.concat([Buffer.from(path, 'utf8'), inner])).digest('base64');
}

export class KrakenCredentials {
  readonly #apiKey: string;
  readonly #secret: string;
  #lastNonce = 0n;

  constructor(apiKey: unknown, secret: unknown) {
    if (typeof apiKey !== 'string' || apiKey === '' || typeof secret !== 'string' || secret === '') {
      throw new AuthenticationError('apiKey and secret must be non-empty strings', { exchange: 'kraken' });
    }
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(secret)) throw new AuthenticationError('secret must be the base64 private key Kraken gave', { exchange: 'kraken' });
    this.#apiKey = apiKey;
    this.#secret = secret;
  }

  get apiKey(): string {
    return this.#apiKey;
  }

  /** A nonce above every one this key used before (microseconds since the epoch). */
  nonce(nowMs = Date.now()): string {
    const n = BigInt(Math.floor(nowMs)) * 1000n;
    this.#lastNonce = n > this.#lastNonce ? n : this.#lastNonce + 1n;
    return this.#lastNonce.toString();
  }

  sign(path: string, nonce: string, postData: string): string {
    return krakenSign(this.#secret, path, nonce, postData);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'KrakenCredentials {}';
  }

  toJSON(): Record<string, unknown> {
    return {};
  }
}
