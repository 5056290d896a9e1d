'use strict';
/** The package as users load it: CommonJS and ESM entry points, exstream/sim, and the examples. */
const assert = require('assert');
const { execFile } = require('child_process');
const path = require('path');

const root = path.resolve(__dirname, '..');

function run(args, env = {}) {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: root, env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 60000 }, (err, stdout, stderr) => {
      resolve({ code: err ? err.code : 0, stdout, stderr });
    });
  });
}

describe('package entry points', () => {
  it('require("exstream") gives the exchanges, errors and the error hierarchy', () => {
    const x = require('exstream');
    assert.strictEqual(typeof x.binance, 'function');
    assert.strictEqual(x.exchanges.binance, x.binance);
    assert.ok(new x.errors.BadSymbol('x') instanceof x.errors.BadRequest);
    assert.ok(new x.errors.BadRequest('x') instanceof x.errors.ExchangeError);
    assert.ok(new x.errors.RequestTimeout('x') instanceof x.errors.NetworkError);
    assert.ok(new x.errors.InsufficientFunds('x') instanceof x.errors.InvalidOrder);
    assert.strictEqual(typeof require('exstream/sim').simulate, 'function');
  });

  it('import { binance } from "exstream" works from ESM, and so does exstream/sim', async () => {
    const code = `
      import { binance, errors, exchanges } from 'exstream';
      import { simulate } from 'exstream/sim';
      const ex = new binance({ ws: true });
      console.log(typeof binance, exchanges.binance === binance, typeof errors.BadSymbol, typeof simulate, ex.has.fetchOrderBook);
    `;
    const r = await run(['--input-type=module', '-e', code]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.strictEqual(r.stdout.trim(), 'function true function function ws');
  });
});

describe('examples run', () => {
  it('examples/quickstart.js shows one book three ways', async () => {
    const r = await run(['examples/quickstart.js']);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /^pull {5}best bid \[ [\d.]+, [\d.]+ \] best ask/m);
    assert.match(r.stdout, /^callback best bid/m);
    assert.match(r.stdout, /^for-await best ask/m);
    assert.match(r.stdout, /^await {4}next update nonce \d+/m);
  });

  it('npm start (examples/demo.js) runs offline and exits cleanly', async () => {
    const r = await run(['examples/demo.js'], { DEMO_SECONDS: '4' });
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /fetchOrderBook BTC\/USDT synced: best bid [\d.]+, best ask [\d.]+/);
    // the order placed over the WebSocket API shows up in the order and balance streams, then is cancelled
    const id = (r.stdout.match(/createOrder \(ws\) -> (\d+) open/) || [])[1];
    assert.ok(id, r.stdout);
    assert.match(r.stdout, new RegExp(`order ${id} buy 0.01 @ \\d+: open`));
    assert.match(r.stdout, /balance USDT free [\d.]+ used [1-9][\d.]*/);
    assert.match(r.stdout, new RegExp(`cancelOrder -> ${id} canceled`));
    assert.match(r.stdout, /demo finished: \d+ book updates merged/);
    assert.doesNotMatch(r.stdout, /error:/);
  });
});
