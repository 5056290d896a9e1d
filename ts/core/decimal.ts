/**
 * Decimal helpers for private data: exchanges send amounts as decimal strings, and users compare
 * balances and remaining amounts with what the exchange shows, so differences are computed on the
 * decimal strings (exactly) rather than on floats (0.01 - 0.004 must be 0.006, not 0.006000000000000001).
 */

/** Decimal places of a step like 0.01, 1e-8 or 1. */
export function decimalsOf(step: number): number {
  if (!Number.isFinite(step) || step <= 0) return 0;
  const s = String(step);
  const e = s.indexOf('e-');
  if (e !== -1) {
    const mantissa = s.slice(0, e);
    const dot = mantissa.indexOf('.');
    return Number(s.slice(e + 2)) + (dot === -1 ? 0 : mantissa.length - dot - 1);
  }
  const dot = s.indexOf('.');
  return dot === -1 ? 0 : s.length - dot - 1;
}

function trimZeros(s: string): string {
  if (!s.includes('.')) return s;
  return s.replace(/0+$/, '').replace(/\.$/, '');
}

/**
 * A number as a plain decimal string (never exponent notation), on the grid of `step` when given:
 * 'round' to the nearest multiple (prices) or 'floor' towards zero (amounts: never more than asked).
 */
export function toDecimalString(value: number, step?: number, mode: 'round' | 'floor' = 'round'): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  if (step === undefined || !(step > 0)) return trimZeros(value.toFixed(Math.min(20, Math.max(decimalsOf(Math.abs(value) || 1), 12))));
  const d = decimalsOf(step);
  // the 1e-9 guard keeps 0.3 / 0.1 = 2.9999999999999996 from flooring to 2
  const units = mode === 'floor' ? Math.floor(value / step + 1e-9) : Math.round(value / step);
  return trimZeros((units * step).toFixed(d));
}

/** A decimal string or number as a scaled bigint: '1.50' -> { units: 150n, scale: 2 }. */
function scaled(v: string | number): { units: bigint; scale: number } {
  let s = typeof v === 'number' ? toDecimalString(v) : v.trim();
  let neg = false;
  if (s.startsWith('-')) {
    neg = true;
    s = s.slice(1);
  }
  if (!/^\d*\.?\d*$/.test(s) || s === '' || s === '.') throw new RangeError(`not a decimal: ${String(v)}`);
  const [i = '', f = ''] = s.split('.');
  const units = BigInt((i || '0') + f);
  return { units: neg ? -units : units, scale: f.length };
}

function toNumber(units: bigint, scale: number): number {
  const neg = units < 0n;
  let s = (neg ? -units : units).toString().padStart(scale + 1, '0');
  if (scale > 0) s = s.slice(0, s.length - scale) + '.' + s.slice(s.length - scale);
  return Number((neg ? '-' : '') + s);
}

/** a + b, computed on the decimals. */
export function decimalAdd(a: string | number, b: string | number): number {
  const x = scaled(a);
  const y = scaled(b);
  const scale = Math.max(x.scale, y.scale);
  const ux = x.units * 10n ** BigInt(scale - x.scale);
  const uy = y.units * 10n ** BigInt(scale - y.scale);
  return toNumber(ux + uy, scale);
}

/** a - b, computed on the decimals. */
export function decimalSub(a: string | number, b: string | number): number {
  return decimalAdd(a, negate(b));
}

function negate(v: string | number): string {
  const s = typeof v === 'number' ? toDecimalString(v) : v.trim();
  return s.startsWith('-') ? s.slice(1) : '-' + s;
}
