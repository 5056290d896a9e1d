'use strict';
// Bitfinex v2 signing (protocols.md §6): HMAC-SHA384 checked against RFC 4231's published test
// vector; the WebSocket `auth` event ("AUTH" + nonce) and the REST headers ("/api/v2/" + path +
// nonce + body) rebuilt independently from the documented formulas; nonces strictly increasing,
// microseconds, even when the clock steps back; the secret never shows.
const assert = require('assert');
const crypto = require('crypto');
const util = require('util');
const { BitfinexCredentials, NonceSource, hmacSha384Hex, restSignaturePayload } = require('../js/exchanges/bitfinex/auth');

const hmac = (secret, text) => crypto.createHmac('sha384', secret).update(text).digest('hex');

describe('bitfinex signing', () => {
  it('HMAC-SHA384 reproduces RFC 4231 test case 2', () => {
    assert.strictEqual(
      hmacSha384Hex('Jefe', 'what do ya want for nothing?'),
      'af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649',
    );
  });

  it('the auth event signs "AUTH" + nonce, with the nonce as authNonce, the filter and dms 4', () => {
    const creds = new BitfinexCredentials('key-1', 'secret-1');
    const e = creds.authEvent({ filter: ['trading', 'wallet'], dms: true });
    assert.match(e.authPayload, /^AUTH\d{16}$/);
    assert.strictEqual(e.authPayload, `AUTH${e.authNonce}`);
    assert.strictEqual(e.authSig, hmac('secret-1', e.authPayload));
    assert.deepStrictEqual({ ...e, authSig: '', authPayload: '', authNonce: 0 }, {
      event: 'auth', apiKey: 'key-1', authSig: '', authPayload: '', authNonce: 0, filter: ['trading', 'wallet'], dms: 4,
    });
    assert.ok(!('dms' in creds.authEvent()), 'dms only when asked');
  });

  it('REST headers sign "/api/v2/" + path + nonce + body', () => {
    const creds = new BitfinexCredentials('key-1', 'secret-1');
    const body = '{"type":"EXCHANGE LIMIT","symbol":"tBTCUSD","amount":"0.1","price":"500"}';
    const h = creds.restHeaders('/v2/auth/w/order/submit', body);
    assert.strictEqual(h['bfx-apikey'], 'key-1');
    assert.match(h['bfx-nonce'], /^\d{16}$/);
    assert.strictEqual(h['bfx-signature'], hmac('secret-1', `/api/v2/auth/w/order/submit${h['bfx-nonce']}${body}`));
    assert.strictEqual(restSignaturePayload('auth/r/wallets', '123', '{}'), '/api/v2/auth/r/wallets123{}');
    assert.strictEqual(restSignaturePayload('/v2/auth/r/wallets', '123', '{}'), '/api/v2/auth/r/wallets123{}');
  });

  it('nonces are microseconds and strictly increase, even when the clock steps back', () => {
    let now = 1_800_000_000_000;
    const src = new NonceSource(() => now);
    const seen = [];
    for (let i = 0; i < 5000; i++) seen.push(BigInt(src.next()));
    now -= 60_000; // the clock steps back a minute
    for (let i = 0; i < 100; i++) seen.push(BigInt(src.next()));
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i] > seen[i - 1], `nonce ${i} grows`);
    assert.ok(seen[0] >= 1_800_000_000_000_000n && seen[0] < 1_800_000_000_001_000n, 'microseconds of the clock');
    // a later process (a new source) on a later clock starts above
    const later = new NonceSource(() => 1_800_000_000_100_000);
    assert.ok(BigInt(later.next()) > seen[4999]);
  });

  it('two clients of one key in a process never hand out the same or a smaller nonce', () => {
    const a = new BitfinexCredentials('shared-key', 's');
    const b = new BitfinexCredentials('shared-key', 's');
    const seen = [];
    for (let i = 0; i < 2000; i++) seen.push(BigInt((i % 2 ? a : b).authEvent().authNonce));
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i] > seen[i - 1], `nonce ${i} grows across both clients`);
  });

  it('keeps the secret out of inspect, JSON and errors', () => {
    const creds = new BitfinexCredentials('key-1', 'very-secret');
    assert.ok(!util.inspect(creds, { showHidden: true, depth: 5 }).includes('very-secret'));
    assert.ok(!JSON.stringify(creds).includes('very-secret'));
    assert.throws(() => new BitfinexCredentials('', 'qq-secret-qq'), (e) => e.name === 'AuthenticationError' && !e.message.includes('qq-secret-qq'));
  });
});
