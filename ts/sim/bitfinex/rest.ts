/**
 * Bitfinex v2 public REST (protocols.md §6 "REST"; Bitfinex v2 docs public endpoints): platform
 * status, conf pair list and pair info, book (P0, len 1 / 25 / 100), ticker, tickers, trades
 * history, candles history. Replies are bare JSON arrays; errors `["error", CODE, "text"]` with
 * HTTP 500 (10020 for a bad parameter or symbol), and for the rate-limit fault HTTP 429
 * `["error", 11010, "ratelimit: error"]`.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import type { Faults } from '../common/faults';
import { sendJson, SimRuntime } from '../common/runtime';
import type { Period } from '../common/tape';
import { amt, levelText, px } from './format';
import type { BfxPair } from './symbols';
import { BFX_USER, BitfinexAccount } from './account';
import type { OrderSnapshot } from '../engine';
import { BFX_TIMEFRAMES, BitfinexWs, candleText, tickerText, tradeText } from './ws';

class BfxError extends Error {
  constructor(readonly status: number, readonly code: number, msg: string) {
    super(msg);
  }
}

export class BitfinexRest {
  constructor(
    private readonly runtime: SimRuntime,
    private readonly ws: BitfinexWs,
    private readonly pairs: readonly BfxPair[],
    private readonly faults: Faults,
    private readonly account: BitfinexAccount,
  ) {}

  handle(req: IncomingMessage, res: ServerResponse, body = ''): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/v2/auth/')) {
      this.authed(req, res, url, body);
      return;
    }
    const limited = this.faults.takeRateLimit();
    if (limited) {
      const headers: Record<string, string> = limited.retryAfterSec > 0 ? { 'retry-after': String(limited.retryAfterSec) } : {};
      sendJson(res, limited.status, ['error', 11010, 'ratelimit: error'], headers);
      return;
    }
    const run = (): void => {
      try {
        const body = this.route(decodeURIComponent(url.pathname), url.searchParams);
        if (typeof body === 'string') sendJson(res, 200, body);
        else sendJson(res, 200, body);
      } catch (err) {
        const e = err instanceof BfxError ? err : new BfxError(500, 10000, 'unknown error');
        sendJson(res, e.status, ['error', e.code, e.message]);
      }
    };
    const delay = url.pathname.startsWith('/v2/book/') ? this.faults.snapshotDelayMs : 0;
    if (delay > 0) void this.runtime.later(delay, run);
    else run();
  }

  /** Signed endpoints (POST, headers bfx-nonce / bfx-apikey / bfx-signature). */
  private authed(req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
    const path = decodeURIComponent(url.pathname);
    const limited = this.faults.takeRateLimit();
    if (limited) {
      sendJson(res, limited.status, ['error', 11010, 'ratelimit: error']);
      return;
    }
    if (req.method !== 'POST') {
      sendJson(res, 500, ['error', 10020, 'method: invalid']);
      return;
    }
    const bad = this.account.checkRest(path, req.headers, body);
    if (bad) {
      sendJson(res, 500, ['error', bad.startsWith('nonce') ? 10114 : 10100, bad]);
      return;
    }
    let b: Record<string, unknown> = {};
    try {
      b = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } catch {
      sendJson(res, 500, ['error', 10020, 'body: invalid']);
      return;
    }
    const a = this.account;
    const orders = (list: readonly OrderSnapshot[]): string => `[${list.map((o) => a.orderText(o)).join(',')}]`;
    const write = (type: string): void => {
      const r = a.restInput(type, b);
      // order/submit answers with a list of orders in NOTIFY_INFO (it takes several); the others with one
      if (r.ok && type === 'on') {
        const n = JSON.parse(r.text) as unknown[];
        n[4] = [n[4]];
        sendJson(res, 200, n);
      } else if (r.ok) sendJson(res, 200, r.text);
      else {
        const n = JSON.parse(r.text) as unknown[];
        sendJson(res, 500, ['error', 10001, String(n[7])]);
      }
    };
    let m: RegExpExecArray | null;
    if (path === '/v2/auth/r/wallets') {
      sendJson(res, 200, `[${this.runtime.engine.balances(BFX_USER).map((x) => a.walletText(x.asset, x.free, x.locked)).join(',')}]`);
    } else if ((m = /^\/v2\/auth\/r\/orders(?:\/(t[^/]+))?$/.exec(path))) {
      const sym = m[1];
      let list = a.openOrders().filter((o) => !sym || o.symbol === sym);
      if (Array.isArray(b['id'])) list = list.filter((o) => (b['id'] as unknown[]).includes(a.idOf(o.orderId)));
      sendJson(res, 200, orders(list));
    } else if ((m = /^\/v2\/auth\/r\/orders(?:\/(t[^/]+))?\/hist$/.exec(path))) {
      let list = a.allOrders(m[1]).filter((o) => o.status !== 'NEW' && o.status !== 'PARTIALLY_FILLED');
      if (Array.isArray(b['id'])) list = list.filter((o) => (b['id'] as unknown[]).includes(a.idOf(o.orderId)));
      sendJson(res, 200, orders(list.reverse().slice(0, Number(b['limit'] ?? 2500))));
    } else if ((m = /^\/v2\/auth\/r\/trades(?:\/(t[^/]+))?\/hist$/.exec(path))) {
      const sym = m[1];
      const out: string[] = [];
      for (const p of this.pairs) {
        if (sym && p.id !== sym) continue;
        for (const t of this.runtime.engine.myTrades(BFX_USER, p.id)) {
          const o = this.runtime.engine.getOrder(p.id, { orderId: t.orderId }, BFX_USER);
          if (o) out.push(a.tradeText(o, t));
        }
      }
      sendJson(res, 200, `[${out.reverse().join(',')}]`);
    } else if (/^\/v2\/auth\/r\/movements(?:\/[^/]+)?\/hist$/.test(path)) {
      sendJson(res, 200, [...a.movements].reverse());
    } else if (path === '/v2/auth/w/order/submit') write('on');
    else if (path === '/v2/auth/w/order/update') write('ou');
    else if (path === '/v2/auth/w/order/cancel') write('oc');
    else if (path === '/v2/auth/w/order/cancel/multi') write('oc_multi');
    else sendJson(res, 404, ['error', 10000, 'unknown path']);
  }

  /**
   * One config list: the exchange pairs, their info (`[PAIR, [_, _, _, MIN, MAX, ...]]`), the
   * currencies; the other documented `pub:list:*`, `pub:info:*` and `pub:map:*` configs are empty
   * here (no margin, futures, securities or currency metadata on this simulator).
   */
  private conf(key: string): unknown[] {
    if (key === 'pub:list:pair:exchange') return this.pairs.map((p) => p.pair);
    if (key === 'pub:info:pair') return this.pairs.map((p) => [p.pair, [null, null, null, p.minSize, p.maxSize, null, null, null, 0.2, 0.1]]);
    if (key === 'pub:list:currency') {
      const codes = new Set<string>();
      for (const p of this.pairs) for (const c of p.pair.includes(':') ? p.pair.split(':') : [p.pair.slice(0, 3), p.pair.slice(3)]) codes.add(c);
      return [...codes];
    }
    if (/^pub:(list|info|map|spec|fees)(:[\w:]+)?$/.test(key)) return [];
    throw new BfxError(500, 10020, `config: invalid ${key}`);
  }

  private pair(id: string): BfxPair {
    const p = this.pairs.find((x) => x.id === id);
    if (!p) throw new BfxError(500, 10020, 'symbol: invalid');
    return p;
  }

  private int(p: URLSearchParams, name: string, def: number, max: number): number {
    const raw = p.get(name);
    if (raw === null || raw === '') return def;
    if (!/^\d+$/.test(raw)) throw new BfxError(500, 10020, `${name}: invalid`);
    return Math.max(1, Math.min(max, Number(raw)));
  }

  /** A reply body: JSON text, or a value to serialize. */
  private route(path: string, q: URLSearchParams): unknown {
    const engine = this.runtime.engine;
    const now = this.runtime.now();
    if (path === '/v2/platform/status') return [this.ws.maintenance ? 0 : 1];
    if (path.startsWith('/v2/conf/')) {
      // one config, or several comma-separated: one list each, in the order asked
      return path.slice('/v2/conf/'.length).split(',').map((key) => this.conf(key));
    }
    let m: RegExpExecArray | null;
    if ((m = /^\/v2\/book\/([^/]+)\/([A-Z0-9]+)$/.exec(path))) {
      const p = this.pair(m[1] as string);
      if (m[2] !== 'P0' && m[2] !== 'R0') throw new BfxError(500, 10020, 'prec: invalid');
      const len = Number(q.get('len') ?? 25);
      if (![1, 25, 100].includes(len)) throw new BfxError(500, 10020, 'len: invalid');
      if (m[2] === 'R0') {
        // raw book: [ORDER_ID, PRICE, AMOUNT] per resting order, best prices first, `len` orders a side
        const info = engine.market(p.id);
        const raw = (s: 'bid' | 'ask'): string[] => {
          const side = engine.bookSide(p.id, s);
          const out: string[] = [];
          for (const [price] of side.depth(len)) {
            for (const o of side.level(price)?.orders ?? []) {
              if (out.length >= len) break;
              out.push(`[${o.orderId},${px(info, price)},${s === 'bid' ? '' : '-'}${amt(info, o.remaining)}]`);
            }
          }
          return out;
        };
        return `[${[...raw('bid'), ...raw('ask')].join(',')}]`;
      }
      const side = (s: 'bid' | 'ask'): string[] => engine.bookSide(p.id, s).depth(len).map((l) => levelText(engine, p.id, s, l));
      return `[${[...side('bid'), ...side('ask')].join(',')}]`;
    }
    if ((m = /^\/v2\/ticker\/([^/]+)$/.exec(path))) {
      const p = this.pair(m[1] as string);
      return tickerText(engine, p.id, this.ws.tape(p.id), now);
    }
    if (path === '/v2/tickers') {
      const want = (q.get('symbols') ?? 'ALL').split(',');
      const list = want[0] === 'ALL' ? this.pairs : this.pairs.filter((p) => want.includes(p.id));
      return `[${list.map((p) => `["${p.id}",${tickerText(engine, p.id, this.ws.tape(p.id), now).slice(1)}`).join(',')}]`;
    }
    if ((m = /^\/v2\/trades\/([^/]+)\/hist$/.exec(path))) {
      const p = this.pair(m[1] as string);
      const limit = this.int(q, 'limit', 125, 10000);
      const start = Number(q.get('start') ?? 0);
      let list = this.ws.tape(p.id).recent(10000).filter((t) => t.time >= start);
      list = q.get('sort') === '1' ? list.slice(0, limit) : list.reverse().slice(0, limit);
      const info = engine.market(p.id);
      return `[${list.map((t) => tradeText(info, t)).join(',')}]`;
    }
    if ((m = /^\/v2\/candles\/trade:([^:]+):(.+)\/hist$/.exec(path))) {
      const period = BFX_TIMEFRAMES[m[1] as string];
      if (!period) throw new BfxError(500, 10020, 'timeframe: invalid');
      const p = this.pair(m[2] as string);
      const limit = this.int(q, 'limit', 100, 10000);
      const start = Number(q.get('start') ?? 0);
      let list = this.ws.tape(p.id).candles(period as Period, now).filter((c) => c.openTime >= start);
      list = q.get('sort') === '1' ? list.slice(0, limit) : list.reverse().slice(0, limit);
      const info = engine.market(p.id);
      return `[${list.map((c) => candleText(info, c)).join(',')}]`;
    }
    throw new BfxError(404, 10000, 'unknown path');
  }
}
