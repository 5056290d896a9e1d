/**
 * Market data payloads shared by REST and the streams, shaped after binance-spot-api-docs
 * rest-api.md (depth, trades, klines, ticker/24hr, ticker/price, ticker/bookTicker) and
 * web-socket-streams.md (24hrTicker, 24hrMiniTicker, kline, bookTicker).
 */
import { formatScaled, MarketInfo, MatchingEngine } from '../engine';
import type { Top } from '../common/runtime';
import type { TapeTrade, TradeTape } from '../common/tape';
import { amount, Json, price, qty } from './format';
import { Bar, Ticker24h, ticker24h } from './stats';

/** {lastUpdateId, bids, asks} with Binance's [price, qty] strings. */
export function depthJson(engine: MatchingEngine, info: MarketInfo, limit: number): Json {
  const d = engine.depth(info.symbol, limit);
  return {
    lastUpdateId: d.updateId,
    bids: d.bids.map(([p, q]) => [price(info, p), qty(info, q)]),
    asks: d.asks.map(([p, q]) => [price(info, p), qty(info, q)]),
  };
}

export function tradeJson(info: MarketInfo, t: TapeTrade): Json {
  return {
    id: t.id,
    price: price(info, t.price),
    qty: qty(info, t.qty),
    quoteQty: amount(t.quote),
    time: t.time,
    isBuyerMaker: t.takerSide === 'SELL',
    isBestMatch: true,
  };
}

/** One kline as Binance's 12-element array. */
export function klineArray(info: MarketInfo, b: Bar): Array<string | number> {
  return [
    b.openTime,
    price(info, b.open),
    price(info, b.high),
    price(info, b.low),
    price(info, b.close),
    qty(info, b.volume),
    b.closeTime,
    amount(b.quote),
    b.count,
    qty(info, b.takerBuyVolume),
    amount(b.takerBuyQuote),
    '0',
  ];
}

export function klineEvent(info: MarketInfo, b: Bar, interval: string, closed: boolean, eventTime: number): Json {
  return {
    e: 'kline',
    E: eventTime,
    s: info.symbol,
    k: {
      t: b.openTime,
      T: b.closeTime,
      s: info.symbol,
      i: interval,
      f: b.firstId,
      L: b.lastId,
      o: price(info, b.open),
      c: price(info, b.close),
      h: price(info, b.high),
      l: price(info, b.low),
      v: qty(info, b.volume),
      n: b.count,
      x: closed,
      q: amount(b.quote),
      V: qty(info, b.takerBuyVolume),
      Q: amount(b.takerBuyQuote),
      B: '0',
    },
  };
}

interface TickerFields {
  change: string;
  percent: string;
  weighted: string;
  t: Ticker24h;
}

function tickerFields(info: MarketInfo, tape: TradeTape, now: number): TickerFields {
  const t = ticker24h(tape, now);
  const change = t.count > 0 ? t.last - t.open : 0;
  const percent = t.count > 0 && t.open > 0 ? ((100 * change) / t.open).toFixed(3) : '0.000';
  const baseUnits = info.baseUnits(t.volume);
  const weighted = baseUnits > 0n ? formatScaled((t.quote * 100_000_000n) / baseUnits, 8, 8) : '0.00000000';
  return { change: price(info, change), percent, weighted, t };
}

/** GET /api/v3/ticker/24hr entry (type FULL or MINI). */
export function ticker24hJson(info: MarketInfo, tape: TradeTape, tp: Top, now: number, mini = false): Json {
  const { change, percent, weighted, t } = tickerFields(info, tape, now);
  const lastPrice = price(info, t.last);
  const common = {
    openPrice: price(info, t.open),
    highPrice: price(info, t.high),
    lowPrice: price(info, t.low),
    volume: qty(info, t.volume),
    quoteVolume: amount(t.quote),
    openTime: t.openTime,
    closeTime: t.closeTime,
    firstId: t.firstId,
    lastId: t.lastId,
    count: t.count,
  };
  if (mini) {
    const { openPrice, highPrice, lowPrice, ...rest } = common;
    return { symbol: info.symbol, openPrice, highPrice, lowPrice, lastPrice, ...rest };
  }
  return {
    symbol: info.symbol,
    priceChange: change,
    priceChangePercent: percent,
    weightedAvgPrice: weighted,
    prevClosePrice: price(info, t.prevClose),
    lastPrice,
    lastQty: qty(info, t.lastQty),
    bidPrice: price(info, tp.bid?.[0] ?? 0),
    bidQty: qty(info, tp.bid?.[1] ?? 0),
    askPrice: price(info, tp.ask?.[0] ?? 0),
    askQty: qty(info, tp.ask?.[1] ?? 0),
    ...common,
  };
}

/** <symbol>@ticker payload. */
export function tickerEvent(info: MarketInfo, tape: TradeTape, tp: Top, now: number): Json {
  const { change, percent, weighted, t } = tickerFields(info, tape, now);
  return {
    e: '24hrTicker',
    E: now,
    s: info.symbol,
    p: change,
    P: percent,
    w: weighted,
    x: price(info, t.prevClose),
    c: price(info, t.last),
    Q: qty(info, t.lastQty),
    b: price(info, tp.bid?.[0] ?? 0),
    B: qty(info, tp.bid?.[1] ?? 0),
    a: price(info, tp.ask?.[0] ?? 0),
    A: qty(info, tp.ask?.[1] ?? 0),
    o: price(info, t.open),
    h: price(info, t.high),
    l: price(info, t.low),
    v: qty(info, t.volume),
    q: amount(t.quote),
    O: t.openTime,
    C: t.closeTime,
    F: t.firstId,
    L: t.lastId,
    n: t.count,
  };
}

/** <symbol>@miniTicker payload. */
export function miniTickerEvent(info: MarketInfo, tape: TradeTape, now: number): Json {
  const t = ticker24h(tape, now);
  return {
    e: '24hrMiniTicker',
    E: now,
    s: info.symbol,
    c: price(info, t.last),
    o: price(info, t.open),
    h: price(info, t.high),
    l: price(info, t.low),
    v: qty(info, t.volume),
    q: amount(t.quote),
  };
}

/** GET /api/v3/ticker/bookTicker entry. */
export function bookTickerJson(info: MarketInfo, tp: Top): Json {
  return {
    symbol: info.symbol,
    bidPrice: price(info, tp.bid?.[0] ?? 0),
    bidQty: qty(info, tp.bid?.[1] ?? 0),
    askPrice: price(info, tp.ask?.[0] ?? 0),
    askQty: qty(info, tp.ask?.[1] ?? 0),
  };
}
