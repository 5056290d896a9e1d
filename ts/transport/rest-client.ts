/**
 * JSON-over-HTTP client for exchange REST APIs: node-fetch v2 over a keep-alive agent, a hard
 * timeout, an optional rate limiter, and HTTP outcomes mapped onto the ccxt error hierarchy.
 *
 * Every error names the exchange, the HTTP method and the path. Never the query string (signed
 * requests carry `signature=` there) and never headers (API keys): errors end up in logs.
 */
import http from 'http';
import https from 'https';
import fetch, { Response } from 'node-fetch';
import {
  BadRequest,
  BadResponse,
  BaseError,
  ErrorContext,
  ExchangeError,
  ExchangeNotAvailable,
  RateLimitExceeded,
  RequestTimeout,
} from '../core/errors';
import type { RateLimiter } from './rate-limiter';
import { redactError, redactUrls, stripQuery } from './redact';

/** HTTP methods the exchanges use. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Query parameters; `undefined` values are left out. */
export type Query = Record<string, string | number | boolean | undefined>;

/** Per-request options of {@link RestClient.request}. */
export interface RequestOptions {
  /** Appended to the path, in insertion order (see {@link encodeQuery}). */
  query?: Query;
  /** Request body, already encoded; set its content-type in `headers`. */
  body?: string;
  /** Extra headers (auth, content-type). Never included in errors. */
  headers?: Record<string, string>;
  /** Rate-limit weight of this request. Default 1. */
  weight?: number;
}

/**
 * Exchange-specific error mapping for non-2xx, non-429/418, non-5xx replies. Returns undefined to
 * fall back to BadRequest (4xx) / ExchangeError. `headers` has lower-case names.
 */
export type ErrorMapper = (status: number, body: unknown, headers: Record<string, string>) => BaseError | undefined;

/** Options of {@link RestClient}. */
export interface RestClientOptions {
  /** scheme://host[:port], optionally with a path prefix; request paths are appended. */
  baseUrl: string;
  /** Exchange id, put on every error. */
  exchange: string;
  /** Abort a request (including reading its body) after this long (ms). Default 10000; 0 disables. */
  timeoutMs?: number;
  /** Spent before every request; paused on 429/418 with Retry-After. */
  limiter?: RateLimiter;
  /**
   * A reply header in which the exchange says how much of the limiter's window is used (lower
   * case, e.g. 'x-mbx-used-weight-1m'); the limiter is synced to it after every reply.
   */
  usedWeightHeader?: string;
  /** See {@link ErrorMapper}. */
  mapError?: ErrorMapper;
  /**
   * Consult `mapError` for 5xx replies too (default false: a 5xx is ExchangeNotAvailable). For
   * exchanges that send their error envelope with a 5xx status (Bitfinex: HTTP 500 with
   * `["error", 10020, "symbol: invalid"]`); a body the mapper does not recognise stays
   * ExchangeNotAvailable.
   */
  mapServerErrors?: boolean;
  /** Headers sent with every request (request headers override them). */
  headers?: Record<string, string>;
}

/**
 * `a=1&b=x%20y`: keys in insertion order, values with encodeURIComponent, `undefined` skipped.
 * Exported so signing code can sign exactly the string that is sent.
 */
export function encodeQuery(query: Query | undefined): string {
  if (!query) return '';
  let out = '';
  for (const key of Object.keys(query)) {
    const value = query[key];
    if (value === undefined) continue;
    if (out) out += '&';
    out += encodeURIComponent(key) + '=' + encodeURIComponent(String(value));
  }
  return out;
}

/** Retry-After in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value == null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Longest piece of a reply body quoted in an error message. */
const SNIPPET_CHARS = 200;

/**
 * REST client bound to one base URL.
 *
 * Owns a keep-alive agent (http or https by the URL's scheme) so consecutive requests reuse TCP
 * and TLS sessions; idle keep-alive sockets are unref'd by Node, so they never hold the process.
 */
export class RestClient {
  /** Base URL without trailing slash. */
  readonly baseUrl: string;
  /** Exchange id. */
  readonly exchange: string;
  /** Per-request timeout (ms). */
  readonly timeoutMs: number;
  /** The limiter requests are charged to, if any. */
  readonly limiter: RateLimiter | undefined;

  private readonly mapError: ErrorMapper | undefined;
  private readonly usedWeightHeader: string | undefined;
  private readonly mapServerErrors: boolean;
  private readonly defaultHeaders: Record<string, string>;
  private readonly agent: http.Agent;
  private readonly inflight = new Set<AbortController>();
  private closed = false;

  constructor(opts: RestClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.exchange = opts.exchange;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.limiter = opts.limiter;
    this.mapError = opts.mapError;
    this.usedWeightHeader = opts.usedWeightHeader;
    this.mapServerErrors = opts.mapServerErrors === true;
    this.defaultHeaders = { accept: 'application/json', ...opts.headers };
    this.agent = /^https:/i.test(this.baseUrl)
      ? new https.Agent({ keepAlive: true })
      : new http.Agent({ keepAlive: true });
  }

  /**
   * Sends a request and resolves with the parsed JSON reply (undefined for 204).
   *
   * Rejects with: RequestTimeout (no complete reply within timeoutMs), ExchangeNotAvailable
   * (connection failed, 5xx, client closed), RateLimitExceeded (429/418, `retryAfterMs` from
   * Retry-After; the limiter is paused until then), the mapError() result or BadRequest (4xx) /
   * ExchangeError (other non-2xx), BadResponse (2xx whose body is not JSON). Each carries
   * `exchange`, `status` (when there was a reply) and `raw` (the body, parsed when it is JSON).
   */
  async request<T = unknown>(method: HttpMethod, path: string, opts: RequestOptions = {}): Promise<T> {
    const what = `${method} ${stripQuery(path)}`;
    if (this.closed) throw new ExchangeNotAvailable(`${what}: client closed`, { exchange: this.exchange });
    if (this.limiter) await this.limiter.acquire(opts.weight ?? 1);
    if (this.closed) throw new ExchangeNotAvailable(`${what}: client closed`, { exchange: this.exchange });

    const qs = encodeQuery(opts.query);
    const rel = path.startsWith('/') ? path : '/' + path;
    const url = this.baseUrl + (qs ? rel + (rel.includes('?') ? '&' : '?') + qs : rel);

    const controller = new AbortController();
    this.inflight.add(controller);
    let timedOut = false;
    const timer =
      this.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            controller.abort();
          }, this.timeoutMs)
        : undefined;
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, {
        method,
        headers: opts.headers ? { ...this.defaultHeaders, ...opts.headers } : this.defaultHeaders,
        body: opts.body,
        agent: this.agent,
        signal: controller.signal,
      });
      // The body is read under the same timeout: a server can stall after the headers.
      text = await res.text();
    } catch (err) {
      throw this.networkError(err, what, timedOut, url);
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      this.inflight.delete(controller);
    }
    return this.handleReply<T>(res, text, what, url);
  }

  /** Aborts requests in flight (they reject with ExchangeNotAvailable), refuses new ones, frees sockets. */
  close(): void {
    this.closed = true;
    // queued requests fail now instead of draining for minutes after close
    this.limiter?.close(new ExchangeNotAvailable('client closed: queued request not sent', { exchange: this.exchange }));
    for (const c of this.inflight) c.abort();
    this.inflight.clear();
    this.agent.destroy();
  }

  private handleReply<T>(res: Response, text: string, what: string, url: string): T {
    const status = res.status;
    if (this.usedWeightHeader !== undefined && this.limiter) {
      const used = res.headers.get(this.usedWeightHeader);
      if (used !== null && used !== '') this.limiter.sync(Number(used));
    }
    if (status >= 200 && status < 300) {
      if (status === 204) return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch {
        const msg = `${what}: HTTP ${status} reply is not JSON${this.snippet(text, url)}`;
        throw new BadResponse(msg, this.ctx(status, text));
      }
    }

    const body = parseMaybeJson(text);
    if (status === 429 || status === 418) {
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      if (retryAfterMs !== undefined && this.limiter) this.limiter.pauseUntil(Date.now() + retryAfterMs);
      const after = retryAfterMs !== undefined ? `, retry after ${retryAfterMs} ms` : '';
      const msg = `${what}: HTTP ${status} rate limit${after}${this.snippet(text, url)}`;
      const err = new RateLimitExceeded(msg, this.ctx(status, body));
      err.retryAfterMs = retryAfterMs;
      throw err;
    }
    if (status >= 500 && this.mapServerErrors && this.mapError) {
      const headers: Record<string, string> = {};
      res.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
      const mapped = this.mapError(status, body, headers);
      if (mapped) throw this.decorate(mapped, what, status, body);
    }
    if (status >= 500) {
      throw new ExchangeNotAvailable(`${what}: HTTP ${status}${this.snippet(text, url)}`, this.ctx(status, body));
    }
    if (this.mapError) {
      const headers: Record<string, string> = {};
      res.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
      const mapped = this.mapError(status, body, headers);
      if (mapped) throw this.decorate(mapped, what, status, body);
    }
    const Cls = status >= 400 && status < 500 ? BadRequest : ExchangeError;
    throw new Cls(`${what}: HTTP ${status}${this.snippet(text, url)}`, this.ctx(status, body));
  }

  private networkError(err: unknown, what: string, timedOut: boolean, url: string): BaseError {
    if (timedOut) {
      return new RequestTimeout(`${what}: no reply within ${this.timeoutMs} ms`, { exchange: this.exchange });
    }
    const e = err as { name?: string; code?: string; message?: string };
    if (e?.name === 'AbortError') {
      return new ExchangeNotAvailable(`${what}: client closed`, { exchange: this.exchange });
    }
    // node-fetch's own message starts with "request to <full url> failed": never reuse it as is.
    const reason = e?.code ?? (e?.message ? redactUrls(e.message, url) : 'request failed');
    return new ExchangeNotAvailable(`${what}: ${reason}`, { exchange: this.exchange, cause: redactError(err, url) });
  }

  /**
   * An adapter's error gets the same context as ours: method and path in the message, and
   * exchange / status / raw when the adapter did not set them.
   */
  private decorate(err: BaseError, what: string, status: number, body: unknown): BaseError {
    const w = err as { -readonly [K in keyof BaseError]: BaseError[K] };
    if (w.exchange === undefined) w.exchange = this.exchange;
    if (w.status === undefined) w.status = status;
    if (w.raw === undefined) w.raw = body;
    if (!w.message.includes(what)) {
      const prefix = `${w.exchange}${w.symbol ? ' ' + w.symbol : ''}: `;
      const rest = w.message.startsWith(prefix) ? w.message.slice(prefix.length) : w.message;
      w.message = `${prefix}${what}: ${rest}`;
    }
    return err;
  }

  private ctx(status: number, raw: unknown): ErrorContext {
    return { exchange: this.exchange, status, raw };
  }

  /** A short quote of the reply for the message, without our query string (servers sometimes echo the URL). */
  private snippet(text: string, url: string): string {
    // Redact before truncating, so a cut can never leave half a query string behind.
    let s = redactUrls(text, url).replace(/\s+/g, ' ').trim();
    if (s.length > SNIPPET_CHARS) s = s.slice(0, SNIPPET_CHARS) + '...';
    return s ? `: ${s}` : '';
  }
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

