'use strict';
/**
 * `npm run docs`: TypeDoc builds the API reference of the public exports with no warning (a type
 * that a public signature mentions is either exported or listed in typedoc.json on purpose).
 */
const assert = require('assert');
const { execFile } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');

describe('API reference (npm run docs)', function () {
  this.timeout(120000);
  let out;
  after(() => out && fs.rmSync(out, { recursive: true, force: true }));

  it('TypeDoc builds it from the public exports without a warning', async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'exstream-docs-'));
    const bin = path.join(root, 'node_modules', 'typedoc', 'bin', 'typedoc');
    const r = await new Promise((resolve) => {
      execFile(process.execPath, [bin, '--out', out, '--treatWarningsAsErrors'], { cwd: root, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) =>
        resolve({ code: err ? err.code : 0, stdout, stderr }),
      );
    });
    const log = r.stdout + r.stderr;
    assert.strictEqual(r.code, 0, log);
    assert.doesNotMatch(log, /warning|error/i, log);
    // both entry points, the Exchange class with its methods' JSDoc, and the simulator
    const modules = fs.readdirSync(path.join(out, 'modules')).sort();
    assert.deepStrictEqual(modules.filter((m) => !m.includes('.engine')), ['exstream.html', 'exstream_sim.html']);
    const exchange = fs.readFileSync(path.join(out, 'classes', 'exstream.Exchange.html'), 'utf8');
    for (const m of ['fetchOrderBook', 'watchOrderBook', 'createOrder', 'editOrder', 'cancelAllOrders']) assert.match(exchange, new RegExp(`id="${m.toLowerCase()}"`), m);
    assert.match(exchange, /Replaces an order \(new price\/amount\); resolves with the new order\./);
    assert.ok(fs.existsSync(path.join(out, 'functions', 'exstream_sim.simulate.html')));
  });
});
