'use strict';
/**
 * A refused subscription is never a hang (issue #9 part 4), on every exchange: the exchange refuses
 * one topic's subscription on a socket that already carries a synced book. The refused topic's
 * fetch* (ws: true), watch* and on() callers all get a BadRequest/BadSymbol naming the symbol, at
 * once; the book on the same socket carries on, exact.
 *
 * Before the shared skeleton, Binance's refusal (`{"code":2,"msg":..,"id":N}`) reached the topic
 * without a symbol and watch* only ended on errors naming one: its iterator waited forever.
 */
const assert = require('assert');
const { binance, bitfinex, bybit, coinbase, kraken, okx, errors } = require('..');
const { BinanceStub } = require('./support/binance-stub');
const { KrakenStub } = require('./support/kraken-stub');
const { OkxStub } = require('./support/okx-stub');
const { BybitStub } = require('./support/bybit-stub');
const { CoinbaseStub } = require('./support/coinbase-stub');
const { BitfinexStub } = require('./support/bitfinex-stub');
const { nextEvent, sides } = require('./support/wait');

function ladder(mid, n, tick, qty = (i) => i) {
  const bids = [];
  const asks = [];
  for (let i = 1; i <= n; i++) {
    bids.push([mid - i * tick, qty(i)]);
    asks.push([mid + i * tick, qty(i)]);
  }
  return { bids, asks };
}

/** Both Binance rows: the same stub and book, combined or raw streams. */
const BINANCE_ROW = {
  start: () => BinanceStub.start(),
  seed: (stub) => {
    const l = ladder(100, 20, 1);
    stub.seed('BTCUSDT', l.bids, l.asks);
  },
  symbol: 'BTC/USDT',
  async syncBook(ex, stub) {
    const p = ex.fetchOrderBook('BTC/USDT');
    await stub.subscribed('btcusdt@depth@100ms');
    stub.depth('BTCUSDT', [[90.5, 2]], []);
    return p;
  },
  refuseTicker: (stub) => (stub.refuseStreams = /@ticker$/),
  update: (stub) => stub.depth('BTCUSDT', [[99.5, 7]], [[100.5, 0]]),
  truth: (stub) => stub.truth('BTCUSDT'),
  errorClass: errors.BadRequest,
};

const ROWS = [
  {
    ...BINANCE_ROW,
    name: 'binance (combined streams: the ticker goes out as a SUBSCRIBE on the open socket)',
    make: (stub, o) => new binance({ ...o, urls: stub.urls }),
  },
  {
    ...BINANCE_ROW,
    name: 'binance (raw streams: every stream is a SUBSCRIBE)',
    make: (stub, o) => new binance({ ...o, urls: stub.urls, rawStreams: true }),
  },
  {
    name: 'kraken',
    start: () => KrakenStub.start(),
    seed: (stub) => {
      const l = ladder(30000, 20, 1, (i) => i / 10);
      stub.seed('BTC/USD', l.bids, l.asks);
    },
    make: (stub, o) => new kraken({ ...o, urls: stub.urls }),
    symbol: 'BTC/USD',
    syncBook: (ex) => ex.fetchOrderBook('BTC/USD'),
    refuseTicker: (stub) => (stub.refuse = (channel) => (channel === 'ticker' ? 'Currency pair not supported BTC/USD' : undefined)),
    update: (stub) => stub.book('BTC/USD', [[29999.5, 0.25]], [[30001, 0]]),
    truth: (stub) => stub.truth('BTC/USD', 100),
    errorClass: errors.BadSymbol,
  },
  {
    name: 'okx',
    start: () => OkxStub.start(),
    seed: (stub) => {
      const l = ladder(30000, 30, 1, (i) => i / 10);
      const str = (side) => side.map(([p, q]) => [String(p), String(q)]);
      stub.seed('BTC-USDT', str(l.bids), str(l.asks));
    },
    make: (stub, o) => new okx({ ...o, urls: stub.urls }),
    symbol: 'BTC/USDT',
    syncBook: (ex) => ex.fetchOrderBook('BTC/USDT'),
    refuseTicker: (stub) =>
      (stub.refuse = (arg) =>
        arg.channel === 'tickers' ? { code: '60018', msg: `Wrong URL or channel:tickers,instId:${arg.instId} doesn't exist.` } : undefined),
    update: (stub) => stub.book('BTC-USDT', [['29999.5', '2.5']], [['30001', '0']]),
    truth: (stub) => stub.truth('BTC-USDT'),
    errorClass: errors.BadSymbol,
  },
  {
    name: 'bybit',
    start: () => BybitStub.start(),
    seed: (stub) => {
      const l = ladder(30000, 30, 1, (i) => i / 10);
      const str = (side) => side.map(([p, q]) => [String(p), String(q)]);
      stub.seed('BTCUSDT', str(l.bids), str(l.asks));
    },
    make: (stub, o) => new bybit({ ...o, urls: stub.urls }),
    symbol: 'BTC/USDT',
    syncBook: (ex) => ex.fetchOrderBook('BTC/USDT'),
    refuseTicker: (stub) => (stub.refuse = (topic) => (topic.startsWith('tickers.') ? `error:handler not found,topic:${topic}` : undefined)),
    update: (stub) => stub.book('BTCUSDT', [['29999.5', '2.5']], [['30001', '0']]),
    truth: (stub) => stub.truth('BTCUSDT'),
    errorClass: errors.BadSymbol,
  },
  {
    // replies carry no request id: the error frame refuses the oldest pending subscribe
    name: 'coinbase',
    start: () => CoinbaseStub.start(),
    seed: (stub) => {
      const l = ladder(30000, 20, 1, (i) => i / 10);
      const str = (side) => side.map(([p, q]) => [String(p), String(q)]);
      stub.seed('BTC-USD', str(l.bids), str(l.asks));
    },
    make: (stub, o) => new coinbase({ ...o, urls: stub.urls }),
    symbol: 'BTC/USD',
    syncBook: (ex) => ex.fetchOrderBook('BTC/USD'),
    refuseTicker: (stub) => (stub.refuse = (channel, id) => (channel === 'ticker' ? `Failed to subscribe: product ${id} is not a valid product for ticker` : undefined)),
    update: (stub) => stub.book('BTC-USD', [['29999.5', '2.5']], [['30001', '0']]),
    truth: (stub) => stub.truth('BTC-USD'),
    errorClass: errors.BadSymbol,
  },
  {
    name: 'bitfinex',
    start: () => BitfinexStub.start(),
    seed: (stub) => {
      const l = ladder(30000, 20, 1, (i) => i / 10);
      stub.seed('tBTCUSD', [...l.bids.map(([p, q]) => [p, 1, q]), ...l.asks.map(([p, q]) => [p, 1, -q])]);
    },
    make: (stub, o) => new bitfinex({ ...o, urls: stub.urls }),
    symbol: 'BTC/USD',
    syncBook: (ex) => ex.fetchOrderBook('BTC/USD'),
    refuseTicker: (stub) => (stub.refuse = (m) => (m.channel === 'ticker' ? { msg: 'symbol: invalid', code: 10300 } : undefined)),
    update: (stub) => stub.book('tBTCUSD', [[29999.5, 1, 0.25], [30001, 0, -1]]),
    truth: (stub) => stub.truth('tBTCUSD'),
    errorClass: errors.BadSymbol,
  },
];

/** Rejects with a clear message when `p` has not settled after `ms` (the hang this file is about). */
function settlesWithin(p, ms, what) {
  let timer;
  const hang = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms (a hang)`)), ms);
  });
  return Promise.race([p, hang]).finally(() => clearTimeout(timer));
}

for (const row of ROWS) {
  describe(`refused subscription, ${row.name}`, function () {
    let stub;
    let ex;

    beforeEach(async () => {
      stub = await row.start();
      row.seed(stub);
    });

    afterEach(async () => {
      await ex?.close();
      ex = undefined;
      await stub.close();
    });

    it('fetch*, watch* and on() of the refused topic all get the typed error; the book on the same socket carries on', async () => {
      // timeoutMs far above the wait below: only the refusal itself can end these calls in time
      ex = row.make(stub, { ws: true, timeoutMs: 60_000, reconnect: { baseDelayMs: 20, maxDelayMs: 100 } });
      const errs = [];
      ex.on('error', (e) => errs.push(e));
      const resyncs = [];
      ex.on('resync', (e) => resyncs.push(e));
      await row.syncBook(ex, stub);
      const sockets = ex.streamSocketCount;

      row.refuseTicker(stub);
      const seen = [];
      const onError = nextEvent(ex, 'error', (e) => e.symbol === row.symbol && e instanceof row.errorClass);
      ex.on('ticker', row.symbol, (t) => seen.push(t));
      const it = ex.watchTicker(row.symbol);
      const fetched = ex.fetchTicker(row.symbol).then(
        () => assert.fail('fetchTicker resolved for a refused subscription'),
        (e) => e,
      );
      const watched = it.next().then(
        () => assert.fail('watchTicker yielded for a refused subscription'),
        (e) => e,
      );

      const [fe, we, oe] = await settlesWithin(Promise.all([fetched, watched, onError]), 5000, 'refused ticker');
      for (const e of [fe, we, oe]) {
        assert.ok(e instanceof row.errorClass, `${e && e.name}: ${e && e.message}`);
        assert.strictEqual(e.symbol, row.symbol);
        assert.strictEqual(e.exchange, ex.id);
        assert.match(e.message, /SUBSCRIBE/);
      }
      assert.deepStrictEqual(seen, []);

      // the book on the same socket carries on: its next update is merged, no resync, same socket
      const next = nextEvent(ex, 'orderbook', () => true, row.symbol);
      row.update(stub);
      await next;
      assert.deepStrictEqual(sides(await ex.fetchOrderBook(row.symbol)), sides(row.truth(stub)));
      assert.deepStrictEqual(resyncs, []);
      assert.strictEqual(ex.streamSocketCount, sockets);

      // a later subscription for the same symbol tries again (the failed topic is not cached)
      await assert.rejects(settlesWithin(ex.fetchTicker(row.symbol), 5000, 'second fetchTicker'), row.errorClass);
    });
  });
}
