/**
 * Coinbase Advanced Trade markets from `GET /api/v3/brokerage/market/products` (protocols.md §5
 * "REST": `{"products":[{product_id, base_increment, quote_increment, price_increment,
 * base_min_size, base_max_size, quote_min_size, quote_max_size, status, trading_disabled,
 * cancel_only, limit_only, post_only, product_type, ...}], "num_products": N}`). Spot only.
 * `BTC-USD` <-> `BTC/USD`.
 */
import type { Market } from '../../core/types';

/** One `products[]` element (the fields we read; all numbers are decimal strings). */
export interface Product {
  product_id: string;
  product_type?: string;
  base_currency_id?: string;
  quote_currency_id?: string;
  base_increment?: string;
  quote_increment?: string;
  price_increment?: string;
  base_min_size?: string;
  base_max_size?: string;
  quote_min_size?: string;
  quote_max_size?: string;
  /** "online", "offline", "delisted", ... */
  status?: string;
  trading_disabled?: boolean;
  is_disabled?: boolean;
  cancel_only?: boolean;
  limit_only?: boolean;
  post_only?: boolean;
  /** 24 h figures carried by the same record (used for REST tickers). */
  price?: string;
  volume_24h?: string;
  price_percentage_change_24h?: string;
}

export interface ProductsReply {
  products?: Product[];
  num_products?: number;
}

function pos(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const x = +v;
  return Number.isFinite(x) && x > 0 ? x : undefined;
}

/** `BTC-USD` -> ['BTC', 'USD'] from the record's currency ids (the product id as a fallback). */
export function currencies(p: Product): [string, string] | undefined {
  if (p.base_currency_id && p.quote_currency_id) return [p.base_currency_id, p.quote_currency_id];
  const i = p.product_id.indexOf('-');
  return i > 0 ? [p.product_id.slice(0, i), p.product_id.slice(i + 1)] : undefined;
}

/**
 * A product is tradable when it is `online` and none of `trading_disabled`, `is_disabled`,
 * `cancel_only` is set; `limit_only` and `post_only` products still trade (with restrictions, kept
 * in `info`).
 */
export function isActive(p: Product): boolean {
  return (p.status === undefined || p.status === 'online') && !p.trading_disabled && !p.is_disabled && !p.cancel_only;
}

/** Products -> unified spot markets. */
export function parseMarkets(list: Product[] | undefined): Market[] {
  const out: Market[] = [];
  for (const p of list ?? []) {
    if (!p || typeof p.product_id !== 'string') continue;
    if (p.product_type !== undefined && p.product_type !== 'SPOT') continue;
    const cc = currencies(p);
    if (!cc) continue;
    const [base, quote] = cc;
    const tick = pos(p.price_increment) ?? pos(p.quote_increment);
    out.push({
      id: p.product_id,
      symbol: `${base}/${quote}`,
      base,
      quote,
      baseId: base,
      quoteId: quote,
      type: 'spot',
      spot: true,
      active: isActive(p),
      precision: { price: tick, amount: pos(p.base_increment) },
      limits: {
        amount: { min: pos(p.base_min_size), max: pos(p.base_max_size) },
        price: { min: tick },
        cost: { min: pos(p.quote_min_size), max: pos(p.quote_max_size) },
      },
      info: p,
    });
  }
  return out;
}
