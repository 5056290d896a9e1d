/**
 * The WebSocket API at /ws-api/v3 (web-socket-api.md): JSON requests {id, method, params},
 * responses {id, status, result | error, rateLimits}; per-request HMAC/Ed25519 signatures or an
 * Ed25519 session (session.logon); trading and account methods shared with REST; User Data
 * Stream subscriptions delivering {"subscriptionId":N,"event":{...}}.
 */
import { MatchingEngine } from '../engine';
import { ConnLimits, SimSocket, SocketGate, SocketServer } from '../common/ws-server';
import { ApiKey, checkTimestamp, KeyStore, verifySignature, wsSignaturePayload } from './auth';
import { BinanceError, E, fromEngine } from './errors';
import { Json } from './format';
import { depthJson } from './market-data';
import { fromJsonParams, limit, opt, Params, req, stringArray, SymbolResolver } from './params';
import { RateCounters } from './rate-limits';
import { Trading } from './trading';
import { shutdownEvent } from './stream-server';
import { UserSink, UserStreams } from './user-stream';

export interface ApiContext {
  engine: MatchingEngine;
  keys: KeyStore;
  trading: Trading;
  symbols: SymbolResolver;
  counters: RateCounters;
  users: UserStreams;
  now(): number;
  exchangeInfo(filter: { symbols?: string[]; symbolStatus?: string }): Json;
  loginsRejected(): boolean;
  /** Fault hook: a pending rate-limit reply for the next request. */
  takeRateLimit(): { status: number; retryAfterSec: number } | undefined;
}

class ApiSession extends SimSocket implements UserSink {
  key: ApiKey | undefined;
  authorizedSince: number | undefined;
  /** subscriptionId -> account. */
  readonly subs = new Map<number, string>();
  nextSubId = 0;
  readonly returnRateLimits = this.query.get('returnRateLimits') !== 'false';
  /** Connection time on the server's clock (session.status). */
  readonly connectedSince = this.gate.now();

  protected override lifetimeNotice(): void {
    this.send(`{"event":${shutdownEvent(this.gate.now())}}`);
  }
}

type Security = 'none' | 'signed' | 'stream';
type Handler = (s: ApiSession, p: Params, key: ApiKey | undefined) => unknown;
interface MethodSpec {
  weight: number;
  security: Security;
  orders?: number;
  run: Handler;
}

export class ApiServer {
  readonly server: SocketServer<ApiSession>;
  private readonly methods: Record<string, MethodSpec>;

  constructor(
    private readonly ctx: ApiContext,
    limits: ConnLimits,
    gate: SocketGate,
  ) {
    this.server = new SocketServer<ApiSession>((path) => path === '/ws-api/v3', {
      create: (ws, path, query, id) => new ApiSession(ws, path, query, id, gate, limits),
      message: (s, text) => this.onMessage(s, text),
      closed: (s) => ctx.users.removeSink(s),
    });
    const t = ctx.trading;
    const acct = (key: ApiKey | undefined): string => (key as ApiKey).account;
    this.methods = {
      ping: { weight: 1, security: 'none', run: () => ({}) },
      time: { weight: 1, security: 'none', run: () => ({ serverTime: ctx.now() }) },
      exchangeInfo: {
        weight: 20,
        security: 'none',
        run: (_s, p) => {
          const one = opt(p, 'symbol');
          const symbols = one !== undefined ? [one] : stringArray(p, 'symbols');
          const status = opt(p, 'symbolStatus');
          return ctx.exchangeInfo({ ...(symbols ? { symbols } : {}), ...(status !== undefined ? { symbolStatus: status } : {}) });
        },
      },
      depth: { weight: 5, security: 'none', run: (_s, p) => depthJson(ctx.engine, ctx.symbols.symbol(p), limit(p, 'limit', 100, 5000)) },
      'session.logon': { weight: 2, security: 'none', run: (s, p) => this.logon(s, p) },
      'session.status': { weight: 2, security: 'none', run: (s) => this.sessionStatus(s) },
      'session.logout': {
        weight: 2,
        security: 'none',
        run: (s) => {
          s.key = undefined;
          s.authorizedSince = undefined;
          return this.sessionStatus(s);
        },
      },
      'order.place': { weight: 1, security: 'signed', orders: 1, run: (_s, p, k) => t.placeOrder(acct(k), p) },
      'order.test': { weight: 1, security: 'signed', run: (_s, p, k) => t.testOrder(acct(k), p) },
      'order.status': { weight: 4, security: 'signed', run: (_s, p, k) => t.queryOrder(acct(k), p) },
      'order.cancel': { weight: 1, security: 'signed', run: (_s, p, k) => t.cancelOrder(acct(k), p) },
      'order.cancelReplace': { weight: 1, security: 'signed', orders: 1, run: (_s, p, k) => t.cancelReplace(acct(k), p) },
      'openOrders.status': { weight: 6, security: 'signed', run: (_s, p, k) => t.openOrders(acct(k), p) },
      'openOrders.cancelAll': { weight: 1, security: 'signed', run: (_s, p, k) => t.cancelAll(acct(k), p) },
      allOrders: { weight: 20, security: 'signed', run: (_s, p, k) => t.allOrders(acct(k), p) },
      myTrades: { weight: 20, security: 'signed', run: (_s, p, k) => t.myTrades(acct(k), p) },
      'account.status': { weight: 20, security: 'signed', run: (_s, p, k) => t.account(acct(k), p) },
      'userDataStream.subscribe': { weight: 2, security: 'stream', run: (s) => this.subscribe(s, s.key) },
      'userDataStream.subscribe.signature': { weight: 2, security: 'none', run: (s, p) => this.subscribe(s, this.signatureAuth(s, p, true)) },
      'userDataStream.unsubscribe': { weight: 2, security: 'none', run: (s, p) => this.unsubscribe(s, p) },
      'session.subscriptions': { weight: 2, security: 'none', run: (s) => [...s.subs.keys()].map((subscriptionId) => ({ subscriptionId })) },
    };
  }

  private respond(s: ApiSession, id: unknown, status: number, body: { result?: unknown; error?: unknown }, rateLimits: unknown[] | undefined): void {
    const out: Record<string, unknown> = { id, status, ...body };
    if (rateLimits) out['rateLimits'] = rateLimits;
    s.send(JSON.stringify(out));
  }

  private onMessage(s: ApiSession, text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.respond(s, null, 400, { error: E.invalidJson().body() }, undefined);
      return;
    }
    const m = (msg !== null && typeof msg === 'object' && !Array.isArray(msg) ? msg : {}) as Record<string, unknown>;
    const id = m['id'] ?? null;
    const now = this.ctx.now();
    let spec: MethodSpec | undefined;
    let key: ApiKey | undefined;
    let wantLimits = s.returnRateLimits;
    try {
      const method = m['method'];
      if (typeof method !== 'string' || method === '') throw E.mandatory('method');
      const raw = m['params'];
      if (raw !== undefined && (raw === null || typeof raw !== 'object' || Array.isArray(raw))) throw E.invalidParam('params');
      const p = fromJsonParams(raw);
      if (p['returnRateLimits'] !== undefined) wantLimits = p['returnRateLimits'] !== 'false';
      spec = this.methods[method.replace(/^v3\//, '')];
      if (!spec) throw E.unsupported();
      const limited = this.ctx.takeRateLimit();
      if (limited) {
        const until = now + limited.retryAfterSec * 1000;
        throw E.tooMuchWeight(limited.status, until, { serverTime: now, retryAfter: until });
      }
      if (spec.security === 'signed') key = this.signatureAuth(s, p, false);
      if (spec.security === 'stream' && !s.key) throw E.unauthorized();
      const result = spec.run(s, p, key);
      const limits = this.ctx.counters.wsRateLimits(spec.weight, now, key?.account, spec.orders ?? 0);
      this.respond(s, id, 200, { result }, wantLimits ? limits : undefined);
    } catch (err) {
      const be = err instanceof BinanceError ? err : fromEngine(err, 'new');
      const limits = this.ctx.counters.wsRateLimits(spec?.weight ?? 1, now);
      this.respond(s, id, be.status, { error: be.body() }, wantLimits ? limits : undefined);
    }
  }

  /**
   * Authenticates a request: explicit apiKey + signature (sorted-params payload), or the session's
   * logged-on key (then only `timestamp` is needed). Checks the timestamp before the signature.
   */
  private signatureAuth(s: ApiSession, p: Params, login: boolean): ApiKey {
    const apiKey = opt(p, 'apiKey');
    if (apiKey === undefined) {
      if (s.key && !login) {
        checkTimestamp(opt(p, 'timestamp'), opt(p, 'recvWindow'), this.ctx.now());
        return s.key;
      }
      throw E.mandatory('apiKey');
    }
    if (login && this.ctx.loginsRejected()) throw E.rejectedKey();
    const key = this.ctx.keys.get(apiKey);
    if (!key) throw E.rejectedKey();
    const signature = req(p, 'signature');
    checkTimestamp(opt(p, 'timestamp'), opt(p, 'recvWindow'), this.ctx.now());
    if (!verifySignature(key, wsSignaturePayload(p), signature)) throw E.badSignature();
    return key;
  }

  /** session.logon: Ed25519 keys only; an HMAC key's signature never verifies (-1022). */
  private logon(s: ApiSession, p: Params): Json {
    if (this.ctx.loginsRejected()) throw E.rejectedKey();
    const apiKey = req(p, 'apiKey');
    const key = this.ctx.keys.get(apiKey);
    if (!key) throw E.rejectedKey();
    const signature = req(p, 'signature');
    checkTimestamp(opt(p, 'timestamp'), opt(p, 'recvWindow'), this.ctx.now());
    if (key.type !== 'ED25519' || !verifySignature(key, wsSignaturePayload(p), signature)) throw E.badSignature();
    s.key = key;
    s.authorizedSince = this.ctx.now();
    return this.sessionStatus(s);
  }

  private sessionStatus(s: ApiSession): Json {
    return {
      apiKey: s.key?.apiKey ?? null,
      authorizedSince: s.authorizedSince ?? null,
      connectedSince: s.connectedSince,
      returnRateLimits: s.returnRateLimits,
      serverTime: this.ctx.now(),
      userDataStream: s.subs.size > 0,
    };
  }

  private subscribe(s: ApiSession, key: ApiKey | undefined): Json {
    if (!key) throw E.unauthorized();
    if (this.ctx.users.has(key.account, s)) throw E.subscriptionActive();
    const id = s.nextSubId++;
    s.subs.set(id, key.account);
    this.ctx.users.add(key.account, s, id);
    return { subscriptionId: id };
  }

  private unsubscribe(s: ApiSession, p: Params): Json {
    const raw = opt(p, 'subscriptionId');
    const ids = raw === undefined ? [...s.subs.keys()] : [Number(raw)];
    if (ids.length === 0 || ids.some((id) => !s.subs.has(id))) throw E.subscriptionInactive();
    for (const id of ids) {
      const account = s.subs.get(id) as string;
      s.subs.delete(id);
      this.ctx.users.remove(account, s);
    }
    return {};
  }
}
