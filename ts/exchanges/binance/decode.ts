/**
 * Binance Spot market-stream frame decoder: combined payloads (`{"stream":..,"data":..}`), raw
 * payloads routed by event type and symbol, acks, refusals and the serverShutdown notice
 * (web-socket-streams.md; protocols.md §1). Pure: no state, no I/O.
 */
import { BadRequest } from '../../core/errors';
import type { FrameSink } from '../adapter';
import { binanceError } from './errors';
import { DepthUpdateMsg, KlineMsg, TickerMsg, TradeMsg, parseDepthUpdate, parseKline, parseTicker, parseTrade } from './parse';
import { classify, rawKey } from './streams';

/** Decodes one frame; throws only when the frame is not JSON. */
export function decodeFrame(text: string, sink: FrameSink): void {
  const msg: unknown = JSON.parse(text);
  if (typeof msg !== 'object' || msg === null) {
    sink.malformed(undefined, 'frame (not a JSON object or array)', msg);
    return;
  }
  const m = msg as { stream?: unknown; data?: unknown };
  if (typeof m.stream === 'string' && sink.symbolOf(m.stream) !== undefined) {
    deliver(m.stream, m.data, sink);
    return;
  }
  const raw = rawKey(msg);
  if (raw !== '' && sink.symbolOf(raw) !== undefined) {
    deliver(raw, msg, sink);
    return;
  }
  const c = classify(msg);
  switch (c.type) {
    case 'ack':
      sink.ack(c.id);
      return;
    case 'error': {
      const what = sink.describe(c.id) ?? 'stream request';
      // codes 0..3 answer a SUBSCRIBE ("Invalid request", "Invalid JSON"); negative ones are API errors
      const err =
        c.code >= 0
          ? new BadRequest(`${what} refused: ${c.msg} (code ${c.code})`, { exchange: 'binance', code: c.code, raw: msg })
          : binanceError(c.code, c.msg, what, { raw: msg });
      sink.refused(c.id, err);
      return;
    }
    case 'shutdown':
      // announced before the 24 h cut: reconnect now, on our terms
      sink.reconnect('serverShutdown');
      return;
    default:
      return;
  }
}

function deliver(stream: string, data: unknown, sink: FrameSink): void {
  try {
    route(stream, data, sink);
  } catch (err) {
    sink.malformed(stream, `payload (${(err as Error).message})`, data);
  }
}

function route(stream: string, data: unknown, sink: FrameSink): void {
  const symbol = sink.symbolOf(stream) as string;
  const d = (data ?? {}) as { e?: string };
  if (stream.endsWith('@depth@100ms')) {
    const u = data as DepthUpdateMsg;
    if (!u || typeof u.U !== 'number' || typeof u.u !== 'number' || !Array.isArray(u.b) || !Array.isArray(u.a)) {
      sink.malformed(stream, 'payload (depthUpdate without numeric U/u or b/a arrays)', data);
      return;
    }
    sink.bookDelta(stream, parseDepthUpdate(u));
  } else if (stream.endsWith('@ticker')) {
    if (d.e !== '24hrTicker') sink.malformed(stream, `payload (expected a 24hrTicker event, got ${String(d.e)})`, data);
    else sink.ticker(stream, parseTicker(data as TickerMsg, symbol));
  } else if (stream.endsWith('@trade')) {
    if (d.e !== 'trade') sink.malformed(stream, `payload (expected a trade event, got ${String(d.e)})`, data);
    else sink.trades(stream, [parseTrade(data as TradeMsg, symbol)]);
  } else if (stream.includes('@kline_')) {
    if (d.e !== 'kline') sink.malformed(stream, `payload (expected a kline event, got ${String(d.e)})`, data);
    else sink.candle(stream, parseKline(data as KlineMsg));
  }
}
