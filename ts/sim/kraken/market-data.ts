/**
 * Kraken market data payloads shared by REST and WebSocket v2, built from the engine and the trade
 * tape. Shapes: docs.kraken.com websocket-v2 ticker / trade / ohlc pages (protocols.md §2
 * "Ticker, trade and instrument channels") and krakenfx/api-specs spot-rest openapi_v3.yaml
 * (Ticker, Trades, OHLC examples).
 */
import { formatScaled, MarketInfo } from '../engine';
import { Candle, Period, TapeTrade, TradeTape, WindowStats } from '../common/tape';
import { jsonObject, rfc3339 } from '../common/format';
import type { Top } from '../common/runtime';
import { px, qty, restLot, restPx } from './format';
import type { KrakenPair } from './symbols';

/** OHLC intervals in minutes (REST `interval`, v2 `interval`). */
export const KRAKEN_INTERVALS = [1, 5, 15, 30, 60, 240, 1440, 10080, 21600];

/** Kraken candles are aligned to the epoch (weeks start on Thursday 00:00 UTC). */
export function periodOf(minutes: number): Period {
  return { ms: minutes * 60_000 };
}

/** Volume-weighted average price of a window at `decimals` ('0' when nothing traded). */
export function vwap(info: MarketInfo, s: { volume: number; quote: bigint }, decimals: number): string {
  const base = info.baseUnits(s.volume);
  if (base === 0n) return formatScaled(0n, 0, decimals);
  return formatScaled((s.quote * 10n ** BigInt(decimals)) / base, decimals, decimals);
}

function day(now: number): number {
  return Math.floor(now / 86_400_000) * 86_400_000;
}

/** The v2 ticker element as JSON text (numbers at the pair's precision). */
export function tickerElement(pair: KrakenPair, info: MarketInfo, tape: TradeTape, tp: Top, now: number): string {
  const s = tape.since(now - 86_400_000);
  const last = tape.last?.price ?? 0;
  const open = s.count > 0 ? s.open : last;
  const change = last - open;
  const pct = open > 0 ? ((100 * change) / open).toFixed(2) : '0.00';
  return jsonObject([
    ['symbol', pair.symbol],
    ['bid', px(info, tp.bid?.[0] ?? 0), true],
    ['bid_qty', qty(info, tp.bid?.[1] ?? 0), true],
    ['ask', px(info, tp.ask?.[0] ?? 0), true],
    ['ask_qty', qty(info, tp.ask?.[1] ?? 0), true],
    ['last', px(info, last), true],
    ['volume', qty(info, s.volume), true],
    ['vwap', vwap(info, s, info.priceDecimals), true],
    ['low', px(info, s.count > 0 ? s.low : last), true],
    ['high', px(info, s.count > 0 ? s.high : last), true],
    ['change', px(info, change), true],
    ['change_pct', pct, true],
    ['timestamp', rfc3339(now)],
  ]);
}

/** The v2 trade element; side and ord_type are the taker's. */
export function tradeElement(pair: KrakenPair, info: MarketInfo, t: TapeTrade): string {
  return jsonObject([
    ['symbol', pair.symbol],
    ['side', t.takerSide === 'BUY' ? 'buy' : 'sell'],
    ['price', px(info, t.price), true],
    ['qty', qty(info, t.qty), true],
    ['ord_type', t.takerType],
    ['trade_id', t.id],
    ['timestamp', rfc3339(t.time)],
  ]);
}

/** The v2 ohlc element. */
export function candleElement(pair: KrakenPair, info: MarketInfo, c: Candle, interval: number): string {
  return jsonObject([
    ['symbol', pair.symbol],
    ['open', px(info, c.open), true],
    ['high', px(info, c.high), true],
    ['low', px(info, c.low), true],
    ['close', px(info, c.close), true],
    ['trades', c.count],
    ['volume', qty(info, c.volume), true],
    ['vwap', vwap(info, c, info.priceDecimals), true],
    ['interval_begin', rfc3339(c.openTime, 9)],
    ['interval', interval],
    ['timestamp', rfc3339(c.openTime + interval * 60_000)],
  ]);
}

function stats(info: MarketInfo, s: WindowStats, last: number): { low: string; high: string } {
  return { low: restPx(info, s.count > 0 ? s.low : last), high: restPx(info, s.count > 0 ? s.high : last) };
}

/** GET /0/public/Ticker entry: a, b, c, v, p, t, l, h, o (today since 00:00 UTC, and 24 h). */
export function restTicker(info: MarketInfo, tape: TradeTape, tp: Top, now: number): Record<string, unknown> {
  const today = tape.since(day(now));
  const rolling = tape.since(now - 86_400_000);
  const last = tape.last;
  const lastPx = last?.price ?? 0;
  const whole = (steps: number): string => String(Math.max(1, Math.ceil(info.qtyNumber(steps))));
  const t = stats(info, today, lastPx);
  const r = stats(info, rolling, lastPx);
  return {
    a: [restPx(info, tp.ask?.[0] ?? 0), whole(tp.ask?.[1] ?? 0), restLot(info, tp.ask?.[1] ?? 0)],
    b: [restPx(info, tp.bid?.[0] ?? 0), whole(tp.bid?.[1] ?? 0), restLot(info, tp.bid?.[1] ?? 0)],
    c: [restPx(info, lastPx), qty(info, last?.qty ?? 0)],
    v: [qty(info, today.volume), qty(info, rolling.volume)],
    p: [vwap(info, today, 5), vwap(info, rolling, 5)],
    t: [today.count, rolling.count],
    l: [t.low, r.low],
    h: [t.high, r.high],
    o: restPx(info, today.count > 0 ? today.open : lastPx),
  };
}

/** GET /0/public/Trades row: [price, volume, time (s), "b"|"s", "m"|"l", misc, trade_id]. */
export function restTrade(info: MarketInfo, t: TapeTrade): unknown[] {
  return [
    restPx(info, t.price),
    qty(info, t.qty),
    Number((t.time / 1000).toFixed(4)),
    t.takerSide === 'BUY' ? 'b' : 's',
    t.takerType === 'market' ? 'm' : 'l',
    '',
    t.id,
  ];
}

/** GET /0/public/OHLC row: [time (s), open, high, low, close, vwap, volume, count]. */
export function restCandle(info: MarketInfo, c: Candle): unknown[] {
  return [
    Math.floor(c.openTime / 1000),
    px(info, c.open),
    px(info, c.high),
    px(info, c.low),
    px(info, c.close),
    vwap(info, c, info.priceDecimals),
    qty(info, c.volume),
    c.count,
  ];
}
