/**
 * Bitfinex v2 public channels: stream names, subscribe / unsubscribe requests, and the state one
 * connection keeps (protocols.md §6 "Subscribe and acks", "Connection events and control").
 *
 * A stream name is `<channel>:<symbol>` with Bitfinex's own channel names and trading symbols:
 * `book:tBTCUSD`, `ticker:tBTCUSD`, `trades:tBTCUSD`, and `candles:trade:1m:tBTCUSD` (the candle
 * key). Data frames carry no name, only the `chanId` the server handed out in its `subscribed`
 * ack, valid on that connection only: the connection's {@link BfxConnection} (kept by the skeleton
 * per connection, fresh after every reconnect) maps chanId <-> stream, remembers which request
 * (`subId`) asked for which stream, and holds the connection-wide sequence number.
 */
import type { MarketChannel } from '../../core/channels';

/** Conf flags (protocols.md §6 "Config"). */
export const FLAG_SEQ_ALL = 65536;
export const FLAG_OB_CHECKSUM = 131072;

export type BfxChannel = 'book' | 'ticker' | 'trades' | 'candles';

const CHANNEL_OF: Record<MarketChannel, BfxChannel> = {
  orderbook: 'book',
  ticker: 'ticker',
  trades: 'trades',
  ohlcv: 'candles',
};

/** Book lengths the channel accepts (`len`). */
export const BOOK_LENGTHS = [1, 25, 100, 250] as const;
export type BookLength = (typeof BOOK_LENGTHS)[number];

/** Stream name of a topic; `tfKey` is Bitfinex's timeframe key (`1m`, `1D`) for candles. */
export function streamName(kind: MarketChannel, id: string, tfKey?: string): string {
  const ch = CHANNEL_OF[kind];
  return ch === 'candles' ? `candles:trade:${tfKey ?? '1m'}:${id}` : `${ch}:${id}`;
}

/** The stream an ack or error names: `channel` plus `key` (candles) or `symbol`. */
export function streamOfEvent(channel: unknown, symbol: unknown, key: unknown): string | undefined {
  if (channel === 'candles') return typeof key === 'string' ? `candles:${key}` : undefined;
  if (channel === 'book' || channel === 'ticker' || channel === 'trades') return typeof symbol === 'string' ? `${channel}:${symbol}` : undefined;
  return undefined;
}

/** Channel of a stream name. */
export function channelOf(name: string): BfxChannel {
  return name.slice(0, name.indexOf(':')) as BfxChannel;
}

/** What one connection knows (a fresh one per connection). */
export interface BfxConnection {
  /** chanId -> stream of every subscribed channel. */
  byChan: Map<number, string>;
  /** stream -> chanId. */
  chanOf: Map<string, number>;
  /** Subscribe request id (`subId`) -> stream, until acknowledged or refused. */
  subscribing: Map<number, string>;
  /** chanId -> unsubscribe request id, until `unsubscribed`. */
  unsubscribing: Map<number, number>;
  /** `ping` cid -> request id, for unsubscribes of channels never acknowledged. */
  pings: Map<number, number>;
  /** Last sequence number seen (flag 65536), undefined before the first. */
  seq: number | undefined;
  /** Book stream -> sequence number of its last message (the chain its next delta must join). */
  bookSeq: Map<string, number>;
  /** Book channels (chanId) whose snapshot arrived: a subscription has one snapshot, first. */
  snapshotted: Set<number>;
  /** Trades stream -> ids already delivered (`te`, then `tu` for the same trade: once). */
  seenTrades: Map<string, Set<number>>;
  /** The server said maintenance started (20060) and has not said it ended. */
  paused: boolean;
}

export function newConnection(): BfxConnection {
  return {
    byChan: new Map(),
    chanOf: new Map(),
    subscribing: new Map(),
    unsubscribing: new Map(),
    pings: new Map(),
    seq: undefined,
    bookSeq: new Map(),
    snapshotted: new Set(),
    seenTrades: new Map(),
    paused: false,
  };
}

/** `{"event":"conf","flags":N}`: sequence numbers always, book checksums unless turned off. */
export function encodeConf(checksums: boolean): string {
  return JSON.stringify({ event: 'conf', flags: FLAG_SEQ_ALL + (checksums ? FLAG_OB_CHECKSUM : 0) });
}

/**
 * `{"event":"subscribe","channel":"book","symbol":"tBTCUSD","prec":"P0","freq":"F0","len":"25","subId":7}`
 * (one stream per request; candles: `{"channel":"candles","key":"trade:1m:tBTCUSD"}`).
 */
export function encodeSubscribe(name: string, id: number, conn: BfxConnection, bookLength: BookLength): string {
  conn.subscribing.set(id, name);
  const ch = channelOf(name);
  const rest = name.slice(ch.length + 1);
  const req: Record<string, unknown> = { event: 'subscribe', channel: ch };
  if (ch === 'candles') req.key = rest;
  else req.symbol = rest;
  if (ch === 'book') {
    req.prec = 'P0';
    req.freq = 'F0';
    req.len = String(bookLength);
  }
  req.subId = id;
  return JSON.stringify(req);
}

/**
 * `{"event":"unsubscribe","chanId":N}`. Routing of the channel stops at once (what it still sends
 * is dropped). A stream whose subscription was never acknowledged has no chanId to name: a `ping`
 * with the request id as `cid` stands in, so the request still completes.
 */
export function encodeUnsubscribe(name: string, id: number, conn: BfxConnection): string {
  const chanId = conn.chanOf.get(name);
  if (chanId === undefined) {
    conn.pings.set(id, id);
    return JSON.stringify({ event: 'ping', cid: id });
  }
  conn.chanOf.delete(name);
  conn.byChan.delete(chanId);
  conn.bookSeq.delete(name);
  conn.seenTrades.delete(name);
  conn.unsubscribing.set(chanId, id);
  return JSON.stringify({ event: 'unsubscribe', chanId });
}

/** `{"event":"ping","cid":N}` (answered `{"event":"pong","ts":..,"cid":N}`). */
export function encodePing(cid: number): string {
  return JSON.stringify({ event: 'ping', cid });
}
