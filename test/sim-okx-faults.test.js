'use strict';
/**
 * Fault injection on the OKX simulator (sim.faults), seen by a raw client of the books channel:
 * a lost update (the next prevSeqId does not match), a corrupted checksum, dropped connections
 * (optionally by path), a malformed frame, silence (no data, no pong) and resume.
 */
const assert = require('assert');
const WebSocket = require('ws');
const { simulate } = require('../js/sim');

function crc32(str) {
  let c = ~0;
  for (const b of Buffer.from(str, 'utf8')) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A raw books client recording, per message, whether its seqId chain and its checksum hold. */
class BooksClient {
  constructor(url, instId) {
    this.ws = new WebSocket(url);
    this.instId = instId;
    this.bids = new Map();
    this.asks = new Map();
    this.seqId = undefined;
    this.log = [];
    this.raw = [];
    this.waiters = [];
    this.opened = new Promise((resolve) => this.ws.once('open', resolve));
    this.closed = new Promise((resolve) => this.ws.once('close', resolve));
    this.ws.on('message', (d) => {
      const raw = String(d);
      this.raw.push(raw);
      let m;
      try {
        m = JSON.parse(raw);
      } catch {
        m = undefined;
      }
      if (m && m.arg && m.arg.channel === 'books' && m.data) this.onBooks(m);
      for (const w of [...this.waiters]) if (w.pred()) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  }
  subscribe() {
    this.ws.send(JSON.stringify({ op: 'subscribe', args: [{ channel: 'books', instId: this.instId }] }));
  }
  onBooks(m) {
    const d = m.data[0];
    if (m.action === 'snapshot') {
      this.bids.clear();
      this.asks.clear();
    }
    const chained = m.action === 'snapshot' || d.prevSeqId === this.seqId;
    this.seqId = d.seqId;
    for (const [side, map] of [['bids', this.bids], ['asks', this.asks]]) {
      for (const [p, s] of d[side]) {
        if (Number(s) === 0) map.delete(p);
        else map.set(p, s);
      }
    }
    const sort = (map, desc) => [...map.entries()].sort((a, b) => (desc ? b[0] - a[0] : a[0] - b[0]));
    const b = sort(this.bids, true);
    const a = sort(this.asks, false);
    const parts = [];
    for (let i = 0; i < 25; i++) {
      if (b[i]) parts.push(b[i][0], b[i][1]);
      if (a[i]) parts.push(a[i][0], a[i][1]);
    }
    this.log.push({ action: m.action, chained, sumOk: (crc32(parts.join(':')) | 0) === d.checksum });
  }
  until(pred) {
    return pred() ? Promise.resolve() : new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }
  close() {
    this.ws.terminate();
  }
}

async function eventually(fn) {
  while (!fn()) await new Promise((r) => setImmediate(r));
}

describe('okx simulator: faults', function () {
  let sim;
  let clients;

  beforeEach(async () => {
    sim = await simulate('okx', { seed: 13, tickMs: 5, books: 'stream-snapshot' /* snapshot frames and checksums */ });
    clients = [];
  });

  afterEach(async () => {
    for (const c of clients) c.close();
    await sim.close();
  });

  async function booksClient(instId = 'BTC-USDT', path = '/ws/v5/public') {
    const c = new BooksClient(`${sim.urls.ws}${path}`, instId);
    clients.push(c);
    await c.opened;
    c.subscribe();
    await c.until(() => c.log.length >= 3);
    return c;
  }

  it('skipSequence: the next update is lost, so its successor\'s prevSeqId does not match', async () => {
    const c = await booksClient();
    const other = await booksClient('ETH-USDT');
    // act right after a message of `c` arrived, so that none of its messages is in flight
    const n = c.log.length;
    await c.until(() => c.log.length > n);
    const from = c.log.length;
    const otherFrom = other.log.length;
    sim.faults.skipSequence('BTC/USDT');
    await c.until(() => c.log.length >= from + 3);
    assert.deepStrictEqual(c.log.slice(from, from + 3).map((x) => x.chained), [false, true, true]);
    await other.until(() => other.log.length >= otherFrom + 3);
    assert.ok(other.log.every((x) => x.chained && x.sumOk), 'other instruments are untouched');
  });

  it('corruptChecksum: exactly the next books message carries a wrong checksum', async () => {
    const c = await booksClient();
    assert.ok(c.log.every((x) => x.sumOk && x.chained));
    const from = c.log.length;
    sim.faults.corruptChecksum('BTC-USDT');
    await c.until(() => c.log.length >= from + 4);
    assert.deepStrictEqual(c.log.slice(from, from + 4).map((x) => x.sumOk), [false, true, true, true]);
    assert.ok(c.log.every((x) => x.chained));
  });

  it('corruptChecksum reaches the snapshot of a new subscription', async () => {
    sim.faults.corruptChecksum('BTC-USDT');
    const c = await booksClient();
    assert.deepStrictEqual(c.log.slice(0, 2).map((x) => [x.action, x.sumOk]), [['snapshot', false], ['update', true]]);
  });

  it('dropConnections closes every socket, or those on a path', async () => {
    const pub = await booksClient();
    const biz = new BooksClient(`${sim.urls.ws}/ws/v5/business`, 'BTC-USDT');
    clients.push(biz);
    await biz.opened;
    assert.strictEqual(sim.faults.dropConnections({ path: '/ws/v5/business' }), 1);
    await biz.closed;
    assert.strictEqual(sim.faults.dropConnections(), 1);
    await pub.closed;
  });

  it('malformedFrame sends a non-JSON frame to every connection', async () => {
    const c = await booksClient();
    assert.strictEqual(sim.faults.malformedFrame(), 1);
    await c.until(() => c.raw.some((r) => r.startsWith('{"arg":{"channel":"books","instId":') && !r.endsWith('}')));
    const n = c.log.length;
    await c.until(() => c.log.length >= n + 3);
    assert.ok(c.log.every((x) => x.chained && x.sumOk));
  });

  it('silence withholds data and pong until resume', async () => {
    const c = await booksClient();
    sim.faults.silence();
    c.ws.send('ping');
    await eventually(() => sim.faults.withheld.frames >= 3);
    assert.ok(!c.raw.includes('pong'));
    sim.faults.resume();
    c.ws.send('ping');
    await c.until(() => c.raw.includes('pong'));
  });
});
