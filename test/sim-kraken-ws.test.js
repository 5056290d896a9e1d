'use strict';
/**
 * The Kraken simulator's WebSocket v2 (/v2) against Kraken's documented protocol (protocols.md §2;
 * docs.kraken.com websocket-v2 book / ticker / trade / ohlc pages and the "Book Checksum" guide):
 * status on connect, per-symbol acks and refusals, ping/pong, heartbeat, book snapshot + updates
 * printed at the pair's precision with a checksum verified by an independent CRC-32, the
 * truncation rule (no qty 0 for a level pushed out of range, the level entering after a deletion
 * is sent), and the ticker, trade and ohlc channels.
 */
const assert = require('assert');
const { simulate } = require('../js/sim');
const { wsClients } = require('./support/ws-client');
const { KrakenBook, krakenRawLevels: rawLevels } = require('./support/book-oracles');
const { top } = require('./support/book');

const isBook = (sym) => (m) => m.channel === 'book' && m.data && m.data[0].symbol === sym;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

/** Follows every book frame of `sym` on `c` with a client-side book, checking each checksum. */
function follow(c, sym, depth) {
  const state = { book: new KrakenBook(depth), frames: 0, bad: [] };
  c.follow((m, text) => {
    if (!isBook(sym)(m)) return;
    state.book.apply(text, m.type === 'snapshot');
    state.frames++;
    if (state.book.checksum() !== m.data[0].checksum) state.bad.push(m.data[0].checksum);
  });
  return state;
}

describe('kraken simulator: WebSocket v2', function () {
  let sim;
  const clients = wsClients();

  beforeEach(async () => {
    sim = await simulate('kraken', { seed: 7, tickMs: 5, heartbeatMs: 100 });
  });

  afterEach(async () => {
    clients.closeAll();
    await sim.close();
  });

  const connect = () => clients.connect(`${sim.urls.ws}/v2`);

  it('sends a status message on connect and answers ping with pong', async () => {
    const c = await connect();
    const status = await c.next((m) => m.channel === 'status');
    assert.strictEqual(status.type, 'update');
    assert.strictEqual(status.data[0].api_version, 'v2');
    assert.strictEqual(status.data[0].system, 'online');
    assert.strictEqual(typeof status.data[0].connection_id, 'number');
    c.send({ method: 'ping', req_id: 101 });
    const pong = await c.next((m) => m.method === 'pong');
    assert.strictEqual(pong.req_id, 101);
    assert.match(pong.time_in, RFC3339);
    assert.match(pong.time_out, RFC3339);
  });

  it('acknowledges each symbol, refuses unknown ones, duplicates and bad arguments', async () => {
    const c = await connect();
    c.send({ method: 'subscribe', params: { channel: 'book', symbol: ['BTC/USD', 'XBT/USD'], depth: 25 }, req_id: 7 });
    const ack = await c.next((m) => m.method === 'subscribe' && m.success === true);
    assert.deepStrictEqual(Object.keys(ack), ['method', 'result', 'success', 'time_in', 'time_out', 'req_id']);
    assert.deepStrictEqual(ack.result, { channel: 'book', depth: 25, snapshot: true, symbol: 'BTC/USD' });
    assert.strictEqual(ack.req_id, 7);
    const refusal = await c.next((m) => m.success === false);
    assert.strictEqual(refusal.error, 'Currency pair not supported XBT/USD');
    assert.strictEqual(refusal.symbol, 'XBT/USD');
    assert.strictEqual(refusal.method, 'subscribe');
    assert.strictEqual(refusal.req_id, 7);

    c.send({ method: 'subscribe', params: { channel: 'book', symbol: ['BTC/USD'] }, req_id: 8 });
    assert.strictEqual((await c.next((m) => m.req_id === 8)).error, 'Already subscribed');
    c.send({ method: 'subscribe', params: { channel: 'book', symbol: ['ETH/USD'], depth: 7 }, req_id: 9 });
    const bad = await c.next((m) => m.req_id === 9);
    assert.strictEqual(bad.success, false);
    assert.match(bad.error, /^EGeneral:Invalid arguments/);
    c.send({ method: 'unsubscribe', params: { channel: 'ticker', symbol: ['ETH/USD'] }, req_id: 10 });
    assert.strictEqual((await c.next((m) => m.req_id === 10)).error, 'Subscription Not Found');
    c.send({ method: 'unsubscribe', params: { channel: 'book', symbol: ['BTC/USD'], depth: 25 }, req_id: 11 });
    const unsub = await c.next((m) => m.req_id === 11);
    assert.strictEqual(unsub.success, true);
    assert.deepStrictEqual(unsub.result, { channel: 'book', depth: 25, symbol: 'BTC/USD' });
  });

  it('streams a book whose every checksum matches, at the pair precision, exact within the depth', async () => {
    const c10 = await connect();
    const c100 = await connect();
    const s10 = follow(c10, 'BTC/USD', 10);
    const s100 = follow(c100, 'BTC/USD', 100);
    c10.send({ method: 'subscribe', params: { channel: 'book', symbol: ['BTC/USD'], depth: 10 } });
    c100.send({ method: 'subscribe', params: { channel: 'book', symbol: ['BTC/USD'], depth: 100 } });
    const snap = await c10.next((m) => isBook('BTC/USD')(m) && m.type === 'snapshot');
    assert.strictEqual(snap.data[0].bids.length, 10);
    assert.strictEqual(snap.data[0].asks.length, 10);
    assert.match(snap.data[0].timestamp, RFC3339);
    // BTC/USD: pair_decimals 1, lot_decimals 8 -> JSON numbers like 60000.1 and 0.12345670
    for (const [p, q] of [...rawLevels(c10.textOf(snap), 'bids'), ...rawLevels(c10.textOf(snap), 'asks')]) {
      assert.match(p, /^\d+\.\d$/);
      assert.match(q, /^\d+\.\d{8}$/);
    }
    await c10.until((ms) => ms.filter(isBook('BTC/USD')).length > 30);
    await c100.until((ms) => ms.filter(isBook('BTC/USD')).length > 30);
    sim.pause();
    sim.flush();
    c10.send({ method: 'ping', req_id: 1 });
    c100.send({ method: 'ping', req_id: 1 });
    await c10.next((m) => m.method === 'pong');
    await c100.next((m) => m.method === 'pong');
    assert.deepStrictEqual(s10.bad, [], 'every depth-10 checksum matched');
    assert.deepStrictEqual(s100.bad, [], 'every depth-100 checksum matched');
    const truth = sim.book('BTC/USD');
    assert.deepStrictEqual(s10.book.numbers(), top(truth, 10));
    assert.deepStrictEqual(s100.book.numbers(), top(truth, 100));
  });

  it('sends deletions and the level entering the range, never qty 0 for a level pushed out', async () => {
    sim.pause();
    const c = await connect();
    c.send({ method: 'subscribe', params: { channel: 'book', symbol: ['BTC/USD'], depth: 10 } });
    await c.next((m) => isBook('BTC/USD')(m) && m.type === 'snapshot');
    sim.flush();
    const engine = sim.engine;
    const key = 'XXBTZUSD';
    const info = engine.market(key);
    const bids = engine.bookSide(key, 'bid');
    const bestPrice = bids.levelAt(0).price;
    const eleventh = bids.levelAt(10);
    const tenth = bids.levelAt(9);
    // delete the best bid level: qty 0 for it, and the 11th level comes into range
    for (const o of [...bids.levelAt(0).orders]) engine.cancelOrder(o.account, key, { orderId: o.orderId });
    const mark = c.msgs.length;
    sim.flush();
    const del = await c.next(isBook('BTC/USD'), mark);
    const delLevels = del.data[0].bids.map((l) => [l.price, l.qty]);
    assert.deepStrictEqual(delLevels, [[info.priceNumber(bestPrice), 0], [info.priceNumber(eleventh.price), info.qtyNumber(eleventh.total)]]);
    // a new best level pushes the (new) 10th out of range: it is not sent with qty 0
    const pushedOut = bids.levelAt(9);
    assert.notStrictEqual(pushedOut.price, tenth.price);
    engine.addAccount('t', { unlimited: true });
    engine.placeOrder({ account: 't', symbol: key, side: 'BUY', type: 'LIMIT', price: info.formatPrice(bestPrice), quantity: '0.5' });
    const mark2 = c.msgs.length;
    sim.flush();
    const ins = await c.next(isBook('BTC/USD'), mark2);
    assert.deepStrictEqual(ins.data[0].bids.map((l) => [l.price, l.qty]), [[info.priceNumber(bestPrice), 0.5]]);
    assert.deepStrictEqual(ins.data[0].asks, []);
  });

  it('heartbeats a subscribed connection about once a second when nothing else flows', async () => {
    const c = await connect();
    c.send({ method: 'subscribe', params: { channel: 'ticker', symbol: ['ETH/USD'] } });
    await c.next((m) => m.channel === 'ticker');
    sim.pause();
    const hb = await c.next((m) => m.channel === 'heartbeat');
    assert.deepStrictEqual(Object.keys(hb), ['channel']);
  });

  it('stops a book after unsubscribe while other books flow', async () => {
    const c = await connect();
    c.send({ method: 'subscribe', params: { channel: 'book', symbol: ['BTC/USD', 'ETH/USD'] }, req_id: 1 });
    await c.until((ms) => ms.filter(isBook('BTC/USD')).length > 2);
    c.send({ method: 'unsubscribe', params: { channel: 'book', symbol: ['BTC/USD'] }, req_id: 2 });
    const ack = await c.next((m) => m.req_id === 2);
    const at = c.msgs.indexOf(ack);
    await c.until((ms) => ms.slice(at).filter(isBook('ETH/USD')).length >= 5);
    assert.strictEqual(c.msgs.slice(at).filter(isBook('BTC/USD')).length, 0);
  });

  it('streams ticker, trade and ohlc in the documented shapes', async () => {
    const c = await connect();
    c.send({ method: 'subscribe', params: { channel: 'ticker', symbol: ['BTC/USD'] }, req_id: 1 });
    c.send({ method: 'subscribe', params: { channel: 'trade', symbol: ['BTC/USD'], snapshot: true }, req_id: 2 });
    c.send({ method: 'subscribe', params: { channel: 'ohlc', symbol: ['BTC/USD'], interval: 5 }, req_id: 3 });
    const tAck = await c.next((m) => m.req_id === 1);
    assert.deepStrictEqual(tAck.result, { channel: 'ticker', event_trigger: 'trades', snapshot: true, symbol: 'BTC/USD' });
    assert.deepStrictEqual((await c.next((m) => m.req_id === 3)).result, { channel: 'ohlc', interval: 5, snapshot: true, symbol: 'BTC/USD' });
    const tick = await c.next((m) => m.channel === 'ticker' && m.type === 'update');
    assert.deepStrictEqual(Object.keys(tick.data[0]), [
      'symbol', 'bid', 'bid_qty', 'ask', 'ask_qty', 'last', 'volume', 'vwap', 'low', 'high', 'change', 'change_pct', 'timestamp',
    ]);
    assert.ok(tick.data[0].bid < tick.data[0].ask);
    const trades = await c.next((m) => m.channel === 'trade' && m.type === 'update');
    for (const t of trades.data) {
      assert.deepStrictEqual(Object.keys(t), ['symbol', 'side', 'price', 'qty', 'ord_type', 'trade_id', 'timestamp']);
      assert.ok(t.side === 'buy' || t.side === 'sell');
      assert.ok(t.ord_type === 'market' || t.ord_type === 'limit');
      assert.match(t.timestamp, RFC3339);
    }
    const ids = c.msgs.filter((m) => m.channel === 'trade').flatMap((m) => m.data.map((t) => t.trade_id));
    assert.deepStrictEqual(ids, [...ids].sort((a, b) => a - b), 'trade ids increase');
    const ohlc = await c.next((m) => m.channel === 'ohlc' && m.type === 'update');
    const k = ohlc.data[0];
    assert.strictEqual(k.interval, 5);
    assert.strictEqual(Date.parse(k.interval_begin.replace(/(\.\d{3})\d+/, '$1')) % 300_000, 0, 'aligned to 5 minutes');
    assert.ok(k.low <= k.open && k.open <= k.high && k.low <= k.close && k.close <= k.high);
    c.send({ method: 'subscribe', params: { channel: 'trade', symbol: ['ETH/USD'] }, req_id: 4 });
    await c.next((m) => m.channel === 'trade' && m.data[0].symbol === 'ETH/USD');
    c.send({ method: 'unsubscribe', params: { channel: 'trade', symbol: ['ETH/USD'] }, req_id: 5 });
    c.send({ method: 'subscribe', params: { channel: 'trade', symbol: ['ETH/USD'], snapshot: true }, req_id: 6 });
    await c.next((m) => m.req_id === 6);
    const snap = await c.next((m) => m.channel === 'trade' && m.type === 'snapshot' && m.data[0].symbol === 'ETH/USD');
    assert.ok(snap.data.length >= 1 && snap.data.length <= 50);
  });
});
