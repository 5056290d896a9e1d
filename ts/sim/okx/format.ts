/**
 * OKX number rendering and the books checksum.
 *
 * OKX prints decimals as strings without trailing zeros (`"30244"`, `"0.08"`; capture
 * the cryptofeed capture OKX.ws.1.0). Book levels are `[px, sz, "0", orderCount]`, a deleted
 * level `[px, "0", "0", "0"]`.
 *
 * Checksum (OKX docs-v5 "Order book channel" > Checksum; protocols.md §3 and the §7 vectors): the
 * first 25 bids and asks interleaved `bid1px:bid1sz:ask1px:ask1sz:...` from the strings as sent (a
 * shorter side's missing entries skipped), CRC-32 read as a signed 32-bit integer.
 */
import { crc32Signed } from '../../book/crc32';
import { ASSET_SCALE, formatScaled, MarketInfo, MatchingEngine } from '../engine';
import type { TickLevel } from '../common/book-window';
import { trimDecimal } from '../common/format';

export const px = (info: MarketInfo, ticks: number): string => trimDecimal(info.formatPrice(ticks));
export const sz = (info: MarketInfo, steps: number): string => trimDecimal(info.formatQty(steps));

/** A quote amount (10^-16 units) as OKX prints it. */
export function amount(units: bigint): string {
  return trimDecimal(formatScaled(units, ASSET_SCALE, 12));
}

/** Levels as `[px, sz, "0", orderCount]` (count from the engine's level; "0" for deletions). */
export function levelRows(engine: MatchingEngine, instId: string, side: 'bid' | 'ask', levels: readonly TickLevel[]): string[][] {
  const info = engine.market(instId);
  const book = engine.bookSide(instId, side);
  return levels.map(([p, q]) => [px(info, p), sz(info, q), '0', q === 0 ? '0' : String(book.level(p)?.orders.length ?? 1)]);
}

/** The checksum string of best-first [px, sz] strings. */
export function checksumString(bids: readonly string[][], asks: readonly string[][]): string {
  const parts: string[] = [];
  const n = Math.min(25, Math.max(bids.length, asks.length));
  for (let i = 0; i < n; i++) {
    const b = bids[i];
    const a = asks[i];
    if (b) parts.push(b[0] as string, b[1] as string);
    if (a) parts.push(a[0] as string, a[1] as string);
  }
  return parts.join(':');
}

/** The signed CRC-32 checksum of the top 25 levels of a book given best first. */
export function bookChecksum(info: MarketInfo, bids: readonly TickLevel[], asks: readonly TickLevel[]): number {
  const conv = (l: readonly TickLevel[]): string[][] => l.slice(0, 25).map(([p, q]) => [px(info, p), sz(info, q)]);
  return crc32Signed(checksumString(conv(bids), conv(asks)));
}
