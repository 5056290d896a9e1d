/**
 * Binance Spot REST API (rest-api.md): public market data under /api/v3, SIGNED trading and
 * account endpoints (HMAC over query + body as sent, X-MBX-APIKEY), wallet history under /sapi/v1.
 * Errors are {"code","msg"} with Binance's HTTP statuses; every reply carries the used-weight
 * headers; 429/418 replies (rateLimit fault) carry Retry-After.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import { MarketInfo, MatchingEngine } from '../engine';
import type { Faults } from '../common/faults';
import { sendJson, top } from '../common/runtime';
import type { TradeTape } from '../common/tape';
import { checkTimestamp, KeyStore, restSignaturePayload, verifySignature } from './auth';
import { BinanceError, E } from './errors';
import { Json } from './format';
import { bookTickerJson, depthJson, klineArray, ticker24hJson, tradeJson } from './market-data';
import { int, limit, opt, Params, parseForm, req, stringArray, SymbolResolver } from './params';
import { RateCounters } from './rate-limits';
import { isInterval, klines } from './stats';
import { Trading } from './trading';
import { coinConfigs } from './wallet';

export interface RestContext {
  engine: MatchingEngine;
  keys: KeyStore;
  trading: Trading;
  symbols: SymbolResolver;
  /** The trade tape of a market. */
  tape(info: MarketInfo): TradeTape;
  counters: RateCounters;
  now(): number;
  exchangeInfo(filter: { symbols?: string[]; symbolStatus?: string }): Json;
  deposits(account: string): Json[];
  /** Pending rate-limit replies and the snapshot delay. */
  faults: Faults;
  /** Runs `fn` after `ms` unless the server closes first. */
  later(ms: number, fn: () => void): void;
}

interface Request {
  p: Params;
  account: string | undefined;
}

type Route = { weight: number | ((p: Params) => number); signed: boolean; orders?: boolean; run: (r: Request) => unknown };

const depthWeight = (p: Params): number => {
  const n = Number(p['limit'] ?? 100);
  return n <= 100 ? 5 : n <= 500 ? 25 : n <= 1000 ? 50 : 250;
};

export class RestApi {
  private readonly routes: Record<string, Route>;

  constructor(private readonly ctx: RestContext) {
    const t = ctx.trading;
    const acct = (r: Request): string => r.account as string;
    const many = <T>(p: Params, fn: (info: MarketInfo) => T): T | T[] => {
      const one = opt(p, 'symbol');
      if (one !== undefined) return fn(ctx.symbols.get(one));
      const list = stringArray(p, 'symbols');
      return (list ? list.map((s) => ctx.symbols.get(s)) : ctx.symbols.all()).map(fn);
    };
    this.routes = {
      'GET /api/v3/ping': { weight: 1, signed: false, run: () => ({}) },
      'GET /api/v3/time': { weight: 1, signed: false, run: () => ({ serverTime: ctx.now() }) },
      'GET /api/v3/exchangeInfo': {
        weight: 20,
        signed: false,
        run: ({ p }) => {
          const one = opt(p, 'symbol');
          const symbols = one !== undefined ? [one] : stringArray(p, 'symbols');
          const status = opt(p, 'symbolStatus');
          return ctx.exchangeInfo({ ...(symbols ? { symbols } : {}), ...(status !== undefined ? { symbolStatus: status } : {}) });
        },
      },
      'GET /api/v3/depth': { weight: depthWeight, signed: false, run: ({ p }) => depthJson(ctx.engine, ctx.symbols.symbol(p), limit(p, 'limit', 100, 5000)) },
      'GET /api/v3/trades': {
        weight: 25,
        signed: false,
        run: ({ p }) => {
          const info = ctx.symbols.symbol(p);
          return ctx.tape(info).recent(limit(p, 'limit', 500, 1000)).map((tr) => tradeJson(info, tr));
        },
      },
      'GET /api/v3/klines': { weight: 2, signed: false, run: ({ p }) => this.klines(p) },
      'GET /api/v3/uiKlines': { weight: 2, signed: false, run: ({ p }) => this.klines(p) },
      'GET /api/v3/ticker/24hr': {
        weight: (p) => (p['symbol'] !== undefined ? 2 : 80),
        signed: false,
        run: ({ p }) => {
          const type = opt(p, 'type') ?? 'FULL';
          if (type !== 'FULL' && type !== 'MINI') throw new BinanceError(400, -1139, 'Invalid ticker type.');
          return many(p, (info) => ticker24hJson(info, ctx.tape(info), top(ctx.engine, info.symbol), ctx.now(), type === 'MINI'));
        },
      },
      'GET /api/v3/ticker/price': {
        weight: (p) => (p['symbol'] !== undefined ? 2 : 4),
        signed: false,
        run: ({ p }) => many(p, (info) => ({ symbol: info.symbol, price: info.formatPrice(ctx.tape(info).last?.price ?? 0) })),
      },
      'GET /api/v3/ticker/bookTicker': {
        weight: (p) => (p['symbol'] !== undefined ? 2 : 4),
        signed: false,
        run: ({ p }) => many(p, (info) => bookTickerJson(info, top(ctx.engine, info.symbol))),
      },
      'POST /api/v3/order': { weight: 1, signed: true, orders: true, run: (r) => t.placeOrder(acct(r), r.p) },
      'POST /api/v3/order/test': { weight: 1, signed: true, run: (r) => t.testOrder(acct(r), r.p) },
      'POST /api/v3/order/cancelReplace': { weight: 1, signed: true, orders: true, run: (r) => t.cancelReplace(acct(r), r.p) },
      'GET /api/v3/order': { weight: 4, signed: true, run: (r) => t.queryOrder(acct(r), r.p) },
      'DELETE /api/v3/order': { weight: 1, signed: true, run: (r) => t.cancelOrder(acct(r), r.p) },
      'GET /api/v3/openOrders': { weight: (p) => (p['symbol'] !== undefined ? 6 : 80), signed: true, run: (r) => t.openOrders(acct(r), r.p) },
      'DELETE /api/v3/openOrders': { weight: 1, signed: true, run: (r) => t.cancelAll(acct(r), r.p) },
      'GET /api/v3/allOrders': { weight: 20, signed: true, run: (r) => t.allOrders(acct(r), r.p) },
      'GET /api/v3/account': { weight: 20, signed: true, run: (r) => t.account(acct(r), r.p) },
      'GET /api/v3/myTrades': { weight: 20, signed: true, run: (r) => t.myTrades(acct(r), r.p) },
      'GET /sapi/v1/capital/deposit/hisrec': { weight: 1, signed: true, run: (r) => ctx.deposits(acct(r)) },
      'GET /sapi/v1/capital/withdraw/history': { weight: 1, signed: true, run: () => [] },
      // The simulated account has no margin: general-purpose clients (ccxt's loadMarkets with keys)
      // ask for the margin pair lists, and an empty list is the truthful answer.
      'GET /sapi/v1/margin/allPairs': { weight: 1, signed: true, run: () => [] },
      'GET /sapi/v1/margin/isolated/allPairs': { weight: 10, signed: true, run: () => [] },
      'GET /sapi/v1/capital/config/getall': { weight: 10, signed: true, run: (r) => coinConfigs(t.account(acct(r), {})) },
    };
  }


  private klines(p: Params): Array<Array<string | number>> {
    const info = this.ctx.symbols.symbol(p);
    const interval = req(p, 'interval');
    if (!isInterval(interval)) throw E.badInterval();
    const startTime = int(p, 'startTime');
    const endTime = int(p, 'endTime');
    const bars = klines(this.ctx.tape(info), interval, this.ctx.now(), {
      ...(startTime !== undefined ? { startTime } : {}),
      ...(endTime !== undefined ? { endTime } : {}),
      limit: limit(p, 'limit', 500, 1000),
    });
    return bars.map((b) => klineArray(info, b));
  }

  handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const now = this.ctx.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const rawQuery = url.search.startsWith('?') ? url.search.slice(1) : '';
    const route = this.routes[`${req.method} ${url.pathname}`];
    const headers: Record<string, string> = { 'content-type': 'application/json;charset=UTF-8' };
    const send = (status: number, payload: unknown): void => sendJson(res, status, payload, headers);
    const limited = this.ctx.faults.takeRateLimit();
    if (limited) {
      headers['retry-after'] = String(limited.retryAfterSec);
      const until = now + limited.retryAfterSec * 1000;
      send(limited.status, E.tooMuchWeight(limited.status, until).body());
      return;
    }
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><body><h1>404 Not Found</h1></body></html>');
      return;
    }
    try {
      // A name repeated within the query or within the body is -1101; across them, the query wins.
      const p = parseForm(rawQuery);
      if (req.method !== 'GET') parseForm(body, p);
      const weight = typeof route.weight === 'function' ? route.weight(p) : route.weight;
      const used = String(this.ctx.counters.addWeight(weight, now));
      headers['x-mbx-used-weight'] = used;
      headers['x-mbx-used-weight-1m'] = used;
      let account: string | undefined;
      if (route.signed) account = this.authenticate(req, rawQuery, req.method !== 'GET' ? body : '', p);
      const result = route.run({ p, account });
      if (route.orders && account !== undefined) {
        const [s, d] = this.ctx.counters.addOrder(account, now);
        headers['x-mbx-order-count-10s'] = String(s);
        headers['x-mbx-order-count-1d'] = String(d);
      }
      const delay =
        url.pathname === '/api/v3/depth' ? this.ctx.faults.snapshotDelayMs : route.orders ? this.ctx.faults.orderReplyDelayMs : 0;
      if (delay > 0) this.ctx.later(delay, () => send(200, result));
      else send(200, result);
    } catch (err) {
      const be = err instanceof BinanceError ? err : E.internal(err instanceof Error ? err.message : String(err));
      // a refused order's reply is as late as an accepted one's under delayOrderReplies
      const late = route.orders ? this.ctx.faults.orderReplyDelayMs : 0;
      if (late > 0) this.ctx.later(late, () => send(be.status, be.body()));
      else send(be.status, be.body());
    }
  }

  /** SIGNED check: key (-2014/-2015), timestamp (-1021), signature over query + body (-1022). */
  private authenticate(req: IncomingMessage, rawQuery: string, rawBody: string, p: Params): string {
    const header = req.headers['x-mbx-apikey'];
    const apiKey = Array.isArray(header) ? header[0] : header;
    if (apiKey === undefined || apiKey === '') throw E.badKeyFormat();
    const key = this.ctx.keys.get(apiKey);
    if (!key) throw E.rejectedKey();
    const { payload, signature } = restSignaturePayload(rawQuery, rawBody);
    if (signature === undefined || signature === '') throw E.mandatory('signature');
    checkTimestamp(opt(p, 'timestamp'), opt(p, 'recvWindow'), this.ctx.now());
    if (!verifySignature(key, payload, signature)) throw E.badSignature();
    return key.account;
  }
}

