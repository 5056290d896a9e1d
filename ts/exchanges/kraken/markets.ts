/**
 * Kraken Spot markets from REST `GET /0/public/AssetPairs` (protocols.md §2 "REST market
 * endpoints"). Checked against the cryptofeed capture KRAKEN.0 (test/fixtures/cryptofeed) (304 pairs,
 * e.g. `"XXBTZUSD": {"wsname":"XBT/USD","base":"XXBT","quote":"ZUSD","pair_decimals":1,
 * "lot_decimals":8,...}`).
 *
 * Symbols: REST keys (`XXBTZUSD`) are the market ids; `wsname` uses v1 asset names (`XBT/USD`),
 * while WebSocket v2 and the unified symbols use ISO names (`BTC/USD`, `DOGE/USD`): v2 rejects
 * `XBT/USD` with "Currency pair not supported XBT/USD" (protocols.md §2 "Endpoints").
 */
import type { Market } from '../../core/types';

/** One AssetPairs entry (only the fields we read). */
export interface AssetPair {
  altname?: string;
  /** v1 WebSocket name, e.g. "XBT/USD"; absent on dark-pool pairs (keys ending in ".d"). */
  wsname?: string;
  base: string;
  quote: string;
  /** Price decimals: the v2 instrument's price_precision (BTC/USD: 1). */
  pair_decimals: number;
  /** Volume decimals: the v2 instrument's qty_precision (BTC/USD: 8). */
  lot_decimals: number;
  ordermin?: string;
  costmin?: string;
  tick_size?: string;
  /** "online", "cancel_only", "post_only", "limit_only", "reduce_only" (newer replies only). */
  status?: string;
}

/** Kraken's legacy asset codes whose ISO name differs (v1 / REST name -> v2 / unified name). */
const ASSET_ALIASES: Record<string, string> = { XBT: 'BTC', XDG: 'DOGE' };

/**
 * Unified code of a Kraken asset: "XXBT" -> "BTC", "ZUSD" -> "USD", "XBT" -> "BTC", "ADA" -> "ADA".
 * Four-letter codes starting with X (crypto) or Z (fiat) are Kraken's legacy prefixed form.
 */
export function unifiedAsset(code: string): string {
  let c = code;
  if (c.length === 4 && (c[0] === 'X' || c[0] === 'Z')) c = c.slice(1);
  return ASSET_ALIASES[c] ?? c;
}

/** Price and quantity decimals of a Kraken market (used to render checksums exactly). */
export interface PairPrecision {
  price: number;
  qty: number;
}

/** The precision stored on a market parsed by {@link parseMarkets}. */
export function pairPrecision(market: Market): PairPrecision {
  const p = market.info as AssetPair;
  return { price: p.pair_decimals, qty: p.lot_decimals };
}

function num(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const x = +v;
  return Number.isFinite(x) ? x : undefined;
}

function tick(decimals: number): number {
  return Number(`1e-${decimals}`);
}

/** AssetPairs `result` -> unified markets (skipping dark-pool pairs, which have no wsname). */
export function parseMarkets(result: Record<string, AssetPair>): Market[] {
  const out: Market[] = [];
  for (const [id, p] of Object.entries(result ?? {})) {
    if (!p || typeof p.wsname !== 'string' || id.endsWith('.d')) continue;
    if (!Number.isInteger(p.pair_decimals) || !Number.isInteger(p.lot_decimals)) continue;
    const parts = p.wsname.split('/');
    const base = unifiedAsset(parts.length === 2 ? parts[0] : p.base);
    const quote = unifiedAsset(parts.length === 2 ? parts[1] : p.quote);
    out.push({
      id,
      symbol: `${base}/${quote}`,
      base,
      quote,
      baseId: p.base,
      quoteId: p.quote,
      type: 'spot',
      spot: true,
      active: p.status === undefined || p.status === 'online',
      precision: { price: num(p.tick_size) ?? tick(p.pair_decimals), amount: tick(p.lot_decimals) },
      limits: {
        amount: { min: num(p.ordermin) },
        price: {},
        cost: { min: num(p.costmin) },
      },
      info: p,
    });
  }
  return out;
}

/** One pair of the v2 `instrument` channel (only the fields we read). */
export interface InstrumentPair {
  symbol: string;
  price_precision?: unknown;
  qty_precision?: unknown;
  price_increment?: unknown;
  qty_increment?: unknown;
  qty_min?: unknown;
  cost_min?: unknown;
  status?: unknown;
}

const nonNegInt = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 18 ? v : undefined);
const positive = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);

/**
 * A market with what the v2 `instrument` channel says of its pair (docs.kraken.com websocket-v2
 * "instrument": price_precision, qty_precision, price_increment, qty_increment, qty_min, cost_min,
 * status), or undefined when the precision it says is what the market already has (the checksum
 * is rendered at those two; the rest follows them). The AssetPairs fields in `info` are updated to
 * match (pair_decimals = price_precision, lot_decimals = qty_precision), so the book checksum and
 * a later REST reload agree.
 */
export function withInstrument(market: Market, pair: unknown): Market | undefined {
  if (typeof pair !== 'object' || pair === null) return undefined;
  const p = pair as InstrumentPair;
  const price = nonNegInt(p.price_precision);
  const qty = nonNegInt(p.qty_precision);
  if (price === undefined || qty === undefined) return undefined;
  const info = market.info as AssetPair;
  if (info.pair_decimals === price && info.lot_decimals === qty) return undefined;
  const tickSize = positive(p.price_increment);
  const status = typeof p.status === 'string' ? p.status : info.status;
  return {
    ...market,
    active: status === undefined || status === 'online',
    precision: { price: tickSize ?? tick(price), amount: positive(p.qty_increment) ?? tick(qty) },
    limits: {
      ...market.limits,
      amount: { ...market.limits.amount, min: positive(p.qty_min) ?? market.limits.amount.min },
      cost: { ...market.limits.cost, min: positive(p.cost_min) ?? market.limits.cost.min },
    },
    info: {
      ...info,
      pair_decimals: price,
      lot_decimals: qty,
      ...(tickSize !== undefined ? { tick_size: String(tickSize) } : {}),
      ...(status !== undefined ? { status } : {}),
    },
  };
}
