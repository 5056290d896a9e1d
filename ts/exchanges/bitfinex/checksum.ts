/**
 * Bitfinex book checksum (conf flag 131072; protocols.md §6 "Checksum" and the §7 vectors; Bitfinex
 * docs "Order Books > Checksum"): for i = 0..24, the i-th bid's price and amount, then the i-th
 * ask's price and amount (asks keep their NEGATIVE amount), whichever exist, joined by ':'; CRC-32
 * read as a signed 32-bit integer. Numbers as Bitfinex's reference client renders the received
 * values (parse.ts: prices in fixed notation, amounts as `String()` gives them, the wire's own text)
 * — the strings the book keeps (`keepStrings`), never re-rendered from the book's numbers.
 */
import { crc32Signed } from '../../book/crc32';
import type { OrderBook } from '../../book/orderbook';
import type { BookDelta, BookSnapshot } from '../../book/types';

export const CHECKSUM_LEVELS = 25;

/** The checksum string of [price, positive amount] strings, best first. */
export function checksumString(
  bids: readonly (readonly [string, string])[],
  asks: readonly (readonly [string, string])[],
): string {
  const parts: string[] = [];
  for (let i = 0; i < CHECKSUM_LEVELS; i++) {
    if (i < bids.length) parts.push(bids[i][0], bids[i][1]);
    if (i < asks.length) parts.push(asks[i][0], asks[i][1] === '0' ? '0' : `-${asks[i][1]}`);
  }
  return parts.join(':');
}

export function checksumOf(bids: readonly (readonly [string, string])[], asks: readonly (readonly [string, string])[]): number {
  return crc32Signed(checksumString(bids, asks));
}

/** The checksum of a book kept with `{ keepStrings: true }`. */
export function bookChecksum(book: OrderBook): number {
  return checksumOf(book.levelStrings('bids', CHECKSUM_LEVELS), book.levelStrings('asks', CHECKSUM_LEVELS));
}

/** BookSync `verify`: only messages that carry a checksum (the `cs` frames) are checked. */
export function verifyChecksum(book: OrderBook, d: BookDelta | BookSnapshot): string | undefined {
  const expected = d.checksum;
  if (expected === undefined) return undefined;
  const got = bookChecksum(book);
  return got === expected ? undefined : `checksum mismatch: "cs" says ${expected}, local top 25 gives ${got}`;
}
