/**
 * Binance request signing (protocols.md §1 "Signing"; worked examples in §7, checked in
 * test/binance-auth.test.js). Pure functions plus one small holder of the key material.
 *
 * - REST: HMAC-SHA256 (hex) of the query string exactly as sent (then the body, which we never
 *   use: every signed request carries its parameters in the query), key in X-MBX-APIKEY.
 * - WebSocket API: every parameter but `signature` (apiKey and timestamp included), sorted by
 *   name, joined as k=v&k=v, values as written, not URL-encoded.
 * - Ed25519 keys sign the same payloads (base64 signature); they alone may `session.logon`, after
 *   which requests on that connection need no apiKey or signature. RSA keys sign like Ed25519 with
 *   RSASSA-PKCS1-v1_5 / SHA-256.
 *
 * Secrets live in private class fields: never enumerable, never in util.inspect or JSON.
 */
import { createHmac, createPrivateKey, KeyObject, sign } from 'crypto';
import { AuthenticationError } from '../../core/errors';
import { encodeQuery, Query } from '../../transport/rest-client';

export type KeyKind = 'hmac' | 'ed25519' | 'rsa';

/** HMAC-SHA256 of `payload` with `secret`, lowercase hex. */
export function hmacSha256Hex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload, 'utf8').digest('hex');
}

/** A WebSocket API parameter value as it appears in the signature payload. */
function paramText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

/** The WebSocket API signature payload: params except `signature`, sorted by name, k=v&k=v. */
export function wsSignaturePayload(params: Record<string, unknown>): string {
  return Object.keys(params)
    .filter((k) => k !== 'signature' && params[k] !== undefined)
    .sort()
    .map((k) => `${k}=${paramText(params[k])}`)
    .join('&');
}

/** The REST signature payload: the query string as sent (insertion order, URL-encoded values). */
export function restSignaturePayload(query: Query): string {
  return encodeQuery(query);
}

/** An API key and its secret (HMAC) or private key (Ed25519 / RSA, PEM). */
export class BinanceCredentials {
  readonly kind: KeyKind;
  readonly #apiKey: string;
  readonly #secret: string | undefined;
  readonly #key: KeyObject | undefined;

  constructor(apiKey: string, secret: string) {
    if (typeof apiKey !== 'string' || apiKey === '' || typeof secret !== 'string' || secret === '') {
      throw new AuthenticationError('apiKey and secret must be non-empty strings', { exchange: 'binance' });
    }
    this.#apiKey = apiKey;
    if (secret.includes('-----BEGIN')) {
      let key: KeyObject;
      try {
        key = createPrivateKey(secret);
      } catch {
        throw new AuthenticationError('secret looks like a PEM key but could not be read as a private key', { exchange: 'binance' });
      }
      const type = key.asymmetricKeyType;
      if (type !== 'ed25519' && type !== 'rsa') {
        throw new AuthenticationError(`unsupported private key type ${String(type)}: use HMAC, Ed25519 or RSA`, { exchange: 'binance' });
      }
      this.#key = key;
      this.kind = type;
    } else {
      this.#secret = secret;
      this.kind = 'hmac';
    }
  }

  get apiKey(): string {
    return this.#apiKey;
  }

  /** Signature of a payload: hex for HMAC, base64 for Ed25519 and RSA. */
  sign(payload: string): string {
    if (this.#secret !== undefined) return hmacSha256Hex(this.#secret, payload);
    const key = this.#key as KeyObject;
    const data = Buffer.from(payload, 'utf8');
    return (this.kind === 'ed25519' ? sign(null, data, key) : sign('sha256', data, key)).toString('base64');
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `BinanceCredentials { kind: '${this.kind}' }`;
  }

  toJSON(): Record<string, unknown> {
    return { kind: this.kind };
  }
}

/** WebSocket API params with apiKey and signature added (params must already hold `timestamp`). */
export function signWsParams(params: Record<string, unknown>, creds: BinanceCredentials): Record<string, unknown> {
  const p: Record<string, unknown> = { ...params, apiKey: creds.apiKey };
  p['signature'] = creds.sign(wsSignaturePayload(p));
  return p;
}

/** A REST query with `signature` appended last, signing exactly the string that will be sent. */
export function signRestQuery(query: Query, creds: BinanceCredentials): Query {
  return { ...query, signature: creds.sign(restSignaturePayload(query)) };
}
