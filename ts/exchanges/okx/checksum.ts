/**
 * OKX order-book checksum (OKX docs-v5 "Order book channel" > Checksum; protocols.md §3 and the
 * §7 vectors): the first 25 bids and 25 asks of the local book, interleaved as
 * `bid1px:bid1sz:ask1px:ask1sz:bid2px:...`, using each price and size EXACTLY as the strings were
 * received (a shorter side's missing entries are skipped, the longer side's rest follows in order),
 * CRC-32 (IEEE) read as a SIGNED 32-bit integer.
 *
 * OKX announced (May 2026) that the field will be sent as 0 from 23 June 2026 on, with
 * seqId/prevSeqId as the remaining integrity check; a checksum of 0 is therefore not checked.
 */
import { crc32Signed } from '../../book/crc32';
import type { OrderBook } from '../../book/orderbook';
import type { BookDelta, BookSnapshot } from '../../book/types';

/** Levels per side that the checksum covers. */
export const CHECKSUM_LEVELS = 25;

/** The checksum string of levels given best first as [price, size] strings. */
export function checksumString(
  bids: readonly (readonly [string, string])[],
  asks: readonly (readonly [string, string])[],
): string {
  const parts: string[] = [];
  const n = Math.min(CHECKSUM_LEVELS, Math.max(bids.length, asks.length));
  for (let i = 0; i < n; i++) {
    if (i < bids.length) parts.push(bids[i][0], bids[i][1]);
    if (i < asks.length) parts.push(asks[i][0], asks[i][1]);
  }
  return parts.join(':');
}

/** CRC-32 (signed) of the checksum string. */
export function checksumOf(bids: readonly (readonly [string, string])[], asks: readonly (readonly [string, string])[]): number {
  return crc32Signed(checksumString(bids, asks));
}

/** The checksum of a local book kept with `{ keepStrings: true }`. */
export function bookChecksum(book: OrderBook): number {
  return checksumOf(book.levelStrings('bids', CHECKSUM_LEVELS), book.levelStrings('asks', CHECKSUM_LEVELS));
}

/** BookSync `verify`: compares the updated book with the message's checksum (absent or 0: not checked). */
export function verifyChecksum(book: OrderBook, d: BookDelta | BookSnapshot): string | undefined {
  const expected = d.checksum;
  if (expected === undefined || expected === 0) return undefined;
  const got = bookChecksum(book);
  return got === expected ? undefined : `checksum mismatch: message says ${expected}, local top 25 gives ${got}`;
}
