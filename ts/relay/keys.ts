/**
 * The relay's Redis layout, shared by the writer (relay.ts) and the consumer source (source.ts).
 *
 * Every key of one exchange+symbol carries the hash tag `{exchange:symbol}`, so they share one
 * Redis Cluster slot: the writer's scripts and the consumer's "snapshot + entries after it" read
 * touch one slot only, on one Redis or on a Cluster alike.
 *
 *   exs:{binance:BTC/USDT}:book        stream: book changes (see BookEntry)
 *   exs:{binance:BTC/USDT}:book:snap   string: the latest snapshot (SnapRecord)
 *   exs:{binance:BTC/USDT}:trades      stream: trades, one entry per batch
 *   exs:{binance:BTC/USDT}:ticker      stream: tickers (short)
 *   exs:{binance:BTC/USDT}:lease       string: id of the relay that writes this symbol (SET NX PX)
 *   exs:{binance}:meta                 hash: symbol -> market, per relayed symbol
 *   exs:{binance:private:<account>}:fills / :orders / :balance   private streams (`--private`),
 *                                      read through consumer groups; :seen:<what> keys (24 h TTL)
 *                                      make each fill and order state be written once
 *   exs:{binance}:relay:<id>           string with a TTL: a relay's heartbeat
 *
 * Entry ids are chosen by the writer: `<epoch>-<seq>`. The epoch is fixed when a writer takes a
 * symbol (its lease), larger than any id the streams ever held; seq counts that stream's entries
 * from 1. So a consumer checks every entry: same epoch and seq = previous + 1, or it reloads. A
 * writer that lost its lease cannot write behind the new one's back: Redis refuses an id below
 * the stream's top.
 */
import { ErrorContext, NetworkError } from '../core/errors';
import type { Market } from '../core/types';

export const PREFIX = 'exs';

/** Channels a relay can carry. */
export type RelayChannel = 'orderbook' | 'ticker' | 'trades';
export const RELAY_CHANNELS: readonly RelayChannel[] = ['orderbook', 'ticker', 'trades'];

export interface SymbolKeys {
  book: string;
  snap: string;
  trades: string;
  ticker: string;
  lease: string;
}

export function symbolKeys(exchange: string, symbol: string): SymbolKeys {
  const base = `${PREFIX}:{${exchange}:${symbol}}`;
  return { book: `${base}:book`, snap: `${base}:book:snap`, trades: `${base}:trades`, ticker: `${base}:ticker`, lease: `${base}:lease` };
}

/** The stream key of a channel. */
export function streamKey(keys: SymbolKeys, channel: RelayChannel): string {
  return channel === 'orderbook' ? keys.book : channel === 'trades' ? keys.trades : keys.ticker;
}

/** Private streams of one account (`--private`): read through consumer groups (group.ts). */
export interface PrivateKeys {
  fills: string;
  orders: string;
  balance: string;
  /** Prefix of the keys that make each fill and order state be written once (`<seen>fill:<id>`). */
  seen: string;
}

export type PrivateChannel = 'fills' | 'orders' | 'balance';

export function privateKeys(exchange: string, account: string): PrivateKeys {
  const base = `${PREFIX}:{${exchange}:private:${account}}`;
  return { fills: `${base}:fills`, orders: `${base}:orders`, balance: `${base}:balance`, seen: `${base}:seen:` };
}

export function metaKey(exchange: string): string {
  return `${PREFIX}:{${exchange}}:meta`;
}

export function heartbeatKey(exchange: string, relayId: string): string {
  return `${PREFIX}:{${exchange}}:relay:${relayId}`;
}

/** What `exs:{exchange}:meta` holds. */
export interface MetaRecord {
  exchange: string;
  markets: Market[];
  symbols: string[];
  channels: RelayChannel[];
}

/**
 * A book stream entry's fields are `t` (type) and `p` (JSON payload):
 * - 'd' a change: { b, a: [price, amount][] after the change (amount 0: level gone), n: the book's
 *   nonce, ts, w?: [worst bid, worst ask] kept when the book keeps a fixed depth (levels beyond
 *   them were cut) }
 * - 's' the book was (re)built from a snapshot: reload from the snapshot key
 * - 'x' the relay's upstream book broke ({ reason, detail }): no book until the next 's'
 */
export type BookEntryType = 'd' | 's' | 'x';

export interface DeltaPayload {
  b: [number, number][];
  a: [number, number][];
  n?: number;
  ts?: number;
  w?: [number | null, number | null];
}

/** The snapshot key's value: the book after entry `<e>-<s>` of the book stream. */
export interface SnapRecord {
  e: number;
  s: number;
  n?: number;
  ts?: number;
  b: [number, number][];
  a: [number, number][];
  depth?: number;
}

/** `<epoch>-<seq>` -> [epoch, seq] (NaN parts for a malformed id). */
export function parseId(id: string): [number, number] {
  const i = id.indexOf('-');
  return [Number(id.slice(0, i)), Number(id.slice(i + 1))];
}

/**
 * The URL with any password masked, for errors, status events and output. Worked on the text, not
 * a parsed URL: a password pasted without percent-encoding (':', '@', '/') either fails to parse
 * or parses into a host and path that carry part of it, and a Cluster's comma-separated hosts do
 * not parse at all. Everything between `//` and the last '@' is credentials: the username (before
 * the first ':') is kept, the rest is `***`. Query and fragment are dropped.
 */
export function safeUrl(url: string): string {
  const start = url.indexOf('//');
  if (start < 0) return '(unparsable URL)';
  let out = url.replace(/[?#][^]*$/, '');
  const at = out.lastIndexOf('@');
  if (at > start) {
    const userinfo = out.slice(start + 2, at);
    const colon = userinfo.indexOf(':');
    out = `${out.slice(0, start + 2)}${colon >= 0 ? userinfo.slice(0, colon) : ''}:***@${out.slice(at + 1)}`;
  }
  return out.replace(/\/$/, '');
}

/**
 * Trades a relay consumer never got: its trades stream was trimmed past its position. `lost`
 * counts the stream entries (trade batches) missed, from their ids; `after` is the consumer's
 * last entry and `next` the oldest one kept, where it carries on. Exported by the package entry
 * (here, with no Redis client behind it, so importing it loads nothing else).
 */
export class TradesLost extends NetworkError {
  constructor(
    message: string,
    readonly lost: number,
    readonly after: string,
    readonly next: string,
    ctx: ErrorContext,
  ) {
    super(message, ctx);
  }
}
