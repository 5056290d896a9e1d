/**
 * Kraken book checksum (docs.kraken.com "Spot Websockets (v2) Book Checksum"; protocols.md §2
 * "Checksum algorithm (v2)" and the §7 vector):
 *
 * - always the top 10 levels per side, whatever the subscribed depth;
 * - asks lowest first, then bids highest first; for each level: price then qty, each rendered at
 *   the pair's fixed precision, with the '.' removed and the leading zeros stripped;
 * - CRC-32 (IEEE) of the concatenation, read as an UNSIGNED 32-bit integer.
 *
 * v1 used the same rule on the strings it sent; v2 sends JSON numbers, which are rendered here with
 * the instrument's price_precision / qty_precision (REST AssetPairs pair_decimals / lot_decimals).
 * `Number#toFixed(d)` gives back the exact text for a number that came from JSON with at most d
 * decimals: the double nearest to such a decimal is within half an ulp of it, and half an ulp is
 * below half a unit of the d-th decimal for every value under about 2^52 / 10^d (4.5e7 at 8
 * decimals). Larger values with that many decimals do not survive JSON.parse into a double at
 * all; only a lossless decoder could check those.
 */
import { crc32 } from '../../book/crc32';
import type { OrderBook } from '../../book/orderbook';
import type { BookDelta, BookSnapshot } from '../../book/types';
import type { PairPrecision } from './markets';

/** Levels per side that the checksum covers. */
export const CHECKSUM_LEVELS = 10;

/** "45285.2" -> "452852", "0.00100000" -> "100000": drop the '.', then the leading zeros. */
export function checksumField(text: string): string {
  let s = text;
  const dot = s.indexOf('.');
  if (dot >= 0) s = s.slice(0, dot) + s.slice(dot + 1);
  let i = 0;
  while (i < s.length - 1 && s.charCodeAt(i) === 48 /* '0' */) i++;
  return i === 0 ? s : s.slice(i);
}

/** A number rendered at a fixed number of decimals, as Kraken's engine prints it. */
export function fixed(value: number, decimals: number): string {
  return value.toFixed(decimals);
}

/**
 * The checksum of levels given as strings, best first ([price, qty] as Kraken printed them: v1
 * frames, or values already rendered at the pair's precision). Only the first 10 of each side count.
 */
export function checksumOfStrings(
  asks: readonly (readonly [string, string])[],
  bids: readonly (readonly [string, string])[],
): number {
  let s = '';
  const na = Math.min(CHECKSUM_LEVELS, asks.length);
  for (let i = 0; i < na; i++) s += checksumField(asks[i][0]) + checksumField(asks[i][1]);
  const nb = Math.min(CHECKSUM_LEVELS, bids.length);
  for (let i = 0; i < nb; i++) s += checksumField(bids[i][0]) + checksumField(bids[i][1]);
  return crc32(s);
}

/** The string the checksum is taken of, for a book of numbers (exposed for diagnostics and tests). */
export function checksumInput(book: OrderBook, precision: PairPrecision): string {
  let s = '';
  const na = Math.min(CHECKSUM_LEVELS, book.depth('asks'));
  for (let r = 0; r < na; r++) {
    s += checksumField(fixed(book.priceAt('asks', r) as number, precision.price));
    s += checksumField(fixed(book.amountAt('asks', r) as number, precision.qty));
  }
  const nb = Math.min(CHECKSUM_LEVELS, book.depth('bids'));
  for (let r = 0; r < nb; r++) {
    s += checksumField(fixed(book.priceAt('bids', r) as number, precision.price));
    s += checksumField(fixed(book.amountAt('bids', r) as number, precision.qty));
  }
  return s;
}

/** The checksum of a local book of numbers, rendered at the pair's precision (v2). */
export function bookChecksum(book: OrderBook, precision: PairPrecision): number {
  return crc32(checksumInput(book, precision));
}

/**
 * A BookSync `verify` for one pair: compares the book (already updated and truncated to the
 * subscribed depth) with the checksum the message carried; messages without one pass.
 */
export function checksumVerifier(
  precision: PairPrecision,
): (book: OrderBook, d: BookDelta | BookSnapshot) => string | undefined {
  return (book, d) => {
    const expected = d.checksum;
    if (expected === undefined) return undefined;
    const got = bookChecksum(book, precision);
    return got === expected ? undefined : `checksum mismatch: message says ${expected}, local top 10 gives ${got}`;
  };
}
