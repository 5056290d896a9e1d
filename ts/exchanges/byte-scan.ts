/**
 * What every exchange's byte scanner (`<exchange>/scan.ts`, the `decodeBytes` fast path) reads the
 * same way: literal key runs, names, JSON integers, quoted plain decimals and `[["price","amount"],...]`
 * level lists, straight from a frame's UTF-8 bytes into reused numeric buffers. Each exchange's
 * scanner extends {@link ByteScanner} with the order of its own frame's keys and declines (answers
 * false) whatever does not match exactly, so the text decoder handles it.
 *
 * Exactness: a decimal string's digits are read as one integer N (at most 15 significant digits,
 * so N < 10^15 < 2^53 is exact), then divided by 10^d (d <= 22 decimals: 10^d is exact). IEEE
 * division is correctly rounded, so N / 10^d is the double nearest the decimal — exactly what
 * `+string` gives (test/binance-scan.test.js, test/bybit-scan.test.js check it on captures and fuzz).
 */
import type { PackedLevels } from '../book/types';

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

export const QUOTE = 34;
export const COMMA = 44;
const DOT = 46;
const LBRACK = 91;
export const RBRACK = 93;
export const RBRACE = 125;

/** The bytes of an ASCII literal. */
export function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Longest name (stream, topic, symbol) read from the bytes; longer ones take the text path. */
const MAX_NAME = 64;
/**
 * Levels a side read from the bytes; a frame with more takes the text path, so a hostile frame cannot
 * grow the reused buffers for good (diff frames carry at most a few thousand).
 */
const MAX_LEVELS = 50_000;
/** Levels a side the reused buffers hold before they grow (see ByteScanner.bids). */
const INITIAL_LEVELS = 2048;
/** Names remembered (so a frame's name costs no string); the cache is emptied past this. */
const MAX_CACHED = 4096;

interface NameEntry<T> {
  bytes: Uint8Array;
  value: T;
  next: NameEntry<T> | undefined;
}

/** Names met in frames, by their bytes: each made into its value (a string, a routing entry) once. */
export class NameCache<T> {
  private readonly byHash = new Map<number, NameEntry<T>>();

  constructor(private readonly make: (text: string) => T) {}

  /** The value of the name in bytes [start, end). */
  get(b: Uint8Array, start: number, end: number): T {
    const cache = this.byHash;
    let h = 2166136261;
    for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 16777619);
    for (let e = cache.get(h); e !== undefined; e = e.next) {
      const eb = e.bytes;
      if (eb.length !== end - start) continue;
      let same = true;
      for (let i = 0; i < eb.length; i++) {
        if (eb[i] !== b[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return e.value;
    }
    if (cache.size >= MAX_CACHED) cache.clear();
    const bytes = b.slice(start, end);
    let text = '';
    for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
    const entry: NameEntry<T> = { bytes, value: this.make(text), next: cache.get(h) };
    cache.set(h, entry);
    return entry.value;
  }
}

/**
 * A scanner's cursor and output: `pos` in the frame, the last number read, and the frame's levels
 * as {@link PackedLevels} (buffers reused by the next frame). Decoding is synchronous, so one per
 * adapter instance is enough.
 */
export abstract class ByteScanner implements PackedLevels {
  // Room for 2,048 levels a side (32 KB each) from the start: the largest frame of the Binance
  // capture has 1,076, and growing replaces a field the JIT had compiled `levels` against (a
  // recompile of the hottest loop in the first seconds, seen with --trace-opt / --trace-deopt).
  bids = new Float64Array(2 * INITIAL_LEVELS);
  bidCount = 0;
  asks = new Float64Array(2 * INITIAL_LEVELS);
  askCount = 0;

  /**
   * Scales of the levels' numbers (digits after the decimal point as written: see
   * {@link scaledLevels}); only scanners that fill them create them (a book kept with `keepScales`
   * refuses packed levels without).
   */
  bidScales?: Uint8Array;
  askScales?: Uint8Array;

  protected pos = 0;
  protected num = 0;
  /** Decimals of the last number `dec` read ("0.0100": 4). */
  protected scale = 0;

  /** Matches `lit` at `at`; on success pos is just past it. */
  protected expect(b: Uint8Array, at: number, lit: Uint8Array): boolean {
    const n = lit.length;
    if (at + n > b.length) return false;
    for (let i = 0; i < n; i++) if (b[at + i] !== lit[i]) return false;
    this.pos = at + n;
    return true;
  }

  /**
   * A name from pos up to its closing quote (left at the quote). A symbol: [A-Z0-9]+; any other
   * name: printable ASCII without quote or backslash (an escape takes the text path).
   */
  protected name(b: Uint8Array, symbol: boolean): boolean {
    let i = this.pos;
    const start = i;
    const end = Math.min(b.length, start + MAX_NAME + 1);
    for (; i < end; i++) {
      const c = b[i]!;
      if (c === QUOTE) break;
      if (symbol ? !((c >= 65 && c <= 90) || (c >= 48 && c <= 57)) : c <= 32 || c >= 127 || c === 92) return false;
    }
    if (i === start || i >= end || b[i] !== QUOTE) return false;
    this.pos = i;
    return true;
  }

  /** A JSON integer of 1-15 digits (no sign, no leading zero, no fraction): always a safe integer. */
  protected int(b: Uint8Array): boolean {
    let i = this.pos;
    let c = b[i]!;
    if (!(c >= 48 && c <= 57)) return false;
    const start = i;
    let n = 0;
    do {
      n = n * 10 + (c - 48);
      c = b[++i]!;
    } while (c >= 48 && c <= 57);
    const digits = i - start;
    if (digits > 15 || (digits > 1 && b[start] === 48)) return false;
    this.pos = i;
    this.num = n;
    return true;
  }

  /** A JSON integer whose value nobody reads (1 to `maxDigits` digits, no sign, no leading zero). */
  protected skipInt(b: Uint8Array, maxDigits: number): boolean {
    let i = this.pos;
    const start = i;
    while (b[i]! >= 48 && b[i]! <= 57) i++;
    const digits = i - start;
    if (digits === 0 || digits > maxDigits || (digits > 1 && b[start] === 48)) return false;
    this.pos = i;
    return true;
  }

  /**
   * Digits, optionally '.' and digits, from `at` (no sign, no exponent): the index of the first byte
   * after them, with the exact value (see top) in `num` and the decimals in `scale`; -1 when they
   * are not a plain number. The one digit loop of `dec` and `jsonNum`.
   */
  private plain(b: Uint8Array, at: number): number {
    let i = at;
    let c = b[i]!;
    if (!(c >= 48 && c <= 57)) return -1;
    let n = 0;
    do {
      n = n * 10 + (c - 48);
      c = b[++i]!;
    } while (c >= 48 && c <= 57);
    let frac = 0;
    if (c === DOT) {
      const from = i + 1;
      c = b[++i]!;
      if (!(c >= 48 && c <= 57)) return -1;
      do {
        n = n * 10 + (c - 48);
        c = b[++i]!;
      } while (c >= 48 && c <= 57);
      frac = i - from;
    }
    // at most 15 significant digits <=> N < 10^15 (leading zeros add nothing to N; past 2^53 N is
    // rounded, but never below 10^15), so no per-digit count is needed
    if (!(n < 1e15) || frac > 22) return -1;
    this.num = frac > 0 ? n / POW10[frac]! : n;
    this.scale = frac;
    return i;
  }

  /** A quoted plain decimal ("61737.63000000"): digits, optionally '.' and digits; exact (see top). */
  protected dec(b: Uint8Array): boolean {
    const at = this.pos;
    if (b[at] !== QUOTE) return false;
    const end = this.plain(b, at + 1);
    if (end < 0 || b[end] !== QUOTE) return false;
    this.pos = end + 1;
    return true;
  }

  /** A JSON integer with an optional minus sign (a signed checksum): as {@link int}, negated after '-'. */
  protected signedInt(b: Uint8Array): boolean {
    if (b[this.pos] !== 45) return this.int(b);
    this.pos++;
    if (!this.int(b)) return false;
    this.num = -this.num;
    return true;
  }

  /** A quoted JSON-integer-shaped string ("1652459225464", a time sent as a string): as {@link int}, read from inside the quotes. */
  protected quotedInt(b: Uint8Array): boolean {
    if (b[this.pos] !== QUOTE) return false;
    this.pos++;
    if (!this.int(b) || b[this.pos] !== QUOTE) return false;
    this.pos++;
    return true;
  }

  /**
   * `["price","amount"(,"digits")*tail]` levels after the opening bracket up to and past the
   * closing one, into bids or asks, each number's scale into `bidScales` / `askScales` (which the
   * subclass creates): for frames whose levels carry `tail` more fields of digits that nobody reads
   * (OKX's `"0"` and order count), each a quoted unsigned integer of at most 20 digits.
   */
  protected scaledLevels(b: Uint8Array, asks: boolean, tail: number): boolean {
    let out: Float64Array = asks ? this.asks : this.bids;
    let sc = (asks ? this.askScales : this.bidScales)!;
    let count = 0;
    if (b[this.pos] === RBRACK) {
      this.pos++;
    } else {
      for (;;) {
        // a leading zero before another digit ("05.5") cannot be written back from its number: the
        // text path (which gives it no scale) takes the frame
        let at = this.pos + 2;
        if (b[this.pos++] !== LBRACK || (b[at] === 48 && b[at + 1]! >= 48 && b[at + 1]! <= 57) || !this.dec(b)) return false;
        const price = this.num;
        const priceScale = this.scale;
        at = this.pos + 2;
        if (price === 0 || b[this.pos++] !== COMMA || (b[at] === 48 && b[at + 1]! >= 48 && b[at + 1]! <= 57) || !this.dec(b)) return false;
        for (let t = 0; t < tail; t++) {
          if (b[this.pos] !== COMMA || b[this.pos + 1] !== QUOTE) return false;
          this.pos += 2;
          if (!this.skipInt(b, 20) || b[this.pos] !== QUOTE) return false;
          this.pos++;
        }
        if (b[this.pos++] !== RBRACK) return false;
        if (count === MAX_LEVELS) return false;
        if (2 * count + 2 > out.length) {
          out = this.grow(asks);
          sc = this.growScales(asks, out.length);
        }
        out[2 * count] = price;
        out[2 * count + 1] = this.num;
        sc[2 * count] = priceScale;
        sc[2 * count + 1] = this.scale;
        count++;
        const c = b[this.pos++];
        if (c === RBRACK) break;
        if (c !== COMMA) return false;
      }
    }
    if (asks) this.askCount = count;
    else this.bidCount = count;
    return true;
  }

  /** The side's level buffer doubled (kept: the next frame reuses it); a rare path, out of the hot loops. */
  protected grow(asks: boolean): Float64Array {
    const old = asks ? this.asks : this.bids;
    const bigger = new Float64Array(old.length * 2);
    bigger.set(old);
    if (asks) this.asks = bigger;
    else this.bids = bigger;
    return bigger;
  }

  /** The side's scale buffer grown to `length` entries (with {@link grow}). */
  protected growScales(asks: boolean, length: number): Uint8Array {
    const old = (asks ? this.askScales : this.bidScales)!;
    const more = new Uint8Array(length);
    more.set(old);
    if (asks) this.askScales = more;
    else this.bidScales = more;
    return more;
  }

  /**
   * An unquoted JSON number in plain notation (`45285.2`, `0.00100000`, `0`): JSON's own grammar
   * (no sign, no leading zero before other digits, digits after a '.') without an exponent — the
   * caller's next expected byte rejects an `e`. Exact as `dec` (see top): JSON.parse also rounds
   * correctly, so both give the double nearest the decimal.
   */
  protected jsonNum(b: Uint8Array): boolean {
    const i = this.pos;
    // JSON allows no leading zero before another digit
    if (b[i] === 48 && b[i + 1]! >= 48 && b[i + 1]! <= 57) return false;
    const end = this.plain(b, i);
    if (end < 0) return false;
    this.pos = end;
    return true;
  }

  /** `["price","amount"]` levels after the opening bracket up to and past the closing one, into bids or asks. */
  protected levels(b: Uint8Array, asks: boolean): boolean {
    let out: Float64Array = asks ? this.asks : this.bids;
    let count = 0;
    if (b[this.pos] === RBRACK) {
      this.pos++;
    } else {
      for (;;) {
        if (b[this.pos++] !== LBRACK || !this.dec(b)) return false;
        const price = this.num;
        // a price of 0 is invalid: the text path reports it
        if (price === 0 || b[this.pos++] !== COMMA || !this.dec(b)) return false;
        if (b[this.pos++] !== RBRACK) return false;
        if (count === MAX_LEVELS) return false;
        if (2 * count + 2 > out.length) out = this.grow(asks);
        out[2 * count] = price;
        out[2 * count + 1] = this.num;
        count++;
        const c = b[this.pos++];
        if (c === RBRACK) break;
        if (c !== COMMA) return false;
      }
    }
    if (asks) this.askCount = count;
    else this.bidCount = count;
    return true;
  }
}
