'use strict';
/**
 * The OKX simulator's WebSockets (/ws/v5/public, /ws/v5/business) against OKX's documented protocol
 * (protocols.md §3): acks per arg with connId, error events and codes, text ping/pong, the books
 * channel (snapshot with prevSeqId -1, updates chained by prevSeqId/seqId, a window of exactly 400
 * levels, the signed CRC-32 of the top 25 from the strings as sent — checked by an independent
 * implementation), the no-change update, books5, bbo-tbt, tickers, trades, candles, and the idle rule.
 */
const assert = require('assert');
const { simulate } = require('../js/sim');
const { wsClients } = require('./support/ws-client');
const { OkxBook } = require('./support/book-oracles');

const push = (channel, instId = 'BTC-USDT') => (m) => m.arg && m.arg.channel === channel && m.arg.instId === instId && m.data;

/** A client-side `books` replica kept with OKX's rules; counts the broken seqId chains and checksums. */
function follow(c, instId) {
  const st = { book: new OkxBook(), gaps: 0, badSums: 0, msgs: 0 };
  c.follow((m) => {
    if (!push('books', instId)(m)) return;
    const v = st.book.apply(m.action, m.data[0]);
    st.msgs++;
    if (!v.chained) st.gaps++;
    if (!v.sumOk) st.badSums++;
  });
  return st;
}

describe('okx simulator: WebSocket v5', function () {
  let sim;
  const clients = wsClients();

  beforeEach(async () => {
    sim = await simulate('okx', { seed: 9, tickMs: 5, levels: 450, books: 'stream-snapshot' /* snapshot frames and checksums */ });
  });

  afterEach(async () => {
    clients.closeAll();
    await sim.close();
  });

  const connect = (path = '/ws/v5/public') => clients.connect(`${sim.urls.ws}${path}`);

  it('acknowledges each arg with the request id and connId, and answers text ping with pong', async () => {
    const c = await connect();
    c.send({ id: '1512', op: 'subscribe', args: [{ channel: 'tickers', instId: 'BTC-USDT' }, { channel: 'trades', instId: 'ETH-USDT' }] });
    const acks = [await c.next((m) => m.event === 'subscribe'), await c.next((m) => m.event === 'subscribe' && m.arg.channel === 'trades')];
    assert.deepStrictEqual(Object.keys(acks[0]), ['id', 'event', 'arg', 'connId']);
    assert.deepStrictEqual(acks[0].arg, { channel: 'tickers', instId: 'BTC-USDT' });
    assert.strictEqual(acks[0].id, '1512');
    assert.strictEqual(acks[0].connId, acks[1].connId);
    c.send({ op: 'unsubscribe', args: [{ channel: 'tickers', instId: 'BTC-USDT' }] });
    const unsub = await c.next((m) => m.event === 'unsubscribe');
    assert.deepStrictEqual(Object.keys(unsub), ['event', 'arg', 'connId']);
    c.send('ping');
    await c.next((m) => m.text === 'pong');
  });

  it('refuses bad requests with OKX error events', async () => {
    const c = await connect();
    const biz = await connect('/ws/v5/business');
    const error = (client, req) => {
      const at = client.msgs.length;
      client.send(req);
      return client.next((m) => m.event === 'error', at);
    };
    const e1 = await error(c, { id: '1', op: 'subscribe', args: [{ channel: 'books', instId: 'NOPE-USDT' }] });
    assert.strictEqual(e1.code, '60018');
    assert.strictEqual(e1.id, '1');
    assert.match(e1.msg, /^Wrong URL or channel:books,instId:NOPE-USDT doesn't exist/);
    assert.strictEqual(typeof e1.connId, 'string');
    assert.strictEqual((await error(c, { op: 'subscribe', args: [{ channel: 'candle1m', instId: 'BTC-USDT' }] })).code, '60018', 'candles live on /business');
    assert.strictEqual((await error(biz, { op: 'subscribe', args: [{ channel: 'books', instId: 'BTC-USDT' }] })).code, '60018', 'books live on /public');
    assert.strictEqual((await error(c, '{"op":"subscribe"')).code, '60012');
    assert.strictEqual((await error(c, { op: 'dance', args: [] })).code, '60019');
    assert.strictEqual((await error(c, { op: 'subscribe', args: [] })).code, '60013');
    // the whole request fails when one arg does: no ack for the good one
    const at = c.msgs.length;
    c.send({ op: 'subscribe', args: [{ channel: 'tickers', instId: 'BTC-USDT' }, { channel: 'books', instId: 'X-Y' }] });
    await c.next((m) => m.event === 'error', at);
    c.send('ping');
    await c.next((m) => m.text === 'pong', at);
    assert.ok(!c.msgs.slice(at).some((m) => m.event === 'subscribe'));
  });

  it('streams books: 400-level window, chained seqIds, checksums that match, exact after settling', async () => {
    const c = await connect();
    const st = follow(c, 'BTC-USDT');
    c.send({ op: 'subscribe', args: [{ channel: 'books', instId: 'BTC-USDT' }] });
    const snap = await c.next((m) => push('books')(m) && m.action === 'snapshot');
    const d = snap.data[0];
    assert.deepStrictEqual(Object.keys(d), ['asks', 'bids', 'ts', 'checksum', 'prevSeqId', 'seqId']);
    assert.strictEqual(d.bids.length, 400, 'the truth is deeper than 400: the snapshot holds 400');
    for (const l of [...d.bids, ...d.asks]) {
      assert.strictEqual(l.length, 4);
      assert.match(l[0], /^\d+(\.\d*[1-9])?$/);
    }
    await c.until((ms) => ms.filter(push('books')).length > 20);
    sim.pause();
    sim.flush();
    c.send('ping');
    await c.next((m) => m.text === 'pong', c.msgs.length);
    assert.strictEqual(st.gaps, 0, 'the snapshot\'s prevSeqId is -1, every later one the previous seqId');
    assert.strictEqual(st.badSums, 0, 'every checksum matches');
    const truth = sim.book('BTC/USDT');
    assert.ok(truth.bids.length > 400 || truth.asks.length > 400);
    assert.deepStrictEqual(st.book.numbers(), { bids: truth.bids.slice(0, 400), asks: truth.asks.slice(0, 400) });
    assert.ok(st.book.seqId <= truth.lastUpdateId);
  });

  it('sends an empty update with prevSeqId == seqId when the book did not change', async () => {
    await sim.close();
    sim = await simulate('okx', { seed: 9, tickMs: 5, noChangeMs: 150, books: 'stream-snapshot' });
    const c = await connect();
    c.send({ op: 'subscribe', args: [{ channel: 'books', instId: 'ETH-USDT' }] });
    await c.next((m) => push('books', 'ETH-USDT')(m) && m.action === 'snapshot');
    sim.pause();
    const quiet = await c.next((m) => push('books', 'ETH-USDT')(m) && m.data[0].bids.length === 0 && m.data[0].asks.length === 0);
    assert.strictEqual(quiet.action, 'update');
    assert.strictEqual(quiet.data[0].prevSeqId, quiet.data[0].seqId);
  });

  it('streams books5 and bbo-tbt snapshots', async () => {
    const c = await connect();
    c.send({ op: 'subscribe', args: [{ channel: 'books5', instId: 'BTC-USDT' }, { channel: 'bbo-tbt', instId: 'BTC-USDT' }] });
    const five = await c.next(push('books5'));
    assert.strictEqual(five.action, undefined);
    assert.deepStrictEqual(Object.keys(five.data[0]), ['asks', 'bids', 'instId', 'ts', 'seqId']);
    assert.strictEqual(five.data[0].bids.length, 5);
    const bbo = await c.next(push('bbo-tbt'));
    assert.deepStrictEqual(Object.keys(bbo.data[0]), ['asks', 'bids', 'ts', 'seqId']);
    assert.strictEqual(bbo.data[0].asks.length, 1);
    await c.until((ms) => ms.filter(push('books5')).length >= 3 && ms.filter(push('bbo-tbt')).length >= 3);
  });

  it('streams tickers, trades and (on /business) candles', async () => {
    const c = await connect();
    const biz = await connect('/ws/v5/business');
    c.send({ op: 'subscribe', args: [{ channel: 'tickers', instId: 'BTC-USDT' }, { channel: 'trades', instId: 'BTC-USDT' }] });
    biz.send({ op: 'subscribe', args: [{ channel: 'candle1m', instId: 'BTC-USDT' }, { channel: 'trades-all', instId: 'BTC-USDT' }] });
    const t = await c.next(push('tickers'));
    assert.strictEqual(t.data[0].instType, 'SPOT');
    assert.strictEqual(t.data[0].instId, 'BTC-USDT');
    const trades = await c.next(push('trades'));
    for (const x of trades.data) {
      assert.deepStrictEqual(Object.keys(x), ['instId', 'tradeId', 'px', 'sz', 'side', 'ts', 'count', 'source', 'seqId']);
      assert.ok(x.side === 'buy' || x.side === 'sell');
    }
    const all = await biz.next(push('trades-all'));
    assert.strictEqual(all.data.length, 1);
    const candle = await biz.next(push('candle1m'));
    const [ts, o, h, l, cl, , , , confirm] = candle.data[0];
    assert.strictEqual(Number(ts) % 60_000, 0);
    assert.ok(Number(l) <= Number(o) && Number(o) <= Number(h) && Number(l) <= Number(cl) && Number(cl) <= Number(h));
    assert.strictEqual(confirm, '0');
  });

  it('closes a connection that subscribes to nothing within the idle time', async () => {
    await sim.close();
    sim = await simulate('okx', { seed: 9, idleTimeoutMs: 200 });
    const c = await connect();
    const closed = await c.closed;
    assert.strictEqual(closed.code, 4004);
  });
});
