/**
 * OKX v5 public REST (protocols.md §3 "REST market endpoints"; OKX docs-v5 public data and market
 * data pages): public/time, public/instruments, market/books, market/books-full, market/ticker,
 * market/tickers, market/trades, market/candles, market/history-candles (market/books carries the
 * `seqId` its book is current to, as OKX's does since its 2026 books change). Every reply is
 * `{"code":"0","msg":"","data":[...]}`; errors keep the envelope with OKX's codes and HTTP statuses
 * (docs-v5 "Error Code > REST API"): 50014 "Parameter {0} can not be empty." (400), 51000
 * "Parameter {0} error" (400), 51001 instrument doesn't exist (200), and for the rate-limit fault
 * 50011 "Too Many Requests" (429 with Retry-After).
 */
import type { IncomingMessage, ServerResponse } from 'http';
import type { MatchingEngine } from '../engine';
import type { Faults } from '../common/faults';
import { sendJson, SimRuntime } from '../common/runtime';
import type { InstFeed, OkxFeed } from './feed';
import { OkxAccount, OkxFail } from './account';
import { levelRows } from './format';
import { barOf, BARS, candleRow, restTrade, tickerData } from './market-data';
import type { OkxInstrument } from './symbols';

class OkxError extends Error {
  constructor(readonly status: number, readonly code: string, msg: string) {
    super(msg);
  }
}

const empty = (name: string): OkxError => new OkxError(400, '50014', `Parameter ${name} can not be empty.`);
const bad = (name: string): OkxError => new OkxError(400, '51000', `Parameter ${name} error`);

type Params = URLSearchParams;

export class OkxRest {
  private readonly routes: Record<string, (p: Params, now: number) => unknown[]>;

  private readonly engine: MatchingEngine;

  constructor(
    private readonly runtime: SimRuntime,
    private readonly feed: OkxFeed,
    private readonly instruments: readonly OkxInstrument[],
    private readonly faults: Faults,
    private readonly account?: OkxAccount,
  ) {
    this.engine = runtime.engine;
    this.routes = {
      '/api/v5/public/time': (_p, now) => [{ ts: String(now) }],
      '/api/v5/public/instruments': (p) => this.instrumentList(p),
      '/api/v5/market/books': (p, now) => this.books(p, now, 'sz', 1, 400, false),
      '/api/v5/market/books-full': (p, now) => this.books(p, now, 'sz', 1, 5000, true),
      '/api/v5/market/ticker': (p, now) => [tickerData(this.engine, this.inst(p).inst.instId, this.inst(p).tape, now)],
      '/api/v5/market/tickers': (p, now) => {
        const type = p.get('instType');
        if (!type) throw empty('instType');
        if (type !== 'SPOT') return [];
        return this.instruments.map((i) => tickerData(this.engine, i.instId, this.feed.feed(i.instId).tape, now));
      },
      '/api/v5/market/trades': (p) => {
        const f = this.inst(p);
        const limit = this.int(p, 'limit', 100, 1, 500);
        return f.tape.recent(limit).reverse().map((t) => restTrade(f.info, f.inst.instId, t));
      },
      '/api/v5/market/candles': (p, now) => this.candles(p, now, 300),
      '/api/v5/market/history-candles': (p, now) => this.candles(p, now, 100),
    };
  }

  handle(req: IncomingMessage, res: ServerResponse, body = ''): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const limited = this.faults.takeRateLimit();
    if (limited) {
      const headers: Record<string, string> = limited.retryAfterSec > 0 ? { 'retry-after': String(limited.retryAfterSec) } : {};
      sendJson(res, limited.status, { msg: 'Too Many Requests', code: '50011', data: [] }, headers);
      return;
    }
    if (this.account && /^\/api\/v5\/(account|trade|asset)\//.test(url.pathname)) {
      this.private(this.account, req, res, url, body);
      return;
    }
    const route = this.routes[url.pathname];
    if (!route || req.method !== 'GET') {
      sendJson(res, 404, { msg: 'API endpoint is inactive or unavailable.', code: '50005', data: [] });
      return;
    }
    const run = (): void => {
      try {
        sendJson(res, 200, { code: '0', msg: '', data: route(url.searchParams, this.runtime.now()) });
      } catch (err) {
        const e = err instanceof OkxError ? err : new OkxError(500, '50026', 'System error');
        sendJson(res, e.status, { code: e.code, msg: e.message, data: [] });
      }
    };
    const delay = url.pathname.startsWith('/api/v5/market/books') ? this.faults.snapshotDelayMs : 0;
    if (delay > 0) void this.runtime.later(delay, run);
    else run();
  }

  /** Signed endpoints (account, trade, asset): the signature covers the path and query as sent and the body. */
  private private(account: OkxAccount, req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
    try {
      const method = req.method ?? 'GET';
      account.checkRest(method, req.url ?? url.pathname, method === 'GET' ? '' : body, req.headers);
      const data = account.rest(method, url.pathname, url.searchParams, body);
      if (!data) {
        sendJson(res, 404, { msg: 'API endpoint is inactive or unavailable.', code: '50005', data: [] });
        return;
      }
      const failed = data.filter((d) => d['sCode'] !== undefined && d['sCode'] !== '0').length;
      const code = failed === 0 ? '0' : failed === data.length ? '1' : '2';
      sendJson(res, 200, { code, msg: code === '0' ? '' : code === '1' ? 'All operations failed' : 'Batch operation partially succeeded', data });
    } catch (err) {
      const e = err instanceof OkxFail ? err : new OkxFail('50026', 'System error.', 500);
      sendJson(res, e.status, { code: e.code, msg: e.message, data: [] });
    }
  }

  private inst(p: Params): InstFeed {
    const id = p.get('instId');
    if (!id) throw empty('instId');
    const f = this.feed.feeds.get(id);
    if (!f) throw new OkxError(200, '51001', "Instrument ID, Instrument ID code, or Spread ID doesn't exist.");
    return f;
  }

  private int(p: Params, name: string, def: number, min: number, max: number): number {
    const raw = p.get(name);
    if (raw === null || raw === '') return def;
    if (!/^\d+$/.test(raw)) throw bad(name);
    return Math.max(min, Math.min(max, Number(raw)));
  }

  private instrumentList(p: Params): unknown[] {
    const type = p.get('instType');
    if (!type) throw empty('instType');
    if (!['SPOT', 'MARGIN', 'SWAP', 'FUTURES', 'OPTION'].includes(type)) throw bad('instType');
    if (type !== 'SPOT') return [];
    const instId = p.get('instId');
    const list = instId ? this.instruments.filter((i) => i.instId === instId) : this.instruments;
    if (instId && list.length === 0) throw new OkxError(200, '51001', "Instrument ID, Instrument ID code, or Spread ID doesn't exist.");
    return list.map((i) => ({
      alias: '',
      auctionEndTime: '',
      baseCcy: i.base,
      category: '1',
      ctMult: '',
      ctType: '',
      ctVal: '',
      ctValCcy: '',
      expTime: '',
      instFamily: '',
      instId: i.instId,
      instIdCode: i.instIdCode,
      instType: 'SPOT',
      lever: '10',
      listTime: '1548133413000',
      lotSz: i.lotSz,
      maxIcebergSz: '9999999999',
      maxLmtAmt: '1000000',
      maxLmtSz: '9999999999',
      maxMktAmt: '1000000',
      maxMktSz: '1000000',
      maxStopSz: '1000000',
      maxTriggerSz: '9999999999',
      maxTwapSz: '9999999999',
      minSz: i.minSz,
      optType: '',
      quoteCcy: i.quote,
      ruleType: 'normal',
      settleCcy: '',
      state: 'live',
      stk: '',
      tickSz: i.tickSz,
      uly: '',
    }));
  }

  private books(p: Params, now: number, name: string, def: number, max: number, full: boolean): unknown[] {
    const f = this.inst(p);
    const n = this.int(p, name, def, 1, max);
    const id = f.inst.instId;
    if (!full) {
      // books: with the seqId it is current to (OKX's 2026 change), the channel's published view
      // while it is subscribed, so that a client joins its updates exactly
      const b = this.feed.restBook(id, n);
      return [{ asks: levelRows(this.engine, id, 'ask', b.asks), bids: levelRows(this.engine, id, 'bid', b.bids), ts: String(now), seqId: b.seqId }];
    }
    const side = (s: 'bid' | 'ask'): string[][] =>
      // books-full: [px, sz, orderCount]
      levelRows(this.engine, id, s, this.engine.bookSide(id, s).depth(n)).map((r) => [r[0] as string, r[1] as string, r[3] as string]);
    return [{ asks: side('ask'), bids: side('bid'), ts: String(now) }];
  }

  private candles(p: Params, now: number, maxLimit: number): unknown[] {
    const f = this.inst(p);
    const barText = p.get('bar') ?? '1m';
    const bar = barOf(barText);
    if (!bar) throw bad('bar');
    const period = BARS[bar];
    if (!period) throw bad('bar');
    const limit = this.int(p, 'limit', 100, 1, maxLimit);
    const after = p.get('after');
    const before = p.get('before');
    if ((after && !/^\d+$/.test(after)) || (before && !/^\d+$/.test(before))) throw bad(after && !/^\d+$/.test(after) ? 'after' : 'before');
    const all = f.tape.candles(period, now);
    const current = all[all.length - 1];
    let list = all.filter((c) => (!after || c.openTime < Number(after)) && (!before || c.openTime > Number(before)));
    list = list.slice(-limit).reverse();
    return list.map((c) => candleRow(f.info, c, c !== current));
  }
}

