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
 * Nonces must grow strictly for a key, across reconnects and processes ("an ever increasing numeric
 * string", below MAX_SAFE_INTEGER: docs ws-auth). How: each nonce is
 *   n = max(last + 1, microseconds since the epoch)
 * (16 digits, what the official clients send: bitfinex-api-py takes µs from the clock too), where
 * `last` is the previous nonce of that key in this process — shared by every client of the key in
 * the process, and by WebSocket `auth` and signed REST alike. So within a process nonces never
 * repeat or go down, even when the clock steps back or two are taken in the same microsecond; a
 * reconnect simply takes the next one. Across processes the clock carries it: a new process starts
 * from the current microsecond, above anything an earlier process handed out unless that one ran
 * ahead of the clock (more than one nonce a microsecond, which the request limits — 90 authenticated
 * REST calls a minute — rule out) or the clock was set back across the restart; Bitfinex then
 * answers "nonce: small" (10114): a signed REST call fails with InvalidNonce, and the account
 * socket reports it and authenticates again (with backoff), succeeding once the clock has passed the
 * earlier nonces. Processes using one key at the same time are outside this: give each its own key.
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
