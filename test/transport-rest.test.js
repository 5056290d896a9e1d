'use strict';
const assert = require('assert');
const http = require('http');
const net = require('net');
const { once } = require('events');
const sinon = require('sinon');
const { RestClient, encodeQuery, parseRetryAfter } = require('../js/transport/rest-client');
const { RateLimiter } = require('../js/transport/rate-limiter');
const {
  BadRequest,
  BadResponse,
  BadSymbol,
  ExchangeError,
  ExchangeNotAvailable,
  RateLimitExceeded,
  RequestTimeout,
} = require('../js/core/errors');

const SECRET = 'SECRETsig123';

/** Asserts that `p` rejects, and returns the error. */
async function rejection(p) {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new assert.AssertionError({ message: 'expected a rejection' });
}

/** Everything an error could show in a log: message, stack, and its causes'. */
function printable(err) {
  const parts = [];
  for (let e = err; e; e = e.cause) parts.push(String(e.message), String(e.stack));
  return parts.join('\n');
}

function assertNoSecret(err) {
  const text = printable(err);
  assert.ok(!text.includes(SECRET), 'secret query string leaked into the error:\n' + text);
  assert.ok(!text.includes('signature='), 'query string leaked into the error:\n' + text);
}

async function startServer() {
  const hanging = [];
  const server = http.createServer((req, res) => {
    const path = req.url.split('?')[0];
    const json = (status, body, headers = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    switch (path) {
      case '/ok':
        return json(200, { ok: true, n: 1 });
      case '/echo':
        return json(200, { method: req.method, url: req.url, port: req.socket.remotePort, headers: req.headers });
      case '/post': {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => json(200, { body, type: req.headers['content-type'] }));
        return undefined;
      }
      case '/empty':
        res.writeHead(204);
        return res.end();
      case '/limited':
        return json(429, { code: -1003, msg: 'Too many requests' }, { 'retry-after': '2' });
      case '/teapot':
        return json(418, { code: -1003, msg: 'banned' }, { 'retry-after': '1' });
      case '/boom':
        res.writeHead(500, { 'content-type': 'text/plain' });
        return res.end('internal error for ' + req.url); // a server that echoes the URL
      case '/bad':
        return json(400, { code: -1121, msg: 'Invalid symbol.' }, { 'x-mbx-used-weight': '7' });
      case '/moved':
        res.writeHead(304);
        return res.end();
      case '/html':
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<html>maintenance</html>');
      case '/hang':
        hanging.push(res);
        return undefined; // never answers
      case '/stall-body':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"partial":');
        hanging.push(res);
        return undefined; // headers sent, body never finished
      default:
        return json(404, { msg: 'not found' });
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    server,
    baseUrl: `http://127.0.0.1:${server.address().port}`,
    async close() {
      hanging.forEach((r) => r.destroy());
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

describe('transport/RestClient', () => {
  let srv;
  let client;
  let clock;

  beforeEach(async () => {
    srv = await startServer();
  });
  afterEach(async () => {
    if (clock) clock.restore();
    clock = undefined;
    if (client) client.close();
    client = undefined;
    await srv.close();
  });

  it('returns parsed JSON and encodes the query in order, skipping undefined', async () => {
    client = new RestClient({ baseUrl: srv.baseUrl + '/', exchange: 'test' });
    assert.deepStrictEqual(await client.request('GET', '/ok'), { ok: true, n: 1 });
    const echo = await client.request('GET', '/echo', { query: { symbol: 'BTC/USDT', limit: 5, skip: undefined, flag: true } });
    assert.strictEqual(echo.method, 'GET');
    assert.strictEqual(echo.url, '/echo?symbol=BTC%2FUSDT&limit=5&flag=true');
    assert.strictEqual(echo.headers.accept, 'application/json');
    // a path that already has a query string gets the rest appended with '&'
    const echo2 = await client.request('GET', 'echo?a=1', { query: { b: 2 } });
    assert.strictEqual(echo2.url, '/echo?a=1&b=2');
  });

  it('sends method, body and headers; 204 resolves undefined', async () => {
    client = new RestClient({ baseUrl: srv.baseUrl, exchange: 'test', headers: { 'x-default': 'd' } });
    const r = await client.request('POST', '/post', {
      body: 'a=1&b=2',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.deepStrictEqual(r, { body: 'a=1&b=2', type: 'application/x-www-form-urlencoded' });
    const echo = await client.request('DELETE', '/echo', { headers: { 'x-api-key': 'k' } });
    assert.strictEqual(echo.method, 'DELETE');
    assert.strictEqual(echo.headers['x-api-key'], 'k');
    assert.strictEqual(echo.headers['x-default'], 'd');
    assert.strictEqual(await client.request('DELETE', '/empty'), undefined);
  });

  it('reuses the TCP connection (keep-alive agent)', async () => {
    client = new RestClient({ baseUrl: srv.baseUrl, exchange: 'test' });
    const a = await client.request('GET', '/echo');
    const b = await client.request('GET', '/echo');
    assert.strictEqual(a.headers.connection, 'keep-alive');
    assert.strictEqual(a.port, b.port, 'second request must reuse the first socket');
  });

  it('429 -> RateLimitExceeded with retryAfterMs, and the limiter pauses until then', async () => {
    const limiter = new RateLimiter({ capacity: 10, intervalMs: 1000 });
    const pause = sinon.spy(limiter, 'pauseUntil');
    client = new RestClient({ baseUrl: srv.baseUrl, exchange: 'test', limiter });
    const before = Date.now();
    const err = await rejection(client.request('GET', '/limited', { query: { signature: SECRET } }));
    const after = Date.now();
    assert.ok(err instanceof RateLimitExceeded, String(err));
    assert.strictEqual(err.retryAfterMs, 2000);
    assert.strictEqual(err.status, 429);
    assert.strictEqual(err.exchange, 'test');
    assert.deepStrictEqual(err.raw, { code: -1003, msg: 'Too many requests' });
    assert.match(err.message, /^test: GET \/limited: /);
    assertNoSecret(err);
    assert.ok(pause.calledOnce, 'limiter.pauseUntil must be called');
    const until = pause.firstCall.args[0];
    assert.ok(until >= before + 2000 && until <= after + 2000, `pauseUntil(${until}) not ~now+2000`);
  });

  it('418 -> RateLimitExceeded too', async () => {
    client = new RestClient({ baseUrl: srv.baseUrl, exchange: 'test' });
    const err = await rejection(client.request('GET', '/teapot'));
    assert.ok(err instanceof RateLimitExceeded);
    assert.strictEqual(err.status, 418);
    assert.strictEqual(err.retryAfterMs, 1000);
  });

  it('5xx -> ExchangeNotAvailable with status and raw body, no query string', async () => {
    client = new RestClient({ baseUrl: srv.baseUrl, exchange: 'test' });
    const err = await rejection(client.request('GET', '/boom', { query: { signature: SECRET } }));
    assert.ok(err instanceof ExchangeNotAvailable, String(err));
    assert.strictEqual(err.status, 500);
    assert.match(err.raw, /^internal error for \/boom/);
    assert.match(err.message, /^test: GET \/boom: HTTP 500/);
    assertNoSecret(err);
  });

  it('4xx -> mapError result, decorated with method, path, status and raw', async () => {
    const calls = [];
    const mapError = (status, body, headers) => {
      calls.push({ status, body, headers });
      if (body && body.code === -1121) return new BadSymbol(body.msg, { exchange: 'test' });
      return undefined;
    };
    client = new RestClient({ baseUrl: srv.baseUrl, exchange: 'test', mapError });
    const err = await rejection(client.request('GET', '/bad', { query: { symbol: 'X', signature: SECRET } }));
    assert.ok(err instanceof BadSymbol, String(err));
    assert.strictEqual(calls.length, 1);
    assert.strictEqual(calls[0].status, 400);
    assert.deepStrictEqual(calls[0].body, { code: -1121, msg: 'Invalid symbol.' });
    assert.strictEqual(calls[0].headers['x-mbx-used-weight'], '7');
    assert.strictEqual(err.message, 'test: GET /bad: Invalid symbol.');
    assert.strictEqual(err.status, 400);
    assert.deepStrictEqual(err.raw, { code: -1121, msg: 'Invalid symbol.' });
    assertNoSecret(err);

    // mapError returning undefined falls back to BadRequest
    const err2 = await rejection(client.request('GET', '/nope'));
    assert.ok(err2 instanceof BadRequest && !(err2 instanceof BadSymbol), String(err2));
    assert.strictEqual(err2.status, 404);
    assert.strictEqual(calls.length, 2);
  });

  it('4xx without mapError -> BadRequest; other non-2xx -> ExchangeError', async () => {
    client = new RestClient({ baseUrl: srv.baseUrl, exchange: 'test' });
    const err = await rejection(client.request('POST', '/bad?signature=' + SECRET));
    assert.ok(err instanceof BadRequest, String(err));
    assert.strictEqual(err.status, 400);
    assert.match(err.message, /^test: POST \/bad: HTTP 400: .*Invalid symbol/);
    assertNoSecret(err);
    const err2 = await rejection(client.request('GET', '/moved'));
    assert.ok(err2 instanceof ExchangeError && !(err2 instanceof BadRequest), String(err2));
    assert.strictEqual(err2.status, 304);
  });

  it('non-JSON success body -> BadResponse with the raw text', async () => {
    client = new RestClient({ baseUrl: srv.baseUrl, exchange: 'test' });
    const err = await rejection(client.request('GET', '/html', { query: { signature: SECRET } }));
    assert.ok(err instanceof BadResponse, String(err));
    assert.strictEqual(err.status, 200);
    assert.strictEqual(err.raw, '<html>maintenance</html>');
    assert.match(err.message, /^test: GET \/html: /);
    assertNoSecret(err);
  });

  it('no reply -> RequestTimeout after timeoutMs', async () => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: false });
    client = new RestClient({ baseUrl: srv.baseUrl, exchange: 'test', timeoutMs: 200 });
    const arrived = once(srv.server, 'request');
    let settled = false;
    const p = rejection(client.request('GET', '/hang', { query: { signature: SECRET } })).finally(() => (settled = true));
    await arrived;
    clock.tick(199);
    await new Promise((r) => setImmediate(r));
    assert.strictEqual(settled, false, 'must not time out early');
    clock.tick(1);
    const err = await p;
    assert.ok(err instanceof RequestTimeout, String(err));
    assert.match(err.message, /^test: GET \/hang: no reply within 200 ms/);
    assertNoSecret(err);
  });

  it('a body that stalls after the headers also times out', async function () {
    // Real timers here: the headers must reach the client before the deadline, so that the
    // timeout is the one guarding the body read (a client that stopped the clock at the headers
    // would hang and fail on the mocha timeout instead).
    this.timeout(5000);
    client = new RestClient({ baseUrl: srv.baseUrl, exchange: 'test', timeoutMs: 300 });
    const err = await rejection(client.request('GET', '/stall-body'));
    assert.ok(err instanceof RequestTimeout, String(err));
    assert.match(err.message, /GET \/stall-body: no reply within 300 ms/);
  });

  it('connection refused -> ExchangeNotAvailable without the query string', async () => {
    const s = net.createServer().listen(0, '127.0.0.1');
    await once(s, 'listening');
    const { port } = s.address();
    await new Promise((r) => s.close(r));
    client = new RestClient({ baseUrl: `http://127.0.0.1:${port}`, exchange: 'test' });
    const err = await rejection(client.request('GET', '/api/v3/order', { query: { signature: SECRET } }));
    assert.ok(err instanceof ExchangeNotAvailable, String(err));
    assert.strictEqual(err.status, undefined);
    assert.match(err.message, /^test: GET \/api\/v3\/order: ECONNREFUSED/);
    assert.ok(err.cause, 'the underlying error is kept as cause');
    assertNoSecret(err);
  });

  it('close() aborts requests in flight and refuses new ones', async () => {
    client = new RestClient({ baseUrl: srv.baseUrl, exchange: 'test' });
    const arrived = once(srv.server, 'request');
    const p = rejection(client.request('GET', '/hang'));
    await arrived;
    client.close();
    const err = await p;
    assert.ok(err instanceof ExchangeNotAvailable, String(err));
    assert.match(err.message, /client closed/);
    const err2 = await rejection(client.request('GET', '/ok'));
    assert.ok(err2 instanceof ExchangeNotAvailable);
  });

  it('charges the limiter with the request weight', async () => {
    const limiter = new RateLimiter({ capacity: 10, intervalMs: 60_000 });
    const acquire = sinon.spy(limiter, 'acquire');
    client = new RestClient({ baseUrl: srv.baseUrl, exchange: 'test', limiter });
    await client.request('GET', '/ok', { weight: 5 });
    await client.request('GET', '/ok');
    assert.deepStrictEqual(acquire.args, [[5], [1]]);
  });
});

describe('transport/rest-client helpers', () => {
  it('encodeQuery keeps order, encodes, skips undefined', () => {
    assert.strictEqual(encodeQuery({ b: 'x y', a: 1, c: undefined, d: false }), 'b=x%20y&a=1&d=false');
    assert.strictEqual(encodeQuery(undefined), '');
  });
  it('parseRetryAfter reads seconds and HTTP dates', () => {
    assert.strictEqual(parseRetryAfter('3'), 3000);
    assert.strictEqual(parseRetryAfter('0.5'), 500);
    assert.strictEqual(parseRetryAfter(null), undefined);
    assert.strictEqual(parseRetryAfter('soon'), undefined);
    const now = Date.parse('2024-01-01T00:00:00Z');
    assert.strictEqual(parseRetryAfter('Mon, 01 Jan 2024 00:00:10 GMT', now), 10000);
  });
});
