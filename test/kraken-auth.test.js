'use strict';
/**
 * Kraken REST signing against Kraken's published example (docs.kraken.com "Spot REST
 * Authentication" > Examples: a new limit order, buy 1.25 XBTUSD at $37,500):
 *   private key  kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==
 *   nonce        1616492376594
 *   encoded payload  nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25
 *   URI path     /0/private/AddOrder
 *   API-Sign     4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ==
 */
const assert = require('assert');
const util = require('util');
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
