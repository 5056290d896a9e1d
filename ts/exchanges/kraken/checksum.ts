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
 *
 * The verifier (`bookChecksum`, every book message) renders no string: each number's toFixed
 * digits are computed as one integer and written into one reused byte buffer, then one native
 * CRC-32 (see `putFixed` for why the digits are toFixed's; a number within about 1e-15 of a rounding
 * tie is rendered through toFixed itself). `checksumInput` / `bookChecksumText` are the string
 * rendering it is proved equal to (test/kraken-scan.test.js).
 */
import { crc32, crc32Bytes } from '../../book/crc32';
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

/** The checksum of a local book of numbers through strings: `checksumInput`'s CRC (the reference). */
export function bookChecksumText(book: OrderBook, precision: PairPrecision): number {
  return crc32(checksumInput(book, precision));
}

// ------------------------------------------------------------------ the hot path: digits into bytes

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
/** 2^-50: the margin of the exactness check (see `putFixed`). */
const MARGIN = 2 ** -50;
/**
 * The checksum's bytes: 40 numbers of at most 16 digits (an integer m < 2^53), or a fallback
 * rendering (`toFixed` of a number under 2^53 at <= 22 decimals, dot and leading zeros removed:
 * at most 16 + 22 digits). Decoding and checking are synchronous, so one buffer serves every book.
 */
const BYTES = new Uint8Array(2 * 2 * CHECKSUM_LEVELS * 40);
/** Views of BYTES' first n bytes, made once each: no allocation per message. */
const VIEWS: (Uint8Array | undefined)[] = [];

/** Levels (per process) whose rendering took the string path; for tests and diagnostics. */
export const fallbackCount = { levels: 0 };

/** Writes the decimal digits of the integer 0 <= m < 2^53 at `at`; returns the end. */
function putInt(m: number, at: number): number {
  let n = 1;
  while (n < 16 && m >= POW10[n]!) n++;
  const end = at + n;
  let i = end;
  while (m >= 2147483648) {
    const q = Math.floor(m / 10);
    BYTES[--i] = 48 + (m - q * 10);
    m = q;
  }
  let v = m | 0;
  do {
    const q = (v / 10) | 0;
    BYTES[--i] = 48 + v - q * 10;
    v = q;
  } while (v > 0);
  return end;
}

/**
 * Writes `checksumField(fixed(x, decimals))` at `at` from its string (the fallback); returns the
 * end, or -1 (the whole checksum then takes the string path) if it does not fit or is not ASCII.
 */
function putText(x: number, decimals: number, at: number): number {
  fallbackCount.levels++;
  const s = checksumField(fixed(x, decimals));
  if (at + s.length > BYTES.length) return -1;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    // toFixed of a number under 2^53 is ASCII; anything else would not be one byte
    if (c > 127) return -1;
    BYTES[at + k] = c;
  }
  return at + s.length;
}

/**
 * Writes `checksumField(x.toFixed(decimals))` at `at` without a string; returns the end, or -1
 * when the bytes would not be ASCII (never for a number).
 *
 * `toFixed(p)` prints n, the integer nearest to the exact value x·10^p (the larger on a tie), with
 * a point p digits from the right and zeros padded in front; removing the point and the leading
 * zeros leaves the decimal digits of n ("0" for n = 0). Here r = x·10^p is computed in floating
 * point (10^p is exact for p <= 22, so r is the exact product rounded once: |r - x·10^p| <= r·2^-53)
 * and m = Math.round(r) (r - m is exact: both are within 0.5 of each other). When
 * |r - m| < 0.5 - (r + 1)·2^-50, the exact product is within |r - m| + r·2^-53 < 0.5 of m (the
 * margin also covers the rounding of the check itself), so m IS n. Otherwise — x within about
 * 10^-15 (relative) of a tie at the p-th decimal, which a number with at most p decimals never is
 * — and for negative, non-finite or huge values (m >= 2^53) the string path renders the level.
 */
function putFixed(x: number, decimals: number, at: number): number {
  const r = x * POW10[decimals]!;
  const m = Math.round(r);
  if (x >= 0 && m < 9007199254740992 && Math.abs(r - m) < 0.5 - (r + 1) * MARGIN) return putInt(m, at);
  return putText(x, decimals, at);
}

/**
 * The checksum of a local book of numbers, rendered at the pair's precision (v2): the same bytes
 * as `checksumInput` (test/kraken-checksum.test.js proves it on every capture message, the
 * simulator and seeded random books), written as digits into one reused buffer, then one CRC.
 */
export function bookChecksum(book: OrderBook, precision: PairPrecision): number {
  const at = writeChecksumInput(book, precision);
  if (at < 0) return bookChecksumText(book, precision);
  let view = VIEWS[at];
  if (view === undefined) VIEWS[at] = view = BYTES.subarray(0, at);
  return crc32Bytes(view);
}

/** `checksumInput` written into BYTES; its length, or -1 when the string path must render it. */
function writeChecksumInput(book: OrderBook, precision: PairPrecision): number {
  const pp = precision.price;
  const qp = precision.qty;
  if (!(Number.isInteger(pp) && Number.isInteger(qp) && pp >= 0 && qp >= 0 && pp <= 22 && qp <= 22)) return -1;
  let at = 0;
  const na = Math.min(CHECKSUM_LEVELS, book.depth('asks'));
  for (let r = 0; r < na && at >= 0; r++) {
    at = putFixed(book.priceAt('asks', r) as number, pp, at);
    if (at >= 0) at = putFixed(book.amountAt('asks', r) as number, qp, at);
  }
  const nb = Math.min(CHECKSUM_LEVELS, book.depth('bids'));
  for (let r = 0; r < nb && at >= 0; r++) {
    at = putFixed(book.priceAt('bids', r) as number, pp, at);
    if (at >= 0) at = putFixed(book.amountAt('bids', r) as number, qp, at);
  }
  return at;
}

/** The bytes `bookChecksum` takes the CRC of, as text (undefined: the string path renders them); for tests. */
export function checksumInputBytes(book: OrderBook, precision: PairPrecision): string | undefined {
  const at = writeChecksumInput(book, precision);
  if (at < 0) return undefined;
  let s = '';
  for (let i = 0; i < at; i++) s += String.fromCharCode(BYTES[i]!);
  return s;
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
