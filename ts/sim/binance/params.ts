/**
 * Request parameter parsing with Binance's validation errors (-1100 illegal characters, -1102
 * mandatory, -1101 duplicates, -1121 invalid symbol). REST and the WS API both hand their
 * params over as a plain string map.
 */
import { MarketInfo } from '../engine';
import { E } from './errors';
import { paramText } from './auth';

export type Params = Record<string, string>;

const DECIMAL_RANGE = '^([0-9]{1,20})(\\.[0-9]{1,20})?$';
const DECIMAL_RE = /^([0-9]{1,20})(\.[0-9]{1,20})?$/;
const INT_RANGE = '^[0-9]{1,20}$';
const INT_RE = /^[0-9]{1,20}$/;
const CLIENT_ID_RANGE = '^[\\.A-Z\\:/a-z0-9_-]{1,36}$';
const CLIENT_ID_RE = /^[.A-Z:/a-z0-9_-]{1,36}$/;

/**
 * Parses an x-www-form-urlencoded string into `into` (names already there are kept); a name
 * repeated within `raw` is Binance's -1101.
 */
export function parseForm(raw: string, into: Params = {}): Params {
  if (raw === '') return into;
  const seen = new Set<string>();
  for (const [k, v] of new URLSearchParams(raw)) {
    if (seen.has(k)) throw E.duplicateParam();
    seen.add(k);
    if (!(k in into)) into[k] = v;
  }
  return into;
}

/** WS API params (JSON values) as strings; arrays and objects stay JSON text. */
export function fromJsonParams(params: unknown): Params {
  const out: Params = {};
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return out;
  for (const [k, v] of Object.entries(params as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    out[k] = paramText(v);
  }
  return out;
}

export function opt(p: Params, name: string): string | undefined {
  const v = p[name];
  return v === undefined || v === '' ? undefined : v;
}

export function req(p: Params, name: string): string {
  const v = opt(p, name);
  if (v === undefined) throw E.mandatory(name);
  return v;
}

export function decimal(p: Params, name: string): string | undefined {
  const v = opt(p, name);
  if (v !== undefined && !DECIMAL_RE.test(v)) throw E.illegalChars(name, DECIMAL_RANGE);
  return v;
}

export function int(p: Params, name: string): number | undefined {
  const v = opt(p, name);
  if (v === undefined) return undefined;
  if (!INT_RE.test(v)) throw E.illegalChars(name, INT_RANGE);
  return Number(v);
}

/** A limit-style integer param with a default and a cap. */
export function limit(p: Params, name: string, dflt: number, max: number): number {
  const v = int(p, name);
  if (v === undefined) return dflt;
  if (v <= 0) throw E.illegalChars(name, INT_RANGE);
  return Math.min(v, max);
}

export function clientId(p: Params, name: string): string | undefined {
  const v = opt(p, name);
  if (v !== undefined && !CLIENT_ID_RE.test(v)) throw E.illegalChars(name, CLIENT_ID_RANGE);
  return v;
}

export function bool(p: Params, name: string): boolean | undefined {
  const v = opt(p, name);
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false') throw E.illegalChars(name, '^(true|false)$');
  return v === 'true';
}

/** A JSON array of strings param (e.g. symbols=["BTCUSDT","ETHUSDT"]). */
export function stringArray(p: Params, name: string): string[] | undefined {
  const v = opt(p, name);
  if (v === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    throw E.invalidJson();
  }
  if (!Array.isArray(parsed) || parsed.some((s) => typeof s !== 'string')) throw E.invalidParam(name);
  return parsed as string[];
}

/** Resolves Binance symbol ids (case-sensitive, like Binance) to markets. */
export class SymbolResolver {
  constructor(private readonly byId: Map<string, MarketInfo>) {}

  get(id: string): MarketInfo {
    const info = this.byId.get(id);
    if (!info) throw E.invalidSymbol();
    return info;
  }

  /** The mandatory `symbol` param. */
  symbol(p: Params): MarketInfo {
    return this.get(req(p, 'symbol'));
  }

  /** The optional `symbol` param. */
  optSymbol(p: Params): MarketInfo | undefined {
    const s = opt(p, 'symbol');
    return s === undefined ? undefined : this.get(s);
  }

  all(): MarketInfo[] {
    return [...this.byId.values()];
  }
}
