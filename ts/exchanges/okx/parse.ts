/**
 * OKX v5: pure functions from wire messages (WebSocket public/business channels and REST market
 * endpoints) to unified structures. No I/O, no timers.
 *
 * Shapes follow the OKX docs-v5 pages (order book, tickers, trades and candlesticks channels;
 * market-data REST) and were checked against cryptofeed's
 * capture OKX.ws.1.0 (trimmed in test/fixtures/cryptofeed, read by test/okx-fixtures.test.js), e.g.
 * `{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[{"asks":[["30243.5",
 * "1.2112","0","4"]],"bids":[...],"ts":"1652459225464","checksum":1361161687}]}` (that 2022
 * capture predates seqId/prevSeqId; current pushes carry them).
 */
import type { OHLCV, Ticker, Trade } from '../../core/types';
import { prevIdJoinRule, SequenceRule, SequenceVerdict } from '../../book/sync';
import type { BookDelta, BookSnapshot, RawLevel } from '../../book/types';

/** ISO-8601 time of a ms timestamp, or undefined. */
export function iso(ts: number | undefined): string | undefined {
  return ts === undefined || !Number.isFinite(ts) ? undefined : new Date(ts).toISOString();
}

function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = +(v as string);
  return Number.isFinite(n) ? n : undefined;
}

/** A push: `{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot"|"update","data":[...]}`. */
export interface Push<T = unknown> {
  arg: { channel: string; instId?: string };
  action?: 'snapshot' | 'update';
  data: T[];
}

// ------------------------------------------------------------------ books

/** `[price, size, "0" (deprecated), orderCount]`, all strings. */
export type BookLevel = [string, string, string?, string?];

/** One `data` element of books / books5 / bbo-tbt. */
export interface BookData {
  asks: BookLevel[];
  bids: BookLevel[];
  ts: string;
  /** Signed CRC-32 of the top 25; 0 (from June 2026) or absent (from August 2026): not sent. */
  checksum?: number;
  /** books, books-l2-tbt, books50-l2-tbt: -1 on snapshots. */
  prevSeqId?: number | string;
  seqId?: number | string;
  instId?: string;
}

/** A sequence id sent as a JSON number or as a decimal string; undefined when absent. */
export function seqIdOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return +v;
  return undefined;
}

function checkLevels(list: unknown, side: string): RawLevel[] {
  if (!Array.isArray(list)) throw new Error(`${side} is not an array`);
  for (const l of list) {
    if (!Array.isArray(l) || typeof l[0] !== 'string' || typeof l[1] !== 'string') {
      throw new Error(`${side} level ${JSON.stringify(l)} is not [price, size, ...] strings`);
    }
  }
  return list as RawLevel[];
}

/**
 * The sequence ids of a books push. Each one present must be an integer in range (seqId >= 0,
 * prevSeqId >= -1: -1 on snapshots), else this throws: taking a timestamp or a garbage number for
 * an id would make it the book's new high-water mark. An update (`books` action "update") has
 * both or neither (the capture of 2022 has none; every update since carries both); books5 and
 * bbo-tbt pushes carry a seqId only.
 */
function seqIds(d: BookData, update: boolean): { seq?: number; prev?: number } {
  const seq = d.seqId === undefined ? undefined : seqIdOf(d.seqId);
  const prev = d.prevSeqId === undefined ? undefined : seqIdOf(d.prevSeqId);
  if (d.seqId !== undefined && (seq === undefined || !Number.isSafeInteger(seq) || seq < 0)) throw new Error(`seqId ${JSON.stringify(d.seqId)} is not a sequence id`);
  if (d.prevSeqId !== undefined && (prev === undefined || !Number.isSafeInteger(prev) || prev < -1)) throw new Error(`prevSeqId ${JSON.stringify(d.prevSeqId)} is not a sequence id`);
  if (update && (seq === undefined) !== (prev === undefined)) throw new Error(`an update with ${seq === undefined ? 'prevSeqId but no seqId' : 'seqId but no prevSeqId'}`);
  return { seq, prev };
}

/**
 * A snapshot push (books `action: "snapshot"`, and every books5 / bbo-tbt push). The nonce is the
 * seqId (the capture of 2022 has none: its `ts` stands in).
 */
export function parseBookSnapshot(d: BookData): BookSnapshot {
  const ts = num(d.ts);
  return {
    nonce: seqIds(d, false).seq ?? ts ?? 0,
    bids: checkLevels(d.bids, 'bids'),
    asks: checkLevels(d.asks, 'asks'),
    timestamp: ts,
    checksum: typeof d.checksum === 'number' ? d.checksum : undefined,
  };
}

/** An incremental push (`action: "update"`): prevSeqId -> seqId. */
export function parseBookUpdate(d: BookData): BookDelta {
  const ts = num(d.ts);
  const ids = seqIds(d, true);
  const seq = ids.seq ?? ts ?? 0;
  return {
    first: seq,
    last: seq,
    prev: ids.prev,
    bids: checkLevels(d.bids, 'bids'),
    asks: checkLevels(d.asks, 'asks'),
    timestamp: ts,
    checksum: typeof d.checksum === 'number' ? d.checksum : undefined,
  };
}

/**
 * The books sequence rule, OKX's documented procedure (protocols.md §3, "Sequence rules" and "2026
 * change"), as prevIdJoinRule: the first update applied after a snapshot satisfies
 * `prevSeqId <= seqId of the snapshot < seqId` (a REST snapshot falls between two pushes) or
 * chains onto it exactly (a stream snapshot); after that every update's prevSeqId equals the
 * previous seqId — the no-change push (prevSeqId == seqId) and the post-maintenance reset (seqId <
 * prevSeqId) included; anything else is a gap. Buffered updates at or below the snapshot's seqId
 * are dropped. Pushes without sequence ids (the 2022 capture) rely on the checksum.
 */
export const bookRule: SequenceRule = {
  name: 'okx',
  accept(nonce: number, d: BookDelta, first: boolean): SequenceVerdict {
    return d.prev === undefined ? 'apply' : prevIdJoinRule.accept(nonce, d, first);
  },
  describe(nonce: number, d: BookDelta, first: boolean): string {
    const prev = d.prev === undefined ? 'none' : d.prev;
    const base = `expected prevSeqId=${nonce}, got prevSeqId=${prev} seqId=${d.last}`;
    return first ? `${base} (first update after the snapshot: prevSeqId <= ${nonce} < seqId also joins)` : base;
  },
};

// ------------------------------------------------------------------ tickers

/** tickers channel / REST ticker element. */
export interface OkxTicker {
  instType?: string;
  instId: string;
  last: string;
  lastSz?: string;
  askPx: string;
  askSz: string;
  bidPx: string;
  bidSz: string;
  open24h: string;
  high24h: string;
  low24h: string;
  /** SPOT: quote currency volume. */
  volCcy24h: string;
  /** SPOT: base currency volume. */
  vol24h: string;
  ts: string;
}

export function parseTicker(t: OkxTicker, symbol: string): Ticker {
  const ts = num(t.ts);
  const last = num(t.last);
  const open = num(t.open24h);
  const change = last !== undefined && open !== undefined ? last - open : undefined;
  const base = num(t.vol24h);
  const quote = num(t.volCcy24h);
  return {
    symbol,
    timestamp: ts,
    datetime: iso(ts),
    high: num(t.high24h),
    low: num(t.low24h),
    bid: num(t.bidPx),
    bidVolume: num(t.bidSz),
    ask: num(t.askPx),
    askVolume: num(t.askSz),
    vwap: base && quote !== undefined ? quote / base : undefined,
    open,
    close: last,
    last,
    change,
    percentage: change !== undefined && open ? (change / open) * 100 : undefined,
    average: open !== undefined && last !== undefined ? (open + last) / 2 : undefined,
    baseVolume: base,
    quoteVolume: quote,
    info: t,
  };
}

// ------------------------------------------------------------------ trades

/** trades channel / REST trades element; side is the taker's. */
export interface OkxTrade {
  instId: string;
  tradeId: string;
  px: string;
  sz: string;
  side: 'buy' | 'sell';
  ts: string;
  count?: string;
}

export function parseTrade(t: OkxTrade, symbol: string): Trade {
  const ts = num(t.ts);
  const price = +t.px;
  const amount = +t.sz;
  return {
    id: t.tradeId,
    symbol,
    timestamp: ts,
    datetime: iso(ts),
    side: t.side === 'buy' || t.side === 'sell' ? t.side : undefined,
    price,
    amount,
    cost: price * amount,
    info: t,
  };
}

// ------------------------------------------------------------------ candles

/** `[ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]`, all strings (channel and REST). */
export function parseCandle(row: readonly unknown[]): OHLCV {
  if (!Array.isArray(row) || row.length < 6) throw new Error('candle row is not [ts, o, h, l, c, vol, ...]');
  return [+(row[0] as string), +(row[1] as string), +(row[2] as string), +(row[3] as string), +(row[4] as string), +(row[5] as string)];
}

/**
 * Unified timeframe -> OKX bar (REST `bar`, channel `candle<bar>`). From 6h up, the UTC-aligned
 * variants: plain 6H/12H/1D/1W/1M bars are aligned to Hong Kong time.
 */
export const TIMEFRAME_BARS: Readonly<Record<string, string>> = {
  '1s': '1s',
  '1m': '1m',
  '3m': '3m',
  '5m': '5m',
  '15m': '15m',
  '30m': '30m',
  '1h': '1H',
  '2h': '2H',
  '4h': '4H',
  '6h': '6Hutc',
  '12h': '12Hutc',
  '1d': '1Dutc',
  '1w': '1Wutc',
  '1M': '1Mutc',
  '3M': '3Mutc',
};

export const TIMEFRAMES = Object.keys(TIMEFRAME_BARS);

// ------------------------------------------------------------------ REST

/** REST envelope: `{"code":"0","msg":"","data":[...]}`; a non-"0" code is an error. */
export interface RestEnvelope<T> {
  code: string;
  msg?: string;
  data?: T[];
}

/**
 * `GET /api/v5/market/books` element. Since OKX's 2026 books change it carries the `seqId` the
 * book is current to (a number or a string: both are accepted).
 */
export interface RestBook {
  asks: BookLevel[];
  bids: BookLevel[];
  ts: string;
  seqId?: number | string;
}

export function parseRestBook(b: RestBook): BookSnapshot {
  return {
    nonce: num(b.ts) ?? 0,
    bids: checkLevels(b.bids, 'bids'),
    asks: checkLevels(b.asks, 'asks'),
    timestamp: num(b.ts),
  };
}

/**
 * A REST book as a snapshot the `books` channel can be joined to: nonce = its seqId. Undefined
 * when the reply has no seqId (OKX before its 2026 change): such a book cannot be placed in the
 * channel's sequence, so only a stream snapshot can sync the channel.
 */
export function parseRestBookSnapshot(b: RestBook): BookSnapshot | undefined {
  const seq = seqIdOf(b.seqId);
  if (seq === undefined) return undefined;
  return {
    nonce: seq,
    bids: checkLevels(b.bids, 'bids'),
    asks: checkLevels(b.asks, 'asks'),
    timestamp: num(b.ts),
  };
}
