'use strict';
/**
 * OKX signing against OKX's published examples (docs-v5 "REST Authentication" and "WebSocket >
 * Login"; the same text on web3.okx.com/onchainos/dev-docs-v5/dex-api/dex-websocket-login):
 *
 * - example SecretKey `22582BD0CFF14C41EDBF1AB98506286D`;
 * - REST: `sign = Base64(HmacSHA256(timestamp + 'GET' + '/api/v5/account/balance?ccy=BTC', SecretKey))`
 *   with the example timestamp `2020-12-08T09:08:57.715Z`;
 * - login: `sign = Base64(HmacSHA256(timestamp + 'GET' + '/users/self/verify', SecretKey))` with the
 *   example timestamp `1538054050` (seconds).
 *
 * OKX publishes no signature for those inputs (the login example's sign "7L+zFQ+..." was made with
 * another, unpublished key), so the expected values below were computed once with an independent
 * HMAC (Python's hmac/hashlib) from the published inputs, and are fixed here; the last test computes
 * them once more with node:crypto directly from the documented recipe (not through our auth code).
 */
const assert = require('assert');
const util = require('util');
const { createHmac } = require('crypto');
const { OkxCredentials, okxSign, restPrehash, loginPrehash, isoTimestamp } = require('../js/exchanges/okx/auth');

const SECRET = '22582BD0CFF14C41EDBF1AB98506286D';

describe('okx auth: signatures equal the published examples', () => {
  it('REST: OK-ACCESS-SIGN of GET /api/v5/account/balance?ccy=BTC at 2020-12-08T09:08:57.715Z', () => {
    const pre = restPrehash('2020-12-08T09:08:57.715Z', 'GET', '/api/v5/account/balance?ccy=BTC', '');
    assert.strictEqual(pre, '2020-12-08T09:08:57.715ZGET/api/v5/account/balance?ccy=BTC');
    assert.strictEqual(okxSign(SECRET, pre), 'HiZhvSfMtWJA3uUIVXV3a/bSXNPCWvYFXoGCVS8V4zY=');
    const c = new OkxCredentials('985d5b66-57ce-40fb-b714-afc0b9787083', SECRET, '123456');
    const h = c.restHeaders(Date.parse('2020-12-08T09:08:57.715Z'), 'GET', '/api/v5/account/balance?ccy=BTC', '');
    assert.deepStrictEqual(h, {
      'OK-ACCESS-KEY': '985d5b66-57ce-40fb-b714-afc0b9787083',
      'OK-ACCESS-SIGN': 'HiZhvSfMtWJA3uUIVXV3a/bSXNPCWvYFXoGCVS8V4zY=',
      'OK-ACCESS-TIMESTAMP': '2020-12-08T09:08:57.715Z',
      'OK-ACCESS-PASSPHRASE': '123456',
    });
    // a POST signs its JSON body too
    const body = '{"instId":"BTC-USDT","lever":"5","mgnMode":"isolated"}';
    assert.strictEqual(restPrehash('2020-12-08T09:08:57.715Z', 'post', '/api/v5/account/set-leverage', body), `2020-12-08T09:08:57.715ZPOST/api/v5/account/set-leverage${body}`);
    assert.strictEqual(isoTimestamp(1607418537715), '2020-12-08T09:08:57.715Z');
  });

  it('login: sign of timestamp 1538054050 (seconds) + GET + /users/self/verify', () => {
    assert.strictEqual(loginPrehash('1538054050'), '1538054050GET/users/self/verify');
    const c = new OkxCredentials('985d5b66-57ce-40fb-b714-afc0b9787083', SECRET, '123456');
    assert.deepStrictEqual(c.loginArgs(1538054050_999), {
      apiKey: '985d5b66-57ce-40fb-b714-afc0b9787083',
      passphrase: '123456',
      timestamp: '1538054050',
      sign: '+LdIr8lkkvhr5hoA3g9TMC0+uQJ849ftAcocA/ouu4M=',
    });
  });

  it('an independent node:crypto computation of the documented recipe gives the same signatures', () => {
    const recipe = (prehash) => createHmac('sha256', Buffer.from(SECRET, 'utf8')).update(prehash, 'utf8').digest('base64');
    assert.strictEqual(recipe('2020-12-08T09:08:57.715ZGET/api/v5/account/balance?ccy=BTC'), 'HiZhvSfMtWJA3uUIVXV3a/bSXNPCWvYFXoGCVS8V4zY=');
    assert.strictEqual(recipe('1538054050GET/users/self/verify'), '+LdIr8lkkvhr5hoA3g9TMC0+uQJ849ftAcocA/ouu4M=');
    // a batch-orders POST signs its JSON array body
    const body = '[{"instId":"BTC-USDT","tdMode":"cash","side":"buy","ordType":"limit","px":"2.15","sz":"2","clOrdId":"b15"}]';
    const pre = restPrehash('2020-12-08T09:08:57.715Z', 'POST', '/api/v5/trade/batch-orders', body);
    assert.strictEqual(okxSign(SECRET, pre), recipe(`2020-12-08T09:08:57.715ZPOST/api/v5/trade/batch-orders${body}`));
  });

  it('credentials need the passphrase (the password option) and never show their secrets', () => {
    assert.throws(() => new OkxCredentials('k', SECRET, undefined), /password/);
    const c = new OkxCredentials('k', SECRET, 'pass-phrase');
    const shown = util.inspect(c) + JSON.stringify(c) + Object.keys(c).join();
    assert.ok(!shown.includes(SECRET) && !shown.includes('pass-phrase'), shown);
  });
});
