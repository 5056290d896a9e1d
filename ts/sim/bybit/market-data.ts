/**
 * Bybit v5 spot market data payloads shared by REST and the public stream (protocols.md §4; Bybit
 * docs v5 market and websocket/public pages): prices at the tick's decimals and sizes at the base
 * precision's, as Bybit prints them (`"16493.50"`, `"0.006"`), tickers, trades and klines.
 */
import type { MarketInfo, MatchingEngine } from '../engine';
import { ASSET_SCALE, formatScaled } from '../engine';
import { Candle, Period, TapeTrade, TradeTape } from '../common/tape';
import { top } from '../common/runtime';
import { trimDecimal } from '../common/format';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const MONDAY = 4 * DAY;

export const px = (info: MarketInfo, ticks: number): string => info.formatPrice(ticks, info.tickDecimals);
export const sz = (info: MarketInfo, steps: number): string => info.formatQty(steps, info.stepDecimals);
export const amount = (units: bigint): string => trimDecimal(formatScaled(units, ASSET_SCALE, 8));

/** Kline intervals (REST `interval`, topic `kline.{interval}.{symbol}`). */
export const INTERVALS: Record<string, Period> = {
  '1': { ms: MIN },
  '3': { ms: 3 * MIN },
  '5': { ms: 5 * MIN },
  '15': { ms: 15 * MIN },
  '30': { ms: 30 * MIN },
  '60': { ms: 60 * MIN },
  '120': { ms: 120 * MIN },
  '240': { ms: 240 * MIN },
  '360': { ms: 360 * MIN },
  '720': { ms: 720 * MIN },
  D: { ms: DAY },
  W: { ms: 7 * DAY, baseMs: MONDAY },
  M: { months: 1 },
};

/** tickers topic data (spot: no bid/ask) or, with `rest`, the GET /v5/market/tickers element. */
export function tickerData(engine: MatchingEngine, id: string, tape: TradeTape, now: number, rest: boolean): Record<string, string> {
  const info = engine.market(id);
  const day = tape.since(now - DAY);
  const last = tape.last;
  const opt = (ticks: number | undefined): string => (ticks === undefined ? '0' : px(info, ticks));
  const lastPx = opt(last?.price);
  const open = day.count > 0 ? px(info, day.open) : lastPx;
  const pcnt = +open > 0 ? ((+lastPx - +open) / +open).toFixed(4) : '0';
  const data: Record<string, string> = {
    symbol: id,
    lastPrice: lastPx,
    highPrice24h: day.count > 0 ? px(info, day.high) : lastPx,
    lowPrice24h: day.count > 0 ? px(info, day.low) : lastPx,
    prevPrice24h: open,
    volume24h: sz(info, day.volume),
    turnover24h: amount(day.quote),
    price24hPcnt: pcnt,
    usdIndexPrice: lastPx,
  };
  if (!rest) return data;
  const tp = top(engine, id);
  return {
    symbol: id,
    bid1Price: tp.bid ? px(info, tp.bid[0]) : '',
    bid1Size: tp.bid ? sz(info, tp.bid[1]) : '',
    ask1Price: tp.ask ? px(info, tp.ask[0]) : '',
    ask1Size: tp.ask ? sz(info, tp.ask[1]) : '',
    ...data,
  };
}

/** A trade id as Bybit spot prints it: a decimal string. */
export const tradeId = (t: TapeTrade): string => String(2290000000000000000n + BigInt(t.id));

/** publicTrade element (S is the taker's side). */
export function wsTrade(info: MarketInfo, id: string, t: TapeTrade, seq: number): Record<string, unknown> {
  return { i: tradeId(t), T: t.time, p: px(info, t.price), v: sz(info, t.qty), S: t.takerSide === 'BUY' ? 'Buy' : 'Sell', seq, s: id, BT: false, RPI: false };
}

/** GET /v5/market/recent-trade element. */
export function restTrade(info: MarketInfo, id: string, t: TapeTrade): Record<string, unknown> {
  return { execId: tradeId(t), symbol: id, price: px(info, t.price), size: sz(info, t.qty), side: t.takerSide === 'BUY' ? 'Buy' : 'Sell', time: String(t.time), isBlockTrade: false, isRPITrade: false, seq: String(t.id) };
}

/** kline topic element. */
export function wsKline(info: MarketInfo, interval: string, periodMs: number, c: Candle, confirmed: boolean, now: number): Record<string, unknown> {
  return {
    start: c.openTime,
    end: c.openTime + periodMs - 1,
    interval,
    open: px(info, c.open),
    close: px(info, c.close),
    high: px(info, c.high),
    low: px(info, c.low),
    volume: sz(info, c.volume),
    turnover: amount(c.quote),
    confirm: confirmed,
    timestamp: now,
  };
}

/** GET /v5/market/kline row: [startTime, open, high, low, close, volume, turnover]. */
export function restKline(info: MarketInfo, c: Candle): string[] {
  return [String(c.openTime), px(info, c.open), px(info, c.high), px(info, c.low), px(info, c.close), sz(info, c.volume), amount(c.quote)];
}
