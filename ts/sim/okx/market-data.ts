/**
 * OKX market data payloads shared by REST and WebSocket (protocols.md §3; OKX docs-v5 market data
 * pages; field lists checked against the cryptofeed capture OKX.ws.1.0): tickers, trades,
 * candles `[ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]`, and the candle bars with their
 * alignment (Hong Kong time for 6H and longer, UTC for the `utc` variants; weeks from Monday).
 */
import type { MarketInfo, MatchingEngine } from '../engine';
import { Candle, Period, TapeTrade, TradeTape } from '../common/tape';
import { top } from '../common/runtime';
import { amount, px, sz } from './format';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const HK = 8 * HOUR;
const MONDAY = 4 * DAY;

/** Candle bars (REST `bar`, channel `candle<bar>`). */
export const BARS: Record<string, Period> = {
  '1s': { ms: 1000 },
  '1m': { ms: MIN },
  '3m': { ms: 3 * MIN },
  '5m': { ms: 5 * MIN },
  '15m': { ms: 15 * MIN },
  '30m': { ms: 30 * MIN },
  '1H': { ms: HOUR },
  '2H': { ms: 2 * HOUR },
  '4H': { ms: 4 * HOUR },
  '6H': { ms: 6 * HOUR, tzMs: HK },
  '12H': { ms: 12 * HOUR, tzMs: HK },
  '1D': { ms: DAY, tzMs: HK },
  '2D': { ms: 2 * DAY, tzMs: HK },
  '3D': { ms: 3 * DAY, tzMs: HK },
  '1W': { ms: 7 * DAY, tzMs: HK, baseMs: MONDAY },
  '1M': { months: 1, tzMs: HK },
  '3M': { months: 3, tzMs: HK },
  '6Hutc': { ms: 6 * HOUR },
  '12Hutc': { ms: 12 * HOUR },
  '1Dutc': { ms: DAY },
  '2Dutc': { ms: 2 * DAY },
  '3Dutc': { ms: 3 * DAY },
  '1Wutc': { ms: 7 * DAY, baseMs: MONDAY },
  '1Mutc': { months: 1 },
  '3Mutc': { months: 3 },
};

/** The OKX spelling of a bar, accepting the lower-case hour/day/week forms OKX also takes. */
export function barOf(text: string): string | undefined {
  if (BARS[text]) return text;
  const m = /^(\d+)([hdw])(utc)?$/.exec(text);
  if (!m) return undefined;
  const name = `${m[1]}${(m[2] as string).toUpperCase()}${m[3] ?? ''}`;
  return BARS[name] ? name : undefined;
}

/** tickers channel / GET /api/v5/market/ticker(s) element. */
export function tickerData(engine: MatchingEngine, instId: string, tape: TradeTape, now: number): Record<string, string> {
  const info = engine.market(instId);
  const tp = top(engine, instId);
  const last = tape.last;
  const day = tape.since(now - DAY);
  const lastPx = last?.price;
  const opt = (ticks: number | undefined): string => (ticks === undefined ? '' : px(info, ticks));
  const sod = (start: number): string => {
    const s = tape.since(start);
    return s.count > 0 ? px(info, s.open) : opt(lastPx);
  };
  const utc0 = Math.floor(now / DAY) * DAY;
  const utc8 = Math.floor((now + HK) / DAY) * DAY - HK;
  return {
    instType: 'SPOT',
    instId,
    last: opt(lastPx),
    lastSz: last ? sz(info, last.qty) : '',
    askPx: tp.ask ? px(info, tp.ask[0]) : '',
    askSz: tp.ask ? sz(info, tp.ask[1]) : '',
    bidPx: tp.bid ? px(info, tp.bid[0]) : '',
    bidSz: tp.bid ? sz(info, tp.bid[1]) : '',
    open24h: day.count > 0 ? px(info, day.open) : opt(lastPx),
    high24h: day.count > 0 ? px(info, day.high) : opt(lastPx),
    low24h: day.count > 0 ? px(info, day.low) : opt(lastPx),
    volCcy24h: amount(day.quote),
    vol24h: sz(info, day.volume),
    ts: String(now),
    sodUtc0: sod(utc0),
    sodUtc8: sod(utc8),
  };
}

/** GET /api/v5/market/trades element (side is the taker's). */
export function restTrade(info: MarketInfo, instId: string, t: TapeTrade): Record<string, string> {
  return {
    instId,
    side: t.takerSide === 'BUY' ? 'buy' : 'sell',
    sz: sz(info, t.qty),
    px: px(info, t.price),
    source: '0',
    tradeId: String(t.id),
    ts: String(t.time),
  };
}

/** A candle row; `confirm` "1" once the period is over. */
export function candleRow(info: MarketInfo, c: Candle, confirmed: boolean): string[] {
  return [
    String(c.openTime),
    px(info, c.open),
    px(info, c.high),
    px(info, c.low),
    px(info, c.close),
    sz(info, c.volume),
    amount(c.quote),
    amount(c.quote),
    confirmed ? '1' : '0',
  ];
}
