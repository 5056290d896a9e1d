'use strict';
/**
 * Coinbase JWTs (protocols.md §5 "JWT auth", after coinbase/coinbase-advanced-py jwt_generator):
 * a token made by the adapter verifies with node:crypto against the public key, its header and
 * claims are exactly the documented ones, REST tokens carry "METHOD host/path", WebSocket tokens no
 * uri; Ed25519 keys (PEM or Coinbase's base64 seed+public form) sign EdDSA; secrets never show.
 */
const assert = require('assert');
const util = require('util');
const { generateKeyPairSync, createPublicKey, verify } = require('crypto');
const { CoinbaseCredentials, restUri } = require('../js/exchanges/coinbase/auth');
const { errors } = require('..');

const b64u = (s) => Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
const part = (t, i) => JSON.parse(b64u(t.split('.')[i]).toString('utf8'));

function verifies(token, publicKey, alg) {
  const [h, c, s] = token.split('.');
  const data = Buffer.from(`${h}.${c}`);
  return alg === 'ES256' ? verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, b64u(s)) : verify(null, data, publicKey, b64u(s));
}

const NAME = 'organizations/0f1e2d3c-aaaa-bbbb-cccc-1234567890ab/apiKeys/9a8b7c6d-1111-2222-3333-444455556666';

describe('coinbase auth: JWTs as Coinbase documents them', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // a CDP key is downloaded as SEC1 PEM ("BEGIN EC PRIVATE KEY")
  const ecPem = ec.privateKey.export({ type: 'sec1', format: 'pem' });

  it('ES256: header {alg, kid, nonce, typ}, claims {sub, iss: cdp, nbf, exp = nbf + 120, uri}; verifies with the public key', () => {
    const creds = new CoinbaseCredentials(NAME, ecPem);
    const uri = restUri('get', 'https://api.coinbase.com', '/api/v3/brokerage/accounts?limit=250');
    assert.strictEqual(uri, 'GET api.coinbase.com/api/v3/brokerage/accounts');
    const token = creds.jwt(uri, 1700000000, 'abc123');
    assert.deepStrictEqual(part(token, 0), { alg: 'ES256', kid: NAME, nonce: 'abc123', typ: 'JWT' });
    assert.deepStrictEqual(part(token, 1), { sub: NAME, iss: 'cdp', nbf: 1700000000, exp: 1700000120, uri });
    assert.strictEqual(b64u(token.split('.')[2]).length, 64, 'raw r||s, not DER');
    assert.ok(verifies(token, ec.publicKey, 'ES256'));
    // a tampered claim no longer verifies
    const [h, , s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...part(token, 1), sub: 'someone else' })).toString('base64url')}.${s}`;
    assert.ok(!verifies(forged, ec.publicKey, 'ES256'));
  });

  it('WebSocket tokens have no uri; every token gets a fresh nonce; a PEM with escaped newlines is read', () => {
    const creds = new CoinbaseCredentials(NAME, ecPem.replace(/\n/g, '\\n'));
    const a = creds.jwt();
    const b = creds.jwt();
    assert.ok(!('uri' in part(a, 1)));
    assert.match(part(a, 0).nonce, /^[0-9a-f]{32}$/);
    assert.notStrictEqual(part(a, 0).nonce, part(b, 0).nonce);
    assert.ok(verifies(a, createPublicKey(ecPem), 'ES256'));
    assert.ok(Math.abs(part(a, 1).nbf - Date.now() / 1000) < 5);
  });

  it('Ed25519 keys sign EdDSA, from PEM or from the base64 seed + public key Coinbase prints', () => {
    const ed = generateKeyPairSync('ed25519');
    const pem = ed.privateKey.export({ type: 'pkcs8', format: 'pem' });
    const t1 = new CoinbaseCredentials(NAME, pem).jwt(undefined, 1700000000, 'n');
    assert.strictEqual(part(t1, 0).alg, 'EdDSA');
    assert.ok(verifies(t1, ed.publicKey, 'EdDSA'));
    const jwk = ed.privateKey.export({ format: 'jwk' });
    const raw = Buffer.concat([Buffer.from(jwk.d, 'base64url'), Buffer.from(jwk.x, 'base64url')]).toString('base64');
    const t2 = new CoinbaseCredentials(NAME, raw).jwt(undefined, 1700000000, 'n');
    assert.strictEqual(t2, t1, 'Ed25519 signatures are deterministic: the same key gives the same token');
  });

  it('bad keys are AuthenticationErrors that never show the secret; credentials never print it', () => {
    assert.throws(() => new CoinbaseCredentials(NAME, 'not a key at all!'), (e) => e instanceof errors.AuthenticationError && !e.message.includes('not a key'));
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'sec1', format: 'pem' });
    assert.throws(() => new CoinbaseCredentials(NAME, p384), /P-256/);
    const creds = new CoinbaseCredentials(NAME, ecPem);
    const shown = `${util.inspect(creds)} ${JSON.stringify(creds)} ${Object.keys(creds).join(',')}`;
    assert.ok(!shown.includes('PRIVATE') && !shown.includes(NAME), shown);
  });

  describe("tokens made by Coinbase's own sample SDK are read the same", () => {
    // Made once by running @coinbase-sample/advanced-trade-sdk-ts 0.3.0 (Coinbase's published
    // Advanced Trade SDK): new CoinbaseAdvTradeCredentials(NAME_SDK, key).generateAuthHeaders(
    // 'GET', 'https://api.coinbase.com/api/v3/brokerage/accounts?limit=250') with the throwaway
    // P-256 key below, and ('POST', '.../api/v3/brokerage/orders') with the Ed25519 key (Coinbase's
    // base64 seed + public form). Their random nonce makes a token unrepeatable, so the tokens are
    // recorded here.
    const NAME_SDK = "organizations/1b2c3d4e-0000-4000-8000-000000000001/apiKeys/5f6a7b8c-0000-4000-8000-000000000002";
    const EC_PEM = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIOBtj1eKDXnuPHISSlEVvvfBvTqVDDoUe11uE/L6a6QOoAoGCCqGSM49\nAwEHoUQDQgAE4jYULVLvH6AYPjFOpAggDt2jKxfVmNp+d6e2PvM+7BV+x6pDqRxG\nqi7FKzxmzqY0zfP4nq++AWm7KlsocCWqfQ==\n-----END EC PRIVATE KEY-----\n";
    const SDK_ES256 = "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6Im9yZ2FuaXphdGlvbnMvMWIyYzNkNGUtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAxL2FwaUtleXMvNWY2YTdiOGMtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAyIiwibm9uY2UiOiI3YWZlMmU3NzliYzZhNDY2MWY1ZDBmNDlhM2FlNjM0YiJ9.eyJpc3MiOiJjZHAiLCJuYmYiOjE3OTYyMDg4NjUsImV4cCI6MTc5NjIwODk4NSwic3ViIjoib3JnYW5pemF0aW9ucy8xYjJjM2Q0ZS0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDEvYXBpS2V5cy81ZjZhN2I4Yy0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDIiLCJ1cmkiOiJHRVQgYXBpLmNvaW5iYXNlLmNvbS9hcGkvdjMvYnJva2VyYWdlL2FjY291bnRzIiwiaWF0IjoxNzk2MjA4ODY1fQ.-cJAJUslbiyGjtbiiZeKZmTTRtGIoQaOJN54eq-gIy69cyVXPuLI4Ze4Sw02K56D_Ufre14mV7v3a1koskmeyA";
    const ED_RAW = "jYo8EDSjInjtiUOPM/mCdSfRqAYkNmNuDd+Ki9TO9YXtz9gYhb5XRaoiOdbLUTfRF8nEr3GbsWcbjWLdkoz3ng==";
    const SDK_EDDSA = "eyJhbGciOiJFZERTQSIsImtpZCI6Im9yZ2FuaXphdGlvbnMvMWIyYzNkNGUtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAxL2FwaUtleXMvNWY2YTdiOGMtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAyIiwibm9uY2UiOiI4OGUzMWFhNjA5YTRiMWNiMDIxNmRiMDJiZjJhNGVlZiJ9.eyJpc3MiOiJjZHAiLCJuYmYiOjE3OTYyMDg4NjUsImV4cCI6MTc5NjIwODk4NSwic3ViIjoib3JnYW5pemF0aW9ucy8xYjJjM2Q0ZS0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDEvYXBpS2V5cy81ZjZhN2I4Yy0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDIiLCJ1cmkiOiJQT1NUIGFwaS5jb2luYmFzZS5jb20vYXBpL3YzL2Jyb2tlcmFnZS9vcmRlcnMifQ.8MGg7uBp5fdwtAdAF5Ka2R9YFsl7nkZQmh37Z_1GLAlhBiuRjKzMSEot8nGUxWJtOvy0WIpHCocXDmQiaB1eAA";

    it('the same header and claims as ours (typ and iat aside); both verify with the same public key', () => {
      for (const [token, secret, alg, uri] of [
        [SDK_ES256, EC_PEM, 'ES256', 'GET api.coinbase.com/api/v3/brokerage/accounts'],
        [SDK_EDDSA, ED_RAW, 'EdDSA', 'POST api.coinbase.com/api/v3/brokerage/orders'],
      ]) {
        const theirs = { header: part(token, 0), claims: part(token, 1) };
        const ours = new CoinbaseCredentials(NAME_SDK, secret).jwt(restUri(uri.split(' ')[0], 'https://api.coinbase.com', uri.slice(uri.indexOf('/'))), theirs.claims.nbf, theirs.header.nonce);
        const mine = { header: part(ours, 0), claims: part(ours, 1) };
        const { typ: _t1, ...h1 } = theirs.header;
        const { typ: _t2, ...h2 } = mine.header;
        assert.deepStrictEqual(h2, h1, alg);
        const { iat: _iat, ...c1 } = theirs.claims;
        assert.deepStrictEqual(mine.claims, c1, alg);
        assert.strictEqual(mine.claims.uri, uri);
        const pub = alg === 'ES256' ? createPublicKey(EC_PEM) : createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(ED_RAW, 'base64').subarray(32).toString('base64url') }, format: 'jwk' });
        assert.ok(verifies(token, pub, alg), `Coinbase's ${alg} token verifies`);
        assert.ok(verifies(ours, pub, alg), `our ${alg} token verifies with the same key`);
      }
    });

    it("the simulator, given that CDP key, accepts Coinbase's token (its clock set to the token's time)", async () => {
      const { simulate } = require('../js/sim');
      const sim = await simulate('coinbase', { port: 0, cdpKey: { name: NAME_SDK, privateKey: EC_PEM } });
      try {
        const nbf = part(SDK_ES256, 1).nbf;
        sim.faults.skewClock(nbf * 1000 + 1000 - Date.now());
        const res = await fetch(`${sim.urls.rest}/api/v3/brokerage/accounts?limit=250`, { headers: { authorization: `Bearer ${SDK_ES256}` } });
        assert.strictEqual(res.status, 200, await res.clone().text());
        assert.ok(Array.isArray((await res.json()).accounts));
        // the same token for another path is refused
        const other = await fetch(`${sim.urls.rest}/api/v3/brokerage/orders/historical/batch`, { headers: { authorization: `Bearer ${SDK_ES256}` } });
        assert.strictEqual(other.status, 401);
      } finally {
        await sim.close();
      }
    });
  });

  describe("tokens made by Coinbase's Python SDK (coinbase-advanced-py) match ours byte for byte", () => {
    // Made once by running coinbase/coinbase-advanced-py 1.8.4 (the `coinbase-advanced-py` package,
    // Apache-2.0): jwt_generator.build_rest_jwt(format_jwt_uri('GET', '/api/v3/brokerage/accounts'),
    // key, secret) and build_ws_jwt(key, secret), with its clock fixed at 1764680000.25 and its
    // nonce (secrets.token_hex) fixed, with the SDK's own published test keys (tests/constants.py:
    // TEST_API_KEY, TEST_API_SECRET (P-256), TEST_ED25519_API_SECRET (Coinbase's base64 form)).
    const KEY = 'organizations/test-organization/apiKeys/test-api-key';
    const EC_PEM = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIKwf3Uox30cRWzRBOPoPOH5p0Gpb0Dt8zUKXUEM5fMkGoAoGCCqGSM49\nAwEHoUQDQgAEbAtpLlSZYVOwYICz+uEyxcS29vRIujiES/gQ1DC7FV4zK4JuYE9v\nqDyGZQYjdXHLM7I6f/QnnOITL+dXYWBHRA==\n-----END EC PRIVATE KEY-----\n';
    const ED_RAW = 'k0BUni0p0vZG1BdpVjS6ogBJ7kxm630AJ2dN+tuputDOKsRAwgyrpEQLeBtS1znTmzPX6Xr2eOWpzx6nW8knkA==';
    const NBF = 1764680000;
    const NONCE = '5e1f0c3b9a7d42e6b8c1f0a9d3e7b2c4';
    const URI = 'GET api.coinbase.com/api/v3/brokerage/accounts';
    const PY = {
      "es256_rest": "eyJhbGciOiJFUzI1NiIsImtpZCI6Im9yZ2FuaXphdGlvbnMvdGVzdC1vcmdhbml6YXRpb24vYXBpS2V5cy90ZXN0LWFwaS1rZXkiLCJub25jZSI6IjVlMWYwYzNiOWE3ZDQyZTZiOGMxZjBhOWQzZTdiMmM0IiwidHlwIjoiSldUIn0.eyJzdWIiOiJvcmdhbml6YXRpb25zL3Rlc3Qtb3JnYW5pemF0aW9uL2FwaUtleXMvdGVzdC1hcGkta2V5IiwiaXNzIjoiY2RwIiwibmJmIjoxNzY0NjgwMDAwLCJleHAiOjE3NjQ2ODAxMjAsInVyaSI6IkdFVCBhcGkuY29pbmJhc2UuY29tL2FwaS92My9icm9rZXJhZ2UvYWNjb3VudHMifQ.YyuVxI1s7xA2JxWZNAu2F90hPe4zcGv9OunpgXXWhNQh9nRkmX8B0hyORBLVDmGX098YmJTrshed9wRifOO1dg",
      "es256_ws": "eyJhbGciOiJFUzI1NiIsImtpZCI6Im9yZ2FuaXphdGlvbnMvdGVzdC1vcmdhbml6YXRpb24vYXBpS2V5cy90ZXN0LWFwaS1rZXkiLCJub25jZSI6IjVlMWYwYzNiOWE3ZDQyZTZiOGMxZjBhOWQzZTdiMmM0IiwidHlwIjoiSldUIn0.eyJzdWIiOiJvcmdhbml6YXRpb25zL3Rlc3Qtb3JnYW5pemF0aW9uL2FwaUtleXMvdGVzdC1hcGkta2V5IiwiaXNzIjoiY2RwIiwibmJmIjoxNzY0NjgwMDAwLCJleHAiOjE3NjQ2ODAxMjB9.88A5sDrT4wtGtqqvvEs0qORVHa6lVZMrUYJRNDd70xKK2y6FFIkiI9-4CbW1mkD3W9lZPKYlwcrnIjvaZIBJ_w",
      "ed25519_rest": "eyJhbGciOiJFZERTQSIsImtpZCI6Im9yZ2FuaXphdGlvbnMvdGVzdC1vcmdhbml6YXRpb24vYXBpS2V5cy90ZXN0LWFwaS1rZXkiLCJub25jZSI6IjVlMWYwYzNiOWE3ZDQyZTZiOGMxZjBhOWQzZTdiMmM0IiwidHlwIjoiSldUIn0.eyJzdWIiOiJvcmdhbml6YXRpb25zL3Rlc3Qtb3JnYW5pemF0aW9uL2FwaUtleXMvdGVzdC1hcGkta2V5IiwiaXNzIjoiY2RwIiwibmJmIjoxNzY0NjgwMDAwLCJleHAiOjE3NjQ2ODAxMjAsInVyaSI6IkdFVCBhcGkuY29pbmJhc2UuY29tL2FwaS92My9icm9rZXJhZ2UvYWNjb3VudHMifQ.1sjMPtmMAq4wAY1VkPV9BwKfbIs0jQoixzMPRuZEPn6LSf24DjzP2BOTpDPESgyN0jZo34-AR5DPRpeTDMJGDg",
      "ed25519_ws": "eyJhbGciOiJFZERTQSIsImtpZCI6Im9yZ2FuaXphdGlvbnMvdGVzdC1vcmdhbml6YXRpb24vYXBpS2V5cy90ZXN0LWFwaS1rZXkiLCJub25jZSI6IjVlMWYwYzNiOWE3ZDQyZTZiOGMxZjBhOWQzZTdiMmM0IiwidHlwIjoiSldUIn0.eyJzdWIiOiJvcmdhbml6YXRpb25zL3Rlc3Qtb3JnYW5pemF0aW9uL2FwaUtleXMvdGVzdC1hcGkta2V5IiwiaXNzIjoiY2RwIiwibmJmIjoxNzY0NjgwMDAwLCJleHAiOjE3NjQ2ODAxMjB9.iNJ7BvJU7LQwVo979FYhuUw3gOneVs4UpeKMFNj0rY5MkWFnChxvYmhInYDRwwbgGKSYt_5Md2dcMioiEFZZAQ"
    };

    it('Ed25519 (deterministic signatures): the adapter makes exactly the SDK\'s REST and WebSocket tokens', () => {
      const creds = new CoinbaseCredentials(KEY, ED_RAW);
      assert.strictEqual(restUri('GET', 'https://api.coinbase.com', '/api/v3/brokerage/accounts'), URI);
      assert.strictEqual(creds.jwt(URI, NBF, NONCE), PY.ed25519_rest);
      assert.strictEqual(creds.jwt(undefined, NBF, NONCE), PY.ed25519_ws);
      assert.deepStrictEqual(part(PY.ed25519_rest, 0), { alg: 'EdDSA', kid: KEY, nonce: NONCE, typ: 'JWT' });
      assert.deepStrictEqual(part(PY.ed25519_rest, 1), { sub: KEY, iss: 'cdp', nbf: NBF, exp: NBF + 120, uri: URI });
      assert.deepStrictEqual(part(PY.ed25519_ws, 1), { sub: KEY, iss: 'cdp', nbf: NBF, exp: NBF + 120 });
    });

    it('ES256 (randomized signatures): the same signed bytes (header.claims) as the SDK; both verify with the key', () => {
      const creds = new CoinbaseCredentials(KEY, EC_PEM);
      const pub = createPublicKey(EC_PEM);
      for (const [theirs, ours] of [
        [PY.es256_rest, creds.jwt(URI, NBF, NONCE)],
        [PY.es256_ws, creds.jwt(undefined, NBF, NONCE)],
      ]) {
        assert.strictEqual(ours.split('.').slice(0, 2).join('.'), theirs.split('.').slice(0, 2).join('.'));
        assert.ok(verifies(theirs, pub, 'ES256'), "the SDK's token verifies");
        assert.ok(verifies(ours, pub, 'ES256'), 'ours verifies');
      }
    });
  });
});
