'use strict';
const assert = require('assert');
const sinon = require('sinon');
const { RateLimiter } = require('../js/transport/rate-limiter');

describe('transport/RateLimiter', () => {
  let clock;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => clock.restore());

  // Tracks whether a promise has settled, without awaiting it.
  function track(p) {
    const t = { done: false };
    p.then(() => (t.done = true));
    return t;
  }

  it('lets a full bucket through at once, then waits for refill', async () => {
    const limiter = new RateLimiter({ capacity: 2, intervalMs: 1000 });
    await limiter.acquire();
    await limiter.acquire();
    const third = track(limiter.acquire());
    await clock.tickAsync(0);
    assert.strictEqual(third.done, false, 'empty bucket must make acquire wait');
    assert.strictEqual(limiter.pending, 1);
    await clock.tickAsync(499); // 2 tokens per 1000 ms: one token takes 500 ms
    assert.strictEqual(third.done, false);
    await clock.tickAsync(1);
    assert.strictEqual(third.done, true);
    assert.strictEqual(limiter.pending, 0);
    assert.strictEqual(clock.countTimers(), 0, 'no timer may remain once nobody waits');
  });

  it('charges by weight and serves waiters in order', async () => {
    const limiter = new RateLimiter({ capacity: 10, intervalMs: 1000 });
    await limiter.acquire(10);
    const order = [];
    const heavy = limiter.acquire(6).then(() => order.push('heavy'));
    const light = limiter.acquire(1).then(() => order.push('light'));
    await clock.tickAsync(599);
    assert.deepStrictEqual(order, []);
    await clock.tickAsync(1); // 6 tokens after 600 ms
    assert.deepStrictEqual(order, ['heavy']);
    await clock.tickAsync(100);
    assert.deepStrictEqual(order, ['heavy', 'light']);
    await Promise.all([heavy, light]);
  });

  it('lets a weight above capacity through once the bucket is full', async () => {
    const limiter = new RateLimiter({ capacity: 5, intervalMs: 1000 });
    await limiter.acquire(50); // full bucket: allowed, bucket goes into debt
    const next = track(limiter.acquire(1));
    await clock.tickAsync(9000);
    assert.strictEqual(next.done, false, 'debt of 45 tokens takes 9 s to repay, plus one token');
    await clock.tickAsync(200);
    assert.strictEqual(next.done, true);
  });

  it('pauseUntil blocks every acquire until the given time', async () => {
    const limiter = new RateLimiter({ capacity: 100, intervalMs: 1000 });
    limiter.pauseUntil(Date.now() + 3000);
    const a = track(limiter.acquire());
    await clock.tickAsync(2999);
    assert.strictEqual(a.done, false, 'paused limiter must not hand out tokens');
    await clock.tickAsync(1);
    assert.strictEqual(a.done, true);
    // an earlier pause never shortens a later one
    limiter.pauseUntil(Date.now() + 2000);
    limiter.pauseUntil(Date.now() + 500);
    const b = track(limiter.acquire());
    await clock.tickAsync(1999);
    assert.strictEqual(b.done, false);
    await clock.tickAsync(1);
    assert.strictEqual(b.done, true);
  });

  it('a pause holds back acquires made in the middle of it, with a refilled bucket', async () => {
    const limiter = new RateLimiter({ capacity: 100, intervalMs: 1000 });
    limiter.pauseUntil(Date.now() + 3000);
    await clock.tickAsync(1500); // the bucket is full again by now, but the pause still holds
    const a = track(limiter.acquire());
    await clock.tickAsync(1499);
    assert.strictEqual(a.done, false);
    await clock.tickAsync(1);
    assert.strictEqual(a.done, true);
  });

  it('a pause also empties the bucket: after it, tokens come at the refill rate', async () => {
    const limiter = new RateLimiter({ capacity: 10, intervalMs: 10_000 }); // 1 token per second
    limiter.pauseUntil(Date.now() + 1000);
    const one = track(limiter.acquire(1));
    const two = track(limiter.acquire(2));
    await clock.tickAsync(1000);
    assert.strictEqual(one.done, true, '1 token has refilled during the 1 s pause');
    assert.strictEqual(two.done, false, 'the bucket restarted empty, not full');
    await clock.tickAsync(1999);
    assert.strictEqual(two.done, false);
    await clock.tickAsync(1);
    assert.strictEqual(two.done, true);
  });

  it('does not let a light request overtake a waiting heavy one', async () => {
    const limiter = new RateLimiter({ capacity: 10, intervalMs: 1000 });
    await limiter.acquire(5); // 5 tokens left
    const heavy = track(limiter.acquire(8));
    const light = track(limiter.acquire(1)); // would fit now, but must queue behind heavy
    await clock.tickAsync(0);
    assert.strictEqual(light.done, false, 'FIFO: light request overtook the heavy one');
    await clock.tickAsync(300);
    assert.strictEqual(heavy.done, true);
    await clock.tickAsync(100);
    assert.strictEqual(light.done, true);
  });

  it("'fixed' window: no more than the budget inside any one counted window, whatever the timing (Binance weight per minute)", async () => {
    // start 1 s before a minute boundary on the clock
    clock.setSystemTime(60_000 * 100 - 1000);
    const limiter = new RateLimiter({ capacity: 6000, intervalMs: 60_000, window: 'fixed' });
    const spentIn = new Map();
    const spend = async (w) => {
      await limiter.acquire(w);
      const minute = Math.floor(Date.now() / 60_000);
      spentIn.set(minute, (spentIn.get(minute) ?? 0) + w);
    };
    // 48 requests of weight 250 (twice the budget), all asked for at once
    const all = Promise.all(Array.from({ length: 48 }, () => spend(250)));
    await clock.tickAsync(0);
    assert.strictEqual(limiter.pending, 24, 'half wait for the next counted minute');
    await clock.tickAsync(999);
    assert.strictEqual(limiter.pending, 24, 'not a token before the boundary');
    await clock.tickAsync(1);
    await all;
    for (const [minute, w] of spentIn) assert.ok(w <= 6000, `minute ${minute}: ${w}`);
    assert.deepStrictEqual([...spentIn.values()], [6000, 6000]);
    assert.strictEqual(clock.countTimers(), 0);
  });

  it("a rolling bucket would let the same burst put 1.5x the budget into one counted minute (why Binance uses 'fixed')", async () => {
    clock.setSystemTime(60_000 * 100 - 30_000);
    const limiter = new RateLimiter({ capacity: 6000, intervalMs: 60_000 });
    const spentIn = new Map();
    const jobs = [];
    for (let i = 0; i < 48; i++) {
      jobs.push(
        limiter.acquire(250).then(() => {
          const minute = Math.floor(Date.now() / 60_000);
          spentIn.set(minute, (spentIn.get(minute) ?? 0) + 250);
        }),
      );
    }
    await clock.tickAsync(60_000);
    await Promise.all(jobs);
    assert.ok(Math.max(...spentIn.values()) > 6000, JSON.stringify([...spentIn]));
  });

  it('sync(used): the exchange\'s own count of the window wins over ours', async () => {
    clock.setSystemTime(60_000 * 100);
    const limiter = new RateLimiter({ capacity: 6000, intervalMs: 60_000, window: 'fixed' });
    await limiter.acquire(10);
    limiter.sync(5900); // other clients on this IP spent most of the minute
    const next = track(limiter.acquire(250));
    await clock.tickAsync(0);
    assert.strictEqual(next.done, false, 'only 100 left by the server\'s count');
    await clock.tickAsync(60_000);
    assert.strictEqual(next.done, true);
    limiter.sync(-1); // nonsense is ignored
    limiter.sync(NaN);
    await limiter.acquire(5000);
  });

  it('close(err) rejects every waiter and every later acquire, and leaves no timer', async () => {
    const limiter = new RateLimiter({ capacity: 1, intervalMs: 60_000 });
    await limiter.acquire();
    const waiting = limiter.acquire().then(() => 'resolved', (e) => e.message);
    limiter.close(new Error('closed'));
    assert.strictEqual(await waiting, 'closed');
    await assert.rejects(limiter.acquire(), /closed/);
    assert.strictEqual(clock.countTimers(), 0);
  });

  it('rejects nonsensical options', () => {
    assert.throws(() => new RateLimiter({ capacity: 0, intervalMs: 1000 }), RangeError);
    assert.throws(() => new RateLimiter({ capacity: 1, intervalMs: -1 }), RangeError);
  });
});
