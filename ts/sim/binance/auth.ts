/**
 * API keys and request signing, per binance-spot-api-docs:
 * - REST (rest-api.md "SIGNED Endpoint security"): HMAC-SHA256 over `totalParams` = the query
 *   string concatenated with the request body, exactly as sent, signature excluded; key in the
 *   X-MBX-APIKEY header.
 * - WebSocket API (web-socket-api.md "SIGNED request security"): every param but `signature`,
 *   sorted by name, joined as k=v&k=v; HMAC hex, or Ed25519 base64 for Ed25519 keys.
 * - Timing: accept iff timestamp < serverTime + 1000 and serverTime - timestamp <= recvWindow
 *   (default 5000, max 60000).
 */
import { createHmac, createPublicKey, generateKeyPairSync, KeyObject, randomBytes, timingSafeEqual, verify } from 'crypto';
import { BinanceError, E } from './errors';

export interface ApiKey {
  apiKey: string;
  account: string;
  type: 'HMAC' | 'ED25519';
  /** HMAC secret. */
  secret?: string;
  /** Ed25519 public key. */
  publicKey?: KeyObject;
}

/** 64 alphanumerics, like Binance keys. */
function keyString(seed: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (const b of seed) s += alphabet[b % alphabet.length];
  return s;
}

export class KeyStore {
  private readonly keys = new Map<string, ApiKey>();

  /** Creates an HMAC key pair for the account. */
  addHmac(account: string, apiKey = keyString(randomBytes(64)), secret = keyString(randomBytes(64))): ApiKey {
    const k: ApiKey = { apiKey, account, type: 'HMAC', secret };
    this.keys.set(apiKey, k);
    return k;
  }

  /** Creates an Ed25519 key for the account; returns it with the private key (PKCS#8 PEM). */
  addEd25519(account: string): { key: ApiKey; privateKeyPem: string } {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const key: ApiKey = { apiKey: keyString(randomBytes(64)), account, type: 'ED25519', publicKey };
    this.keys.set(key.apiKey, key);
    return { key, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
  }

  /** Registers an Ed25519 public key (PEM) for the account. */
  addEd25519Public(account: string, apiKey: string, publicKeyPem: string): ApiKey {
    const key: ApiKey = { apiKey, account, type: 'ED25519', publicKey: createPublicKey(publicKeyPem) };
    this.keys.set(apiKey, key);
    return key;
  }

  get(apiKey: string | undefined): ApiKey | undefined {
    return apiKey === undefined ? undefined : this.keys.get(apiKey);
  }
}

export function hmacHex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload, 'utf8').digest('hex');
}

/** True when `signature` signs `payload` with `key` (HMAC: case-insensitive hex; Ed25519: base64). */
export function verifySignature(key: ApiKey, payload: string, signature: string): boolean {
  if (key.type === 'HMAC') {
    const expected = Buffer.from(hmacHex(key.secret as string, payload), 'hex');
    if (!/^[0-9a-fA-F]{64}$/.test(signature)) return false;
    return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
  }
  try {
    return verify(null, Buffer.from(payload, 'utf8'), key.publicKey as KeyObject, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/**
 * The REST signature payload: query string + body as sent, with the `signature` parameter (and
 * the `&` before it) removed from whichever of the two carries it.
 */
export function restSignaturePayload(rawQuery: string, rawBody: string): { payload: string; signature: string | undefined } {
  let signature: string | undefined;
  const strip = (s: string): string => {
    const parts = s.split('&');
    const kept: string[] = [];
    for (const p of parts) {
      if (p.startsWith('signature=')) signature = decodeURIComponent(p.slice(10));
      else kept.push(p);
    }
    return kept.join('&');
  };
  return { payload: strip(rawQuery) + strip(rawBody), signature };
}

/** The WS API signature payload: params except `signature`, sorted by name, as k=v&k=v. */
export function wsSignaturePayload(params: Record<string, unknown>): string {
  return Object.keys(params)
    .filter((k) => k !== 'signature')
    .sort()
    .map((k) => `${k}=${paramText(params[k])}`)
    .join('&');
}

/** A JSON param value as the client would have written it into the payload. */
export function paramText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

/** Checks timestamp / recvWindow; throws -1102, -1100 or -1021. */
export function checkTimestamp(timestamp: string | undefined, recvWindow: string | undefined, serverTime: number): void {
  if (timestamp === undefined || timestamp === '') throw E.mandatory('timestamp');
  if (!/^\d{1,20}$/.test(timestamp)) throw E.illegalChars('timestamp', '^[0-9]{1,20}$');
  let window = 5000;
  if (recvWindow !== undefined) {
    if (!/^\d{1,20}(\.\d{1,3})?$/.test(recvWindow)) throw E.illegalChars('recvWindow', '^[0-9]{1,20}$');
    window = Number(recvWindow);
    if (window > 60000) throw E.badRecvWindow();
  }
  let ts = Number(timestamp);
  if (ts > 1e14) ts = Math.floor(ts / 1000); // microseconds
  if (ts >= serverTime + 1000) throw E.timestampAhead();
  if (serverTime - ts > window) throw E.timestampOutside();
}

export type { BinanceError };
