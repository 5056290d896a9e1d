/**
 * Exact decimal arithmetic for the matching engine: decimal strings <-> scaled integers.
 * Prices and quantities live inside the engine as integer counts of ticks / steps, balances as
 * bigint counts of 10^-ASSET_SCALE; no float ever touches a book level or a balance.
 */

/** Decimal places of the internal balance unit (1 unit = 10^-16 of an asset). */
export const ASSET_SCALE = 16;

const DECIMAL_RE = /^(\d+)(?:\.(\d*))?$|^\.(\d+)$/;

/** A positive decimal split into mantissa and number of decimals: 0.0500 -> { mant: 5n, dec: 2 }. */
export interface Decimal {
  mant: bigint;
  dec: number;
}

/** Parses a plain (non-exponent, non-negative) decimal string; trailing zeros are dropped. */
export function parseDecimal(text: string): Decimal | undefined {
  const m = DECIMAL_RE.exec(text.trim());
  if (!m) return undefined;
  const intPart = m[1] ?? '0';
  let frac = (m[2] ?? m[3] ?? '').replace(/0+$/, '');
  const mant = BigInt(intPart + frac);
  if (mant === 0n) frac = '';
  return { mant, dec: frac.length };
}

/**
 * The value of `text` as an integer count of 10^-scale, or undefined when it is malformed or has
 * more significant decimals than `scale`.
 */
export function parseScaled(text: string, scale: number): bigint | undefined {
  const d = parseDecimal(text);
  if (!d || d.dec > scale) return undefined;
  return d.mant * 10n ** BigInt(scale - d.dec);
}

/**
 * Formats an integer count of 10^-scale as a decimal string with exactly `outDecimals` places
 * (extra digits are truncated, missing ones padded with zeros).
 */
export function formatScaled(value: bigint | number, scale: number, outDecimals: number = scale): string {
  let s = typeof value === 'number' ? String(Math.trunc(value)) : value.toString();
  let neg = false;
  if (s.startsWith('-')) {
    neg = true;
    s = s.slice(1);
  }
  if (s.length <= scale) s = '0'.repeat(scale - s.length + 1) + s;
  const intPart = s.slice(0, s.length - scale);
  let frac = s.slice(s.length - scale);
  if (outDecimals < frac.length) frac = frac.slice(0, outDecimals);
  else if (outDecimals > frac.length) frac = frac + '0'.repeat(outDecimals - frac.length);
  const out = frac.length > 0 ? `${intPart}.${frac}` : intPart;
  return neg && /[1-9]/.test(out) ? `-${out}` : out;
}

/** A JS number as a plain decimal string (never exponent notation). */
export function numberToDecimal(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  return n.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
}

/** Accepts a decimal string or a number and returns a decimal string. */
export function toDecimalString(v: string | number): string {
  return typeof v === 'number' ? numberToDecimal(v) : v;
}

/** Integer division rounding down, for non-negative bigints. */
export function divFloor(a: bigint, b: bigint): bigint {
  return a / b;
}

/** Integer division rounding up, for non-negative bigints. */
export function divCeil(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}
