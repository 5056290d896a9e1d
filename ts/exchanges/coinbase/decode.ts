/**
 * Coinbase Advanced Trade market-data frame decoder: one inbound text frame into the FrameSink
 * (protocols.md §5). Stateless but for the connection's last `sequence_num`, kept in
 * `sink.connection()` (fresh on every connection).
 *
 * - `sequence_num` counts every message of the connection, across channels: any jump means
 *   messages were lost, and since a lost one may have been any book's update, every book on the
 *   socket resyncs (`sink.lost`, reason 'gap'; Coinbase's recovery is to resubscribe for a fresh
 *   snapshot).
 * - Replies carry no request id: the `subscriptions` message (sent after every subscribe and
 *   unsubscribe, listing all current subscriptions) acknowledges the oldest pending request, an
 *   error frame refuses it.
 */
import type { Trade } from '../../core/types';
import type { FrameSink } from '../adapter';
import { wsError } from './errors';
import { Envelope, L2Event, WsCandle, WsTicker, WsTrade, parseCandle, parseL2Snapshot, parseL2Update, parseTicker, parseTime, parseTrade, sortTrades } from './parse';
import { dataStreamName } from './streams';

/** What a connection remembers (its `sink.connection()` state): the last `sequence_num` seen. */
export class Session {
  seq: number | undefined = undefined;
}

const newSession = (): Session => new Session();

/** The state of the connection the frame came on (fresh on every connection). */
export function sessionOf(sink: FrameSink): Session {
  return sink.connection().get(newSession);
}

/**
 * Records `seq` as the connection's latest `sequence_num`; after a jump every book on the socket
 * is reported lost (`sink.lost`). Answers whether it jumped. The text path and the byte scanner
 * (scan.ts) both count through here.
 */
export function sequenceSeen(session: Session, seq: number, sink: FrameSink): boolean {
  const last = session.seq;
  session.seq = seq;
  if (last === undefined || seq === last + 1) return false;
  sink.lost(`sequence_num ${seq} after ${last} on the connection`);
  return true;
}

/** Decodes one frame; throws only when the frame is not JSON. */
export function decodeFrame(text: string, sink: FrameSink): void {
  const msg: unknown = JSON.parse(text);
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
    sink.malformed(undefined, 'frame (not an object)', msg);
    return;
  }
  const m = msg as Envelope & { type?: unknown; message?: unknown; reason?: unknown };
  if (m.type === 'error' || m.channel === 'error') {
    const id = sink.oldestPending();
    const text = [m.message, m.reason].filter((x) => typeof x === 'string' && x !== '').join(': ') || 'error';
    sink.refused(id, wsError(text, sink.describe(id) ?? 'request', msg));
    return;
  }
  const session = sessionOf(sink);
  if (m.sequence_num === undefined ? session.seq !== undefined : !(Number.isSafeInteger(m.sequence_num) && (m.sequence_num as number) >= 0)) {
    // every message of a connection is numbered: one without a number (once numbers came), or with
    // one that is not a sequence number, cannot be trusted (if it was a real message, the next
    // sequence_num jumps and every book resyncs)
    sink.malformed(undefined, `frame (sequence_num ${JSON.stringify(m.sequence_num)} is not a sequence number)`, msg);
    return;
  }
  if (typeof m.sequence_num === 'number') sequenceSeen(session, m.sequence_num, sink);
  if (typeof m.channel !== 'string') {
    sink.malformed(undefined, 'frame (no channel)', msg);
    return;
  }
  switch (m.channel) {
    case 'subscriptions': {
      const id = sink.oldestPending();
      if (id !== undefined) sink.ack(id);
      return;
    }
    case 'heartbeats':
      // a life sign (any frame refreshes the stale timer); its counter is covered by sequence_num
      return;
    default:
      break;
  }
  if (!Array.isArray(m.events)) {
    if (dataStreamName(m.channel, '') !== undefined) sink.malformed(undefined, `${m.channel} frame (no events)`, msg);
    return;
  }
  const ts = parseTime(m.timestamp);
  const seq = typeof m.sequence_num === 'number' ? m.sequence_num : 0;
  switch (m.channel) {
    case 'l2_data':
      for (const e of m.events) book(e as L2Event, seq, ts, sink);
      return;
    case 'ticker':
    case 'ticker_batch':
      for (const e of m.events) each(e, 'tickers', m.channel, sink, (stream, item, symbol) => sink.ticker(stream, parseTicker(item as WsTicker, symbol, ts)));
      return;
    case 'market_trades': {
      const batches = new Map<string, Trade[]>();
      for (const e of m.events) {
        each(e, 'trades', m.channel, sink, (stream, item, symbol) => {
          const t = parseTrade(item as WsTrade, symbol);
          const list = batches.get(stream);
          if (list) list.push(t);
          else batches.set(stream, [t]);
        });
      }
      for (const [stream, list] of batches) sink.trades(stream, sortTrades(list));
      return;
    }
    case 'candles':
      for (const e of m.events) each(e, 'candles', m.channel, sink, (stream, item) => sink.candle(stream, parseCandle(item as WsCandle)));
      return;
    default:
      // status, user and other channels are not market streams
      return;
  }
}

function book(e: L2Event, seq: number, ts: number | undefined, sink: FrameSink): void {
  if (!e || typeof e.product_id !== 'string') {
    sink.malformed(undefined, 'l2_data event (no product_id)', e);
    return;
  }
  const stream = `level2:${e.product_id}`;
  if (sink.symbolOf(stream) === undefined) return;
  try {
    if (e.type === 'snapshot') sink.bookSnapshot(stream, parseL2Snapshot(e, seq, ts));
    else if (e.type === 'update') sink.bookDelta(stream, parseL2Update(e, seq, ts));
    else throw new Error(`event type ${JSON.stringify(e.type)} is neither snapshot nor update`);
  } catch (err) {
    sink.malformed(stream, `l2_data event (${(err as Error).message})`, e);
  }
}

/** Calls `f` for every element of `event[key]` whose stream is subscribed. */
function each(event: unknown, key: string, channel: string, sink: FrameSink, f: (stream: string, item: unknown, symbol: string) => void): void {
  const list = (event as Record<string, unknown> | null)?.[key];
  if (!Array.isArray(list)) {
    sink.malformed(undefined, `${channel} event (no ${key})`, event);
    return;
  }
  for (const item of list) {
    const pid = (item as { product_id?: unknown } | null)?.product_id;
    if (typeof pid !== 'string') {
      sink.malformed(undefined, `${channel} element (no product_id)`, item);
      continue;
    }
    const stream = dataStreamName(channel, pid) as string;
    const symbol = sink.symbolOf(stream);
    if (symbol === undefined) continue;
    try {
      f(stream, item, symbol);
    } catch (err) {
      sink.malformed(stream, `${channel} element (${(err as Error).message})`, item);
    }
  }
}
