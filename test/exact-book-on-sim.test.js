'use strict';
/**
 * An exact book through every fault: each exchange's client against its embedded simulator (real
 * order flow, real protocol). Under steady flow and through every fault its simulator can inject,
 * the client's book ends exact — level for level, as BookSpec `book` defines it for that protocol —
 * with exactly the resyncs the fault calls for and no other error than the fault's.
 * A row with `market` also reads markets, a book and a ticker over REST against the truth, meets
 * the REST rate limit, and streams trades, the ticker and candles.
 *
 * One row per exchange (or per mode of one): to add one, give its simulator id and options, the
 * client class and options, how exact its book is, and the faults it joins with the resync reason
 * each must emit. The drills are in test/support/fault-drills.js, the harness in
 * test/support/on-sim.js, the comparison in test/support/book.js.
 */
const assert = require('assert');
const { binance, bitfinex, bybit, coinbase, kraken, okx, errors } = require('..');
const { onSim } = require('./support/on-sim');
const { drill, steady, title } = require('./support/fault-drills');
const { sides, top } = require('./support/book');

/**
 * The simulators' options, one place per row: a mode of a simulator goes here, and a second mode
 * of the same simulator is a second entry with a second row (e.g. OKX books with and without a
 * snapshot frame and checksums).
 */
const SIM = {
  binance: { seed: 42, symbols: ['BTC/USDT', 'ETH/USDT'], tickMs: 10 },
  kraken: { seed: 42, tickMs: 10, heartbeatMs: 200 },
  // today's OKX: no snapshot frame, checksum 0, the client joins the REST snapshot by seqId
  okx: { seed: 42, tickMs: 10, books: 'rest-snapshot' },
  // OKX before its 2026 change: a snapshot frame first and real checksums
  okxStreamSnapshot: { seed: 42, tickMs: 10, books: 'stream-snapshot' },
  bybit: { seed: 42, tickMs: 10 },
  coinbase: { seed: 42, tickMs: 10 },
  bitfinex: { seed: 42, tickMs: 10, heartbeatMs: 200 },
};

/** What both OKX rows share (one per books mode of the simulator). */
const OKX_ROW = {
  client: { Exchange: okx, options: { staleTimeoutMs: 1500 } },
  symbols: ['BTC/USDT', 'ETH/USDT'],
  // books channel: the whole server book (within the 400-level window); the seqId is the engine
  // update id of the last push, so it may trail the truth's
  book: { nonce: 'atMost', minLevels: 100 },
  flow: { steady: 10, warmup: 3, after: 5 },
  faults: [
    { fault: 'skipSequence', resync: 'gap' },
    { fault: 'corruptChecksum', resync: 'checksum' },
    { fault: 'dropConnections', filter: { path: '/ws/v5/public' }, resync: 'reconnect' },
    { fault: 'malformedFrame', error: errors.BadResponse },
    { fault: 'silence', resync: 'stale' },
  ],
};

const ROWS = [
  {
    name: 'binance',
    sim: { id: 'binance', options: SIM.binance },
    client: { Exchange: binance, options: { staleTimeoutMs: 600 } },
    symbols: ['BTC/USDT', 'ETH/USDT'],
    // REST snapshot + diff stream: the nonce is the server's update id, the whole book is kept
    book: { nonce: 'equal', minLevels: 100 },
    flow: { steady: 10, warmup: 5, after: 10 },
    faults: [
      { fault: 'dropConnections', filter: { kind: 'stream' }, resync: 'reconnect' },
      { fault: 'skipSequence', resync: 'gap' },
      { fault: 'malformedFrame', error: errors.BadResponse },
      { fault: 'silence', resync: 'stale' },
      { fault: 'slowRateLimitedSnapshot', delayMs: 150, rateLimit: { status: 429, retryAfterSec: 1, count: 1 }, error: errors.RateLimitExceeded },
    ],
    market: { id: 'BTCUSDT', pricePrecision: 0.01, rateLimits: [{ fault: { status: 429, retryAfterSec: 1 }, message: /Too much request weight/ }] },
  },
  {
    name: 'kraken',
    sim: { id: 'kraken', options: SIM.kraken },
    client: { Exchange: kraken, options: { staleTimeoutMs: 1500 } },
    symbols: ['BTC/USD', 'ETH/USD'],
    // v2 book without sequence numbers, kept to the client's default depth of 100
    book: { nonce: 'none', depth: 100 },
    flow: { steady: 20, warmup: 5, after: 10 },
    faults: [
      { fault: 'corruptChecksum', resync: 'checksum' },
      // no sequence numbers: the lost update shows in the next checksum
      { fault: 'skipSequence', resync: 'checksum' },
      { fault: 'dropConnections', resync: 'reconnect' },
      { fault: 'malformedFrame', error: errors.BadResponse },
      { fault: 'silence', resync: 'stale' },
    ],
    market: {
      id: 'XXBTZUSD',
      pricePrecision: 0.1,
      rateLimits: [
        { fault: { retryAfterSec: 1 } },
        // the same limit said inside a 200 envelope, {"error":["EGeneral:Too many requests"]}
        { fault: { status: 200 }, message: /Too many requests/ },
      ],
    },
  },
  {
    ...OKX_ROW,
    name: 'okx (books joined to the REST snapshot by seqId: today\'s OKX)',
    sim: { id: 'okx', options: SIM.okx },
    market: { id: 'BTC-USDT', pricePrecision: 0.1, rateLimits: [{ fault: { retryAfterSec: 1 } }] },
  },
  {
    ...OKX_ROW,
    name: 'okx (books with a snapshot frame and checksums, before OKX\'s 2026 change)',
    sim: { id: 'okx', options: SIM.okxStreamSnapshot },
  },
  {
    name: 'bybit',
    sim: { id: 'bybit', options: SIM.bybit },
    client: { Exchange: bybit, options: { staleTimeoutMs: 1500 } },
    symbols: ['BTC/USDT', 'ETH/USDT'],
    // orderbook.200: the top 200 levels, a snapshot after subscribing then deltas by contiguous u
    // (the topic's own counter, not the engine's update id)
    book: { nonce: 'none', depth: 200 },
    flow: { steady: 10, warmup: 3, after: 5 },
    faults: [
      { fault: 'skipSequence', resync: 'gap' },
      // a service restart: the u: 1 snapshot replaces the book, no resync
      { fault: 'resetSequence' },
      { fault: 'dropConnections', filter: { path: '/v5/public/spot' }, resync: 'reconnect' },
      { fault: 'malformedFrame', error: errors.BadResponse },
      { fault: 'silence', resync: 'stale' },
    ],
    market: {
      id: 'BTCUSDT',
      pricePrecision: 0.01,
      // Bybit's spot tickers topic carries no bid or ask (only REST tickers do)
      streamedTickerHasTop: false,
      rateLimits: [
        { fault: { status: 200 }, message: /Too many visits!.*retCode 10006/ },
        { fault: { status: 403 }, message: /HTTP 403/ },
      ],
    },
  },
  {
    name: 'coinbase',
    sim: { id: 'coinbase', options: SIM.coinbase },
    // heartbeats come every second: three missed make the socket stale
    client: { Exchange: coinbase, options: { staleTimeoutMs: 3000 } },
    symbols: ['BTC/USD', 'ETH/USD'],
    // level2: the whole book, no sequence of its own (the nonce is the connection's sequence_num)
    book: { nonce: 'none', minLevels: 100 },
    flow: { steady: 10, warmup: 3, after: 5 },
    faults: [
      // sequence_num counts every message of the connection: a lost one resyncs every book on it
      { fault: 'skipSequence', resync: 'gap', scope: 'connection' },
      { fault: 'dropConnections', resync: 'reconnect' },
      { fault: 'malformedFrame', error: errors.BadResponse },
      { fault: 'silence', resync: 'stale' },
    ],
    // the candles channel streams five-minute candles only
    market: { id: 'BTC-USD', pricePrecision: 0.01, rateLimits: [{ fault: { retryAfterSec: 1 } }], timeframe: '5m' },
  },
  {
    name: 'bitfinex',
    sim: { id: 'bitfinex', options: SIM.bitfinex },
    client: { Exchange: bitfinex, options: { staleTimeoutMs: 1500 } },
    symbols: ['BTC/USD', 'ETH/USD'],
    // P0 book of len 25: the server keeps it at 25 levels a side; the nonce is the connection's
    // sequence number, not the engine's update id
    book: { nonce: 'none', depth: 25 },
    flow: { steady: 20, warmup: 5, after: 10 },
    faults: [
      { fault: 'corruptChecksum', resync: 'checksum' },
      // a skipped sequence number (SEQ_ALL, one sequence per connection): a gap, before any
      // checksum, for every book on that connection
      { fault: 'skipSequence', resync: 'gap', scope: 'connection' },
      { fault: 'dropConnections', resync: 'reconnect' },
      { fault: 'malformedFrame', error: errors.BadResponse },
      { fault: 'silence', resync: 'stale' },
    ],
    // Bitfinex prices have 5 significant digits, no fixed tick: no price precision
    market: { id: 'tBTCUSD', pricePrecision: undefined, rateLimits: [{ fault: { retryAfterSec: 1 } }] },
  },
];

for (const row of ROWS) {
  describe(`${row.name} client on its simulator: an exact book through every fault`, function () {
    let h;

    beforeEach(async () => {
      h = await onSim(row);
    });

    afterEach(async () => {
      await h.close();
    });

    it('keeps an exact book under steady order flow, without a resync or an error', () => steady(h));

    for (const f of row.faults) it(title(f), () => drill(h, f));
  });

  if (!row.market) continue;

  describe(`${row.name} client on its simulator: REST market data and the other streams`, function () {
    let h;

    beforeEach(async () => {
      h = await onSim(row);
    });

    afterEach(async () => {
      await h.close();
    });

    it('reads markets, a book and a ticker over REST as the truth, and reports the rate limit', async () => {
      const { sim, symbol } = h;
      const rest = new row.client.Exchange({ urls: sim.urls, timeoutMs: 5000 });
      try {
        const markets = await rest.loadMarkets();
        assert.strictEqual(markets[symbol].id, row.market.id);
        assert.strictEqual(markets[symbol].precision.price, row.market.pricePrecision);
        sim.pause();
        const book = await rest.fetchOrderBook(symbol, 50);
        const truth = sim.book(symbol);
        assert.deepStrictEqual(sides(book), top(truth, 50));
        const t = await rest.fetchTicker(symbol);
        assert.deepStrictEqual([t.bid, t.bidVolume, t.ask, t.askVolume], [...truth.bids[0], ...truth.asks[0]], 'the ticker is the top of the book');
        sim.resume();
        for (const r of row.market.rateLimits) {
          sim.faults.rateLimit(r.fault);
          await assert.rejects(rest.fetchTicker(symbol), (e) => e instanceof errors.RateLimitExceeded && (!r.message || r.message.test(e.message)));
        }
      } finally {
        await rest.close();
      }
    });

    it('streams trades, the ticker and candles', async () => {
      const { ex, symbol } = h;
      const trades = await ex.watchTrades(symbol);
      assert.ok(trades.length > 0);
      for (const t of trades) {
        assert.strictEqual(t.symbol, symbol);
        assert.ok(t.side === 'buy' || t.side === 'sell');
        assert.ok(t.price > 0 && t.amount > 0);
      }
      const ticker = await ex.watchTicker(symbol);
      if (row.market.streamedTickerHasTop === false) assert.ok(ticker.last > 0 && ticker.high >= ticker.low);
      else assert.ok(ticker.bid < ticker.ask);
      const tf = row.market.timeframe ?? '1m';
      const candles = await ex.watchOHLCV(symbol, tf);
      const [t, o, hi, lo, c] = candles[candles.length - 1];
      assert.strictEqual(t % ({ '1m': 60_000, '5m': 300_000 })[tf], 0);
      assert.ok(lo <= o && o <= hi && lo <= c && c <= hi);
    });
  });
}
