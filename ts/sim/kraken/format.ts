/**
 * Kraken number rendering and the v2 book checksum.
 *
 * WebSocket v2 prints prices and quantities as JSON numbers at the pair's precision, trailing zeros
 * kept (`{"price":45285.2,"qty":0.00100000}`, docs.kraken.com websocket-v2 book). REST prints
 * strings: Depth / Ticker / Trades prices with 5 decimals at least (`"30384.10000"` for XBT/USD,
 * pair_decimals 1), Depth and Ticker lot volumes without trailing zeros past 3 decimals (`"2.059"`,
 * `"1.000"`), Trades volumes and OHLC values at the pair's precision (krakenfx/api-specs
 * spot-rest openapi_v3.yaml examples).
 *
 * Checksum (docs.kraken.com "Spot Websockets (v2) Book Checksum"; protocols.md §7 vector
 * 3310070434): top 10 asks low to high, then top 10 bids high to low; for each level the price and
 * then the qty at the pair's precision with '.' removed and leading zeros stripped; CRC-32 of the
 * concatenation as an unsigned integer.
 */
import { crc32 } from '../../book/crc32';
import type { MarketInfo } from '../engine';
import type { TickLevel } from '../common/book-window';
import { minDecimals } from '../common/format';

/**
 * Precision a pair is published at when it was changed after start (KrakenSim.setPrecision): at
 * least the engine's own decimals, so every level stays exactly representable; absent, the engine's.
 */
const published = new WeakMap<MarketInfo, { price: number; qty: number }>();

/** Publishes a pair's prices and quantities at these decimals from now on. */
export function setPublishedPrecision(info: MarketInfo, price: number, qtyDecimals: number): void {
  published.set(info, { price, qty: qtyDecimals });
}

/** Price decimals a pair is published at. */
export const priceDecimals = (info: MarketInfo): number => published.get(info)?.price ?? info.priceDecimals;
/** Quantity decimals a pair is published at. */
export const qtyDecimals = (info: MarketInfo): number => published.get(info)?.qty ?? info.qtyDecimals;

/** Price at the pair's precision (also a valid JSON number). */
export const px = (info: MarketInfo, ticks: number): string => info.formatPrice(ticks, priceDecimals(info));
/** Quantity at the pair's lot precision (also a valid JSON number). */
export const qty = (info: MarketInfo, steps: number): string => info.formatQty(steps, qtyDecimals(info));

/** REST price string: the pair's precision, padded to 5 decimals. */
export function restPx(info: MarketInfo, ticks: number): string {
  return info.formatPrice(ticks, Math.max(5, priceDecimals(info)));
}

/** REST lot volume string (Depth, Ticker a/b): trailing zeros dropped past 3 decimals. */
export function restLot(info: MarketInfo, steps: number): string {
  return minDecimals(qty(info, steps), 3);
}

/** "45285.2" -> "452852", "0.00100000" -> "100000". */
export function checksumField(text: string): string {
  const s = text.replace('.', '').replace(/^0+/, '');
  return s === '' ? '0' : s;
}

/** The v2 checksum of levels given best first (only the first 10 a side count). */
export function bookChecksum(info: MarketInfo, asks: readonly TickLevel[], bids: readonly TickLevel[]): number {
  let s = '';
  for (let i = 0; i < Math.min(10, asks.length); i++) {
    const [p, q] = asks[i] as TickLevel;
    s += checksumField(px(info, p)) + checksumField(qty(info, q));
  }
  for (let i = 0; i < Math.min(10, bids.length); i++) {
    const [p, q] = bids[i] as TickLevel;
    s += checksumField(px(info, p)) + checksumField(qty(info, q));
  }
  return crc32(s);
}

/** `[{"price":45283.5,"qty":0.10000000},...]` */
export function levelsJson(info: MarketInfo, levels: readonly TickLevel[]): string {
  let out = '[';
  for (let i = 0; i < levels.length; i++) {
    const [p, q] = levels[i] as TickLevel;
    if (i > 0) out += ',';
    out += `{"price":${px(info, p)},"qty":${qty(info, q)}}`;
  }
  return `${out}]`;
}

/** A book message: `{"channel":"book","type":...,"data":[{"symbol",...,"checksum","timestamp"}]}`. */
export function bookMessage(
  type: 'snapshot' | 'update',
  info: MarketInfo,
  symbol: string,
  bids: readonly TickLevel[],
  asks: readonly TickLevel[],
  checksum: number,
  timestamp: string,
): string {
  return (
    `{"channel":"book","type":"${type}","data":[{"symbol":${JSON.stringify(symbol)},` +
    `"bids":${levelsJson(info, bids)},"asks":${levelsJson(info, asks)},` +
    `"checksum":${checksum},"timestamp":"${timestamp}"}]}`
  );
}

/** "Thu, 06 Jul 23 18:50:48 +0000" (GET /0/public/Time `rfc1123`). */
export function rfc1123Short(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `${days[d.getUTCDay()]}, ${two(d.getUTCDate())} ${months[d.getUTCMonth()]} ${two(d.getUTCFullYear() % 100)} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
  );
}
