'use strict';
/**
 * Fault injection on the Kraken simulator (sim.faults), seen by a raw v2 client that keeps the book
 * the way Kraken documents and checks every checksum with its own CRC-32: a corrupted checksum, a
 * lost update (no sequence numbers: the loss shows as a checksum the client's book cannot match),
 * dropped connections, a malformed frame, silence and resume.
 */
const assert = require('assert');
const { simulate } = require('../js/sim');
const { until } = require('./support/wait');
const { wsClients } = require('./support/ws-client');
const { KrakenBook } = require('./support/book-oracles');
const { faultBetweenMessages } = require('./support/fault-drills');

describe('kraken simulator: faults', function () {
  let sim;
  const clients = wsClients();

  beforeEach(async () => {
    sim = await simulate('kraken', { seed: 11, tickMs: 5, heartbeatMs: 100 });
  });

  afterEach(async () => {
    clients.closeAll();
    await sim.close();
  });

  /**
   * A raw v2 client subscribed to one book (depth 10), kept the way Kraken documents it, with the
   * verdict of each book message's checksum in `verdicts`; resolves after `ready` of them.
   */
  async function bookClient(symbol = 'BTC/USD', ready = 3) {
    const c = await clients.connect(`${sim.urls.ws}/v2`);
    const book = new KrakenBook(10);
    c.verdicts = [];
    c.follow((m, text) => {
      if (m.channel !== 'book' || m.data[0].symbol !== symbol) return;
      book.apply(text, m.type === 'snapshot');
      c.verdicts.push({ type: m.type, ok: book.checksum() === m.data[0].checksum });
    });
    c.send({ method: 'subscribe', params: { channel: 'book', symbol: [symbol], depth: 10 } });
    await c.until(() => c.verdicts.length >= ready, `${ready} book messages of ${symbol}`);
    return c;
  }

  it('corruptChecksum: exactly the next book message carries a checksum nobody can match', async () => {
    const c = await bookClient();
    const other = await bookClient('ETH/USD');
    assert.ok(c.verdicts.every((v) => v.ok));
    const otherFrom = other.verdicts.length;
    const after = await faultBetweenMessages(c, () => sim.faults.corruptChecksum('BTC/USD'), 5);
    assert.deepStrictEqual(after.map((v) => v.ok), [false, true, true, true, true]);
    await other.until(() => other.verdicts.length >= otherFrom + 3);
    assert.ok(other.verdicts.every((v) => v.ok), 'other pairs are untouched');
  });

  it('corruptChecksum also reaches the snapshot of a new subscription', async () => {
    sim.faults.corruptChecksum('XXBTZUSD');
    const c = await bookClient('BTC/USD', 2);
    assert.deepStrictEqual(c.verdicts.slice(0, 2), [{ type: 'snapshot', ok: false }, { type: 'update', ok: true }]);
  });

  it('skipSequence: an update is lost, so a later checksum fails against the client\'s book', async () => {
    const c = await bookClient();
    const from = c.verdicts.length;
    sim.faults.skipSequence('BTC/USD');
    await c.until(() => c.verdicts.slice(from).some((v) => !v.ok));
    const after = c.verdicts.slice(from);
    assert.ok(after.some((v) => !v.ok));
    // a fresh subscription gets a consistent book again
    const fresh = await bookClient();
    await fresh.until(() => fresh.verdicts.length >= 5);
    assert.ok(fresh.verdicts.every((v) => v.ok));
  });

  it('dropConnections closes every socket (or those on a path) and reports how many', async () => {
    const a = await bookClient();
    const b = await bookClient('ETH/USD');
    assert.strictEqual(sim.faults.dropConnections({ path: '/nope' }), 0);
    assert.strictEqual(sim.faults.dropConnections({ path: '/v2' }), 2);
    await a.closed;
    await b.closed;
  });

  it('malformedFrame sends a non-JSON frame to every connection', async () => {
    const c = await bookClient();
    assert.strictEqual(sim.faults.malformedFrame('{"channel":"book",'), 1);
    await c.until(() => c.texts.includes('{"channel":"book",'));
    await c.until(() => c.verdicts.length >= 10);
    assert.ok(c.verdicts.every((v) => v.ok), 'the stream goes on');
  });

  it('silence withholds every frame and pong until resume', async () => {
    const c = await bookClient();
    sim.faults.silence();
    assert.strictEqual(sim.faults.isSilenced, true);
    c.send({ method: 'ping', req_id: 5 });
    let pongs = 0;
    c.ws.on('pong', () => pongs++);
    c.ws.ping('x');
    await until(() => sim.faults.withheld.frames >= 5 && sim.faults.withheld.pongs >= 1, 'withheld frames and a pong');
    assert.strictEqual(pongs, 0);
    assert.ok(!c.texts.some((r) => r.includes('"pong"')));
    sim.faults.resume();
    c.send({ method: 'ping', req_id: 6 });
    await c.next((m) => m.req_id === 6);
  });
});
