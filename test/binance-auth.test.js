'use strict';
/**
 * Binance signing and clocks: the worked HMAC examples from Binance's docs (protocols.md §7),
 * Ed25519 signatures, secrets kept out of inspect/JSON, the server-time offset (pure logic), and
 * against the simulator: a skewed server clock, and a bad key / bad signature over both transports.
 */
const assert = require('assert');
const crypto = require('crypto');
const util = require('util');
const { binance, errors } = require('..');
const { simulate } = require('../js/sim');
const { BinanceCredentials, hmacSha256Hex, restSignaturePayload, signRestQuery, signWsParams, wsSignaturePayload } = require('../js/exchanges/binance/auth');
const { ServerClock } = require('../js/transport/server-clock');

// protocols.md §7 "Binance HMAC" (Binance's docs examples)
const DOC_SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
const DOC_API_KEY = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';

describe('binance auth: signatures equal the docs\' worked examples', () => {
  it('REST: HMAC-SHA256 of the query string as sent', () => {
    const query = { symbol: 'LTCBTC', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '1', price: '0.1', recvWindow: 5000, timestamp: 1499827319559 };
    const payload = restSignaturePayload(query);
    assert.strictEqual(payload, 'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559');
    const expected = 'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71';
    assert.strictEqual(hmacSha256Hex(DOC_SECRET, payload), expected);
    const signed = signRestQuery(query, new BinanceCredentials(DOC_API_KEY, DOC_SECRET));
    assert.strictEqual(signed.signature, expected);
    assert.deepStrictEqual(Object.keys(signed).slice(-1), ['signature'], 'signature goes last, after what it signs');
  });

  it('WebSocket API: params sorted by name, apiKey included', () => {
    const params = { symbol: 'BTCUSDT', side: 'SELL', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01000000', price: '52000.00', recvWindow: 100, timestamp: 1645423376532 };
    const signed = signWsParams(params, new BinanceCredentials(DOC_API_KEY, DOC_SECRET));
    assert.strictEqual(
      wsSignaturePayload(signed),
      `apiKey=${DOC_API_KEY}&price=52000.00&quantity=0.01000000&recvWindow=100&side=SELL&symbol=BTCUSDT&timeInForce=GTC&timestamp=1645423376532&type=LIMIT`,
    );
    assert.strictEqual(signed.signature, 'aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24');
    assert.strictEqual(signed.apiKey, DOC_API_KEY);
  });

  it('Ed25519 keys (PEM) sign the same payload, base64, verifiable with the public key', () => {
    const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
    const creds = new BinanceCredentials('k', privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    assert.strictEqual(creds.kind, 'ed25519');
    const signed = signWsParams({ timestamp: 1 }, creds);
    assert.ok(crypto.verify(null, Buffer.from('apiKey=k&timestamp=1'), publicKey, Buffer.from(signed.signature, 'base64')));
    assert.throws(() => new BinanceCredentials('k', '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----'), errors.AuthenticationError);
  });

  it('credentials never show their secret (inspect, JSON, keys)', () => {
    const creds = new BinanceCredentials(DOC_API_KEY, DOC_SECRET);
    for (const text of [util.inspect(creds, { depth: null, showHidden: true }), util.inspect(creds, { customInspect: false, depth: null }), JSON.stringify(creds), Object.keys(creds).join()]) {
      assert.ok(!text.includes(DOC_SECRET) && !text.includes(DOC_API_KEY), text);
    }
  });
});

describe('ServerClock (pure logic)', () => {
  it('offset = server time - midpoint of the round trip; measured once; sync() measures again', async () => {
    let local = 1000;
    let calls = 0;
    let server = 5000;
    const clock = new ServerClock(async () => {
      calls++;
      local += 10; // a 20 ms round trip, the server answering in the middle
      const t = server;
      local += 10;
      return t;
    }, () => local);
    await Promise.all([clock.ensure(), clock.ensure()]);
    assert.strictEqual(calls, 1, 'concurrent callers share one request');
    assert.strictEqual(clock.offsetMs, 5000 - 1010);
    assert.strictEqual(clock.now(), local + 3990);
    await clock.ensure();
    assert.strictEqual(calls, 1);
    server = 2000;
    await clock.sync();
    assert.strictEqual(calls, 2);
    assert.strictEqual(clock.offsetMs, 2000 - (local - 10));
  });

  it('a failed measurement is not remembered', async () => {
    let fail = true;
    const clock = new ServerClock(async () => {
      if (fail) throw new Error('down');
      return 42;
    }, () => 40);
    await assert.rejects(clock.ensure(), /down/);
    fail = false;
    await clock.ensure();
    assert.strictEqual(clock.offsetMs, 2);
  });
});

describe('binance auth on the simulator', function () {
  let sim;
  let ex;
  beforeEach(async () => {
    sim = await simulate('binance', { seed: 5, autoFlow: false, symbols: ['BTC/USDT'], balances: { USDT: 10000, BTC: 1 } });
  });
  afterEach(async () => {
    if (ex) await ex.close();
    ex = undefined;
    await sim.close();
  });

  const restingBuy = () => Math.floor(sim.book('BTCUSDT').bids[0][0] * 0.9);

  for (const wsTrading of [true, false]) {
    const via = wsTrading ? 'WebSocket API' : 'REST';
    it(`orders carry the server's time (${via}): a skewed server clock, and a clock that jumps later (-1021, re-measured, retried)`, async () => {
      sim.faults.skewClock(30_000);
      ex = new binance({ urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret, wsTrading });
      const a = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, restingBuy());
      assert.strictEqual(a.status, 'open');
      sim.faults.skewClock(-30_000); // the server's clock now runs behind ours: our timestamps look 1 min ahead
      const b = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, restingBuy());
      assert.strictEqual(b.status, 'open');
      assert.deepStrictEqual(sim.engine.openOrders('user').map((o) => String(o.orderId)), [a.id, b.id]);
    });

    it(`a bad key and a bad signature are AuthenticationErrors with Binance's code and message (${via})`, async () => {
      ex = new binance({ urls: sim.urls, apiKey: 'not-a-key', secret: sim.secret, wsTrading });
      let err = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, restingBuy()).then(() => undefined, (e) => e);
      assert.ok(err instanceof errors.AuthenticationError, err && err.stack);
      assert.strictEqual(err.code, -2015);
      assert.match(err.message, /Invalid API-key, IP, or permissions for action\./);
      await ex.close();
      ex = new binance({ urls: sim.urls, apiKey: sim.apiKey, secret: 'wrong-secret', wsTrading });
      err = await ex.fetchBalance().then(() => undefined, (e) => e);
      assert.ok(err instanceof errors.AuthenticationError, err && err.stack);
      assert.strictEqual(err.code, -1022);
      assert.match(err.message, /Signature for this request is not valid\./);
      err = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, restingBuy()).then(() => undefined, (e) => e);
      assert.ok(err instanceof errors.AuthenticationError);
      assert.strictEqual(err.code, -1022);
      assert.strictEqual(sim.engine.openOrders('user').length, 0);
    });
  }

  it('missing credentials: AuthenticationError before any request', async () => {
    ex = new binance({ urls: sim.urls });
    await assert.rejects(ex.fetchBalance(), errors.AuthenticationError);
    await assert.rejects(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 100), errors.AuthenticationError);
    assert.throws(() => ex.on('orders', () => {}), errors.AuthenticationError);
  });
});
