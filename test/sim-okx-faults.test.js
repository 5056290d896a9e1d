'use strict';
/**
 * Fault injection on the OKX simulator (sim.faults), seen by a raw client of the books channel:
 * a lost update (the next prevSeqId does not match), a corrupted checksum, dropped connections
 * (optionally by path), a malformed frame, silence (no data, no pong) and resume.
 */
const assert = require('assert');
const { simulate } = require('../js/sim');
const { until } = require('./support/wait');
const { wsClients } = require('./support/ws-client');
const { OkxBook } = require('./support/book-oracles');
const { faultBetweenMessages } = require('./support/fault-drills');

describe('okx simulator: faults', function () {
  let sim;
  const clients = wsClients();

  beforeEach(async () => {
    sim = await simulate('okx', { seed: 13, tickMs: 5, books: 'stream-snapshot' /* snapshot frames and checksums */ });
  });

  afterEach(async () => {
    clients.closeAll();
    await sim.close();
  });

  /**
   * A raw client of one instrument's `books` channel that records in `verdicts`, per message, whether
   * its seqId chain and its checksum hold; resolves after 3 messages.
   */
  async function booksClient(instId = 'BTC-USDT', path = '/ws/v5/public') {
    const c = await clients.connect(`${sim.urls.ws}${path}`);
    const book = new OkxBook();
    c.verdicts = [];
    c.follow((m) => {
      if (m.arg && m.arg.channel === 'books' && m.arg.instId === instId && m.data) c.verdicts.push(book.apply(m.action, m.data[0]));
    });
    c.send({ op: 'subscribe', args: [{ channel: 'books', instId }] });
    await c.until(() => c.verdicts.length >= 3, `3 books messages of ${instId}`);
    return c;
  }

  it('skipSequence: the next update is lost, so its successor\'s prevSeqId does not match', async () => {
    const c = await booksClient();
    const other = await booksClient('ETH-USDT');
    const otherFrom = other.verdicts.length;
    const after = await faultBetweenMessages(c, () => sim.faults.skipSequence('BTC/USDT'), 3);
    assert.deepStrictEqual(after.map((x) => x.chained), [false, true, true]);
    await other.until(() => other.verdicts.length >= otherFrom + 3);
    assert.ok(other.verdicts.every((x) => x.chained && x.sumOk), 'other instruments are untouched');
  });

  it('corruptChecksum: exactly the next books message carries a wrong checksum', async () => {
    const c = await booksClient();
    assert.ok(c.verdicts.every((x) => x.sumOk && x.chained));
    const after = await faultBetweenMessages(c, () => sim.faults.corruptChecksum('BTC-USDT'), 4);
    assert.deepStrictEqual(after.map((x) => x.sumOk), [false, true, true, true]);
    assert.ok(c.verdicts.every((x) => x.chained));
  });

  it('corruptChecksum reaches the snapshot of a new subscription', async () => {
    sim.faults.corruptChecksum('BTC-USDT');
    const c = await booksClient();
    assert.deepStrictEqual(c.verdicts.slice(0, 2).map((x) => [x.action, x.sumOk]), [['snapshot', false], ['update', true]]);
  });

  it('dropConnections closes every socket, or those on a path', async () => {
    const pub = await booksClient();
    const biz = await clients.connect(`${sim.urls.ws}/ws/v5/business`);
    assert.strictEqual(sim.faults.dropConnections({ path: '/ws/v5/business' }), 1);
    await biz.closed;
    assert.strictEqual(sim.faults.dropConnections(), 1);
    await pub.closed;
  });

  it('malformedFrame sends a non-JSON frame to every connection', async () => {
    const c = await booksClient();
    assert.strictEqual(sim.faults.malformedFrame(), 1);
    await c.until(() => c.texts.some((r) => r.startsWith('{"arg":{"channel":"books","instId":') && !r.endsWith('}')));
    const n = c.verdicts.length;
    await c.until(() => c.verdicts.length >= n + 3);
    assert.ok(c.verdicts.every((x) => x.chained && x.sumOk));
  });

  it('silence withholds data and pong until resume', async () => {
    const c = await booksClient();
    sim.faults.silence();
    c.send('ping');
    await until(() => sim.faults.withheld.frames >= 3, 'withheld frames');
    assert.ok(!c.texts.includes('pong'));
    sim.faults.resume();
    c.send('ping');
    await c.next((m) => m.text === 'pong');
  });
});
