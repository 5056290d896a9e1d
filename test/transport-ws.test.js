'use strict';
const assert = require('assert');
const net = require('net');
const { once } = require('events');
const sinon = require('sinon');
const { WebSocketServer } = require('ws');
const { WsConnection } = require('../js/transport/ws-connection');
const { ExchangeNotAvailable, NetworkError, RequestTimeout } = require('../js/core/errors');
const { nextEvent } = require('./support/wait');

// Fake only the timer functions: sockets still do real I/O, and we await real events.
const FAKE = { toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'], shouldAdvanceTime: false };

/** Resolves once the server-side socket has received at least n text messages. */
function received(sock, n) {
  return new Promise((resolve) => {
    const check = () => {
      if (sock.received.length < n) return;
      sock.off('message', check);
      resolve(sock.received.slice());
    };
    sock.on('message', check);
    check();
  });
}

async function startServer() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  wss.on('connection', (sock, req) => {
    sock.received = [];
    sock.pings = 0;
    sock.reqUrl = req.url;
    sock.on('message', (d) => sock.received.push(d.toString()));
    sock.on('ping', () => sock.pings++);
  });
  return {
    wss,
    url: `ws://127.0.0.1:${wss.address().port}`,
    /** Call before the client connects. */
    nextSocket: () => once(wss, 'connection').then(([s]) => s),
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise((r) => wss.close(r));
    },
  };
}

/** A port with nothing listening on it. */
async function refusedPort() {
  const s = net.createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

describe('transport/WsConnection', () => {
  let srv;
  let conn;
  let clock;
  const extra = []; // other things to close after each test

  beforeEach(async () => {
    srv = await startServer();
  });

  afterEach(async () => {
    if (conn) await conn.close();
    conn = undefined;
    if (clock) clock.restore();
    clock = undefined;
    for (const f of extra.splice(0)) await f();
    await srv.close();
  });

  function record(c) {
    const log = { status: [], open: [], close: [], error: [], stale: [] };
    for (const k of Object.keys(log)) c.events.on(k, (e) => log[k].push(e));
    return log;
  }

  it('connects, delivers text (also from binary frames) and reports status', async () => {
    conn = new WsConnection({ url: srv.url, exchange: 'test' });
    const log = record(conn);
    const texts = [];
    conn.onMessage = (t) => texts.push(t);
    assert.strictEqual(conn.state, 'idle');
    const pSock = srv.nextSocket();
    conn.connect();
    conn.connect(); // idempotent
    assert.strictEqual(conn.state, 'connecting');
    const sock = await pSock;
    await nextEvent(conn.events, 'open');
    assert.strictEqual(conn.isOpen, true);
    assert.strictEqual(conn.state, 'open');
    assert.strictEqual(srv.wss.clients.size, 1, 'connect() twice must open one socket');

    const got = new Promise((resolve) => {
      conn.onMessage = (t) => {
        texts.push(t);
        if (texts.length === 2) resolve();
      };
    });
    sock.send('{"a":1}');
    sock.send(Buffer.from('bin-äö'), { binary: true });
    await got;
    assert.deepStrictEqual(texts, ['{"a":1}', 'bin-äö']);
    assert.ok(texts.every((t) => typeof t === 'string'));
    assert.deepStrictEqual(
      log.status.map((s) => [s.state, s.attempt, s.url]),
      [
        ['connecting', 0, srv.url],
        ['open', 0, srv.url],
      ],
    );
    assert.deepStrictEqual(log.open, [{ attempt: 0, reconnect: false }]);
  });

  it('queues sends while not open and flushes them right after the open handlers', async () => {
    conn = new WsConnection({ url: srv.url, exchange: 'test' });
    conn.send('queued-1');
    conn.send('queued-2');
    conn.events.on('open', () => conn.send('subscribe'));
    const pSock = srv.nextSocket();
    conn.connect();
    const sock = await pSock;
    assert.deepStrictEqual(await received(sock, 3), ['subscribe', 'queued-1', 'queued-2']);
    conn.send('direct');
    assert.deepStrictEqual(await received(sock, 4), ['subscribe', 'queued-1', 'queued-2', 'direct']);
  });

  it('reconnects after the server drops the socket; resubscribe hook sees reconnect:true', async () => {
    conn = new WsConnection({ url: srv.url, exchange: 'test', backoff: { baseDelayMs: 20, jitter: 0 } });
    const log = record(conn);
    conn.events.on('open', (e) => {
      if (e.reconnect) conn.send('resubscribe');
    });
    // sent while down: must go out after the resubscription
    conn.events.on('status', (s) => {
      if (s.state === 'reconnecting') conn.send('while-down');
    });
    let pSock = srv.nextSocket();
    conn.connect();
    const first = await pSock;
    await nextEvent(conn.events, 'open');

    pSock = srv.nextSocket();
    first.terminate(); // server drops the connection
    const second = await pSock;
    await nextEvent(conn.events, 'open');
    assert.deepStrictEqual(await received(second, 2), ['resubscribe', 'while-down']);
    assert.deepStrictEqual(first.received, [], 'nothing was sent on the first socket');

    assert.deepStrictEqual(
      log.status.map((s) => [s.state, s.attempt, s.delayMs]),
      [
        ['connecting', 0, undefined],
        ['open', 0, undefined],
        ['reconnecting', 1, 20],
        ['connecting', 1, undefined],
        ['open', 1, undefined],
      ],
    );
    assert.ok(log.status[2].error instanceof NetworkError, 'reconnecting status carries the cause');
    assert.deepStrictEqual(log.open, [
      { attempt: 0, reconnect: false },
      { attempt: 1, reconnect: true },
    ]);
    assert.strictEqual(log.close.length, 1);
    assert.strictEqual(log.close[0].code, 1006);

    // an open alone is not health: this connection carried no frame, so the count goes on
    pSock = srv.nextSocket();
    second.close(1001, 'going away');
    await pSock;
    await nextEvent(conn.events, 'open');
    const rec = log.status.filter((s) => s.state === 'reconnecting');
    assert.deepStrictEqual(rec.map((s) => s.attempt), [1, 2]);
    assert.deepStrictEqual(log.close[1], { code: 1001, reason: 'going away' });
    assert.match(rec[1].error.message, /code 1001/);
  });

  it('backoff starts over only after a healthy connection (open long enough and carrying a frame)', async () => {
    conn = new WsConnection({ url: srv.url, exchange: 'test', backoff: { baseDelayMs: 5, jitter: 0 }, healthyAfterMs: 30 });
    const log = record(conn);
    const healthy = [];
    conn.events.on('healthy', (e) => healthy.push(e));
    let pSock = srv.nextSocket();
    conn.connect();
    let sock = await pSock;
    await nextEvent(conn.events, 'open');
    // a frame, then the healthy mark: the next drop starts from attempt 1
    sock.send('hello');
    await nextEvent(conn.events, 'healthy');
    pSock = srv.nextSocket();
    sock.terminate();
    sock = await pSock;
    await nextEvent(conn.events, 'open');
    // open but silent: a drop now is not a fresh start
    pSock = srv.nextSocket();
    sock.terminate();
    sock = await pSock;
    await nextEvent(conn.events, 'open');
    const rec = log.status.filter((s) => s.state === 'reconnecting');
    assert.deepStrictEqual(rec.map((s) => s.attempt), [1, 2]);
    assert.deepStrictEqual(healthy, [{ afterMs: 30 }]);
  });

  it('a server that accepts and closes at once meets a growing delay, not a handshake storm', async () => {
    srv.wss.on('connection', (s) => s.close(1000, 'bye'));
    conn = new WsConnection({ url: srv.url, exchange: 'test', backoff: { baseDelayMs: 2, maxDelayMs: 64, jitter: 0 } });
    const log = record(conn);
    conn.connect();
    await nextEvent(conn.events, 'status', (s) => s.state === 'reconnecting' && s.attempt === 7);
    const rec = log.status.filter((s) => s.state === 'reconnecting');
    // every open was followed by a close: delays double up to the cap instead of starting over
    assert.deepStrictEqual(rec.map((s) => s.delayMs), [2, 4, 8, 16, 32, 64, 64]);
    assert.ok(log.status.filter((s) => s.state === 'open').length >= 6);
  });

  it('backs off with growing attempts, gives up after maxAttempts, and never leaks the query string', async () => {
    const port = await refusedPort();
    const url = `ws://127.0.0.1:${port}/ws?listenKey=SECRET123&signature=SECRET456`;
    conn = new WsConnection({ url, exchange: 'test', maxAttempts: 2, backoff: { baseDelayMs: 10, factor: 3, jitter: 0 } });
    const log = record(conn);
    const closed = nextEvent(conn.events, 'status', (s) => s.state === 'closed');
    conn.connect();
    const final = await closed;
    assert.deepStrictEqual(
      log.status.map((s) => [s.state, s.attempt, s.delayMs]),
      [
        ['connecting', 0, undefined],
        ['reconnecting', 1, 10],
        ['connecting', 1, undefined],
        ['reconnecting', 2, 30],
        ['connecting', 2, undefined],
        ['closed', 2, undefined],
      ],
    );
    assert.ok(final.error instanceof ExchangeNotAvailable);
    assert.strictEqual(conn.state, 'closed');
    assert.deepStrictEqual(log.close, [], "'close' is only for sockets that were open");
    assert.ok(log.error.length >= 4, 'each refused connection and the give-up are reported');
    assert.ok(log.error.every((e) => e instanceof ExchangeNotAvailable && e.exchange === 'test'));
    assert.ok(log.error.some((e) => /ECONNREFUSED/.test(e.message)));

    const everything = [
      ...log.status.map((s) => s.url),
      ...[...log.error, ...log.status.map((s) => s.error).filter(Boolean)].flatMap((e) => [
        e.message,
        e.stack,
        e.cause && e.cause.message,
        e.cause && e.cause.stack,
        e.cause && e.cause.cause && e.cause.cause.message,
      ]),
    ].join('\n');
    assert.ok(everything.includes(`127.0.0.1:${port}/ws`), 'errors do name the endpoint');
    assert.ok(!everything.includes('SECRET'), 'query string leaked:\n' + everything);
  });

  it('a malformed URL closes for good with an error that does not leak its query string', async () => {
    conn = new WsConnection({ url: '127.0.0.1:1/ws?listenKey=SECRET123', exchange: 'test' });
    const log = record(conn);
    conn.connect();
    assert.strictEqual(conn.state, 'closed');
    assert.deepStrictEqual(log.status.map((s) => s.state), ['closed']);
    assert.strictEqual(log.error.length, 1);
    assert.ok(log.error[0] instanceof ExchangeNotAvailable);
    assert.match(log.error[0].message, /Invalid URL/);
    const text = [log.error[0].message, log.error[0].stack, log.error[0].cause.message, log.error[0].cause.stack].join('\n');
    assert.ok(!text.includes('SECRET'), text);
  });

  it('times out a handshake that never completes and retries', async () => {
    // TCP accepted, HTTP upgrade never answered
    const sockets = [];
    const tcp = net.createServer((s) => sockets.push(s));
    tcp.listen(0, '127.0.0.1');
    await once(tcp, 'listening');
    extra.push(async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise((r) => tcp.close(r));
    });
    clock = sinon.useFakeTimers(FAKE);
    conn = new WsConnection({
      url: `ws://127.0.0.1:${tcp.address().port}`,
      exchange: 'test',
      connectTimeoutMs: 3000,
      backoff: { baseDelayMs: 50, jitter: 0 },
    });
    const log = record(conn);
    const accepted = once(tcp, 'connection');
    conn.connect();
    await accepted;
    clock.tick(2999);
    assert.strictEqual(conn.state, 'connecting');
    clock.tick(1);
    assert.strictEqual(conn.state, 'reconnecting');
    const rec = log.status[log.status.length - 1];
    assert.strictEqual(rec.state, 'reconnecting');
    assert.strictEqual(rec.delayMs, 50);
    assert.ok(rec.error instanceof RequestTimeout);
    assert.ok(log.error.some((e) => e instanceof RequestTimeout));
  });

  it('detects a silent server as stale (any inbound frame resets the timer) and reconnects', async () => {
    clock = sinon.useFakeTimers(FAKE);
    conn = new WsConnection({ url: srv.url, exchange: 'test', staleTimeoutMs: 1000, backoff: { baseDelayMs: 100, jitter: 0 } });
    const log = record(conn);
    let pSock = srv.nextSocket();
    conn.connect();
    const sock = await pSock;
    await nextEvent(conn.events, 'open');

    // a message resets the timer
    clock.tick(900);
    const gotMsg = new Promise((r) => (conn.onMessage = r));
    sock.send('tick');
    await gotMsg;
    clock.tick(900);
    assert.deepStrictEqual(log.stale, [], 'a message 900 ms ago must keep the socket fresh');

    // a server ping resets it too (the pong arriving at the server proves the client saw the ping)
    const pong = once(sock, 'pong');
    sock.ping();
    await pong;
    clock.tick(999);
    assert.deepStrictEqual(log.stale, [], 'a ping 999 ms ago must keep the socket fresh');

    // now the server goes silent
    const serverSawClose = once(sock, 'close');
    pSock = srv.nextSocket();
    clock.tick(1);
    assert.deepStrictEqual(log.stale, [{ silentMs: 1000 }]);
    assert.strictEqual(conn.state, 'reconnecting');
    await serverSawClose; // the stale socket is terminated
    const rec = log.status[log.status.length - 1];
    assert.deepStrictEqual([rec.state, rec.attempt, rec.delayMs], ['reconnecting', 1, 100]);
    assert.match(rec.error.message, /stale/);

    clock.tick(100);
    await pSock;
    const reopened = await nextEvent(conn.events, 'open');
    assert.deepStrictEqual(reopened, { attempt: 1, reconnect: true });
  });

  it('sends a ws ping frame every pingIntervalMs', async () => {
    clock = sinon.useFakeTimers(FAKE);
    conn = new WsConnection({ url: srv.url, exchange: 'test', pingIntervalMs: 5000 });
    const pSock = srv.nextSocket();
    conn.connect();
    const sock = await pSock;
    await nextEvent(conn.events, 'open');
    clock.tick(4999);
    conn.send('marker-1'); // frames arrive in order: a premature ping would arrive before this
    await received(sock, 1);
    assert.strictEqual(sock.pings, 0);
    let ping = once(sock, 'ping');
    clock.tick(1);
    await ping;
    assert.strictEqual(sock.pings, 1);
    ping = once(sock, 'ping');
    clock.tick(5000);
    await ping;
    assert.strictEqual(sock.pings, 2);
  });

  it('sends appPing() text instead of a ping frame when given', async () => {
    clock = sinon.useFakeTimers(FAKE);
    conn = new WsConnection({ url: srv.url, exchange: 'test', pingIntervalMs: 1000, appPing: () => '{"op":"ping"}' });
    const pSock = srv.nextSocket();
    conn.connect();
    const sock = await pSock;
    await nextEvent(conn.events, 'open');
    clock.tick(1000);
    assert.deepStrictEqual(await received(sock, 1), ['{"op":"ping"}']);
    clock.tick(1000);
    assert.deepStrictEqual(await received(sock, 2), ['{"op":"ping"}', '{"op":"ping"}']);
    assert.strictEqual(sock.pings, 0);
  });

  it('sends no client pings by default', async () => {
    clock = sinon.useFakeTimers(FAKE);
    conn = new WsConnection({ url: srv.url, exchange: 'test' });
    const pSock = srv.nextSocket();
    conn.connect();
    const sock = await pSock;
    await nextEvent(conn.events, 'open');
    clock.tick(600_000);
    conn.send('marker');
    await received(sock, 1);
    assert.strictEqual(sock.pings, 0);
  });

  it('close() closes the socket with 1000, is final, and leaves nothing behind', async () => {
    clock = sinon.useFakeTimers(FAKE);
    conn = new WsConnection({ url: srv.url, exchange: 'test', pingIntervalMs: 1000, staleTimeoutMs: 5000 });
    const log = record(conn);
    const pSock = srv.nextSocket();
    conn.connect();
    const sock = await pSock;
    await nextEvent(conn.events, 'open');
    const serverClose = once(sock, 'close');
    await conn.close();
    const [code] = await serverClose;
    assert.strictEqual(code, 1000);
    assert.strictEqual(conn.state, 'closed');
    assert.strictEqual(conn.isOpen, false);
    assert.strictEqual(log.status[log.status.length - 1].state, 'closed');
    assert.deepStrictEqual(log.close, [{ code: 1000, reason: 'client close' }]);
    assert.strictEqual(clock.countTimers(), 0, 'no ping/stale/close timer may survive close()');
    conn.connect();
    conn.send('ignored'); // no throw after close
    assert.strictEqual(conn.state, 'closed');
    assert.strictEqual(srv.wss.clients.size, 0);
    assert.strictEqual(await conn.close(), undefined); // idempotent
  });

  it('close() while waiting to reconnect cancels the reconnect', async () => {
    clock = sinon.useFakeTimers(FAKE);
    conn = new WsConnection({ url: srv.url, exchange: 'test', backoff: { baseDelayMs: 1000, jitter: 0 } });
    const log = record(conn);
    const pSock = srv.nextSocket();
    conn.connect();
    const sock = await pSock;
    await nextEvent(conn.events, 'open');
    const reconnecting = nextEvent(conn.events, 'status', (s) => s.state === 'reconnecting');
    sock.terminate();
    await reconnecting;
    await conn.close();
    const n = log.status.length;
    assert.strictEqual(log.status[n - 1].state, 'closed');
    clock.tick(60_000);
    assert.strictEqual(log.status.length, n, 'no status (e.g. connecting) after close()');
    assert.strictEqual(conn.state, 'closed');
    assert.strictEqual(clock.countTimers(), 0);
  });

  it('reconnect() drops the socket and goes through backoff', async () => {
    conn = new WsConnection({ url: srv.url, exchange: 'test', backoff: { baseDelayMs: 5, jitter: 0 } });
    const log = record(conn);
    let pSock = srv.nextSocket();
    conn.connect();
    const first = await pSock;
    await nextEvent(conn.events, 'open');
    const firstClosed = once(first, 'close');
    pSock = srv.nextSocket();
    conn.reconnect('serverShutdown');
    assert.strictEqual(conn.state, 'reconnecting');
    await firstClosed;
    await pSock;
    assert.deepStrictEqual(await nextEvent(conn.events, 'open'), { attempt: 1, reconnect: true });
    const rec = log.status.find((s) => s.state === 'reconnecting');
    assert.match(rec.error.message, /serverShutdown/);
    assert.deepStrictEqual(log.close, [{ code: 1006, reason: 'serverShutdown' }]);
  });

  it('reports a throwing onMessage on error and keeps delivering', async () => {
    conn = new WsConnection({ url: srv.url, exchange: 'test' });
    const got = [];
    conn.onMessage = (t) => {
      if (t === 'boom') throw new Error('parse failed');
      got.push(t);
    };
    const pSock = srv.nextSocket();
    conn.connect();
    const sock = await pSock;
    await nextEvent(conn.events, 'open');
    const err = nextEvent(conn.events, 'error');
    const after = new Promise((resolve) => {
      const orig = conn.onMessage;
      conn.onMessage = (t) => {
        orig(t);
        if (t === 'after') resolve();
      };
    });
    sock.send('before');
    sock.send('boom');
    sock.send('after');
    assert.strictEqual((await err).message, 'parse failed');
    await after;
    assert.deepStrictEqual(got, ['before', 'after']);
    assert.strictEqual(conn.isOpen, true);
  });

  it('reports a throwing open handler on error; other handlers and the queue flush still run', async () => {
    conn = new WsConnection({ url: srv.url, exchange: 'test' });
    const log = record(conn);
    conn.events.on('open', () => {
      throw new Error('handler bug');
    });
    conn.events.on('open', () => conn.send('second-handler'));
    conn.send('queued');
    const pSock = srv.nextSocket();
    conn.connect();
    const sock = await pSock;
    assert.deepStrictEqual(await received(sock, 2), ['second-handler', 'queued']);
    assert.deepStrictEqual(
      log.error.map((e) => e.message),
      ['handler bug'],
    );
    assert.strictEqual(conn.isOpen, true);
  });

  it('calls a url function again before every (re)connect', async () => {
    let n = 0;
    conn = new WsConnection({
      url: () => `${srv.url}/stream?streams=s${++n}`,
      exchange: 'test',
      backoff: { baseDelayMs: 5, jitter: 0 },
    });
    const log = record(conn);
    let pSock = srv.nextSocket();
    conn.connect();
    const first = await pSock;
    assert.strictEqual(first.reqUrl, '/stream?streams=s1');
    await nextEvent(conn.events, 'open');
    pSock = srv.nextSocket();
    first.terminate();
    const second = await pSock;
    assert.strictEqual(second.reqUrl, '/stream?streams=s2');
    assert.strictEqual(conn.url, `${srv.url}/stream?streams=s2`);
    assert.ok(log.status.every((st) => st.url === `${srv.url}/stream`), 'status urls carry no query string');
  });

  it('sends handshake headers', async () => {
    conn = new WsConnection({ url: srv.url + '/path?x=1', exchange: 'test', headers: { 'x-api-key': 'k1' } });
    const req = once(srv.wss, 'connection').then(([, r]) => r);
    conn.connect();
    const r = await req;
    assert.strictEqual(r.headers['x-api-key'], 'k1');
    assert.strictEqual(r.url, '/path?x=1');
  });
});
