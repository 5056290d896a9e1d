'use strict';
/**
 * CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) of a string's UTF-8 bytes, written for the
 * tests independently of the library's ts/book/crc32 and of zlib: the test oracles (the stubs, the
 * raw-protocol checks of the simulators) compute the exchanges' checksums with it, so a bug in the
 * library's CRC cannot hide behind the same bug in the oracle. Bit by bit: slow, and plain to read.
 */
function crc32(text) {
  let c = ~0;
  for (const byte of Buffer.from(text, 'utf8')) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** The same CRC read as a signed 32-bit integer (how OKX sends it). */
const crc32Signed = (text) => crc32(text) | 0;

module.exports = { crc32, crc32Signed };
