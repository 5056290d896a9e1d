'use strict';
const assert = require('assert');
const { Watch } = require('../js/base/watch');
const { EventHub } = require('../js/base/events');

/** A source the test pushes into by hand. */
function source() {
  const s = { push: undefined, fail: undefined, subscribed: 0, released: 0, initial: [] };
  s.subscribe = (push, fail, initial) => {
    s.subscribed++;
    s.initial.push(initial);
    s.push = push;
    s.fail = fail;
    return () => s.released++;
  };
  return s;
}

describe('Watch (async iterator + thenable)', () => {
  it('conflate mode: a slow reader gets the latest value, not a backlog', async () => {
    const s = source();
    const w = new Watch(s.subscribe, { mode: 'conflate' });
    const first = w.next();
    s.push(1);
    assert.deepStrictEqual(await first, { value: 1, done: false });
    s.push(2);
    s.push(3);
    s.push(4);
    assert.deepStrictEqual(await w.next(), { value: 4, done: false });
    assert.strictEqual(s.initial[0], true, 'an iterator asks for the current value first');
  });

  it('conflate mode with a key keeps one latest value per key, in update order', async () => {
    const s = source();
    const w = new Watch(s.subscribe, { mode: 'conflate', conflateKey: (v) => v.symbol });
    const first = w.next();
    s.push({ symbol: 'A', n: 0 });
    await first;
    s.push({ symbol: 'A', n: 1 });
    s.push({ symbol: 'B', n: 1 });
    s.push({ symbol: 'A', n: 2 });
    assert.deepStrictEqual((await w.next()).value, { symbol: 'B', n: 1 });
    assert.deepStrictEqual((await w.next()).value, { symbol: 'A', n: 2 });
  });

  it('queue mode keeps every batch in order and reports overflow instead of dropping silently', async () => {
    const s = source();
    const dropped = [];
    const w = new Watch(s.subscribe, { mode: 'queue', maxQueue: 3, onOverflow: (n) => dropped.push(n) });
    const p = w.next();
    s.push([1]);
    assert.deepStrictEqual((await p).value, [1]);
    for (let i = 2; i <= 6; i++) s.push([i]);
    // one report per episode of falling behind, not one per dropped batch; the count is kept
    assert.deepStrictEqual(dropped, [1]);
    assert.strictEqual(w.dropped, 2);
    assert.deepStrictEqual((await w.next()).value, [4]);
    assert.deepStrictEqual((await w.next()).value, [5]);
    assert.deepStrictEqual((await w.next()).value, [6]);
    // the reader caught up: falling behind again is a new episode, reported again
    for (let i = 7; i <= 10; i++) s.push([i]);
    assert.deepStrictEqual(dropped, [1, 1]);
    assert.strictEqual(w.dropped, 3);
    assert.deepStrictEqual((await w.next()).value, [8]);
  });

  it('a reader that never catches up is reported once, however many batches are dropped', () => {
    const s = source();
    const dropped = [];
    const w = new Watch(s.subscribe, { mode: 'queue', maxQueue: 2, onOverflow: (n) => dropped.push(n) });
    void w.next();
    for (let i = 0; i < 1000; i++) s.push([i]);
    assert.deepStrictEqual(dropped, [1]);
    assert.strictEqual(w.dropped, 997);
  });

  it('break out of for-await releases the subscription', async () => {
    const s = source();
    const w = new Watch(s.subscribe, { mode: 'queue' });
    setImmediate(() => {
      s.push('a');
      s.push('b');
    });
    const got = [];
    for await (const v of w) {
      got.push(v);
      if (got.length === 2) break;
    }
    assert.deepStrictEqual(got, ['a', 'b']);
    assert.strictEqual(s.released, 1);
    assert.deepStrictEqual(await w.next(), { value: undefined, done: true });
  });

  it('await resolves with the next update, asks for no initial value, and retains the stream', async () => {
    const s = source();
    let retained = 0;
    const w = new Watch(s.subscribe, { mode: 'conflate', retain: () => retained++ });
    const p = Promise.resolve(w);
    await new Promise((r) => setImmediate(r));
    assert.strictEqual(s.initial[0], false);
    s.push(42);
    assert.strictEqual(await p, 42);
    assert.strictEqual(retained, 1);
  });

  it('a source failure rejects the pending read', async () => {
    const s = source();
    const w = new Watch(s.subscribe, { mode: 'conflate' });
    const p = w.next();
    s.fail(new Error('refused'));
    await assert.rejects(p, /refused/);
  });
});

describe('EventHub', () => {
  it('isolates a throwing callback and reports it on error', () => {
    const hub = new EventHub('test');
    const errors = [];
    const got = [];
    hub.add('error', (e) => errors.push(e));
    hub.add('k', () => {
      throw new Error('bad callback');
    });
    hub.add('k', (v) => got.push(v));
    hub.emit('k', 1);
    assert.deepStrictEqual(got, [1]);
    assert.strictEqual(errors.length, 1);
    assert.match(errors[0].message, /^test: a callback on 'k' threw: bad callback/);
  });

  it('names the channel, symbol and timeframe of a throwing callback as the user wrote them', () => {
    const hub = new EventHub('binance');
    const errors = [];
    hub.add('error', (e) => errors.push(e));
    hub.add('ohlcv|BTC/USDT|1m', () => {
      throw new Error('oops');
    });
    hub.emit('ohlcv|BTC/USDT|1m', []);
    assert.strictEqual(errors[0].message, "binance BTC/USDT: a callback on 'ohlcv' (1m) threw: oops");
    assert.strictEqual(errors[0].symbol, 'BTC/USDT');
    assert.ok(!errors[0].message.includes('|'), 'no internal event key in the message');
  });

  it('remove finds the wrapped callback; count tracks listeners', () => {
    const hub = new EventHub('test');
    const got = [];
    const cb = (v) => got.push(v);
    const off = hub.add('k', cb);
    assert.strictEqual(hub.count('k'), 1);
    off();
    hub.emit('k', 1);
    assert.deepStrictEqual(got, []);
    assert.strictEqual(hub.count('k'), 0);
  });
});
