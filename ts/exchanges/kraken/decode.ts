/**
 * Kraken WebSocket v2 frame decoder: one inbound text frame into the FrameSink (protocols.md §2
 * "Envelope, subscribe and acks", "Book channel"). Pure: no state, no I/O.
 */
import type { Trade } from '../../core/types';
import type { FrameSink } from '../adapter';
import { krakenError } from './errors';
import { withInstrument } from './markets';
import { V2Book, V2Candle, V2Ticker, V2Trade, parseBookSnapshot, parseBookUpdate, parseCandle, parseTicker, parseTrade } from './parse';
import { classify, dataStreamName } from './streams';

/** Decodes one frame; throws only when the frame is not JSON. */
export function decodeFrame(text: string, sink: FrameSink): void {
  const msg: unknown = JSON.parse(text);
  const c = classify(msg);
  switch (c.type) {
    case 'data':
      deliver(c.channel, c.kind, c.data, sink);
      return;
    case 'instrument':
      for (const p of c.pairs) {
        const sym = (p as { symbol?: unknown } | null)?.symbol;
        if (typeof sym === 'string') sink.marketUpdate(sym, (m) => withInstrument(m, p));
      }
      return;
    case 'ack':
      if (c.reqId !== undefined) sink.ack(c.reqId);
      return;
    case 'error':
      sink.refused(c.reqId, krakenError(c.error, sink.describe(c.reqId) ?? `${c.method ?? 'request'}`, { raw: msg }));
      return;
    default:
      // heartbeat, pong, status: life signs only (any frame refreshes the stale timer)
      return;
  }
}

function deliver(channel: string, kind: 'snapshot' | 'update', data: unknown[], sink: FrameSink): void {
  // one message may batch several trades: each symbol's trades go out as one batch, in order
  let trades: Map<string, Trade[]> | undefined;
  for (const item of data) {
    const el = item as { symbol?: unknown; interval?: unknown };
    if (typeof el !== 'object' || el === null || typeof el.symbol !== 'string') {
      sink.malformed(undefined, `${channel} element (no symbol)`, item);
      continue;
    }
    const stream = dataStreamName(channel, el.symbol, typeof el.interval === 'number' ? el.interval : undefined);
    const symbol = sink.symbolOf(stream);
    if (symbol === undefined) continue;
    try {
      switch (channel) {
        case 'book':
          // no sequence numbers on the wire: updates are numbered locally, after the book's nonce
          if (kind === 'snapshot') sink.bookSnapshot(stream, parseBookSnapshot(item as V2Book, 0));
          else sink.bookDelta(stream, parseBookUpdate(item as V2Book, (sink.bookNonce(stream) ?? 0) + 1));
          break;
        case 'ticker':
          sink.ticker(stream, parseTicker(item as V2Ticker, symbol));
          break;
        case 'trade': {
          trades ??= new Map();
          const list = trades.get(stream);
          if (list) list.push(parseTrade(item as V2Trade, symbol));
          else trades.set(stream, [parseTrade(item as V2Trade, symbol)]);
          break;
        }
        case 'ohlc':
          sink.candle(stream, parseCandle(item as V2Candle));
          break;
        default:
          break;
      }
    } catch (err) {
      sink.malformed(stream, `payload (${(err as Error).message})`, item);
    }
  }
  if (trades) for (const [stream, list] of trades) sink.trades(stream, list);
}
