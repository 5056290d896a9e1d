/**
 * Kraken Spot public REST under /0/public (krakenfx/api-specs spot-rest/openapi_v3.yaml and its
 * examples; protocols.md §2 "REST market endpoints"): Time, SystemStatus, Assets, AssetPairs,
 * Depth, Ticker, Trades, OHLC. Replies are `{"error":[],"result":{...}}`; failures keep HTTP 200
 * with `{"error":["EQuery:Unknown asset pair"],"result":{}}`. `pair` accepts any of Kraken's
 * spellings (XXBTZUSD, XBTUSD, XBT/USD, BTC/USD); results are keyed by the pair key. The
 * rate-limit fault answers `EGeneral:Too many requests` (HTTP 429 with Retry-After by default).
 */
import type { IncomingMessage, ServerResponse } from 'http';
import type { MatchingEngine } from '../engine';
import type { Faults } from '../common/faults';
import { sendJson, SimRuntime, top } from '../common/runtime';
import { periodOf, KRAKEN_INTERVALS, restCandle, restTicker, restTrade } from './market-data';
import type { KrakenFeed, PairFeed } from './feed';
import { restLot, restPx, rfc1123Short } from './format';
import { findPair, KrakenPair } from './symbols';
import { KrakenAccount, KrakenFail } from './account';

class KrakenError extends Error {
  constructor(readonly text: string, readonly status = 200) {
    super(text);
  }
}

const INVALID = 'EGeneral:Invalid arguments';
const UNKNOWN_PAIR = 'EQuery:Unknown asset pair';
const FEES = [[0, 0.26], [50000, 0.24], [100000, 0.22], [250000, 0.2], [500000, 0.18], [1000000, 0.16], [2500000, 0.14], [5000000, 0.12], [10000000, 0.1]];
const FEES_MAKER = [[0, 0.16], [50000, 0.14], [100000, 0.12], [250000, 0.1], [500000, 0.08], [1000000, 0.06], [2500000, 0.04], [5000000, 0.02], [10000000, 0]];

type Params = URLSearchParams;

export class KrakenRest {
  private readonly routes: Record<string, (p: Params, now: number) => unknown>;

  private readonly engine: MatchingEngine;

  constructor(
    private readonly runtime: SimRuntime,
    private readonly feed: KrakenFeed,
    private readonly pairs: readonly KrakenPair[],
    private readonly faults: Faults,
    private readonly account?: KrakenAccount,
  ) {
    this.engine = runtime.engine;
    this.routes = {
      '/0/public/Time': (_p, now) => ({ unixtime: Math.floor(now / 1000), rfc1123: rfc1123Short(now) }),
      '/0/public/SystemStatus': (_p, now) => ({ status: 'online', timestamp: new Date(now).toISOString().replace(/\.\d+Z$/, 'Z') }),
      '/0/public/Assets': () => this.assets(),
      '/0/public/AssetPairs': (p) => this.assetPairs(p),
      '/0/public/Depth': (p) => this.depth(p),
      '/0/public/Ticker': (p, now) => {
        const out: Record<string, unknown> = {};
        for (const pair of this.pairList(p, true)) {
          const f = this.feed.feed(pair.key);
          out[pair.key] = restTicker(f.info, f.tape, top(this.engine, pair.key), now);
        }
        return out;
      },
      '/0/public/Trades': (p, now) => this.trades(p, now),
      '/0/public/OHLC': (p, now) => this.ohlc(p, now),
    };
  }

  handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const limited = this.faults.takeRateLimit();
    if (limited) {
      const headers: Record<string, string> = limited.retryAfterSec > 0 ? { 'retry-after': String(limited.retryAfterSec) } : {};
      sendJson(res, limited.status, { error: ['EGeneral:Too many requests'], result: {} }, headers);
      return;
    }
    if (this.account && url.pathname.startsWith('/0/private/')) {
      this.private(this.account, req, res, url.pathname, body);
      return;
    }
    const route = this.routes[url.pathname];
    if (!route || (req.method !== 'GET' && req.method !== 'POST')) {
      sendJson(res, 404, { error: ['EGeneral:Unknown method'], result: {} });
      return;
    }
    const p = new URLSearchParams(url.search);
    if (req.method === 'POST' && body) for (const [k, v] of new URLSearchParams(body)) if (!p.has(k)) p.set(k, v);
    const run = (): void => {
      try {
        sendJson(res, 200, { error: [], result: route(p, this.runtime.now()) });
      } catch (err) {
        const e = err instanceof KrakenError ? err : new KrakenError(`EGeneral:Internal error`, 500);
        sendJson(res, e.status, { error: [e.text], result: {} });
      }
    };
    const delay = url.pathname === '/0/public/Depth' ? this.faults.snapshotDelayMs : 0;
    if (delay > 0) void this.runtime.later(delay, run);
    else run();
  }

  /** Signed private endpoints: POST, form body with the nonce, API-Key / API-Sign headers. */
  private private(account: KrakenAccount, req: IncomingMessage, res: ServerResponse, path: string, body: string): void {
    try {
      if (req.method !== 'POST') throw new KrakenFail('EGeneral:Invalid arguments', 405);
      // AddOrderBatch / CancelOrderBatch take JSON (arrays); the rest form bodies
      const isJson = String(req.headers['content-type'] ?? '').includes('application/json');
      let json: Record<string, unknown> | undefined;
      if (isJson) {
        try {
          const v: unknown = JSON.parse(body);
          json = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
        } catch {
          throw new KrakenFail('EGeneral:Invalid arguments');
        }
      }
      account.checkRest(path, body, req.headers, json);
      const result = account.rest(path, isJson ? new URLSearchParams() : new URLSearchParams(body), json);
      if (result === undefined) {
        sendJson(res, 404, { error: ['EGeneral:Unknown method'] });
        return;
      }
      sendJson(res, 200, { error: [], result });
    } catch (err) {
      const e = err instanceof KrakenFail ? err : new KrakenFail('EGeneral:Internal error', 500);
      sendJson(res, e.status, { error: [e.text] });
    }
  }

  /** Pairs named by `pair` (comma-separated); all pairs when absent and `allowAll`. */
  private pairList(p: Params, allowAll: boolean): KrakenPair[] {
    const raw = p.get('pair');
    if (raw === null || raw.trim() === '') {
      if (allowAll) return [...this.pairs];
      throw new KrakenError(INVALID);
    }
    return raw.split(',').map((name) => {
      const pair = findPair(this.pairs, name);
      if (!pair) throw new KrakenError(UNKNOWN_PAIR);
      return pair;
    });
  }

  private one(p: Params): PairFeed {
    const list = this.pairList(p, false);
    if (list.length !== 1) throw new KrakenError(INVALID);
    return this.feed.feed((list[0] as KrakenPair).key);
  }

  private int(p: Params, name: string, def: number, min: number, max: number): number {
    const raw = p.get(name);
    if (raw === null || raw === '') return def;
    if (!/^-?\d+$/.test(raw)) throw new KrakenError(`${INVALID}:${name}`);
    return Math.max(min, Math.min(max, Number(raw)));
  }

  private assets(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const pair of this.pairs) {
      for (const [code, iso] of [[pair.base, pair.baseIso], [pair.quote, pair.quoteIso]] as Array<[string, string]>) {
        const fiat = code.startsWith('Z');
        out[code] = { aclass: 'currency', altname: iso === 'BTC' ? 'XBT' : iso === 'DOGE' ? 'XDG' : iso, decimals: fiat ? 4 : 10, display_decimals: fiat ? 2 : 5, status: 'enabled' };
      }
    }
    return out;
  }

  private assetPairs(p: Params): Record<string, unknown> {
    const info = p.get('info') ?? 'info';
    if (!['info', 'leverage', 'fees', 'margin'].includes(info)) throw new KrakenError(`${INVALID}:info`);
    const out: Record<string, unknown> = {};
    for (const x of this.pairList(p, true)) {
      const full: Record<string, unknown> = {
        altname: x.altname,
        wsname: x.wsname,
        aclass_base: 'currency',
        base: x.base,
        aclass_quote: 'currency',
        quote: x.quote,
        lot: 'unit',
        cost_decimals: x.costDecimals,
        pair_decimals: x.pairDecimals,
        lot_decimals: x.lotDecimals,
        lot_multiplier: 1,
        leverage_buy: [2, 3, 4, 5],
        leverage_sell: [2, 3, 4, 5],
        fees: FEES,
        fees_maker: FEES_MAKER,
        fee_volume_currency: 'ZUSD',
        margin_call: 80,
        margin_stop: 40,
        ordermin: x.ordermin,
        costmin: x.costmin,
        tick_size: x.tickSize,
        status: 'online',
        long_position_limit: 250,
        short_position_limit: 200,
      };
      const pick = (keys: string[]): Record<string, unknown> => Object.fromEntries(keys.map((k) => [k, full[k]]));
      out[x.key] =
        info === 'leverage' ? pick(['leverage_buy', 'leverage_sell'])
          : info === 'fees' ? pick(['fees', 'fees_maker', 'fee_volume_currency'])
            : info === 'margin' ? pick(['margin_call', 'margin_stop'])
              : full;
    }
    return out;
  }

  private depth(p: Params): Record<string, unknown> {
    const f = this.one(p);
    const count = this.int(p, 'count', 100, 1, 500);
    const side = (name: 'bid' | 'ask'): unknown[] =>
      this.engine.bookSide(f.pair.key, name).depth(count).map(([px, q]) => [
        restPx(f.info, px),
        restLot(f.info, q),
        f.levelTimes[name].get(px) ?? Math.floor(this.runtime.now() / 1000),
      ]);
    return { [f.pair.key]: { asks: side('ask'), bids: side('bid') } };
  }

  private trades(p: Params, now: number): Record<string, unknown> {
    const f = this.one(p);
    const count = this.int(p, 'count', 1000, 1, 1000);
    const sinceRaw = p.get('since');
    const cursor = (t: { time: number; id: number }): bigint => BigInt(t.time) * 1_000_000n + BigInt(t.id % 1_000_000);
    let list;
    if (sinceRaw === null || sinceRaw === '') list = f.tape.recent(count);
    else {
      if (!/^\d+(\.\d+)?$/.test(sinceRaw)) throw new KrakenError(`${INVALID}:since`);
      // a cursor from `last` (nanoseconds) or a time in seconds
      const since = sinceRaw.length > 12 && !sinceRaw.includes('.') ? BigInt(sinceRaw) : BigInt(Math.floor(Number(sinceRaw) * 1000)) * 1_000_000n;
      list = f.tape.recent(1000).filter((t) => cursor(t) > since).slice(0, count);
    }
    const lastTrade = list[list.length - 1];
    const last = lastTrade ? cursor(lastTrade) : sinceRaw && sinceRaw.length > 12 ? BigInt(sinceRaw) : BigInt(now) * 1_000_000n;
    return { [f.pair.key]: list.map((t) => restTrade(f.info, t)), last: last.toString() };
  }

  private ohlc(p: Params, now: number): Record<string, unknown> {
    const f = this.one(p);
    const interval = this.int(p, 'interval', 1, 0, Number.MAX_SAFE_INTEGER);
    if (!KRAKEN_INTERVALS.includes(interval)) throw new KrakenError(`${INVALID}:interval`);
    const sinceRaw = p.get('since');
    const since = sinceRaw === null || sinceRaw === '' ? undefined : Number(sinceRaw);
    if (since !== undefined && !Number.isFinite(since)) throw new KrakenError(`${INVALID}:since`);
    let candles = f.tape.candles(periodOf(interval), now).slice(-720);
    const committed = candles.length >= 2 ? (candles[candles.length - 2] as { openTime: number }).openTime : undefined;
    if (since !== undefined) {
      const cur = candles[candles.length - 1];
      candles = candles.filter((c) => c.openTime / 1000 > since || c === cur);
    }
    return { [f.pair.key]: candles.map((c) => restCandle(f.info, c)), last: Math.floor((committed ?? now - interval * 60_000) / 1000) };
  }
}
