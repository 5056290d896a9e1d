/**
 * Bitfinex markets from `GET /v2/conf/pub:list:pair:exchange` (the exchange pairs, `[["BTCUSD",
 * "TESTBTC:TESTUSD",...]]`) and `GET /v2/conf/pub:info:pair` (per pair `[PAIR, [_, _, _,
 * MIN_ORDER_SIZE, MAX_ORDER_SIZE, _, _, _, INITIAL_MARGIN, MIN_MARGIN]]`, Bitfinex v2 docs
 * "Configs"; protocols.md §6 "REST"). Checked against cryptofeed capture BITFINEX.0 (test/fixtures/cryptofeed) (the
 * 2021 pair list: `BTCUSD`, `AAVE:USD`, `TESTBTC:TESTUSD`, ...).
 *
 * Symbols: a pair is two 3-letter codes run together (`BTCUSD` -> BTC/USD) or, when either code is
 * longer, two codes split by a colon (`TESTBTC:TESTUSD` -> TESTBTC/TESTUSD). The market id is the
 * trading symbol with its `t` prefix (`tBTCUSD`), the form every endpoint and channel takes.
 * Bitfinex's own short codes for two stablecoins are unified as ccxt does: UST -> USDT, UDC -> USDC.
 * Prices have 5 significant digits on Bitfinex (no tick size), amounts 8 decimals.
 */
import type { Market } from '../../core/types';

const COMMON: Record<string, string> = { UST: 'USDT', UDC: 'USDC' };
const NATIVE: Record<string, string> = { USDT: 'UST', USDC: 'UDC' };

/** The unified code of a Bitfinex currency code. */
export function unifiedCode(code: string): string {
  return COMMON[code] ?? code;
}

/** Bitfinex's code of a unified currency code. */
export function nativeCode(code: string): string {
  return NATIVE[code] ?? code;
}

/** `BTCUSD` -> [BTC, USD]; `TESTBTC:TESTUSD` -> [TESTBTC, TESTUSD]; undefined when neither form fits. */
export function splitPair(pair: string): [string, string] | undefined {
  const colon = pair.indexOf(':');
  if (colon > 0) return colon < pair.length - 1 ? [pair.slice(0, colon), pair.slice(colon + 1)] : undefined;
  return pair.length === 6 ? [pair.slice(0, 3), pair.slice(3)] : undefined;
}

/** The pair of two Bitfinex codes: run together when both have 3 letters, else split by ':'. */
export function joinPair(base: string, quote: string): string {
  return base.length === 3 && quote.length === 3 ? base + quote : `${base}:${quote}`;
}

/** `tBTCUSD` -> `BTC/USD` (undefined for funding symbols or unknown forms). */
export function symbolOfId(id: string): string | undefined {
  if (!id.startsWith('t')) return undefined;
  const parts = splitPair(id.slice(1));
  return parts ? `${unifiedCode(parts[0])}/${unifiedCode(parts[1])}` : undefined;
}

/** `BTC/USD` -> `tBTCUSD`; `TESTBTC/TESTUSD` -> `tTESTBTC:TESTUSD`. */
export function idOfSymbol(symbol: string): string {
  const [b, q] = symbol.split('/');
  return `t${joinPair(nativeCode(b), nativeCode(q))}`;
}

/** One `pub:info:pair` entry: `[PAIR, [_, _, _, MIN_ORDER_SIZE, MAX_ORDER_SIZE, ...]]`. */
export type PairInfo = [string, unknown[]];

function num(v: unknown): number | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  const n = +(v as string);
  return Number.isFinite(n) && n !== 0 ? n : undefined;
}

/** Pair list + pair info -> unified markets (spot exchange pairs only). */
export function parseMarkets(pairs: readonly string[], info: readonly PairInfo[]): Market[] {
  const byPair = new Map<string, unknown[]>();
  for (const e of info ?? []) if (Array.isArray(e) && typeof e[0] === 'string' && Array.isArray(e[1])) byPair.set(e[0], e[1]);
  const out: Market[] = [];
  for (const pair of pairs ?? []) {
    if (typeof pair !== 'string') continue;
    const parts = splitPair(pair);
    if (!parts) continue;
    const [baseId, quoteId] = parts;
    const base = unifiedCode(baseId);
    const quote = unifiedCode(quoteId);
    const details = byPair.get(pair) ?? [];
    out.push({
      id: `t${pair}`,
      symbol: `${base}/${quote}`,
      base,
      quote,
      baseId,
      quoteId,
      type: 'spot',
      spot: true,
      active: true,
      // Bitfinex prices have 5 significant digits (no fixed tick); amounts 8 decimals
      precision: { amount: 1e-8 },
      limits: {
        amount: { min: num(details[3]), max: num(details[4]) },
        price: {},
        cost: {},
      },
      info: { pair, details },
    });
  }
  return out;
}
