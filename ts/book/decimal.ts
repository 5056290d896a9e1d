/**
 * Decimal digits of a book's numbers without keeping strings: a level's price or amount is kept as
 * its number plus its SCALE, the count of digits the exchange wrote after the decimal point
 * (trailing zeros included: "0.0100" has scale 4, "30243" scale 0). From (number, scale) the
 * exchange's own digits are rendered again, exactly, for checksums computed from the wire strings
 * (OrderBook `keepScales`). Pure: no I/O, no exchange knowledge.
 *
 * Exactness: a plain decimal of at most 15 significant digits and at most 22 decimals is
 * D = m / 10^s with m < 10^15; its double x is within half an ulp of D, so x * 10^s is within
 * m * 2^-52 < 0.25 of m and Math.round gives m back (checked by m / 10^s === x, which is how the
 * double was made: both divisions are correctly rounded). Longer strings, exponents, signs and
 * leading zeros cannot be rendered back and get scale {@link NO_SCALE}.
 */

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** Most decimals a renderable number has. */
export const MAX_SCALE = 22;
/** The scale of a number written in a form that cannot be rendered back (exponent, sign, 16+ digits...). */
export const NO_SCALE = 255;

/**
 * The scale of a decimal string as the exchange wrote it: digits, optionally '.' and digits, no
 * leading zero before another digit, at most 15 significant digits and {@link MAX_SCALE} decimals;
 * {@link NO_SCALE} for anything else.
 */
export function scaleOfString(s: string): number {
  const n = s.length;
  if (n === 0) return NO_SCALE;
  let i = 0;
  let sig = 0;
  let c = s.charCodeAt(0);
  if (c === 48 && n > 1 && s.charCodeAt(1) !== 46) return NO_SCALE;
  for (; i < n; i++) {
    c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    if (sig > 0 || c !== 48) sig++;
  }
  if (i === 0) return NO_SCALE;
  if (i === n) return sig > 15 ? NO_SCALE : 0;
  if (c !== 46 || i + 1 === n) return NO_SCALE;
  const dot = i;
  for (i++; i < n; i++) {
    c = s.charCodeAt(i);
    if (c < 48 || c > 57) return NO_SCALE;
    if (sig > 0 || c !== 48) sig++;
  }
  const scale = n - dot - 1;
  return sig > 15 || scale > MAX_SCALE ? NO_SCALE : scale;
}

/** The scale of a wire value: a string's own ({@link scaleOfString}), a number's shortest ({@link scaleOfNumber}). */
export function scaleOf(v: unknown): number {
  return typeof v === 'string' ? scaleOfString(v) : typeof v === 'number' ? scaleOfNumber(v) : NO_SCALE;
}

/** The fewest decimals that render `x` back exactly (a number with no wire string: `String(x)`'s digits), or NO_SCALE. */
export function scaleOfNumber(x: number): number {
  if (!(x >= 0 && x < 1e15)) return NO_SCALE;
  for (let s = 0; s <= MAX_SCALE; s++) {
    const p = POW10[s]!;
    const m = Math.round(x * p);
    if (m >= 1e15) return NO_SCALE;
    if (m / p === x) return s;
  }
  return NO_SCALE;
}

/** Decimal digits of a positive int32 below 10^8 (1 for 0). */
function digitCount(v: number): number {
  return v < 10000 ? (v < 100 ? (v < 10 ? 1 : 2) : v < 1000 ? 3 : 4) : v < 1000000 ? (v < 100000 ? 5 : 6) : v < 10000000 ? 7 : 8;
}

/**
 * Writes `x` with exactly `scale` decimals (as the exchange wrote it: "0.0100", "30243", never an
 * exponent) as ASCII into `out` at `pos`; returns the position after it, or -1 when (x, scale)
 * does not name a plain decimal of at most 15 significant digits (nothing exact to write). `out`
 * must have room for 25 bytes.
 */
export function writeDecimal(out: Uint8Array, pos: number, x: number, scale: number): number {
  if (!(scale <= MAX_SCALE) || !(x >= 0)) return -1;
  const p = POW10[scale]!;
  let m = Math.round(x * p);
  if (!(m < 1e15)) return -1;
  if (m / p !== x) {
    if (m > 0 && (m - 1) / p === x) m -= 1;
    else if ((m + 1) / p === x) m += 1;
    else return -1;
  }
  // m as two int32 halves of 8 digits (m < 10^15: the high half < 10^7), then its digits right to
  // left in int32 arithmetic: at least scale + 1 of them (a leading "0." for values below 1)
  let hi = 0;
  let lo = m;
  if (m >= 1e8) {
    hi = Math.floor(m / 1e8);
    lo = m - hi * 1e8;
  }
  let h = hi | 0;
  let l = lo | 0;
  const digits = h > 0 ? 8 + digitCount(h) : digitCount(l);
  const total = digits > scale ? digits : scale + 1;
  const end = pos + total + (scale > 0 ? 1 : 0);
  let w = end;
  for (let k = 0; k < total; k++) {
    if (k === scale && scale > 0) out[--w] = 46;
    if (k < 8) {
      const q = (l / 10) | 0;
      out[--w] = 48 + l - q * 10;
      l = q;
    } else {
      const q = (h / 10) | 0;
      out[--w] = 48 + h - q * 10;
      h = q;
    }
  }
  return end;
}
