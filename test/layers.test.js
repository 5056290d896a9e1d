'use strict';
/** Folders only point down (DESIGN.md §2): every import of ts/ is checked against the layer rule. */
const assert = require('assert');
const path = require('path');
const { violations, readTree, importsOf } = require('./support/layers');

describe('layers: imports point down only', () => {
  const files = readTree(path.resolve(__dirname, '../ts'));

  it('reads the whole source tree, every layer present', () => {
    const layers = new Set(files.map((f) => f.rel.split(path.sep)[0]));
    for (const l of ['core', 'book', 'transport', 'exchanges', 'base', 'cli', 'sim', 'index.ts']) assert.ok(layers.has(l), `no ${l} in ts/`);
    assert.ok(files.length > 100, `only ${files.length} files read`);
  });

  it('no file imports from a layer above its own', () => {
    const bad = violations(files);
    assert.deepStrictEqual(bad, [], `upward imports:\n${bad.join('\n')}`);
  });

  it('the check fails on an upward import, a sideways one between exchanges, and sim reaching the client', () => {
    const bad = violations([
      { rel: 'book/orderbook.ts', text: "import type { Topic } from '../base/topic';" },
      { rel: 'transport/ws-connection.ts', text: "import { binanceAdapter } from '../exchanges/binance';" },
      { rel: 'exchanges/okx/adapter.ts', text: "import { Exchange } from '../../base/exchange';\nimport { depthRule } from '../binance/parse';" },
      { rel: 'sim/okx/rest.ts', text: "import { RestClient } from '../../transport/rest-client';" },
      { rel: 'core/errors.ts', text: "const x = require('../book/crc32');" },
    ]);
    assert.strictEqual(bad.length, 6, bad.join('\n'));
    assert.match(bad[0], /book\/orderbook\.ts \(book\) imports \.\.\/base\/topic \(base\)/);
    assert.match(bad.join('\n'), /one exchange's folder may not import another's/);
    assert.match(bad.join('\n'), /sim\/okx\/rest\.ts \(sim\) imports .*transport/);
  });

  it('finds static, type-only, re-export, dynamic and require imports', () => {
    const specs = importsOf(
      "import a from './a';\nimport type { B } from '../b';\nexport { C } from './c';\nimport './d';\nconst e = require('./e');\nconst f = import('./f');\nimport x from 'ws';",
    );
    assert.deepStrictEqual(specs, ['./a', '../b', './c', './d', './e', './f']);
  });
});
