'use strict';
/**
 * The order flow the private sides share (ts/exchanges/order-flow.ts): each exchange's own tests
 * drive it against its simulator; these pin the rules themselves, with stand-in send / lookup /
 * resend, so a change to the shared piece shows here first.
 */
const assert = require('assert');
const { BadRequest, RequestTimeout, OrderNotFound, InsufficientFunds } = require('../js/core/errors');
const { RpcNotSent, RpcReplyLost } = require('../js/transport/ws-rpc');
const { wsOrRest, placeOnce, placeBatchOnce, OrderRecords, inChunks, orNone, clientIdFor } = require('../js/exchanges/order-flow');

const order = (id) => ({ id, clientOrderId: `c${id}`, status: 'open' });

/** A placeOnce spec whose parts count their calls. */
function spec(send, found, extra = {}) {
  const calls = { send: 0, lookup: 0, resend: 0 };
  return {
    calls,
    p: {
      exchange: 'x',
      symbol: 'BTC/USDT',
      clientOrderId: 'cid1',
      send: async () => (calls.send++, send()),
      lookup: async () => (calls.lookup++, found()),
      resend: async () => (calls.resend++, order('again')),
      ...extra,
    },
  };
}

describe('order flow (ts/exchanges/order-flow.ts)', () => {
  it("clientIdFor: the caller's id when it fits the exchange's rule, a fresh one when none is given, BadRequest otherwise", () => {
    const rule = { pattern: /^[a-z0-9]{1,8}$/, says: '1-8 of a-z 0-9' };
    assert.strictEqual(clientIdFor({ clientOrderId: 'mine1' }, 'x', 'BTC/USDT', () => 'fresh', rule), 'mine1');
    assert.strictEqual(clientIdFor({}, 'x', 'BTC/USDT', () => 'fresh', rule), 'fresh');
    assert.strictEqual(clientIdFor({ clientOrderId: '' }, 'x', 'BTC/USDT', () => 'fresh'), 'fresh');
    assert.throws(() => clientIdFor({ clientOrderId: 'NOT-OK!' }, 'x', 'BTC/USDT', () => 'fresh', rule), (e) => e instanceof BadRequest && /1-8 of a-z 0-9 on x/.test(e.message) && e.symbol === 'BTC/USDT');
    assert.throws(() => clientIdFor({ clientOrderId: 42 }, 'x', 'BTC/USDT', () => 'fresh'), BadRequest);
  });

  it('wsOrRest: REST when WebSocket trading is off or nothing was sent; other errors stand', async () => {
    assert.strictEqual(await wsOrRest(false, async () => 'ws', async () => 'rest'), 'rest');
    assert.strictEqual(await wsOrRest(true, async () => 'ws', async () => 'rest'), 'ws');
    assert.strictEqual(await wsOrRest(true, async () => { throw new RpcNotSent('down', { exchange: 'x' }); }, async () => 'rest'), 'rest');
    await assert.rejects(wsOrRest(true, async () => { throw new RpcReplyLost('lost', { exchange: 'x' }); }, async () => 'rest'), RpcReplyLost);
  });

  it('placeOnce: a reply lost with the connection is looked up; found: that order, nothing sent again', async () => {
    const { p, calls } = spec(() => { throw new RpcReplyLost('lost', { exchange: 'x' }); }, () => order('landed'));
    assert.strictEqual((await placeOnce(p)).id, 'landed');
    assert.deepStrictEqual(calls, { send: 1, lookup: 1, resend: 0 });
  });

  it('placeOnce: a reply lost and the order not there: sent again once', async () => {
    const { p, calls } = spec(() => { throw new RpcReplyLost('lost', { exchange: 'x' }); }, () => undefined);
    assert.strictEqual((await placeOnce(p)).id, 'again');
    assert.deepStrictEqual(calls, { send: 1, lookup: 1, resend: 1 });
  });

  it('placeOnce: no reply in time and not there: RequestTimeout carrying clientOrderId, never sent again', async () => {
    const { p, calls } = spec(() => { throw new RequestTimeout('late', { exchange: 'x' }); }, () => undefined);
    await assert.rejects(placeOnce(p), (err) => err instanceof RequestTimeout && err.clientOrderId === 'cid1' && /not placed/.test(err.message));
    assert.deepStrictEqual(calls, { send: 1, lookup: 1, resend: 0 });
  });

  it('placeOnce: no reply in time and the lookup fails too: RequestTimeout carrying clientOrderId that says to look it up', async () => {
    const { p } = spec(() => { throw new RequestTimeout('late', { exchange: 'x' }); }, () => { throw new Error('503'); });
    await assert.rejects(placeOnce(p), (err) => err instanceof RequestTimeout && err.clientOrderId === 'cid1' && /could not be looked up/.test(err.message));
  });

  it('placeOnce: where the exchange refuses a second order with the same client id, a late one not found is sent again', async () => {
    const { p, calls } = spec(() => { throw new RequestTimeout('late', { exchange: 'x' }); }, () => undefined, { dedupes: true });
    assert.strictEqual((await placeOnce(p)).id, 'again');
    assert.deepStrictEqual(calls, { send: 1, lookup: 1, resend: 1 });
  });

  it("placeOnce: the exchange's refusal is the caller's error, no lookup", async () => {
    const { p, calls } = spec(() => { throw new InsufficientFunds('no funds', { exchange: 'x' }); }, () => order('x'));
    await assert.rejects(placeOnce(p), InsufficientFunds);
    assert.deepStrictEqual(calls, { send: 1, lookup: 0, resend: 0 });
  });

  it('placeBatchOnce: the orders found stay, the missing ones go again in one request, the batch order kept', async () => {
    const sent = [];
    const out = await placeBatchOnce(
      ['a', 'b', 'c'],
      async (x) => (x === 'b' ? order('b-found') : undefined),
      async (missing) => (sent.push(missing), missing.map((x) => order(`${x}-again`))),
    );
    assert.deepStrictEqual(out.map((o) => o.id), ['a-again', 'b-found', 'c-again']);
    assert.deepStrictEqual(sent, [['a', 'c']]);
  });

  it('orNone: OrderNotFound is "not there", other errors stand; inChunks cuts to the batch size', async () => {
    assert.strictEqual(await orNone(Promise.reject(new OrderNotFound('gone', { exchange: 'x' }))), undefined);
    await assert.rejects(orNone(Promise.reject(new RequestTimeout('late', { exchange: 'x' }))), RequestTimeout);
    assert.deepStrictEqual(inChunks([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
  });

  it('OrderRecords: a wait takes a record seen before it or the next one, only from its index on', async () => {
    const r = new OrderRecords(10, 4);
    r.add('o1', { s: 'new' });
    assert.deepStrictEqual(await r.after('o1', 0, (x) => x.s === 'new', 1000, false), { s: 'new' });
    // from index 1: the record seen already does not count; the next matching one does
    const from = r.seen('o1');
    const waiting = r.after('o1', from, (x) => x.s !== 'partial', 1000, true);
    r.add('o1', { s: 'partial' });
    r.add('o1', { s: 'filled' });
    assert.deepStrictEqual(await waiting, { s: 'filled' });
    assert.deepStrictEqual(r.latest('o1'), { s: 'filled' });
    // nothing comes: undefined once the time is up
    assert.strictEqual(await r.after('o2', 0, () => true, 5, true), undefined);
  });
});
