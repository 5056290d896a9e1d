'use strict';
/**
 * One deterministic test per class of defect the fuzz and soak suites found (issue #15), written
 * against the adapters' decoders, the book's validation and the stream hub directly. Each failed
 * before its fix.
 */
const assert = require('assert');
const { once } = require('events');
const { WebSocketServer } = require('ws');
const { OrderBook } = require('../js/book/orderbook');
const { BookSync, straddleRule } = require('../js/book/sync');
const { ConnectionState, StreamHub } = require('../js/transport/stream-hub');
const okxDecode = require('../js/exchanges/okx/decode').decodeFrame;
const coinbaseDecode = require('../js/exchanges/coinbase/decode').decodeFrame;
const bitfinexDecode = require('../js/exchanges/bitfinex/decode').decodeFrame;
const binanceDecode = require('../js/exchanges/binance/decode').decodeFrame;
const bitfinexStreams = require('../js/exchanges/bitfinex/streams');
const { until } = require('./support/wait');

/** A FrameSink recording what a decoder reports; `symbols` maps stream -> symbol. */
function sink(symbols) {
  const state = new ConnectionState();
  const out = { snapshots: [], deltas: [], malformed: [], lost: [] };
  return {
    out,
    state,
    sink: {
      symbolOf: (s) => symbols[s],
      bookNonce: () => undefined,
      connection: () => state,
      bookSnapshot: (s, x) => out.snapshots.push([s, x]),
      bookDelta: (s, x) => out.deltas.push([s, x]),
      ticker: () => {},
      trades: () => {},
      candle: () => {},
      describe: () => undefined,
      ack: () => {},
      oldestPending: () => undefined,
      lost: (d) => out.lost.push(d),
      refused: () => {},
      error: () => {},
      reconnect: () => {},
      malformed: (s, what) => out.malformed.push([s, what]),
    },
  };
}

describe('hostile frames: the classes of defect the fuzz suite found', () => {
  it("a level's number written as anything but a decimal ('0x10', '', ' 1', '1 ') is invalid, never read as 16 or 0", () => {
    for (const bad of ['0x10', '0X10', '0b1', '0o7', '', ' 1', '1 ', '\n1', ' ']) {
      for (const side of ['bids', 'asks']) {
        for (const at of [0, 1]) {
          const book = new OrderBook('X/Y');
          const sync = new BookSync(book, straddleRule);
          sync.onSnapshot({ nonce: 1, bids: [['99', '1']], asks: [['101', '1']] });
          const level = at === 0 ? [bad, '1'] : ['100', bad];
          const r = sync.onDelta({ first: 2, last: 2, bids: side === 'bids' ? [level] : [], asks: side === 'asks' ? [level] : [] });
          assert.strictEqual(r.kind, 'invalid', `${side} ${JSON.stringify(level)}: ${r.kind}`);
        }
      }
    }
  });

  describe('okx: sequence ids and actions', () => {
    const stream = 'books:BTC-USDT';
    const push = (action, data) => JSON.stringify({ arg: { channel: 'books', instId: 'BTC-USDT' }, ...(action === undefined ? {} : { action }), data: [data] });
    const update = (ids) => ({ asks: [['60000.1', '1', '0', '1']], bids: [], ts: '1796217191221', checksum: 0, ...ids });

    for (const [what, ids] of [
      ['no seqId (prevSeqId only)', { prevSeqId: 10 }],
      ['no prevSeqId (seqId only)', { seqId: 11 }],
      ['seqId -1', { prevSeqId: 10, seqId: -1 }],
      ['seqId "abc"', { prevSeqId: 10, seqId: 'abc' }],
      ['seqId 2^53 + 2', { prevSeqId: 10, seqId: 2 ** 53 + 2 }],
      ['prevSeqId []', { prevSeqId: [], seqId: 11 }],
      ['prevSeqId -2', { prevSeqId: -2, seqId: 11 }],
    ]) {
      it(`an update with ${what} is malformed for its book, not applied under a made-up id`, () => {
        const s = sink({ [stream]: 'BTC/USDT' });
        okxDecode(push('update', update(ids)), s.sink);
        assert.deepStrictEqual(s.out.deltas, []);
        assert.strictEqual(s.out.malformed.length, 1);
        assert.strictEqual(s.out.malformed[0][0], stream);
      });
    }

    it('an update with both ids, or (the 2022 capture) with neither, is still a delta', () => {
      const s = sink({ [stream]: 'BTC/USDT' });
      okxDecode(push('update', update({ prevSeqId: 10, seqId: 11 })), s.sink);
      okxDecode(push('update', update({})), s.sink);
      assert.deepStrictEqual(s.out.deltas.map(([, d]) => [d.prev, d.last]), [[10, 11], [undefined, 1796217191221]]);
      assert.deepStrictEqual(s.out.malformed, []);
    });

    for (const action of [undefined, 'null', 'partial', '__proto__']) {
      it(`a books push with action ${JSON.stringify(action)} is malformed, not taken for a snapshot that replaces the book`, () => {
        const s = sink({ [stream]: 'BTC/USDT' });
        okxDecode(push(action, update({ prevSeqId: 10, seqId: 11 })), s.sink);
        assert.deepStrictEqual(s.out.snapshots, []);
        assert.deepStrictEqual(s.out.deltas, []);
        assert.strictEqual(s.out.malformed.length, 1);
      });
    }

    it('books5 pushes (no action, a seqId only) are still snapshots', () => {
      const s = sink({ 'books5:BTC-USDT': 'BTC/USDT' });
      okxDecode(JSON.stringify({ arg: { channel: 'books5', instId: 'BTC-USDT' }, data: [{ asks: [['60000.1', '1', '0', '1']], bids: [], ts: '1', seqId: 5 }] }), s.sink);
      assert.deepStrictEqual(s.out.snapshots.map(([, x]) => x.nonce), [5]);
      assert.deepStrictEqual(s.out.malformed, []);
    });
  });

  describe('coinbase: the connection sequence number', () => {
    const l2 = (seq) =>
      JSON.stringify({
        channel: 'l2_data',
        timestamp: '2026-12-02T13:13:11.710000000Z',
        ...(seq === undefined ? {} : { sequence_num: seq }),
        events: [{ type: 'update', product_id: 'BTC-USD', updates: [{ side: 'bid', event_time: '2026-12-02T13:13:11.710000Z', price_level: '59999.99', new_quantity: '1' }] }],
      });

    for (const bad of ['NaN', '8', 8.5, -1, 2 ** 53 + 2, null, 'Infinity', {}]) {
      it(`sequence_num ${JSON.stringify(bad)} makes the frame malformed: nothing applied, the count goes on`, () => {
        const s = sink({ 'level2:BTC-USD': 'BTC/USD' });
        coinbaseDecode(l2(7), s.sink);
        coinbaseDecode(l2(bad), s.sink);
        coinbaseDecode(l2(8), s.sink);
        assert.strictEqual(s.out.deltas.length, 2, 'the frames numbered 7 and 8');
        assert.strictEqual(s.out.malformed.length, 1);
        assert.deepStrictEqual(s.out.lost, [], 'the count was not disturbed');
      });
    }

    it('a frame without sequence_num, once the connection numbers its frames, is malformed', () => {
      const s = sink({ 'level2:BTC-USD': 'BTC/USD' });
      coinbaseDecode(l2(7), s.sink);
      coinbaseDecode(l2(undefined), s.sink);
      assert.strictEqual(s.out.deltas.length, 1);
      assert.strictEqual(s.out.malformed.length, 1);
    });
  });

  describe('bitfinex: sequence numbers and snapshots', () => {
    const stream = 'book:tBTCUSD';
    function subscribed() {
      const s = sink({ [stream]: 'BTC/USD' });
      bitfinexStreams.encodeSubscribe(stream, 1, s.state.get(bitfinexStreams.newConnection), 25);
      bitfinexDecode(JSON.stringify({ event: 'subscribed', channel: 'book', chanId: 17001, symbol: 'tBTCUSD', prec: 'P0', freq: 'F0', len: '25', subId: 1 }), s.sink);
      bitfinexDecode(JSON.stringify([17001, [[59999, 2, 0.5], [60001, 1, -0.5]], 1]), s.sink);
      return s;
    }

    for (const bad of [null, -1, 2.5, 'x', [[]], 1e400]) {
      it(`a book frame whose sequence number is ${typeof bad === 'number' ? String(bad) : JSON.stringify(bad)} is malformed for the book, not numbered locally and applied`, () => {
        const s = subscribed();
        bitfinexDecode(`[17001,[59998,1,0.25],${JSON.stringify(bad) ?? 'null'}]`.replace('null', bad === 1e400 ? '1e400' : 'null'), s.sink);
        assert.deepStrictEqual(s.out.deltas, []);
        assert.deepStrictEqual(s.out.malformed.map(([x]) => x), [stream]);
        bitfinexDecode(JSON.stringify([17001, [59998, 1, 0.25], 2]), s.sink);
        assert.strictEqual(s.out.deltas.length, 1, 'the numbered frame is applied');
        assert.deepStrictEqual(s.out.lost, []);
      });
    }

    it('a second snapshot on a channel (even an empty one) is malformed, not a new book', () => {
      const s = subscribed();
      bitfinexDecode(JSON.stringify([17001, [], 2]), s.sink);
      assert.strictEqual(s.out.snapshots.length, 1, 'only the first');
      assert.deepStrictEqual(s.out.malformed.map(([x]) => x), [stream]);
    });

    it('after a new subscription of the channel its snapshot is taken again', () => {
      const s = subscribed();
      bitfinexStreams.encodeSubscribe(stream, 2, s.state.get(bitfinexStreams.newConnection), 25);
      bitfinexDecode(JSON.stringify({ event: 'subscribed', channel: 'book', chanId: 17001, symbol: 'tBTCUSD', prec: 'P0', freq: 'F0', len: '25', subId: 2 }), s.sink);
      bitfinexDecode(JSON.stringify([17001, [[59999, 2, 0.5]], 2]), s.sink);
      assert.strictEqual(s.out.snapshots.length, 2);
      assert.deepStrictEqual(s.out.malformed, []);
    });
  });

  it("binance: a JSON frame that is not an object ('null', '1', '\"x\"') is reported malformed, no TypeError", () => {
    for (const text of ['null', '1', '"x"', 'true']) {
      const s = sink({});
      assert.doesNotThrow(() => binanceDecode(text, s.sink), text);
      assert.strictEqual(s.out.malformed.length, 1, text);
    }
  });
});

describe('stream hub: a stream wanted again while its unsubscribe is still queued', () => {
  let wss;
  let hub;
  afterEach(async () => {
    await hub?.close();
    for (const c of wss?.clients ?? []) c.terminate();
    await new Promise((r) => (wss ? wss.close(r) : r()));
  });

  it('sends the unsubscribe, then a subscribe (the server still streamed it: a subscribe alone is refused "Already subscribed")', async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    const got = [];
    wss.on('connection', (ws) => ws.on('message', (m) => got.push(String(m))));
    const url = `ws://127.0.0.1:${wss.address().port}`;
    hub = new StreamHub(
      {
        namesInUrl: () => [],
        url: () => url,
        encodeSubscribe: (names) => `SUB ${names.join(',')}`,
        encodeUnsubscribe: (names) => `UNSUB ${names.join(',')}`,
        maxStreamsPerConnection: 10,
        maxNamesPerMessage: 10,
        maxMessagesPerSecond: 100,
        connection: { exchange: 'test' },
      },
      { frame: () => {}, interrupted: () => {}, refused: () => {}, status: () => {}, error: () => {} },
    );
    hub.add('keep');
    hub.add('a');
    await until(() => got.length >= 1, 'the first subscribe');
    // in one tick: unwanted, then wanted again, before the hub flushed
    hub.remove('a');
    hub.add('a');
    await until(() => got.length >= 3, 'two more messages');
    assert.deepStrictEqual(got, ['SUB keep,a', 'UNSUB a', 'SUB a']);
  });
});

describe('kraken: a rejected frame below the checksummed top 10 (issue #15 item 1)', function () {
  const { kraken, errors } = require('..');
  const { KrakenStub } = require('./support/kraken-stub');
  const { sides, nextEvent } = require('./support/wait');
  let stub;
  let ex;
  afterEach(async () => {
    await ex?.close();
    await stub?.close();
  });

  it('is reported, the book resyncs (invalid) by subscribing again, and is exact from the fresh snapshot: never served without the update', async () => {
    stub = await KrakenStub.start();
    const bids = [];
    const asks = [];
    for (let i = 1; i <= 20; i++) {
      bids.push([30000 - i, i / 10]);
      asks.push([30000 + i, i / 10]);
    }
    stub.seed('BTC/USD', bids, asks);
    stub.seed('ETH/USD', [[1999, 1]], [[2001, 1]]);
    ex = new kraken({ ws: true, urls: stub.urls, timeoutMs: 5000, bookDepth: 25, reconnect: { baseDelayMs: 20, maxDelayMs: 100 } });
    const errs = [];
    const resyncs = [];
    ex.on('error', (e) => errs.push(e));
    ex.on('resync', (e) => resyncs.push(e));
    assert.deepStrictEqual(sides(await ex.fetchOrderBook('BTC/USD')), sides(stub.truth('BTC/USD', 25)));
    const subscribes = () => stub.controlMessages.filter((m) => m.method === 'subscribe' && m.params.channel === 'book').length;
    assert.strictEqual(subscribes(), 1);

    // the 15th bid (outside the top 10 the checksum covers) with a negative quantity; the checksum is right
    const resynced = nextEvent(ex, 'resync', (e) => e.reason === 'invalid');
    assert.strictEqual(stub.book('BTC/USD', [], [], { exact: [[[29985, -1]], []] }), 1);
    const r = await resynced;
    assert.strictEqual(r.symbol, 'BTC/USD');
    const e = errs.find((x) => x instanceof errors.BadResponse);
    assert.ok(e, `a BadResponse, got ${errs.map((x) => x.message)}`);
    assert.strictEqual(e.exchange, 'kraken');
    assert.strictEqual(e.symbol, 'BTC/USD');

    // subscribed again for a fresh snapshot, and exact from it
    const { until } = require('./support/wait');
    await until(() => subscribes() === 2, 'a second book subscribe');
    const unsub = stub.controlMessages.findIndex((m) => m.method === 'unsubscribe' && m.params.channel === 'book');
    assert.ok(unsub >= 0, 'the old subscription was dropped first');
    stub.book('BTC/USD', [[29990, 7]], []);
    await until(async () => JSON.stringify(sides(await ex.fetchOrderBook('BTC/USD'))) === JSON.stringify(sides(stub.truth('BTC/USD', 25))), 'the book equal to the server\'s');
    assert.deepStrictEqual(resyncs.map((x) => x.reason), ['invalid']);
  });
});
