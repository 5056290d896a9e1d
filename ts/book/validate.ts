/**
 * What a book accepts from an adapter: every price a finite number > 0, every amount a finite
 * number >= 0 (0 deletes), every sequence id a safe integer. A frame that breaks this is never
 * partly applied: BookSync answers 'invalid' and the book resyncs.
 */
import type { BookDelta, BookSnapshot, PackedLevels, RawLevel } from './types';
import { writeDecimal } from './decimal';

/**
 * A number, or a string that reads as a decimal number: `+s` also reads '' and '  ' as 0 (an
 * amount of 0 deletes a level), ' 12' as 12 and '0x10' as 16, none of which an exchange sends for
 * a decimal. Cheap: only the first and last characters are looked at (the hot path of every level).
 */
function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return NaN;
  const n = v.length;
  if (n === 0) return NaN;
  const a = v.charCodeAt(0);
  const z = v.charCodeAt(n - 1);
  // whitespace around it, or a 0x / 0b / 0o prefix
  if (a <= 32 || z <= 32) return NaN;
  if (a === 48 && n > 1) {
    const b = v.charCodeAt(1) | 32;
    if (b === 120 || b === 98 || b === 111) return NaN;
  }
  return +v;
}

/**
 * Numbers of one side's levels, converted once while they are checked: `nums[2i]` the price and
 * `nums[2i + 1]` the amount of level i. Reused from frame to frame (no allocation per frame).
 */
export class LevelNumbers {
  nums = new Float64Array(512);
  count = 0;
}

/**
 * Checks one side's levels and converts them into `out` in the same pass; returns why they cannot
 * be applied, or undefined (then `out` holds every level's numbers).
 */
export function convertLevels(side: 'bids' | 'asks', levels: readonly RawLevel[], out: LevelNumbers): string | undefined {
  if (!Array.isArray(levels)) return `${side} is not a list of levels`;
  const len = levels.length;
  if (out.nums.length < len * 2) out.nums = new Float64Array(len * 2 + 64);
  const nums = out.nums;
  for (let i = 0; i < len; i++) {
    const l = levels[i] as unknown;
    if (!Array.isArray(l)) return `${side}[${i}] is not a [price, amount] level`;
    const a = l[0];
    const b = l[1];
    const p = typeof a === 'number' ? a : num(a);
    const q = typeof b === 'number' ? b : num(b);
    if (!(p > 0 && p < Infinity)) return `${side}[${i}] has price ${JSON.stringify(a)}: not a finite number > 0`;
    if (!(q >= 0 && q < Infinity)) return `${side}[${i}] has amount ${JSON.stringify(b)}: not a finite number >= 0`;
    nums[2 * i] = p;
    nums[2 * i + 1] = q;
  }
  out.count = len;
  return undefined;
}

/** Why packed levels (numbers from a byte scanner) cannot be applied, or undefined: the same checks as convertLevels. */
export function badPacked(p: PackedLevels): string | undefined {
  return badPackedSide('bids', p.bids, p.bidCount) ?? badPackedSide('asks', p.asks, p.askCount);
}

function badPackedSide(side: 'bids' | 'asks', nums: Float64Array, count: number): string | undefined {
  if (!(count >= 0 && nums.length >= 2 * count)) return `${side}: ${count} packed levels do not fit their buffer`;
  for (let i = 0; i < count; i++) {
    const p = nums[2 * i]!;
    const q = nums[2 * i + 1]!;
    if (!(p > 0 && p < Infinity)) return `${side}[${i}] has price ${p}: not a finite number > 0`;
    if (!(q >= 0 && q < Infinity)) return `${side}[${i}] has amount ${q}: not a finite number >= 0`;
  }
  return undefined;
}

/** `[price, amount]` levels of packed numbers (a copy that outlives the scanner's buffers). */
export function unpackLevels(nums: Float64Array, count: number): [number, number][] {
  const out: [number, number][] = new Array(count);
  for (let i = 0; i < count; i++) out[i] = [nums[2 * i]!, nums[2 * i + 1]!];
  return out;
}

/**
 * `[price, amount]` levels of packed numbers as the decimal strings they were written as (each
 * number with its scale; book/decimal.ts), a copy that outlives the scanner's buffers. A number
 * whose scale cannot be rendered stays a number.
 */
export function unpackDecimals(nums: Float64Array, scales: Uint8Array, count: number): [string | number, string | number][] {
  const out: [string | number, string | number][] = new Array(count);
  for (let i = 0; i < count; i++) out[i] = [decimalString(nums[2 * i]!, scales[2 * i]!), decimalString(nums[2 * i + 1]!, scales[2 * i + 1]!)];
  return out;
}

const DIGITS = new Uint8Array(32);

function decimalString(x: number, scale: number): string | number {
  const end = writeDecimal(DIGITS, 0, x, scale);
  if (end < 0) return x;
  let s = '';
  for (let i = 0; i < end; i++) s += String.fromCharCode(DIGITS[i]!);
  return s;
}

/** Why a delta's ids cannot be applied, or undefined. */
export function badIds(d: BookDelta): string | undefined {
  if (!Number.isSafeInteger(d.first) || !Number.isSafeInteger(d.last) || d.first > d.last) {
    return `update ids first=${d.first} last=${d.last} are not safe integers with first <= last`;
  }
  if (d.prev !== undefined && !Number.isSafeInteger(d.prev)) return `previous id ${d.prev} is not a safe integer`;
  return undefined;
}

/** Why a side's levels cannot be applied, or undefined when all are sound. */
export function badLevels(side: 'bids' | 'asks', levels: readonly RawLevel[]): string | undefined {
  if (!Array.isArray(levels)) return `${side} is not a list of levels`;
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i] as unknown;
    if (!Array.isArray(l)) return `${side}[${i}] is not a [price, amount] level`;
    const p = num(l[0]);
    const q = num(l[1]);
    // also rejects strings that are not numbers, '1e400' (Infinity), null (would read as 0) and -0 prices
    if (!(p > 0 && p < Infinity)) return `${side}[${i}] has price ${JSON.stringify(l[0])}: not a finite number > 0`;
    if (!(q >= 0 && q < Infinity)) return `${side}[${i}] has amount ${JSON.stringify(l[1])}: not a finite number >= 0`;
  }
  return undefined;
}

/** Why a delta cannot be applied (ids or levels), or undefined. */
export function badDelta(d: BookDelta): string | undefined {
  return badIds(d) ?? badLevels('bids', d.bids) ?? badLevels('asks', d.asks);
}

/** Why a snapshot cannot be loaded, or undefined. */
export function badSnapshot(s: BookSnapshot): string | undefined {
  if (!Number.isSafeInteger(s.nonce)) return `snapshot id ${s.nonce} is not a safe integer`;
  return badLevels('bids', s.bids) ?? badLevels('asks', s.asks);
}
