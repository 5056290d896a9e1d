/**
 * Coinbase Advanced Trade authentication: a JWT per request (protocols.md §5 "JWT auth"; Coinbase's
 * own generator is coinbase/coinbase-advanced-py jwt_generator.py). Built with node:crypto only.
 *
 * - CDP API keys: the key name (`organizations/{org}/apiKeys/{key}`) and a private key: EC P-256 as
 *   PEM ("-----BEGIN EC PRIVATE KEY-----", algorithm ES256), or Ed25519 (algorithm EdDSA) as PEM or
 *   as Coinbase prints it, base64 of the 64-byte seed + public key.
 * - Header: `{"alg","kid": key name,"nonce": random hex,"typ":"JWT"}`.
 * - Claims: `{"sub": key name,"iss":"cdp","nbf": now,"exp": now + 120}` (seconds), and for REST
 *   `"uri":"GET api.coinbase.com/api/v3/brokerage/accounts"` (method, host and path, no query);
 *   WebSocket tokens have no `uri`. A token lives two minutes: a fresh one is made per message.
 * - ES256 signatures are the raw 64-byte r || s (JWS), not DER.
 *
 * Secrets live in private class fields: never enumerable, never in util.inspect or JSON.
 */
import { createPrivateKey, KeyObject, randomBytes, sign } from 'crypto';
import { AuthenticationError } from '../../core/errors';

export type JwtAlg = 'ES256' | 'EdDSA';

export interface JwtClaims {
  sub: string;
  iss: 'cdp';
  nbf: number;
  exp: number;
  uri?: string;
}

export function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

/** PKCS#8 DER prefix of an Ed25519 private key (RFC 8410), followed by the 32-byte seed. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function readKey(secret: string): KeyObject {
  const text = secret.includes('\\n') ? secret.replace(/\\n/g, '\n') : secret;
  if (text.includes('-----BEGIN')) return createPrivateKey(text);
  // Coinbase's Ed25519 form: base64 of seed (32 bytes) + public key (32 bytes)
  const raw = Buffer.from(text.trim(), 'base64');
  if (raw.length !== 64 && raw.length !== 32) throw new Error('not a PEM key nor a base64 Ed25519 key');
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, raw.subarray(0, 32)]), format: 'der', type: 'pkcs8' });
}

/** A CDP API key: its name and private key. */
export class CoinbaseCredentials {
  readonly alg: JwtAlg;
  readonly #name: string;
  readonly #key: KeyObject;

  constructor(apiKey: string, secret: string) {
    if (typeof apiKey !== 'string' || apiKey === '' || typeof secret !== 'string' || secret === '') {
      throw new AuthenticationError('apiKey (the CDP key name) and secret (its private key) must be non-empty strings', { exchange: 'coinbase' });
    }
    let key: KeyObject;
    try {
      key = readKey(secret);
    } catch {
      throw new AuthenticationError('secret could not be read as an EC (PEM) or Ed25519 private key', { exchange: 'coinbase' });
    }
    const type = key.asymmetricKeyType;
    if (type === 'ec') {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve !== 'prime256v1' && curve !== 'P-256') throw new AuthenticationError(`EC key on curve ${String(curve)}: ES256 needs P-256`, { exchange: 'coinbase' });
      this.alg = 'ES256';
    } else if (type === 'ed25519') this.alg = 'EdDSA';
    else throw new AuthenticationError(`unsupported private key type ${String(type)}: use an EC P-256 or Ed25519 CDP key`, { exchange: 'coinbase' });
    this.#name = apiKey;
    this.#key = key;
  }

  get keyName(): string {
    return this.#name;
  }

  /**
   * A signed JWT. `uri` is "METHOD host/path" for REST, absent for WebSocket. `nowSec` and
   * `nonce` are for tests; by default the clock and 16 random bytes in hex.
   */
  jwt(uri?: string, nowSec = Math.floor(Date.now() / 1000), nonce = randomBytes(16).toString('hex')): string {
    const header = { alg: this.alg, kid: this.#name, nonce, typ: 'JWT' };
    const claims: JwtClaims = { sub: this.#name, iss: 'cdp', nbf: nowSec, exp: nowSec + 120 };
    if (uri !== undefined) claims.uri = uri;
    const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const data = Buffer.from(input, 'utf8');
    const sig = this.alg === 'ES256' ? sign('sha256', data, { key: this.#key, dsaEncoding: 'ieee-p1363' }) : sign(null, data, this.#key);
    return `${input}.${base64url(sig)}`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `CoinbaseCredentials { alg: '${this.alg}' }`;
  }

  toJSON(): Record<string, unknown> {
    return { alg: this.alg };
  }
}

/** The REST `uri` claim: "GET api.coinbase.com/api/v3/brokerage/accounts" (no scheme, no query). */
export function restUri(method: string, baseUrl: string, path: string): string {
  const host = new URL(baseUrl).host;
  const p = path.split('?')[0] as string;
  return `${method.toUpperCase()} ${host}${p}`;
}
