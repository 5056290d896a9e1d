/**
 * OKX v5 frame decoder: one inbound text frame of a public or business socket into the FrameSink
 * (protocols.md §3 "Subscribe, ack, limits and liveness", "Order book channels"). Pure: no state,
 * no I/O.
 */
import type { FrameSink } from '../adapter';
import { okxError } from './errors';
import { BookData, OkxTicker, OkxTrade, parseBookSnapshot, parseBookUpdate, parseCandle, parseTicker, parseTrade } from './parse';
import { classify } from './streams';

/** Decodes one frame; throws only when the frame is not JSON. */
export function decodeFrame(text: string, sink: FrameSink): void {
  // the keepalive answer is the bare text "pong", not JSON
  if (text === 'pong') return;
  const msg: unknown = JSON.parse(text);
  const c = classify(msg);
  switch (c.type) {
    case 'data':
      deliver(c.stream, c.action, c.data, sink);
      return;
    case 'ack':
      if (c.id !== undefined) sink.ack(c.id);
      return;
    case 'error':
      sink.refused(c.id, okxError(c.code, c.msg, sink.describe(c.id) ?? 'request', { raw: msg }));
      return;
    case 'notice':
      // 64008: "The connection will soon be closed for a service upgrade. Please reconnect."
      if (c.code === '64008') sink.reconnect(`service upgrade announced (64008): ${c.msg}`);
      return;
    default:
      return;
  }
}

function deliver(stream: string, action: 'snapshot' | 'update' | 'unknown' | undefined, data: unknown[], sink: FrameSink): void {
  const symbol = sink.symbolOf(stream);
  if (symbol === undefined) return;
  const channel = stream.slice(0, stream.indexOf(':'));
  try {
    if (channel.startsWith('books') || channel === 'bbo-tbt') {
      const d = data[0] as BookData | undefined;
      if (!d) return;
      // books: snapshot (if one still comes) then updates; books5 / bbo-tbt: every push a snapshot
      // and no action. A books push without a known action is neither: taking it for a snapshot
      // would replace the book with one update's levels.
      const hasActions = channel === 'books' || channel.endsWith('-l2-tbt');
      if (action === 'unknown' || (hasActions && action === undefined)) throw new Error(`books push with ${action === undefined ? 'no action' : 'an action other than snapshot or update'}`);
      if (action === 'update') sink.bookDelta(stream, parseBookUpdate(d));
      else sink.bookSnapshot(stream, parseBookSnapshot(d));
    } else if (channel === 'tickers') {
      for (const x of data) sink.ticker(stream, parseTicker(x as OkxTicker, symbol));
    } else if (channel === 'trades') {
      if (data.length) sink.trades(stream, data.map((x) => parseTrade(x as OkxTrade, symbol)));
    } else if (channel.startsWith('candle')) {
      for (const row of data) sink.candle(stream, parseCandle(row as unknown[]));
    }
  } catch (err) {
    sink.malformed(stream, `push (${(err as Error).message})`, data);
  }
}
