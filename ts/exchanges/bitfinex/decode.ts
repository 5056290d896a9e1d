/**
 * Bitfinex v2 frame decoder: one inbound text frame of a public socket into the FrameSink
 * (protocols.md §6). Events are objects (`info`, `conf`, `subscribed`, `unsubscribed`, `error`,
 * `pong`); data frames are arrays `[chanId, payload, SEQ]` / `[chanId, "hb"|"cs"|"te"|"tu", ...,
 * SEQ]`, routed by the chanId -> stream map of the connection they came on.
 *
 * Sequence numbers (conf flag 65536, SEQ_ALL): every data frame of a connection, heartbeats
 * included, carries the next number of ONE connection-wide sequence (the capture BITFINEX.ws.11.0:
 * 1..1670 across 21 channels, no gap). So a skipped number says a frame of SOME channel was lost:
 * every book on the connection resyncs with reason 'gap' (FrameSink.lost). Each book message is a delta whose `prev` is the number of that book's previous
 * message and `last` its own; the snapshot's number is the book's nonce.
 */
import { ExchangeNotAvailable } from '../../core/errors';
import type { BookDelta } from '../../book/types';
import type { FrameSink } from '../adapter';
import { bitfinexError } from './errors';
import { isLevelList, isNum, parseBookLevels, parseCandle, parseTicker, parseTrade } from './parse';
import { BfxConnection, channelOf, newConnection, streamOfEvent } from './streams';

/** Most trade ids remembered per stream to deliver each trade once (`te` then `tu`). */
const SEEN_TRADES = 500;

/** Decodes one frame; throws only when the frame is not JSON. */
export function decodeFrame(text: string, sink: FrameSink): void {
  const msg: unknown = JSON.parse(text);
  const conn = sink.connection().get(newConnection);
  if (Array.isArray(msg)) {
    data(msg, conn, sink);
    return;
  }
  if (typeof msg !== 'object' || msg === null) return;
  event(msg as Record<string, unknown>, conn, sink);
}

// ------------------------------------------------------------------ events

function event(m: Record<string, unknown>, conn: BfxConnection, sink: FrameSink): void {
  switch (m.event) {
    case 'info':
      info(m, conn, sink);
      return;
    case 'subscribed': {
      const stream = (isNum(m.subId) ? conn.subscribing.get(m.subId) : undefined) ?? streamOfEvent(m.channel, m.symbol, m.key);
      if (stream === undefined || !isNum(m.chanId)) return;
      const id = requestOf(conn, stream, m.subId);
      conn.byChan.set(m.chanId, stream);
      conn.chanOf.set(stream, m.chanId);
      // a new subscription: its snapshot comes next
      conn.snapshotted.delete(m.chanId);
      if (id !== undefined) sink.ack(id);
      return;
    }
    case 'unsubscribed': {
      if (!isNum(m.chanId)) return;
      const id = conn.unsubscribing.get(m.chanId);
      conn.unsubscribing.delete(m.chanId);
      if (id !== undefined) sink.ack(id);
      return;
    }
    case 'pong': {
      const id = isNum(m.cid) ? conn.pings.get(m.cid) : undefined;
      if (id !== undefined) {
        conn.pings.delete(id);
        sink.ack(id);
      }
      return;
    }
    case 'error': {
      const code = isNum(m.code) ? m.code : undefined;
      const msg = typeof m.msg === 'string' ? m.msg : 'error';
      const stream = (isNum(m.subId) ? conn.subscribing.get(m.subId) : undefined) ?? streamOfEvent(m.channel, m.symbol, m.key);
      const id = stream === undefined ? undefined : requestOf(conn, stream, m.subId);
      const what = sink.describe(id) ?? (stream === undefined ? 'request' : `SUBSCRIBE ${stream}`);
      sink.refused(id, bitfinexError(code, msg, what, { raw: m }));
      return;
    }
    case 'conf':
      if (m.status !== undefined && m.status !== 'OK') {
        sink.error(bitfinexError(isNum(m.code) ? m.code : undefined, `conf flags ${String(m.flags)} refused`, 'conf', { raw: m }));
      }
      return;
    default:
      // 'auth' and anything newer: nothing for a public socket
      return;
  }
}

/** The pending subscribe request of `stream` (by subId when echoed), removed from the pending set. */
function requestOf(conn: BfxConnection, stream: string, subId: unknown): number | undefined {
  if (isNum(subId) && conn.subscribing.get(subId) === stream) {
    conn.subscribing.delete(subId);
    return subId;
  }
  for (const [id, s] of conn.subscribing) {
    if (s === stream) {
      conn.subscribing.delete(id);
      return id;
    }
  }
  return undefined;
}

/**
 * `{"event":"info","version":2,"platform":{"status":1}}` on connect; with a `code` (Bitfinex docs
 * ws-general "Info Messages"): 20051 the server restarts (reconnect now); 20060 maintenance starts
 * ("pause any activity and resume after receiving the info message 20061"): the socket is paused —
 * its books stop being served (resync reason 'maintenance') and no subscribe or unsubscribe goes
 * out — without counting as a failure; 20061 it ended ("It is advised to unsubscribe/subscribe
 * again all channels"): every channel is unsubscribed and subscribed again on the same socket, so
 * each book restarts from a fresh snapshot. A connection opened during maintenance (platform
 * status 0) starts paused.
 */
function info(m: Record<string, unknown>, conn: BfxConnection, sink: FrameSink): void {
  const code = isNum(m.code) ? m.code : undefined;
  if (code === 20051) {
    sink.reconnect('the server is restarting (info 20051)');
    return;
  }
  if (code === 20060) {
    conn.paused = true;
    sink.pause('maintenance started (info 20060): books paused until it ends (info 20061)');
    return;
  }
  if (code === 20061) {
    conn.paused = false;
    sink.resume();
    return;
  }
  const platform = m.platform as { status?: unknown } | undefined;
  if (platform && platform.status === 0) {
    conn.paused = true;
    sink.pause('the platform is in maintenance (info platform.status 0): books paused until it ends (info 20061)');
  }
  if (m.version !== undefined && m.version !== 2) {
    sink.error(new ExchangeNotAvailable(`the server speaks WebSocket API version ${String(m.version)}, not 2`, { exchange: 'bitfinex', raw: m }));
  }
}

// ------------------------------------------------------------------ data

/** The sequence number of a data frame: at a fixed place per kind (`[chanId, payload, SEQ]`, `[chanId, "cs", CS, SEQ]`...). */
function seqOf(msg: unknown[]): number | undefined {
  const tag = msg[1];
  const at = tag === 'hb' ? 2 : tag === 'cs' || tag === 'te' || tag === 'tu' ? 3 : 2;
  const v = msg[at];
  return Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : undefined;
}

function data(msg: unknown[], conn: BfxConnection, sink: FrameSink): void {
  const chanId = msg[0];
  if (!isNum(chanId) || msg.length < 2) {
    sink.malformed(undefined, 'frame (not [chanId, ...])', msg);
    return;
  }
  if (chanId === 0) return; // the account channel: not on a public socket
  const seq = seqOf(msg);
  if (seq === undefined && conn.seq !== undefined) {
    // the connection numbers its frames (conf flag 65536): one without a number is not one of
    // them; if a real frame was lost in its place, the next number jumps and the books resync
    const stream = conn.byChan.get(chanId);
    sink.malformed(stream !== undefined && channelOf(stream) === 'book' ? stream : undefined, 'frame without its sequence number', msg);
    return;
  }
  if (seq !== undefined) {
    const last = conn.seq;
    conn.seq = seq;
    if (last !== undefined && seq !== last + 1) connectionGap(last, seq, conn, sink);
  }
  const stream = conn.byChan.get(chanId);
  if (stream === undefined) return; // unsubscribed (or never ours)
  const tag = msg[1];
  if (tag === 'hb') return; // a life sign only
  const symbol = sink.symbolOf(stream);
  if (symbol === undefined) return;
  try {
    switch (channelOf(stream)) {
      case 'book':
        book(stream, msg, seq, conn, sink);
        return;
      case 'ticker':
        if (Array.isArray(tag)) sink.ticker(stream, parseTicker(tag, symbol));
        return;
      case 'trades':
        trades(stream, symbol, msg, conn, sink);
        return;
      case 'candles':
        if (!Array.isArray(tag)) return;
        if (isLevelList(tag)) {
          // the snapshot: newest first
          for (let i = tag.length - 1; i >= 0; i--) sink.candle(stream, parseCandle(tag[i]));
        } else sink.candle(stream, parseCandle(tag));
        return;
      default:
        return;
    }
  } catch (err) {
    sink.malformed(stream, `payload (${(err as Error).message})`, msg);
  }
}

/** A sequence number was skipped: whatever it was, every book of the connection may be wrong. */
function connectionGap(last: number, seq: number, conn: BfxConnection, sink: FrameSink): void {
  for (const stream of conn.byChan.values()) if (channelOf(stream) === 'book') conn.bookSeq.delete(stream);
  const missing = seq - 1 > last + 1 ? `sequence numbers ${last + 1}..${seq - 1} skipped` : `sequence number ${last + 1} skipped`;
  sink.lost(`${missing} (${last} then ${seq}): a frame of this connection was lost`);
}

function book(stream: string, msg: unknown[], seq: number | undefined, conn: BfxConnection, sink: FrameSink): void {
  const tag = msg[1];
  // without sequence numbers (a server that did not take the conf flag), messages are numbered locally
  const nonce = sink.bookNonce(stream) ?? 0;
  const own = seq ?? nonce + 1;
  const prev = seq === undefined ? nonce : conn.bookSeq.get(stream) ?? -1;
  if (tag === 'cs') {
    const cs = msg[2];
    if (!isNum(cs)) throw new Error('"cs" without a checksum number');
    conn.bookSeq.set(stream, own);
    sink.bookDelta(stream, { first: own, last: own, prev, bids: [], asks: [], checksum: cs });
    return;
  }
  if (!Array.isArray(tag)) return;
  // the snapshot is the first message of a subscription, and only the first: a second one on the
  // channel (an empty list read as one would empty the book) is not a Bitfinex message
  const chanId = msg[0] as number;
  if (isLevelList(tag)) {
    if (conn.snapshotted.has(chanId)) throw new Error('a second snapshot on the channel');
    conn.snapshotted.add(chanId);
  }
  const levels = isLevelList(tag) ? parseBookLevels(tag) : parseBookLevels([tag]);
  conn.bookSeq.set(stream, own);
  if (isLevelList(tag)) {
    sink.bookSnapshot(stream, { nonce: seq ?? 0, bids: levels.bids, asks: levels.asks });
    return;
  }
  const d: BookDelta = { first: own, last: own, prev, bids: levels.bids, asks: levels.asks };
  sink.bookDelta(stream, d);
}

function trades(stream: string, symbol: string, msg: unknown[], conn: BfxConnection, sink: FrameSink): void {
  const tag = msg[1];
  // the snapshot of recent trades is history (fetchTrades reads it from REST): only new trades are pushed
  if (tag !== 'te' && tag !== 'tu') return;
  const t = parseTrade(msg[2], symbol);
  const id = (msg[2] as number[])[0];
  let seen = conn.seenTrades.get(stream);
  if (!seen) conn.seenTrades.set(stream, (seen = new Set()));
  if (seen.has(id)) return;
  seen.add(id);
  if (seen.size > SEEN_TRADES) seen.delete(seen.values().next().value as number);
  sink.trades(stream, [t]);
}
