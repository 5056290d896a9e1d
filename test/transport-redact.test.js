'use strict';
const assert = require('assert');
const { stripQuery, redactUrls, redactError } = require('../js/transport/redact');

describe('transport/redact', () => {
  it('stripQuery drops query string and fragment', () => {
    assert.strictEqual(stripQuery('wss://h:9443/ws?listenKey=abc#x'), 'wss://h:9443/ws');
    assert.strictEqual(stripQuery('/api/v3/order?signature=abc'), '/api/v3/order');
    assert.strictEqual(stripQuery('https://h/p'), 'https://h/p');
  });

  it('redactUrls strips query strings of any scheme:// URL in free text', () => {
    assert.strictEqual(
      redactUrls('request to https://api.x.com/api/v3/order?timestamp=1&signature=abc failed, reason: ECONNREFUSED'),
      'request to https://api.x.com/api/v3/order failed, reason: ECONNREFUSED',
    );
    assert.strictEqual(redactUrls('a ws://h/ws?k=1 and http://h2/p#frag end'), 'a ws://h/ws and http://h2/p end');
    assert.strictEqual(redactUrls('nothing here?really'), 'nothing here?really');
  });

  it('redactUrls also removes the query string of a known URL without a scheme', () => {
    assert.strictEqual(redactUrls('Invalid URL: host:1/ws?key=SECRET', 'host:1/ws?key=SECRET'), 'Invalid URL: host:1/ws');
  });

  it('redactError returns the same error when clean, a redacted copy (same name and code) otherwise', () => {
    const clean = new Error('connect ECONNREFUSED 127.0.0.1:1');
    assert.strictEqual(redactError(clean), clean);
    const dirty = new TypeError('request to http://h/p?signature=abc failed');
    dirty.code = 'ECONNRESET';
    const copy = redactError(dirty);
    assert.notStrictEqual(copy, dirty);
    assert.strictEqual(copy.message, 'request to http://h/p failed');
    assert.strictEqual(copy.name, 'TypeError');
    assert.strictEqual(copy.code, 'ECONNRESET');
    assert.ok(!copy.stack.includes('signature'));
    assert.strictEqual(redactError('not an error'), 'not an error');
  });
});
