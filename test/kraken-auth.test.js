'use strict';
/**
 * Kraken REST signing against Kraken's published example (docs.kraken.com "Spot REST
 * Authentication" > Examples: a new limit order, buy 1.25 XBTUSD at $37,500):
 *   private key  kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==
 *   nonce        1616492376594
 *   encoded payload  nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25
 *   URI path     /0/private/AddOrder
 *   API-Sign     4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ==
 * The same doc says a JSON body (AddOrderBatch, CancelOrderBatch) is signed the same way, the JSON
 * text standing for the encoded payload: checked against node:crypto computing the documented
 * recipe, HMAC-SHA512(base64-decoded secret, path + SHA256(nonce + body)), on its own.
 */
const assert = require('assert');
const util = require('util');
const { createHash, createHmac } = require('crypto');
const { KrakenCredentials, krakenSign } = require('../js/exchanges/kraken/auth');

const SECRET = 'kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==';
const PAYLOAD = 'nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25';
const SIGN = '4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ==';

describe('kraken auth: API-Sign equals the published example', () => {
  it("Kraken's AddOrder example", () => {
    assert.strictEqual(krakenSign(SECRET, '/0/private/AddOrder', '1616492376594', PAYLOAD), SIGN);
    const c = new KrakenCredentials('key', SECRET);
    assert.strictEqual(c.sign('/0/private/AddOrder', '1616492376594', PAYLOAD), SIGN);
  });

  it('a JSON body (AddOrderBatch) is signed by the same recipe, computed independently with node:crypto', () => {
    const recipe = (path, nonce, body) => createHmac('sha512', Buffer.from(SECRET, 'base64'))
      .update(Buffer.concat([Buffer.from(path), createHash('sha256').update(nonce + body).digest()]))
      .digest('base64');
    // the recipe itself reproduces the published example
    assert.strictEqual(recipe('/0/private/AddOrder', '1616492376594', PAYLOAD), SIGN);
    const body = '{"nonce":"1616492376594","pair":"XBTUSD","orders":[{"ordertype":"limit","type":"buy","volume":"1.25","price":"37500"},{"ordertype":"limit","type":"sell","volume":"1.25","price":"38500"}]}';
    assert.strictEqual(krakenSign(SECRET, '/0/private/AddOrderBatch', '1616492376594', body), recipe('/0/private/AddOrderBatch', '1616492376594', body));
  });

  it('nonces strictly increase, also within one millisecond and when the clock steps back', () => {
    const c = new KrakenCredentials('key', SECRET);
    const a = BigInt(c.nonce(1_700_000_000_000));
    const b = BigInt(c.nonce(1_700_000_000_000));
    const d = BigInt(c.nonce(1_699_999_999_000));
    const e = BigInt(c.nonce(1_700_000_000_001));
    assert.ok(a < b && b < d && d < e, `${a} ${b} ${d} ${e}`);
    assert.strictEqual(a, 1_700_000_000_000_000n);
  });

  it('credentials never show their secret; a secret that is not base64 is refused', () => {
    const c = new KrakenCredentials('key', SECRET);
    const shown = util.inspect(c) + JSON.stringify(c) + Object.keys(c).join();
    assert.ok(!shown.includes(SECRET), shown);
    assert.throws(() => new KrakenCredentials('key', 'not base64!'), /base64/);
  });
});
