'use strict';
/**
 * Fault injection on the Kraken simulator (sim.faults), seen by a raw v2 client that keeps the book
 * the way Kraken documents and checks every checksum with its own CRC-32: a corrupted checksum, a
 * lost update (no sequence numbers: the loss shows as a checksum the client's book cannot match),
 * dropped connections, a malformed frame, silence and resume.
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

function rawLevels(raw, side) {
  const start = raw.indexOf(`"${side}":[`);
  const body = raw.slice(start + side.length + 4, raw.indexOf(']', start));
  return [...body.matchAll(/\{"price":([0-9.]+),"qty":([0-9.]+)\}/g)].map((m) => [m[1], m[2]]);
}

/** A raw client keeping one v2 book (depth 10) and the verdict of each book message's checksum. */
class BookClient {
  constructor(url, symbol) {
    this.ws = new WebSocket(url);
    this.symbol = symbol;
    this.bids = new Map();
    this.asks = new Map();
    this.verdicts = [];
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
      if (m && m.channel === 'book' && m.data[0].symbol === symbol) this.onBook(m, raw);
      for (const w of [...this.waiters]) if (w.pred()) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  }
  subscribe() {
    this.ws.send(JSON.stringify({ method: 'subscribe', params: { channel: 'book', symbol: [this.symbol], depth: 10 } }));
  }
  onBook(m, raw) {
    if (m.type === 'snapshot') {
      this.bids.clear();
      this.asks.clear();
    }
    for (const [side, map, desc] of [['bids', this.bids, true], ['asks', this.asks, false]]) {
      for (const [p, q] of rawLevels(raw, side)) {
        if (Number(q) === 0) map.delete(p);
        else map.set(p, q);
      }
      const keep = [...map.entries()].sort((a, b) => (desc ? b[0] - a[0] : a[0] - b[0])).slice(0, 10);
      map.clear();
      for (const [p, q] of keep) map.set(p, q);
    }
    const f = (s) => s.replace('.', '').replace(/^0+/, '');
    const side = (map, desc) => [...map.entries()].sort((a, b) => (desc ? b[0] - a[0] : a[0] - b[0]));
    let s = '';
    for (const [p, q] of side(this.asks, false)) s += f(p) + f(q);
    for (const [p, q] of side(this.bids, true)) s += f(p) + f(q);
    this.verdicts.push({ type: m.type, ok: crc32(s) === m.data[0].checksum });
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

describe('kraken simulator: faults', function () {
  let sim;
  let clients;

  beforeEach(async () => {
    sim = await simulate('kraken', { seed: 11, tickMs: 5, heartbeatMs: 100 });
    clients = [];
  });

  afterEach(async () => {
    for (const c of clients) c.close();
    await sim.close();
  });

  async function bookClient(symbol = 'BTC/USD') {
    const c = new BookClient(`${sim.urls.ws}/v2`, symbol);
    clients.push(c);
    await c.opened;
    c.subscribe();
    await c.until(() => c.verdicts.length >= 3);
    return c;
  }

  it('corruptChecksum: exactly the next book message carries a checksum nobody can match', async () => {
    const c = await bookClient();
    const other = await bookClient('ETH/USD');
    assert.ok(c.verdicts.every((v) => v.ok));
    // act right after a message of `c` arrived, so that none of its messages is in flight
    const n = c.verdicts.length;
    await c.until(() => c.verdicts.length > n);
    const from = c.verdicts.length;
    const otherFrom = other.verdicts.length;
    sim.faults.corruptChecksum('BTC/USD');
    await c.until(() => c.verdicts.length >= from + 5);
    assert.deepStrictEqual(c.verdicts.slice(from, from + 5).map((v) => v.ok), [false, true, true, true, true]);
    await other.until(() => other.verdicts.length >= otherFrom + 3);
    assert.ok(other.verdicts.every((v) => v.ok), 'other pairs are untouched');
  });

  it('corruptChecksum also reaches the snapshot of a new subscription', async () => {
    sim.faults.corruptChecksum('XXBTZUSD');
    const c = new BookClient(`${sim.urls.ws}/v2`, 'BTC/USD');
    clients.push(c);
    await c.opened;
    c.subscribe();
    await c.until(() => c.verdicts.length >= 2);
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
    await c.until(() => c.raw.includes('{"channel":"book",'));
    await c.until(() => c.verdicts.length >= 10);
    assert.ok(c.verdicts.every((v) => v.ok), 'the stream goes on');
  });

  it('silence withholds every frame and pong until resume', async () => {
    const c = await bookClient();
    sim.faults.silence();
    assert.strictEqual(sim.faults.isSilenced, true);
    c.ws.send(JSON.stringify({ method: 'ping', req_id: 5 }));
    let pongs = 0;
    c.ws.on('pong', () => pongs++);
    c.ws.ping('x');
    await eventually(() => sim.faults.withheld.frames >= 5 && sim.faults.withheld.pongs >= 1);
    assert.strictEqual(pongs, 0);
    assert.ok(!c.raw.some((r) => r.includes('"pong"')));
    sim.faults.resume();
    c.ws.send(JSON.stringify({ method: 'ping', req_id: 6 }));
    await c.until(() => c.raw.some((r) => r.includes('"req_id":6')));
  });
});
