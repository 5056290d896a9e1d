/**
 * Bybit v5 public frame decoder: one inbound text frame of a /v5/public/spot socket into the
 * FrameSink (protocols.md §4). Pure: no state, no I/O.
 */
import type { FrameSink } from '../adapter';
import { streamRefusal } from './errors';
import { BookData, BybitTicker, WsKline, WsTrade, isBookSnapshot, parseBookDelta, parseBookSnapshot, parseTicker, parseWsKline, parseWsTrade } from './parse';
import { classify } from './streams';

/** Decodes one frame; throws only when the frame is not JSON. */
export function decodeFrame(text: string, sink: FrameSink): void {
  const msg: unknown = JSON.parse(text);
  const c = classify(msg);
  switch (c.type) {
    case 'data':
      deliver(c.topic, c.kind, c.ts, c.data, sink);
      return;
    case 'ack':
      if (c.id !== undefined) sink.ack(c.id);
      return;
    case 'refused':
      sink.refused(c.id, streamRefusal(c.msg, sink.describe(c.id) ?? c.op, { raw: msg }));
      return;
    default:
      return;
  }
}

function deliver(topic: string, kind: unknown, ts: number | undefined, data: unknown, sink: FrameSink): void {
  const symbol = sink.symbolOf(topic);
  if (symbol === undefined) return;
  const channel = topic.slice(0, topic.indexOf('.'));
  try {
    switch (channel) {
      case 'orderbook': {
        const d = data as BookData;
        if (typeof d !== 'object' || d === null) throw new Error('data is not an object');
        if (isBookSnapshot(kind, d)) sink.bookSnapshot(topic, parseBookSnapshot(d, ts));
        else if (kind === 'delta') sink.bookDelta(topic, parseBookDelta(d, ts));
        else throw new Error(`type ${JSON.stringify(kind)} is neither snapshot nor delta`);
        return;
      }
      case 'tickers':
        sink.ticker(topic, parseTicker(data as BybitTicker, symbol, ts));
        return;
      case 'publicTrade': {
        if (!Array.isArray(data)) throw new Error('data is not an array');
        // up to 1,024 trades a push, oldest first on the wire
        if (data.length) sink.trades(topic, (data as WsTrade[]).map((t) => parseWsTrade(t, symbol)));
        return;
      }
      case 'kline': {
        if (!Array.isArray(data)) throw new Error('data is not an array');
        for (const k of data as WsKline[]) sink.candle(topic, parseWsKline(k));
        return;
      }
      default:
        return;
    }
  } catch (err) {
    sink.malformed(topic, `push (${(err as Error).message})`, data);
  }
}
