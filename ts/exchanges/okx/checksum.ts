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
import { crc32Bytes, crc32Signed } from '../../book/crc32';
import { writeDecimal } from '../../book/decimal';
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

// the string-free path's reused buffers: the top 25 of each side, and the checksum string's bytes
// (100 numbers of at most 24 characters and a separator each: 2,500 bytes at most)
const BID_NUMS = new Float64Array(2 * CHECKSUM_LEVELS);
const ASK_NUMS = new Float64Array(2 * CHECKSUM_LEVELS);
const BID_SCALES = new Uint16Array(CHECKSUM_LEVELS);
const ASK_SCALES = new Uint16Array(CHECKSUM_LEVELS);
const TEXT = new Uint8Array(4096);
const COLON = 58;

/** Appends `price:size:` of level r to TEXT at pos; -1 when a number cannot be rendered exactly. */
function writeLevel(pos: number, nums: Float64Array, scales: Uint16Array, r: number): number {
  const sc = scales[r]!;
  pos = writeDecimal(TEXT, pos, nums[2 * r]!, sc & 0xff);
  if (pos < 0) return -1;
  TEXT[pos++] = COLON;
  pos = writeDecimal(TEXT, pos, nums[2 * r + 1]!, sc >> 8);
  if (pos < 0) return -1;
  TEXT[pos++] = COLON;
  return pos;
}

/**
 * The checksum of a book kept with `{ keepScales: true }`, string-free: the top 25 levels' digits are
 * rendered from (number, scale) — exactly the strings OKX sent, see book/decimal.ts — into one
 * reused buffer and CRC-32'd once. Undefined when a level's number cannot be rendered exactly (a
 * string OKX never sends: an exponent, a sign, more than 15 significant digits).
 */
export function bookChecksumScaled(book: OrderBook): number | undefined {
  const nb = book.levelsScaled('bids', CHECKSUM_LEVELS, BID_NUMS, BID_SCALES);
  const na = book.levelsScaled('asks', CHECKSUM_LEVELS, ASK_NUMS, ASK_SCALES);
  const n = nb > na ? nb : na;
  let pos = 0;
  for (let i = 0; i < n; i++) {
    if (i < nb && (pos = writeLevel(pos, BID_NUMS, BID_SCALES, i)) < 0) return undefined;
    if (i < na && (pos = writeLevel(pos, ASK_NUMS, ASK_SCALES, i)) < 0) return undefined;
  }
  // without the last separator
  return crc32Bytes(TEXT, pos > 0 ? pos - 1 : 0) | 0;
}

/**
 * BookSync `verify`: compares the updated book with the message's checksum (absent or 0: not
 * checked). A book kept with `keepScales` is checked string-free, one with `keepStrings` from its strings.
 */
export function verifyChecksum(book: OrderBook, d: BookDelta | BookSnapshot): string | undefined {
  const expected = d.checksum;
  if (expected === undefined || expected === 0) return undefined;
  const got = book.keepScales ? bookChecksumScaled(book) : bookChecksum(book);
  if (got === undefined) return `checksum not computable: a level of the local top 25 has no exact decimal form (message says ${expected})`;
  return got === expected ? undefined : `checksum mismatch: message says ${expected}, local top 25 gives ${got}`;
}
