/**
 * Bitfinex v2 authentication (protocols.md §6 "REST" and "Authentication and the account
 * channel"; Bitfinex docs "Authenticated endpoints" and "WebSocket authentication"):
 *
 * - WebSocket: `{"event":"auth","apiKey":K,"authSig":S,"authPayload":"AUTH<nonce>",
 *   "authNonce":<nonce>,"filter":[...],"dms":4}` with S = hex HMAC-SHA384(secret, "AUTH" + nonce);
 * - REST: headers `bfx-nonce`, `bfx-apikey`, `bfx-signature` = hex HMAC-SHA384(secret,
 *   "/api/v2/" + path + nonce + body), path without its `/v2/` prefix (`auth/r/wallets`), body the
 *   exact JSON text sent (`{}` when there is none).
 *
 * Nonces must grow strictly for a key, across reconnects and processes: they are microseconds since
 * the epoch (16 digits, what the official clients send), and within a process never repeat or go
 * down even if the clock steps back or two are taken in the same microsecond, also between several
 * clients of one key in the process (they share the last nonce). A new process starts
 * from its own clock, so nonces keep growing as long as processes sharing a key do not run at the
 * same time (Bitfinex's advice: one key per process); a clock set back across a restart is the
 * one case this cannot cover, and Bitfinex then answers "nonce: small" (InvalidNonce).
 *
 * Secrets live in private class fields: never enumerable, never in util.inspect or JSON.
 */
import { createHash, createHmac } from 'crypto';
import { AuthenticationError } from '../../core/errors';

/** HMAC-SHA384 of `payload` with `secret`, lowercase hex. */
export function hmacSha384Hex(secret: string, payload: string): string {
  return createHmac('sha384', secret).update(payload, 'utf8').digest('hex');
}

/** The REST signature payload: "/api/v2/" + path + nonce + body. */
export function restSignaturePayload(path: string, nonce: string, body: string): string {
  const p = path.replace(/^\/?(v2\/)?/, '');
  return `/api/v2/${p}${nonce}${body}`;
}

/** The last nonce handed out per key in this process (keyed by a hash of the API key). */
const LAST_NONCE = new Map<string, { last: number }>();

/**
 * Strictly increasing microsecond nonces (see the file comment). Sources made for the same `key`
 * in one process (several clients with one API key) share their last value, so they never collide.
 */
export class NonceSource {
  private readonly state: { last: number };

  constructor(private readonly nowMs: () => number = Date.now, key?: string) {
    if (key === undefined) this.state = { last: 0 };
    else {
      const id = createHash('sha256').update(key).digest('hex');
      let st = LAST_NONCE.get(id);
      if (!st) LAST_NONCE.set(id, (st = { last: 0 }));
      this.state = st;
    }
  }

  next(): string {
    // ms clock * 1000 plus a sub-ms part from the high-resolution clock
    const sub = Number(process.hrtime.bigint() % 1000n);
    let n = Math.floor(this.nowMs()) * 1000 + sub;
    if (n <= this.state.last) n = this.state.last + 1;
    this.state.last = n;
    return String(n);
  }
}

/** The `auth` event of the account channel. */
export interface AuthEvent {
  event: 'auth';
  apiKey: string;
  authSig: string;
  authPayload: string;
  authNonce: number;
  filter?: string[];
  dms?: number;
}

/** An API key and its secret. */
export class BitfinexCredentials {
  readonly #apiKey: string;
  readonly #secret: string;
  readonly nonces: NonceSource;

  constructor(apiKey: string, secret: string, nonces?: NonceSource) {
    if (typeof apiKey !== 'string' || apiKey === '' || typeof secret !== 'string' || secret === '') {
      throw new AuthenticationError('apiKey and secret must be non-empty strings', { exchange: 'bitfinex' });
    }
    nonces ??= new NonceSource(Date.now, apiKey);
    this.#apiKey = apiKey;
    this.#secret = secret;
    this.nonces = nonces;
  }

  /** The `auth` event with a fresh nonce; `dms: 4` cancels the key's orders when the socket drops. */
  authEvent(opts: { filter?: string[]; dms?: boolean } = {}): AuthEvent {
    const nonce = this.nonces.next();
    const payload = `AUTH${nonce}`;
    const e: AuthEvent = { event: 'auth', apiKey: this.#apiKey, authSig: hmacSha384Hex(this.#secret, payload), authPayload: payload, authNonce: +nonce };
    if (opts.filter) e.filter = opts.filter;
    if (opts.dms) e.dms = 4;
    return e;
  }

  /** Headers of a signed REST request to `path` (e.g. `/v2/auth/r/wallets`) with this exact body. */
  restHeaders(path: string, body: string): Record<string, string> {
    const nonce = this.nonces.next();
    return {
      'content-type': 'application/json',
      'bfx-nonce': nonce,
      'bfx-apikey': this.#apiKey,
      'bfx-signature': hmacSha384Hex(this.#secret, restSignaturePayload(path, nonce, body)),
    };
  }

  toJSON(): string {
    return '[BitfinexCredentials]';
  }
}
