/**
 * Bitfinex number rendering and the book checksum (protocols.md §6 "Books", §7 vectors).
 *
 * Bitfinex sends JSON numbers; the simulator writes each as the shortest decimal text of the engine
 * value (`60001`, `0.5`), asks with a negative amount. The checksum is computed from exactly those
 * texts: top 25 bids and asks interleaved `bidPrice:bidAmount:askPrice:-askAmount:...`, CRC-32
 * read as a signed 32-bit integer.
 */
import { crc32Signed } from '../../book/crc32';
import type { MarketInfo, MatchingEngine } from '../engine';
import type { TickLevel } from '../common/book-window';
import { trimDecimal } from '../common/format';

export const px = (info: MarketInfo, ticks: number): string => trimDecimal(info.formatPrice(ticks));
export const amt = (info: MarketInfo, steps: number): string => trimDecimal(info.formatQty(steps));

/** One P0 level as JSON text `[PRICE,COUNT,AMOUNT]`; a deleted level `[PRICE,0,1]` / `[PRICE,0,-1]`. */
export function levelText(engine: MatchingEngine, id: string, side: 'bid' | 'ask', [p, q]: TickLevel): string {
  const info = engine.market(id);
  if (q === 0) return `[${px(info, p)},0,${side === 'bid' ? 1 : -1}]`;
  const count = engine.bookSide(id, side).level(p)?.orders.length ?? 1;
  return `[${px(info, p)},${count},${side === 'bid' ? '' : '-'}${amt(info, q)}]`;
}

/** The signed CRC-32 checksum of the top 25 of a book given best first. */
export function bookChecksum(info: MarketInfo, bids: readonly TickLevel[], asks: readonly TickLevel[]): number {
  const parts: string[] = [];
  for (let i = 0; i < 25; i++) {
    const b = bids[i];
    const a = asks[i];
    if (b) parts.push(px(info, b[0]), amt(info, b[1]));
    if (a) parts.push(px(info, a[0]), `-${amt(info, a[1])}`);
  }
  return crc32Signed(parts.join(':'));
}
