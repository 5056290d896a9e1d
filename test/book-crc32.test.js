'use strict';
// book/crc32: the native zlib.crc32 path (Node >= 20.15) and the JavaScript loop (older Nodes)
// give the same CRC-32 of the UTF-8 bytes, on checksum-like strings and on seeded random text
// with multi-byte, astral and lone-surrogate characters.
const assert = require('assert');
const zlib = require('zlib');
const { crc32, crc32Js, crc32Signed } = require('../js/book/crc32');

describe('book/crc32: native and JavaScript CRC-32 agree', () => {
  it('the check value and a checksum-shaped string', () => {
    assert.strictEqual(crc32('123456789'), 0xcbf43926);
    assert.strictEqual(crc32Js('123456789'), 0xcbf43926);
    const s = '60000.1:1.2345:60010.1:0.5:59999.9:2.5:60010.2:1.5';
    assert.strictEqual(crc32(s), crc32Js(s));
    assert.strictEqual(crc32Signed(s), crc32Js(s) | 0);
    assert.strictEqual(crc32(''), 0);
    assert.strictEqual(crc32Js(''), 0);
  });

  it('seeded random strings: ASCII, 2- and 3-byte characters, astral pairs and lone surrogates', () => {
    let seed = 1234567;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    const pick = () => {
      const r = rnd();
      if (r < 0.6) return String.fromCharCode(32 + Math.floor(rnd() * 95));
      if (r < 0.7) return String.fromCharCode(0x80 + Math.floor(rnd() * 0x780));
      if (r < 0.8) return String.fromCharCode(0x800 + Math.floor(rnd() * 0xd000));
      if (r < 0.9) return String.fromCodePoint(0x10000 + Math.floor(rnd() * 0xfffff));
      return String.fromCharCode(0xd800 + Math.floor(rnd() * 0x800)); // a lone surrogate
    };
    for (let i = 0; i < 2000; i++) {
      let s = '';
      for (let n = Math.floor(rnd() * 60); n > 0; n--) s += pick();
      const want = crc32Js(s);
      assert.strictEqual(crc32(s), want, JSON.stringify(s));
      // both are the CRC of the UTF-8 bytes Node writes for the string
      assert.strictEqual(crc32Js(s), (zlib.crc32 ? zlib.crc32(Buffer.from(s, 'utf8')) : want) >>> 0, JSON.stringify(s));
    }
  });
});
