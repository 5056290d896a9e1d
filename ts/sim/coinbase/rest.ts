/**
 * Coinbase Advanced Trade public REST (protocols.md §5 "REST"): /api/v3/brokerage/time,
 * /market/products, /market/products/{id}, /market/product_book, /market/products/{id}/ticker,
 * /market/products/{id}/candles. Errors answer an HTTP status with
 * `{"error":"..","code":n,"message":"..","details":[],"error_details":".."}` (errorBody): 404 NOT_FOUND for an unknown product or
 * route, 400 INVALID_ARGUMENT for a bad parameter, 429 for the rate-limit fault.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import type { Faults } from '../common/faults';
import { rfc3339 } from '../common/format';
import { sendJson, SimRuntime, top } from '../common/runtime';
import { Period } from '../common/tape';
import { CoinbaseFeed, px, sz } from './feed';
import type { CoinbaseProduct } from './symbols';

const B = '/api/v3/brokerage';
const DAY = 86_400_000;

class RestError extends Error {
  constructor(readonly status: number, readonly code: string, msg: string) {
    super(msg);
  }
}

const invalid = (msg: string): RestError => new RestError(400, 'INVALID_ARGUMENT', msg);

/** gRPC status codes of the error names the simulator uses (google.rpc.Code). */
const GRPC_CODE: Record<string, number> = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, RATE_LIMIT_EXCEEDED: 8, INTERNAL: 13, UNAVAILABLE: 14, UNAUTHENTICATED: 16 };

/**
 * A REST error body. Coinbase documents every endpoint's error reply as grpc.gateway.runtime.Error
 * (`error`, `code`, `message`, `details`: the Advanced Trade OpenAPI reference); replies seen in
 * the wild and Coinbase's SDK also carry `error_details`, which clients read: both are sent.
 */
export function errorBody(error: string, message: string): Record<string, unknown> {
  return { error, code: GRPC_CODE[error] ?? 2, message, error_details: message, details: [] };
}

/** REST candle granularities. */
export const GRANULARITIES: Record<string, Period> = {
  ONE_MINUTE: { ms: 60_000 },
  FIVE_MINUTE: { ms: 300_000 },
  FIFTEEN_MINUTE: { ms: 900_000 },
  THIRTY_MINUTE: { ms: 1_800_000 },
  ONE_HOUR: { ms: 3_600_000 },
  TWO_HOUR: { ms: 7_200_000 },
  FOUR_HOUR: { ms: 14_400_000 },
  SIX_HOUR: { ms: 21_600_000 },
  ONE_DAY: { ms: DAY },
};

export class CoinbaseRest {
  constructor(
    private readonly runtime: SimRuntime,
    private readonly feed: CoinbaseFeed,
    private readonly products: readonly CoinbaseProduct[],
    private readonly faults: Faults,
  ) {}

  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const limited = this.faults.takeRateLimit();
    if (limited) {
      const headers: Record<string, string> = limited.retryAfterSec > 0 ? { 'retry-after': String(limited.retryAfterSec) } : {};
      sendJson(res, limited.status, errorBody('RATE_LIMIT_EXCEEDED', 'Too many requests'), headers);
      return;
    }
    const run = (): void => {
      try {
        if (req.method !== 'GET') throw new RestError(404, 'NOT_FOUND', 'Not Found');
        sendJson(res, 200, this.route(url.pathname, url.searchParams, this.runtime.now()));
      } catch (err) {
        const e = err instanceof RestError ? err : new RestError(500, 'INTERNAL', (err as Error).message);
        sendJson(res, e.status, errorBody(e.code, e.message));
      }
    };
    // the book is read when the reply goes out
    if (url.pathname === `${B}/market/product_book` && this.faults.snapshotDelayMs > 0) this.runtime.later(this.faults.snapshotDelayMs, run);
    else run();
  }

  private route(path: string, p: URLSearchParams, now: number): unknown {
    // Coinbase App API v2 public data that third-party clients read next to Advanced Trade
    // (ccxt's loadMarkets: currencies, crypto currencies, exchange rates)
    if (path === '/v2/currencies') return { data: this.fiats().map((id) => ({ id, name: id, min_size: '0.01' })) };
    if (path === '/v2/currencies/crypto') {
      return { data: this.cryptos().map((code, i) => ({ code, name: code, color: '#000000', sort_index: 100 + i, exponent: 8, type: 'crypto', address_regex: '', asset_id: `sim-${code}` })) };
    }
    if (path === '/v2/exchange-rates') return { data: { currency: p.get('currency') ?? 'USD', rates: this.rates(p.get('currency') ?? 'USD') } };
    // App API Get Current Time (docs.cdp.coinbase.com/coinbase-app/track-apis/time; ccxt's fetchTime)
    if (path === '/v2/time') return { data: { iso: new Date(now).toISOString().replace(/\.\d+Z$/, 'Z'), epoch: Math.floor(now / 1000) } };
    if (path === `${B}/time`) return { iso: new Date(now).toISOString(), epochSeconds: String(Math.floor(now / 1000)), epochMillis: String(now) };
    if (path === `${B}/market/products`) {
      const type = p.get('product_type');
      const ids = p.get('product_ids') ?? p.getAll('product_ids').join(',');
      let list = type && type !== 'SPOT' ? [] : [...this.products];
      if (ids) {
        const want = new Set(ids.split(','));
        list = list.filter((x) => want.has(x.productId));
      }
      return { products: list.map((x) => this.record(x, now)), num_products: list.length };
    }
    if (path === `${B}/market/product_book`) {
      const prod = this.product(p.get('product_id'));
      const limit = this.int(p, 'limit', 0);
      const id = prod.productId;
      const info = this.runtime.engine.market(id);
      const n = limit > 0 ? limit : 1_000_000;
      const lv = ([price, qty]: [number, number]) => ({ price: px(info, price), size: sz(info, qty) });
      const bids = this.runtime.engine.bookSide(id, 'bid').depth(n).map(lv);
      const asks = this.runtime.engine.bookSide(id, 'ask').depth(n).map(lv);
      const last = this.feed.feed(id).tape.last;
      const tp = top(this.runtime.engine, id);
      const mid = tp.bid && tp.ask ? px(info, Math.round((tp.bid[0] + tp.ask[0]) / 2)) : '';
      return { pricebook: { product_id: id, bids, asks, time: rfc3339(now, 6) }, last: last ? px(info, last.price) : '', mid_market: mid };
    }
    const m = /^\/api\/v3\/brokerage\/market\/products\/([^/]+)(\/ticker|\/candles)?$/.exec(path);
    if (!m) throw new RestError(404, 'NOT_FOUND', 'Not Found');
    const prod = this.product(decodeURIComponent(m[1] as string));
    const f = this.feed.feed(prod.productId);
    if (!m[2]) return this.record(prod, now);
    if (m[2] === '/ticker') {
      const limit = this.int(p, 'limit', 100);
      if (limit < 1 || limit > 1000) throw invalid('limit must be between 1 and 1000');
      const tp = top(this.runtime.engine, prod.productId);
      return {
        trades: f.tape.recent(limit).reverse().map((t) => this.feed.trade(f, t)),
        best_bid: tp.bid ? px(f.info, tp.bid[0]) : '',
        best_ask: tp.ask ? px(f.info, tp.ask[0]) : '',
      };
    }
    const gran = p.get('granularity') ?? '';
    const period = GRANULARITIES[gran];
    if (!period) throw invalid(`granularity ${gran || '(none)'} is not one of ${Object.keys(GRANULARITIES).join(', ')}`);
    const start = this.int(p, 'start', NaN);
    const end = this.int(p, 'end', NaN);
    if (!Number.isFinite(start) || !Number.isFinite(end)) throw invalid('start and end are required (unix seconds)');
    const limit = this.int(p, 'limit', 350);
    if (limit < 1 || limit > 350) throw invalid('limit must be between 1 and 350');
    const rows = f.tape.candles(period, now).filter((c) => c.openTime >= start * 1000 && c.openTime <= end * 1000);
    // newest first, at most `limit`
    return { candles: rows.slice(-limit).reverse().map((c) => this.feed.candle(f, c)) };
  }

  private fiats(): string[] {
    return [...new Set(this.products.map((x) => x.quote).filter((q) => /^(USD|EUR|GBP)$/.test(q)))];
  }

  private cryptos(): string[] {
    return [...new Set(this.products.flatMap((x) => [x.base, x.quote]))].filter((c) => !this.fiats().includes(c));
  }

  /** Units of each currency one `currency` buys, from the products' last prices (mid when no trade yet). */
  private rates(currency: string): Record<string, string> {
    const out: Record<string, string> = { [currency]: '1' };
    for (const x of this.products) {
      if (x.quote !== currency) continue;
      const last = this.feed.feed(x.productId).tape.last;
      const price = last ? Number(px(this.feed.feed(x.productId).info, last.price)) : Number(x.mid);
      if (price > 0) out[x.base] = String(1 / price);
    }
    return out;
  }

  private product(id: string | null): CoinbaseProduct {
    if (!id) throw invalid('product_id is required');
    const prod = this.products.find((x) => x.productId === id);
    if (!prod) throw new RestError(404, 'NOT_FOUND', 'ProductID is invalid');
    return prod;
  }

  private int(p: URLSearchParams, name: string, dflt: number): number {
    const v = p.get(name);
    if (v === null || v === '') return dflt;
    if (!/^-?\d+$/.test(v)) throw invalid(`${name} must be an integer`);
    return Number(v);
  }

  /** A products[] record with its 24 h figures. */
  private record(x: CoinbaseProduct, now: number): Record<string, unknown> {
    const f = this.feed.feed(x.productId);
    const t = this.feed.ticker(f, now, false);
    return {
      product_id: x.productId,
      price: t.price,
      price_percentage_change_24h: t.price_percent_chg_24_h,
      volume_24h: t.volume_24_h,
      volume_percentage_change_24h: '0',
      base_increment: x.baseIncrement,
      quote_increment: x.priceIncrement,
      quote_min_size: x.quoteMinSize,
      quote_max_size: x.quoteMaxSize,
      base_min_size: x.baseMinSize,
      base_max_size: x.baseMaxSize,
      base_name: x.base,
      quote_name: x.quote,
      watched: false,
      is_disabled: false,
      new: false,
      status: 'online',
      cancel_only: false,
      limit_only: false,
      post_only: false,
      trading_disabled: false,
      auction_mode: false,
      product_type: 'SPOT',
      quote_currency_id: x.quote,
      base_currency_id: x.base,
      mid_market_price: '',
      alias: '',
      alias_to: [],
      base_display_symbol: x.base,
      quote_display_symbol: x.quote,
      view_only: false,
      price_increment: x.priceIncrement,
      display_name: `${x.base}-${x.quote}`,
      product_venue: 'CBE',
    };
  }
}
