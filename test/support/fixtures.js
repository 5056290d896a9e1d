'use strict';
/**
 * The recorded exchange captures the fixture tests replay: test/fixtures/ in this repository
 * (see test/fixtures/README.md for where each file came from and how it was trimmed). A missing
 * file FAILS the test that needs it; nothing is skipped.
 */
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const FIXTURES = path.resolve(__dirname, '../fixtures');

/** Absolute path of a capture under test/fixtures; throws if it is not there. */
function fixturePath(rel) {
  const p = path.join(FIXTURES, rel);
  if (!fs.existsSync(p)) {
    throw new Error(
      `fixture not found: ${p}\n` +
        'The recorded captures are committed under test/fixtures/ (see its README.md; ' +
        'test/fixtures/make-fixtures.js regenerates them). These tests do not skip without them.',
    );
  }
  return p;
}

/** A capture's text, gunzipped when the file name ends in .gz. */
function readFixture(rel) {
  const buf = fs.readFileSync(fixturePath(rel));
  return (rel.endsWith('.gz') ? zlib.gunzipSync(buf) : buf).toString('utf8');
}

module.exports = { FIXTURES, fixturePath, readFixture };
