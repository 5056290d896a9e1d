/**
 * Small formatting helpers shared by the simulators: decimal strings without trailing zeros (OKX
 * prints "30244" and "0.08", not "30244.0" or "0.08000000"), RFC 3339 times with micro- or
 * nanoseconds (Kraken WebSocket v2 prints "2023-10-06T17:35:55.440295Z"), and JSON numbers written
 * straight from decimal strings so that a price keeps the exact digits the exchange would print
 * (Kraken v2 sends `"qty":0.10000000`).
 */

/** "30244.0" -> "30244", "0.08000000" -> "0.08", "0.000" -> "0". */
export function trimDecimal(text: string): string {
  if (!text.includes('.')) return text;
  let s = text.replace(/0+$/, '');
  if (s.endsWith('.')) s = s.slice(0, -1);
  return s === '' || s === '-' || s === '-0' ? '0' : s;
}

/** A decimal string with at least `min` decimals: trailing zeros beyond that are dropped. */
export function minDecimals(text: string, min: number): string {
  const dot = text.indexOf('.');
  if (dot < 0) return min > 0 ? `${text}.${'0'.repeat(min)}` : text;
  let s = text;
  while (s.length - dot - 1 > min && s.endsWith('0')) s = s.slice(0, -1);
  if (s.endsWith('.')) s = s.slice(0, -1);
  const have = s.includes('.') ? s.length - s.indexOf('.') - 1 : 0;
  if (have < min) s = (s.includes('.') ? s : `${s}.`) + '0'.repeat(min - have);
  return s;
}

/** RFC 3339 with `digits` fraction digits (6: microseconds, 9: nanoseconds) of a ms time. */
export function rfc3339(ms: number, digits = 6): string {
  const iso = new Date(ms).toISOString(); // 2023-10-06T17:35:55.440Z
  return `${iso.slice(0, -1)}${'0'.repeat(Math.max(0, digits - 3))}Z`;
}

/** Milliseconds of an RFC 3339 time (any number of fraction digits), or undefined. */
export function parseRfc3339(text: string): number | undefined {
  const t = Date.parse(text.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isFinite(t) ? t : undefined;
}

/**
 * A JSON object text built from already-serialised values: `raw` values go in as they are (decimal
 * strings become JSON numbers with every digit kept), others through JSON.stringify.
 */
export function jsonObject(fields: Array<[string, unknown, boolean?]>): string {
  const parts: string[] = [];
  for (const [k, v, raw] of fields) {
    if (v === undefined) continue;
    parts.push(`${JSON.stringify(k)}:${raw ? String(v) : JSON.stringify(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/** A JSON object text parsed; undefined for invalid JSON and for anything but an object (arrays, null, scalars). */
export function parseObject(text: string): Record<string, unknown> | undefined {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return undefined;
  }
  return m !== null && typeof m === 'object' && !Array.isArray(m) ? (m as Record<string, unknown>) : undefined;
}
