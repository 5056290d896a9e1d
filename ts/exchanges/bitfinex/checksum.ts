/**
 * Bitfinex book checksum (conf flag 131072; protocols.md §6 "Checksum" and the §7 vectors; Bitfinex
 * docs "Order Books > Checksum"): for i = 0..24, the i-th bid's price and amount, then the i-th
 * ask's price and amount (asks keep their NEGATIVE amount), whichever exist, joined by ':'; CRC-32
 * read as a signed 32-bit integer. Numbers as Bitfinex's reference client renders the received
 * values (parse.ts: prices in fixed notation, amounts as `String()` gives them, the wire's own text)
 * — the strings the book keeps (`keepStrings`), never re-rendered from the book's numbers.
 *
 * The verifier (`bookChecksum`, every `cs` message) copies those kept strings, read by rank, into one
 * reused byte buffer and takes one native CRC-32: no tuple, array or joined string per message.
 * `bookChecksumText` (levelStrings + `checksumString`) is what it is proved equal to
 * (test/bitfinex-checksum.test.js).
 */
import { crc32Bytes, crc32Signed } from '../../book/crc32';
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

/** The checksum of a book kept with `{ keepStrings: true }` through `checksumString` (the reference). */
export function bookChecksumText(book: OrderBook): number {
  return checksumOf(book.levelStrings('bids', CHECKSUM_LEVELS), book.levelStrings('asks', CHECKSUM_LEVELS));
}

/**
 * The checksum's bytes: 100 kept strings and their separators. A level's strings are renderings of
 * numbers (parse.ts), a few dozen characters at most; a book whose strings do not fit (or are not
 * ASCII) takes the string path.
 */
const BYTES = new Uint8Array(8192);
/** Views of BYTES' first n bytes, made once each: no allocation per message. */
const VIEWS: (Uint8Array | undefined)[] = [];
const COLON = 58;
const MINUS = 45;

/** Copies an ASCII string to BYTES at `at`; the end, or -1 if it does not fit or is not ASCII. */
function put(s: string, at: number): number {
  const n = s.length;
  if (at + n > BYTES.length) return -1;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(k);
    if (c > 127) return -1;
    BYTES[at + k] = c;
  }
  return at + n;
}

/**
 * `checksumString` of the book written into BYTES (the kept strings, read by rank: no tuple, no
 * array, no joined string); its length, or -1 when the string path must build it.
 */
function writeChecksumString(book: OrderBook): number {
  const nb = Math.min(CHECKSUM_LEVELS, book.depth('bids'));
  const na = Math.min(CHECKSUM_LEVELS, book.depth('asks'));
  let at = 0;
  for (let i = 0; i < CHECKSUM_LEVELS && at >= 0; i++) {
    if (i < nb) {
      if (at > 0) BYTES[at++] = COLON;
      at = put(book.priceStrAt('bids', i) as string, at);
      if (at < 0) break;
      BYTES[at++] = COLON;
      at = put(book.amountStrAt('bids', i) as string, at);
    }
    if (i < na && at >= 0) {
      if (at > 0) BYTES[at++] = COLON;
      at = put(book.priceStrAt('asks', i) as string, at);
      if (at < 0) break;
      BYTES[at++] = COLON;
      const amount = book.amountStrAt('asks', i) as string;
      if (amount !== '0') BYTES[at++] = MINUS;
      at = put(amount, at);
    }
    // room for the next level's separators
    if (at > BYTES.length - 4) at = -1;
  }
  return at;
}

/** The checksum of a book kept with `{ keepStrings: true }`: `bookChecksumText`'s value, from one reused buffer. */
export function bookChecksum(book: OrderBook): number {
  const at = writeChecksumString(book);
  if (at < 0) return bookChecksumText(book);
  let view = VIEWS[at];
  if (view === undefined) VIEWS[at] = view = BYTES.subarray(0, at);
  return crc32Bytes(view) | 0;
}

/** The bytes `bookChecksum` takes the CRC of, as text (undefined: the string path builds them); for tests. */
export function checksumBytes(book: OrderBook): string | undefined {
  const at = writeChecksumString(book);
  if (at < 0) return undefined;
  let s = '';
  for (let i = 0; i < at; i++) s += String.fromCharCode(BYTES[i]!);
  return s;
}

/** BookSync `verify`: only messages that carry a checksum (the `cs` frames) are checked. */
export function verifyChecksum(book: OrderBook, d: BookDelta | BookSnapshot): string | undefined {
  const expected = d.checksum;
  if (expected === undefined) return undefined;
  const got = bookChecksum(book);
  return got === expected ? undefined : `checksum mismatch: "cs" says ${expected}, local top 25 gives ${got}`;
}
