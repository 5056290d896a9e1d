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
});
