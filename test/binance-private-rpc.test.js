'use strict';
/**
 * WsRpc, the exchange-agnostic request/reply WebSocket client under Binance's WebSocket API (and
 * later Kraken's, OKX's and Bybit's): replies matched by id in any order, per-request timeouts,
 * unsolicited frames as events, preparation (auth) before any request, and the two failure kinds a
 * caller must tell apart (never sent vs. sent but unanswered). Against a real local ws server.
 */
const assert = require('assert');
const { WebSocketServer } = require('ws');
const { WsRpc, RpcNotSent, RpcReplyLost } = require('../js/transport/ws-rpc');
const { wsApiCodec } = require('../js/exchanges/binance/user-data');
const { errors } = require('..');
const { deadPort, rejection } = require('./support/private');

/** A server that hands every parsed request to `onRequest(msg, socket)`. */
async function server(onRequest) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  const sockets = new Set();
  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (d) => onRequest(JSON.parse(String(d)), ws));
  });
  return {
    url: `ws://127.0.0.1:${wss.address().port}`,
    sockets,
    close: () => new Promise((r) => {
      for (const s of sockets) s.terminate();
      wss.close(() => r());
    }),
  };
}

function rpcFor(url, opts = {}) {
  return new WsRpc({ exchange: 'test', url, codec: wsApiCodec, requestTimeoutMs: 2000, backoff: { baseDelayMs: 20, maxDelayMs: 50 }, ...opts });
}

describe('WsRpc (request/reply over a WebSocket)', () => {
  let srv;
  let rpc;
  afterEach(async () => {
    if (rpc) await rpc.close();
    rpc = undefined;
    if (srv) await srv.close();
    srv = undefined;
  });

  it('matches replies to requests by id, in whatever order they come; other frames are events', async () => {
    const held = [];
    srv = await server((msg, ws) => {
      held.push({ msg, ws });
      if (held.length === 3) {
        ws.send(JSON.stringify({ subscriptionId: 0, event: { e: 'hello' } }));
        for (const h of held.reverse()) h.ws.send(JSON.stringify({ id: h.msg.id, status: 200, result: h.msg.method }));
      }
    });
    rpc = rpcFor(srv.url);
    const events = [];
    rpc.events.on('event', (e) => events.push(e));
    const replies = await Promise.all(['a', 'b', 'c'].map((m) => rpc.request(m, { x: 1 })));
    assert.deepStrictEqual(replies.map((r) => r.result), ['a', 'b', 'c']);
    assert.deepStrictEqual(new Set(held.map((h) => h.msg.id)).size, 3);
    assert.deepStrictEqual(events, [{ subscriptionId: 0, event: { e: 'hello' } }]);
  });

  it('a request without a reply times out (RequestTimeout); its late reply is ignored', async () => {
    let late;
    srv = await server((msg, ws) => {
      if (msg.method === 'slow') late = () => ws.send(JSON.stringify({ id: msg.id, status: 200, result: 'late' }));
      else ws.send(JSON.stringify({ id: msg.id, status: 200, result: 'ok' }));
    });
    rpc = rpcFor(srv.url);
    const events = [];
    rpc.events.on('event', (e) => events.push(e));
    const e = await rejection(rpc.request('slow', undefined, { timeoutMs: 50 }));
    assert.ok(e instanceof errors.RequestTimeout && /slow: no reply within 50 ms/.test(e.message));
    late();
    assert.strictEqual((await rpc.request('fast')).result, 'ok');
    assert.deepStrictEqual(events, []);
  });

  it('prepare (authentication) runs after every connect, before any other request', async () => {
    const order = [];
    srv = await server((msg, ws) => {
      order.push(msg.method);
      ws.send(JSON.stringify({ id: msg.id, status: 200, result: {} }));
    });
    let prepared = 0;
    rpc = rpcFor(srv.url, {
      prepare: async () => {
        prepared++;
        await rpc.request('session.logon', {}, { early: true });
      },
    });
    await Promise.all([rpc.request('order.place'), rpc.request('order.cancel')]);
    assert.deepStrictEqual(order, ['session.logon', 'order.place', 'order.cancel']);
    const ready = new Promise((r) => rpc.events.on('ready', r));
    for (const s of srv.sockets) s.terminate();
    assert.deepStrictEqual(await ready, { reconnect: true });
    await rpc.request('order.place');
    assert.deepStrictEqual(order.slice(3), ['session.logon', 'order.place']);
    assert.strictEqual(prepared, 2);
  });

  it('never sent (unreachable: RpcNotSent, safe to send elsewhere) vs. sent and lost with the connection (RpcReplyLost)', async () => {
    rpc = rpcFor(`ws://127.0.0.1:${await deadPort()}`);
    rpc.events.on('error', () => {});
    assert.ok((await rejection(rpc.request('order.place'))) instanceof RpcNotSent);
    assert.ok((await rejection(rpc.request('order.place'))) instanceof RpcNotSent, 'fails at once while down');
    await rpc.close();

    srv = await server((msg, ws) => ws.terminate());
    rpc = rpcFor(srv.url);
    rpc.events.on('error', () => {});
    const e = await rejection(rpc.request('order.place'));
    assert.ok(e instanceof RpcReplyLost, e.stack);
    assert.ok(e instanceof errors.ExchangeNotAvailable);
  });
});
