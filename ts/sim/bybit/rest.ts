/**
 * Bybit v5 public REST for spot (protocols.md §4 "REST market endpoints"; Bybit docs v5 market
 * pages): /v5/market/time, instruments-info, orderbook, tickers, recent-trade, kline. Every reply
 * is `{"retCode":0,"retMsg":"OK","result":{..},"retExtInfo":{},"time":ms}`; errors keep the
 * envelope with HTTP 200 and Bybit's retCodes: 10001 params error (a missing or wrong category,
 * symbol or interval; "Not supported symbols"), 10006 "Too many visits!" for the rate-limit fault
 * (HTTP 403 "access too frequent" when the fault asks for 403, Bybit's IP-limit answer).
 */
import type { IncomingMessage, ServerResponse } from 'http';
import type { MatchingEngine } from '../engine';
import type { Faults } from '../common/faults';
import { sendJson, SimRuntime } from '../common/runtime';
import type { BybitFeed } from './feed';
import { INTERVALS, px, restKline, restTrade, sz, tickerData } from './market-data';
import type { BybitInstrument } from './symbols';
import { BybitAccount, BybitRefusal } from './account';

class BybitError extends Error {
  constructor(
    readonly retCode: number,
    msg: string,
  ) {
    super(msg);
  }
}

type Params = URLSearchParams;
const OTHER_CATEGORIES = ['linear', 'inverse', 'option'];
type Json = Record<string, unknown>;

export class BybitRest {
  private readonly routes: Record<string, (p: Params, now: number) => unknown>;
  private readonly engine: MatchingEngine;

  constructor(
    private readonly runtime: SimRuntime,
    private readonly feed: BybitFeed,
    private readonly instruments: readonly BybitInstrument[],
    private readonly faults: Faults,
    private readonly account: BybitAccount,
  ) {
    this.engine = runtime.engine;
    this.routes = {
      '/v5/market/time': (_p, now) => ({ timeSecond: String(Math.floor(now / 1000)), timeNano: `${now}000000` }),
      '/v5/market/instruments-info': (p) => {
        // linear, inverse and option exist on Bybit; the simulator lists no such instrument
        if (OTHER_CATEGORIES.includes(p.get('category') ?? '')) return { category: p.get('category'), list: [], nextPageCursor: '' };
        this.category(p);
        const sym = p.get('symbol');
        const list = sym ? this.instruments.filter((i) => i.id === sym) : this.instruments;
        return { category: 'spot', list: list.map(instrumentInfo), nextPageCursor: '' };
      },
      '/v5/market/orderbook': (p, now) => {
        this.category(p);
        const i = this.inst(p);
        const n = this.int(p, 'limit', 1, 1, 200);
        const b = this.feed.restBook(i.id, n);
        const info = this.engine.market(i.id);
        const rows = (l: Array<[number, number]>): string[][] => l.map(([t, q]) => [px(info, t), sz(info, q)]);
        return { s: i.id, b: rows(b.bids), a: rows(b.asks), ts: now, u: b.u, seq: this.engine.updateId(i.id), cts: now };
      },
      '/v5/market/tickers': (p, now) => {
        if (OTHER_CATEGORIES.includes(p.get('category') ?? '') && !p.get('symbol')) return { category: p.get('category'), list: [] };
        this.category(p);
        const list = p.get('symbol') ? [this.inst(p)] : this.instruments;
        return { category: 'spot', list: list.map((i) => tickerData(this.engine, i.id, this.feed.market(i.id).tape, now, true)) };
      },
      '/v5/market/recent-trade': (p) => {
        this.category(p);
        const i = this.inst(p);
        const m = this.feed.market(i.id);
        const limit = this.int(p, 'limit', 60, 1, 60);
        return { category: 'spot', list: m.tape.recent(limit).reverse().map((t) => restTrade(m.info, i.id, t)) };
      },
      '/v5/market/kline': (p, now) => {
        this.category(p);
        const i = this.inst(p);
        const interval = p.get('interval') ?? '';
        const period = INTERVALS[interval];
        if (!period) throw new BybitError(10001, 'params error: interval invalid');
        const limit = this.int(p, 'limit', 200, 1, 1000);
        const start = p.get('start');
        const end = p.get('end');
        const m = this.feed.market(i.id);
        let list = m.tape.candles(period, now).filter((c) => (!start || c.openTime >= Number(start)) && (!end || c.openTime <= Number(end)));
        list = list.slice(-limit).reverse();
        return { category: 'spot', symbol: i.id, list: list.map((c) => restKline(m.info, c)) };
      },
    };
  }

  /** Signed endpoints (X-BAPI-* headers checked): GET with the query string, POST with a JSON body. */
  private signedRoute(method: string, path: string, q: URLSearchParams, body: Json): unknown {
    const a = this.account;
    const spot = (): void => {
      if ((method === 'GET' ? q.get('category') : body['category']) !== 'spot') throw new BybitError(10001, 'params error: category must be spot');
    };
    switch (`${method} ${path}`) {
      case 'GET /v5/account/wallet-balance':
        if (q.get('accountType') !== 'UNIFIED') throw new BybitError(10001, 'accountType only support UNIFIED.');
        return { list: [a.wallet()] };
      case 'GET /v5/order/realtime':
        spot();
        return { list: a.orders(q, true), nextPageCursor: '', category: 'spot' };
      case 'GET /v5/order/history':
        spot();
        return { list: a.orders(q, false), nextPageCursor: '', category: 'spot' };
      case 'GET /v5/execution/list':
        spot();
        return { list: a.executionList(q), nextPageCursor: '', category: 'spot' };
      // the simulated account's fees: 0.1% maker and taker on every symbol (docs v5 account/fee-rate)
      case 'GET /v5/account/fee-rate':
        spot();
        return {
          category: 'spot',
          list: this.instruments.filter((i) => !q.get('symbol') || i.id === q.get('symbol')).map((i) => ({ symbol: i.id, takerFeeRate: '0.001', makerFeeRate: '0.001' })),
        };
      // one simulated address per coin, its chain named as the coin (docs v5 asset/deposit/master-deposit-addr)
      case 'GET /v5/asset/deposit/query-address': {
        const coin = q.get('coin') ?? '';
        if (!this.instruments.some((i) => i.base === coin || i.quote === coin)) throw new BybitError(131002, 'Parameter error: coin');
        const chain = q.get('chainType');
        return { coin, chains: chain && chain !== coin ? [] : [{ chainType: coin, addressDeposit: `sim-${coin.toLowerCase()}-address`, tagDeposit: '', chain: coin, batchReleaseLimit: '-1', contractAddress: '' }] };
      }
      case 'GET /v5/asset/deposit/query-record':
        return { rows: a.deposits.filter((d) => !q.get('coin') || d['coin'] === q.get('coin')), nextPageCursor: '' };
      case 'GET /v5/asset/withdraw/query-record':
        return { rows: a.withdrawals.filter((d) => !q.get('coin') || d['coin'] === q.get('coin')), nextPageCursor: '' };
      case 'POST /v5/asset/withdraw/create':
        return a.withdraw(body);
      // what clients read to learn the account's kind: a unified trading account (UTA 2.0)
      case 'GET /v5/account/info':
        return { unifiedMarginStatus: 5, marginMode: 'REGULAR_MARGIN', isMasterTrader: false, spotHedgingStatus: 'OFF', updatedTime: String(this.runtime.now()), dcpStatus: 'OFF', timeWindow: 10, smpGroup: 0 };
      case 'GET /v5/user/query-api':
        return {
          id: '1', note: 'simulator', apiKey: a.apiKey, readOnly: 0, secret: '', type: 1, ips: ['*'], deadlineDay: -1, expiredAt: '', createdAt: '2024-01-01T00:00:00Z',
          permissions: { ContractTrade: [], Spot: ['SpotTrade'], Wallet: ['AccountTransfer'], Options: [], Derivatives: [], CopyTrading: [], BlockTrade: [], Exchange: [], NFT: [] },
          unified: 0, uta: 1, userID: 1, inviterID: 0, vipLevel: 'No VIP', mktMakerLevel: '0', affiliateID: 0, rsaPublicKey: '', isMaster: true,
        };
      case 'GET /v5/asset/coin/query-info':
        return {
          rows: [...new Set(this.instruments.flatMap((i) => [i.base, i.quote]))].map((coin) => ({
            name: coin, coin, remainAmount: '100000000',
            chains: [{ chainType: coin, confirmation: '6', withdrawFee: '0', depositMin: '0', withdrawMin: '0', chain: coin, chainDeposit: '1', chainWithdraw: '1', minAccuracy: '8', withdrawPercentageFee: '0' }],
          })),
        };
      case 'POST /v5/order/create':
        spot();
        return a.create(body);
      case 'POST /v5/order/amend':
        spot();
        return a.amend(body);
      case 'POST /v5/order/cancel':
        spot();
        return a.cancel(body);
      case 'POST /v5/order/create-batch':
      case 'POST /v5/order/amend-batch':
      case 'POST /v5/order/cancel-batch': {
        const kind = path.slice('/v5/order/'.length, -'-batch'.length) as 'create' | 'amend' | 'cancel';
        const { list, ext } = a.batch(kind, body);
        return new WithExtInfo({ list }, { list: ext });
      }
      case 'POST /v5/order/cancel-all':
        spot();
        return { list: a.cancelAll(body), success: '1' };
      default:
        return undefined;
    }
  }

  handle(req: IncomingMessage, res: ServerResponse, rawBody = ''): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const now = this.runtime.now();
    if (req.headers['x-bapi-api-key'] !== undefined || /^\/v5\/(account|order|execution|asset|user)\//.test(url.pathname)) {
      this.handleSigned(req, res, url, rawBody, now);
      return;
    }
    const limited = this.faults.takeRateLimit();
    if (limited) {
      if (limited.status === 403) {
        res.writeHead(403, { 'content-type': 'text/plain' });
        res.end('access too frequent');
        return;
      }
      sendJson(res, 200, { retCode: 10006, retMsg: 'Too many visits!', result: {}, retExtInfo: {}, time: now }, { 'x-bapi-limit-status': '0', 'x-bapi-limit': '20', 'x-bapi-limit-reset-timestamp': String(now + 1000 * Math.max(1, limited.retryAfterSec)) });
      return;
    }
    const route = this.routes[url.pathname];
    if (!route || req.method !== 'GET') {
      sendJson(res, 404, { retCode: 10404, retMsg: 'Not Found', result: {}, retExtInfo: {}, time: now });
      return;
    }
    const run = (): void => {
      try {
        sendJson(res, 200, { retCode: 0, retMsg: 'OK', result: route(url.searchParams, this.runtime.now()), retExtInfo: {}, time: this.runtime.now() });
      } catch (err) {
        const e = err instanceof BybitError ? err : new BybitError(10016, 'Internal server error');
        sendJson(res, 200, { retCode: e.retCode, retMsg: e.message, result: {}, retExtInfo: {}, time: this.runtime.now() });
      }
    };
    const delay = url.pathname === '/v5/market/orderbook' ? this.faults.snapshotDelayMs : 0;
    if (delay > 0) void this.runtime.later(delay, run);
    else run();
  }

  private handleSigned(req: IncomingMessage, res: ServerResponse, url: URL, rawBody: string, now: number): void {
    // delayOrderReplies: an order request takes effect now, its reply (accepted or refused) goes out later
    const late = req.method === 'POST' && url.pathname.startsWith('/v5/order/') ? this.faults.orderReplyDelayMs : 0;
    const env = (retCode: number, retMsg: string, result: unknown = {}): void => {
      if (late > 0) void this.runtime.later(late, () => reply(retCode, retMsg, result));
      else reply(retCode, retMsg, result);
    };
    const reply = (retCode: number, retMsg: string, result: unknown): void =>
      result instanceof WithExtInfo
        ? sendJson(res, 200, { retCode, retMsg, result: result.result, retExtInfo: result.retExtInfo, time: this.runtime.now() })
        : sendJson(res, 200, { retCode, retMsg, result, retExtInfo: {}, time: this.runtime.now() });
    const limited = this.faults.takeRateLimit();
    if (limited) return env(10006, 'Too many visits!');
    const method = req.method ?? 'GET';
    try {
      const payload = method === 'GET' ? url.search.slice(1) : rawBody;
      this.account.checkRest(req.headers, payload, now);
      let body: Json = {};
      if (method === 'POST') {
        try {
          body = JSON.parse(rawBody || '{}') as Json;
        } catch {
          throw new BybitError(10001, 'params error: the body is not JSON');
        }
      }
      const result = this.signedRoute(method, url.pathname, url.searchParams, body);
      if (result === undefined) return sendJson(res, 404, { retCode: 10404, retMsg: 'Not Found', result: {}, retExtInfo: {}, time: now });
      env(0, 'OK', result);
    } catch (err) {
      if (err instanceof BybitRefusal || err instanceof BybitError) return env(err.retCode, err.message);
      env(10016, 'Internal server error.');
    }
  }

  private category(p: Params): void {
    const c = p.get('category');
    if (c !== 'spot') throw new BybitError(10001, c ? `params error: category ${c} is not served by this simulator` : 'params error: category is required');
  }

  private inst(p: Params): BybitInstrument {
    const id = p.get('symbol');
    if (!id) throw new BybitError(10001, 'params error: symbol is required');
    const i = this.instruments.find((x) => x.id === id);
    if (!i) throw new BybitError(10001, 'Not supported symbols');
    return i;
  }

  private int(p: Params, name: string, def: number, min: number, max: number): number {
    const raw = p.get(name);
    if (raw === null || raw === '') return def;
    if (!/^\d+$/.test(raw)) throw new BybitError(10001, `params error: ${name} invalid`);
    return Math.max(min, Math.min(max, Number(raw)));
  }
}

/** A result whose envelope carries a `retExtInfo` of its own (batch ops: one code per order). */
class WithExtInfo {
  constructor(
    readonly result: unknown,
    readonly retExtInfo: unknown,
  ) {}
}

function instrumentInfo(i: BybitInstrument): Record<string, unknown> {
  return {
    symbol: i.id,
    baseCoin: i.base,
    quoteCoin: i.quote,
    innovation: '0',
    status: 'Trading',
    marginTrading: 'none',
    stTag: '0',
    lotSizeFilter: {
      basePrecision: i.basePrecision,
      quotePrecision: '0.00000001',
      minOrderQty: i.minOrderQty,
      maxOrderQty: i.maxOrderQty,
      minOrderAmt: i.minOrderAmt,
      maxOrderAmt: i.maxOrderAmt,
    },
    priceFilter: { tickSize: i.tickSize },
    riskParameters: { priceLimitRatioX: '0.05', priceLimitRatioY: '0.05' },
  };
}
