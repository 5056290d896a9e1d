/**
 * Bitfinex number rendering and the book checksum (protocols.md §6 "Books", §7 vectors).
 *
 * Bitfinex sends JSON numbers; the simulator writes each as the shortest decimal text of the engine
 * value (`60001`, `0.5`), asks with a negative amount; a book level's amount as a JavaScript server
 * writes a number (`5e-7` below 1e-6). The checksum is computed as Bitfinex's reference client
 * does (bfx-api-node-models `checksum()`): amounts as those texts, prices as String() renders them
 * with an exponent form written `toFixed(|exponent| + 1)` (`0.00000050`): top 25
 * bids and asks interleaved `bidPrice:bidAmount:askPrice:-askAmount:...`, CRC-32 read as a signed
 * 32-bit integer.
 */
import { crc32Signed } from '../../book/crc32';
import type { MarketInfo, MatchingEngine } from '../engine';
import type { TickLevel } from '../common/book-window';
import { trimDecimal } from '../common/format';

export const px = (info: MarketInfo, ticks: number): string => trimDecimal(info.formatPrice(ticks));
export const amt = (info: MarketInfo, steps: number): string => trimDecimal(info.formatQty(steps));
/** A book amount as JSON.stringify writes the number (exponent form below 1e-6), as on the wire. */
const bookAmt = (info: MarketInfo, steps: number): string => String(Number(info.formatQty(steps)));
/** A price as the checksum renders it: String() of the number, an exponent form as toFixed(|exp| + 1). */
function csPrice(info: MarketInfo, ticks: number): string {
  const n = Number(info.formatPrice(ticks));
  const t = String(n);
  const e = t.indexOf('e-');
  return e < 0 ? t : n.toFixed(Number(t.slice(e + 2)) + 1);
}

/** One P0 level as JSON text `[PRICE,COUNT,AMOUNT]`; a deleted level `[PRICE,0,1]` / `[PRICE,0,-1]`. */
export function levelText(engine: MatchingEngine, id: string, side: 'bid' | 'ask', [p, q]: TickLevel): string {
  const info = engine.market(id);
  if (q === 0) return `[${px(info, p)},0,${side === 'bid' ? 1 : -1}]`;
  const count = engine.bookSide(id, side).level(p)?.orders.length ?? 1;
  return `[${px(info, p)},${count},${side === 'bid' ? '' : '-'}${bookAmt(info, q)}]`;
}

/** The signed CRC-32 checksum of the top 25 of a book given best first. */
export function bookChecksum(info: MarketInfo, bids: readonly TickLevel[], asks: readonly TickLevel[]): number {
  const parts: string[] = [];
  for (let i = 0; i < 25; i++) {
    const b = bids[i];
    const a = asks[i];
    if (b) parts.push(csPrice(info, b[0]), bookAmt(info, b[1]));
    if (a) parts.push(csPrice(info, a[0]), `-${bookAmt(info, a[1])}`);
  }
  return crc32Signed(parts.join(':'));
}
