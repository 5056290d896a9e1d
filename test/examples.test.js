'use strict';
/**
 * Every example in examples/ runs against the embedded simulator, ends by itself (a short
 * --seconds) and prints what it promises; the TypeScript example type-checks against the built
 * declarations and runs. (The demo and the quick start are run by package.test.js.)
 */
const assert = require('assert');
const { execFile, spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { requireRedis } = require('./support/redis');

const root = path.resolve(__dirname, '..');
const examplesDir = path.join(root, 'examples');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const env = { ...process.env, NO_COLOR: '1', EXSTREAM_LIVE: '' };

function run(args, opts = {}) {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: opts.cwd || root, env, timeout: 90000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? err.code : 0, signal: err ? err.signal : undefined, stdout, stderr });
    });
  });
}

const lines = (text, re) => text.split('\n').filter((l) => re.test(l));

describe('examples', function () {
  this.timeout(90000);
  // The examples run side by side (each ends by itself); each test then reads its own output.
  const runs = {};
  let bot; // the bot stopped by Ctrl-C, ended here if its test failed before that
  after(() => bot && bot.exitCode === null && bot.signalCode === null && bot.kill());
  before(() => {
    runs.legacy = run(['examples/callbacks-legacy.js', '--seconds', '5']);
    runs.bot = run(['examples/bot-ws-orders.js', '--seconds', '4']);
    runs.pipeline = run(['examples/for-await-pipeline.mjs', '--seconds', '4']);
    runs.books = run(['examples/many-books.js', '--seconds', '6']);
    runs.coinbase = run(['examples/coinbase-rest-orders.js', '--seconds', '30']);
    runs.bitfinex = run(['examples/bitfinex-checksums.js', '--seconds', '3']);
    runs.batch = run(['examples/batch-orders.js', '--seconds', '30']);
    runs.reasons = run(['examples/resync-reasons.js']);
  });

  it('each example is run by a test and listed in the README', () => {
    const tested = ['callbacks-legacy.js', 'bot-ws-orders.js', 'for-await-pipeline.mjs', 'many-books.js', 'typescript-usage.ts', 'coinbase-rest-orders.js', 'bitfinex-checksums.js', 'batch-orders.js', 'resync-reasons.js', 'relay.js'];
    const inPackageTest = ['demo.js', 'quickstart.js'];
    const files = fs.readdirSync(examplesDir).filter((f) => f !== 'tsconfig.json');
    assert.deepStrictEqual(files.sort(), [...tested, ...inPackageTest].sort());
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const esc = (x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const f of files) assert.match(readme, new RegExp(`^- \\[\`${esc(f)}\`\\]\\(examples/${esc(f)}\\) `, 'm'), f);
  });

  it('callbacks-legacy.js: books, trades and status through on(), errors through on("error"), no async/await', async () => {
    const source = fs.readFileSync(path.join(examplesDir, 'callbacks-legacy.js'), 'utf8');
    assert.doesNotMatch(source.replace(/\/\*\*[\s\S]*?\*\//, ''), /\basync\b|\bawait\b|^import /m);
    assert.match(source, /require\('exstream'\)/);
    const r = await runs.legacy;
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /^status open ws:\/\/127\.0\.0\.1:\d+\/stream$/m);
    assert.match(r.stdout, /^trade BTC\/USDT (buy|sell) [\d.]+ @ [\d.]+$/m);
    assert.match(r.stdout, /^book BTC\/USDT bid [\d.]+ ask [\d.]+ \([1-9]\d* updates\)$/m);
    assert.match(r.stdout, /^book ETH\/USDT bid [\d.]+ ask [\d.]+ \([1-9]\d* updates\)$/m);
    assert.match(r.stdout, /^ticker BTC\/USDT last [\d.]+ bid [\d.]+ ask [\d.]+$/m);
    // the throwing callback is reported on 'error' once, and the streams go on after it
    const errs = lines(r.stdout, /^error /);
    assert.strictEqual(errs.length, 1, r.stdout);
    assert.match(errs[0], /a callback that throws once/);
    assert.match(r.stdout, /^fetchOrderBook NOPE\/USDT rejected: BadSymbol$/m);
    assert.match(r.stdout, /^status closed /m);
    assert.match(r.stdout, /^closed: [1-9]\d* book updates, [1-9]\d* trades$/m);
  });

  it('bot-ws-orders.js: places, amends (a new id: Binance cancel-replaces), fills or cancels, and shuts down by itself', async () => {
    const r = await runs.bot;
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /^start BTC\/USDT: BTC free 2, USDT free 100000, has\.createOrder ws$/m);
    const placed = r.stdout.match(/^placed (buy|sell) (\d+) 0\.001 @ [\d.]+: open$/m);
    assert.ok(placed, r.stdout);
    assert.match(r.stdout, /^stopping \(4 s elapsed\): cancelling all BTC\/USDT orders$/m);
    assert.match(r.stdout, /^cancelAllOrders -> \d+ canceled$/m);
    assert.match(r.stdout, /^shutdown clean: placed [1-9]\d*, amended \d+, canceled \d+, fills \d+, position -?[\d.]+$/m);
    assert.doesNotMatch(r.stdout, /^error /m);
  });

  it('bot-ws-orders.js: amends, fills or cancels, then Ctrl-C cancels everything and closes', async () => {
    const child = (bot = spawn(process.execPath, ['examples/bot-ws-orders.js', '--seconds', '120'], { cwd: root, env }));
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    // wait (on its output, not on a clock) until the bot has amended an order and seen a fill or a cancel
    await new Promise((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        if (/^amended /m.test(out) && /^(fill|canceled) /m.test(out)) resolve();
      });
      child.on('exit', () => reject(new Error(`the bot exited early:\n${out}\n${err}`)));
    });
    child.kill('SIGINT');
    const { code } = await exited;
    assert.strictEqual(code, 0, err);
    // an amend replaces the order: the old id is gone, the new one is what later lines name
    const [, side, oldId, newId] = out.match(/^amended (buy|sell) (\d+) -> (\d+) @ [\d.]+ \(id changed\)$/m) || [];
    assert.ok(newId, out);
    assert.notStrictEqual(newId, oldId);
    assert.match(out, new RegExp(`^placed ${side} ${oldId} 0\\.001 @ [\\d.]+: open$|^amended ${side} \\d+ -> ${oldId} `, 'm'));
    assert.match(out, /^fill (buy|sell) [\d.]+ @ [\d.]+ \(order \d+, (maker|taker)\) position -?[\d.]+$|^canceled \d+ (buy|sell) /m);
    assert.match(out, /^balance BTC free [\d.]+ used [\d.]+, USDT free [\d.]+ used [\d.]+$/m);
    assert.match(out, /^stopping \(SIGINT\): cancelling all BTC\/USDT orders$/m);
    const after = out.slice(out.indexOf('stopping (SIGINT)'));
    assert.match(after, /^cancelAllOrders -> \d+ canceled$/m);
    assert.match(after, /^shutdown clean: placed [1-9]\d*, amended [1-9]\d*, canceled \d+, fills \d+, position -?[\d.]+$/m);
    assert.doesNotMatch(out, /^error /m);
  });

  it('for-await-pipeline.mjs: one merged stream of books and trades, a line per symbol', async () => {
    const source = fs.readFileSync(path.join(examplesDir, 'for-await-pipeline.mjs'), 'utf8');
    assert.match(source, /^import \{ binance \} from 'exstream';$/m);
    const r = await runs.pipeline;
    assert.strictEqual(r.code, 0, r.stderr);
    let trades = 0;
    for (const s of ['BTC/USDT', 'ETH/USDT', 'BNB/USDT']) {
      const re = new RegExp(`^${s.replace('/', '\\/')} +mid [\\d.]+  books [1-9]\\d*  trades \\d+  volume [\\d.]+  vwap ([\\d.]+|-)$`, 'm');
      assert.match(r.stdout, re, r.stdout);
      const final = r.stdout.match(new RegExp(`^final ${s.replace('/', '\\/')} +mid [\\d.]+  books [1-9]\\d*  trades (\\d+)`, 'm'));
      assert.ok(final, r.stdout);
      trades += Number(final[1]);
    }
    assert.ok(trades > 0, r.stdout);
    assert.match(r.stdout, /^pipeline done$/m);
  });

  it('many-books.js: 200 tops once a second, with the resync and connection counters', async () => {
    const r = await runs.books;
    assert.strictEqual(r.code, 0, r.stderr);
    // one table: a header with the counters, then a line per symbol
    const blocks = r.stdout.split(/^(?=t=)/m).filter((b) => b.startsWith('t='));
    const full = blocks.find((b) => /^t=\d+s {2}tops 200\/200 /.test(b));
    assert.ok(full, r.stdout.slice(0, 2000));
    assert.match(full, /^t=\d+s {2}tops 200\/200 {2}updates \d+ {2}resyncs: .+ {2}connections: open 1 {2}reconnects \d+ {2}errors 0$/m);
    const tops = lines(full, /^ {2}\S+\/\S+ +[\d.]+ \/ [\d.]+$/).map((l) => l.trim().split(' ')[0]);
    assert.strictEqual(new Set(tops).size, 200);
    // the simulator dropped every connection once: each book resynced, and the table is full again
    assert.match(r.stdout, /resyncs: reconnect 200 {2}connections: (open|reconnecting) 1 {2}reconnects 1/);
    assert.match(r.stdout, /^done: \d+ books, \d+ updates, resyncs: reconnect 200, reconnects 1$/m);
    assert.doesNotMatch(r.stdout, /^error /m);
  });

  it('coinbase-rest-orders.js: a REST order on the user channel no later than the reply, edited in place, canceled, balance held and freed', async () => {
    const r = await runs.coinbase;
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    // Coinbase has no WebSocket order entry
    assert.match(r.stdout, /^start BTC\/USD: has\.createOrder rest, has\.watchOrders ws; BTC free 10 used 0, USD free 1000000 used 0$/m);
    const [, id, price] = r.stdout.match(/^REST reply: placed (\d+) buy 0\.0001 @ ([\d.]+) open$/m) || [];
    assert.ok(id, r.stdout);
    const out = r.stdout.split('\n');
    const pushedAt = out.indexOf(`user channel: ${id} buy @ ${price} open, filled 0`);
    assert.ok(pushedAt >= 0 && pushedAt < out.indexOf(`REST reply: placed ${id} buy 0.0001 @ ${price} open`), r.stdout);
    const [, at, replyAt] = r.stdout.match(/^user channel had it first: at (\d+) ms, the REST reply at (\d+) ms$/m) || [];
    assert.ok(at && Number(at) <= Number(replyAt), r.stdout);
    // the hold of 0.0001 x price, then the edit (same id, new price, pushed), then the cancel (pushed)
    const hold = r.stdout.match(/^resting: BTC free 10 used 0, USD free ([\d.]+) used ([\d.]+)$/m);
    assert.ok(hold, r.stdout);
    assert.ok(Math.abs(Number(hold[2]) - 0.0001 * Number(price)) < 0.01 && Math.abs(Number(hold[1]) + Number(hold[2]) - 1000000) < 1e-6, hold[0]);
    const [, newPrice] = r.stdout.match(new RegExp(`^edited ${id} -> ${id} @ ([\\d.]+) \\(id kept\\)$`, 'm')) || [];
    assert.ok(newPrice && Number(newPrice) < Number(price), r.stdout);
    const editPushed = out.indexOf(`user channel: ${id} buy @ ${newPrice} open, filled 0`);
    const cancelPushed = out.indexOf(`user channel: ${id} buy @ ${newPrice} canceled, filled 0`);
    assert.ok(editPushed > pushedAt && cancelPushed > editPushed, r.stdout);
    assert.ok(cancelPushed < out.indexOf(`canceled ${id}: canceled`), r.stdout);
    assert.match(r.stdout, /^open orders now: 0; BTC free 10 used 0, USD free 1000000 used 0$/m);
    assert.match(r.stdout, /^closed cleanly: 3 order events, 0 errors$/m);
  });

  it('bitfinex-checksums.js: a corrupt checksum then a lost frame resync the book (checksum, then gap), which ends equal to the simulator\'s', async () => {
    const r = await runs.bitfinex;
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^synced BTC\/USD: 25 bids, 25 asks$/m);
    assert.match(r.stdout, /^t=[\d.]+s BTC\/USD bid [\d.]+ @ [\d.]+ {2}ask [\d.]+ @ [\d.]+ {2}updates [1-9]\d* {2}resyncs: /m);
    // each fault is followed by its own resync, in order, and the book is whole again after each
    const out = r.stdout.split('\n');
    const at = (re) => out.findIndex((l) => re.test(l));
    const steps = [
      /^fault: corruptChecksum\(BTC\/USD\)$/,
      /^resync BTC\/USD checksum: checksum mismatch/,
      /^after checksum: BTC\/USD synced again, bid [\d.]+ ask [\d.]+$/,
      /^fault: skipSequence\(BTC\/USD\)$/,
      /^resync BTC\/USD gap: sequence number \d+ skipped/,
      /^after gap: BTC\/USD synced again, bid [\d.]+ ask [\d.]+$/,
    ].map(at);
    assert.ok(steps.every((i, k) => i >= 0 && (k === 0 || i > steps[k - 1])), `${steps}\n${r.stdout}`);
    assert.strictEqual(lines(r.stdout, /^resync /).length, 2, r.stdout);
    // ends exact: after the simulator's flow stopped, the client's top equals the server's
    const [, bid, ask, tbid, task] = r.stdout.match(/^exact: top 25 levels a side equal the simulator's \(bid ([\d.]+) ask ([\d.]+), truth bid ([\d.]+) ask ([\d.]+)\)$/m) || [];
    assert.ok(bid, r.stdout);
    assert.deepStrictEqual([bid, ask], [tbid, task]);
    assert.ok(Number(bid) < Number(ask));
    assert.match(r.stdout, /^done: [1-9]\d* updates, resyncs: checksum 1, gap 1, errors 0$/m);
  });

  it('batch-orders.js: one createOrders request with a refused entry (InsufficientFunds), editOrders keeping ids, cancelOrders; the hold follows and is freed', async () => {
    const r = await runs.batch;
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^start BTC\/USDT: has\.createOrders ws, has\.editOrders ws, has\.cancelOrders ws; USDT free 10000 used 0$/m);
    // one entry per order, in order: the middle one refused with its typed error, the others placed
    const created = lines(r.stdout, /^createOrders: /);
    assert.strictEqual(created.length, 3, r.stdout);
    const [, p1, id1] = created[0].match(/^createOrders: ladder-1 buy 0\.01 @ ([\d.]+) -> open id (\d+)$/) || [];
    assert.match(created[1], /^createOrders: ladder-big buy 500 @ [\d.]+ -> rejected \(InsufficientFunds: bybit BTC\/USDT: order\.create-batch failed: .*\(retCode 170131\)\)$/);
    const [, p2, id2] = created[2].match(/^createOrders: ladder-2 buy 0\.02 @ ([\d.]+) -> open id (\d+)$/) || [];
    assert.ok(id1 && id2 && id1 !== id2, r.stdout);
    const close = (a, b) => Math.abs(Number(a) - b) < 1e-6;
    // the hold is the two placed orders' and nothing of the refused one
    const [, free1, used1] = r.stdout.match(/^resting: 2 orders, USDT free ([\d.]+) used ([\d.]+)$/m) || [];
    assert.ok(close(used1, 0.01 * p1 + 0.02 * p2) && close(Number(free1) + Number(used1), 10000), r.stdout);
    // amended in one request: same ids, new prices and amounts, the hold follows
    const edited = lines(r.stdout, /^editOrders: /).map((l) => l.match(/^editOrders: (\d+) -> (\d+) buy 0\.03 @ ([\d.]+) -> open \(id kept\)$/));
    assert.ok(edited.length === 2 && edited.every(Boolean), r.stdout);
    assert.deepStrictEqual(edited.map((m) => [m[1], m[2]]), [[id1, id1], [id2, id2]]);
    assert.ok(Number(edited[0][3]) < Number(p1) && Number(edited[1][3]) < Number(p2));
    const [, used2] = r.stdout.match(/^amended: USDT free [\d.]+ used ([\d.]+)$/m) || [];
    assert.ok(close(used2, 0.03 * edited[0][3] + 0.03 * edited[1][3]), r.stdout);
    assert.deepStrictEqual(lines(r.stdout, /^cancelOrders: /), [`cancelOrders: ${id1} -> canceled`, `cancelOrders: ${id2} -> canceled`]);
    assert.match(r.stdout, /^open orders now: 0; before USDT free 10000 used 0, after USDT free 10000 used 0$/m);
    assert.match(r.stdout, /^done: 3 placed in one request \(1 refused\), 2 amended, 2 canceled, errors 0$/m);
  });

  it('resync-reasons.js: a crossed Bybit book, Bitfinex maintenance and a Binance gap each resync with their own reason and end equal to the simulator', async () => {
    const r = await runs.reasons;
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    const out = r.stdout.split('\n');
    const inOrder = (steps) => {
      const at = steps.map((re) => out.findIndex((l) => re.test(l)));
      assert.ok(at.every((i, k) => i >= 0 && (k === 0 || i > at[k - 1])), `${at}\n${r.stdout}`);
    };
    // Bybit: the injected bid above the best ask is what the resync names
    const [, bid, ask] = r.stdout.match(/^bybit fault: a delta \(u=\d+\) with a bid at ([\d.]+), above the best ask ([\d.]+)$/m) || [];
    assert.ok(bid && Number(bid) > Number(ask), r.stdout);
    inOrder([
      /^bybit BTC\/USDT synced: 200 bids, 200 asks, /,
      /^bybit fault: /,
      new RegExp(`^resync bybit BTC/USDT crossed: crossed book: best bid ${bid} >= best ask ${ask}$`),
      /^bybit BTC\/USDT after crossed: synced again, /,
      /^bybit BTC\/USDT exact: top 200 levels a side equal the simulator's /,
      /^bitfinex BTC\/USD synced: 25 bids, 25 asks, /,
      /^bitfinex fault: info 20060 \(maintenance started\)$/,
      /^resync bitfinex BTC\/USD maintenance: maintenance started \(info 20060\)/,
      /^bitfinex fault: info 20061 \(maintenance ended\)$/,
      /^bitfinex BTC\/USD after maintenance: synced again, /,
      /^bitfinex BTC\/USD exact: top 25 levels a side equal the simulator's /,
      /^binance BTC\/USDT synced: /,
      /^binance fault: skipSequence\(BTC\/USDT\)$/,
      /^resync binance BTC\/USDT gap: expected U=\d+, got U=\d+/,
      /^binance BTC\/USDT after gap: synced again, /,
      /^binance BTC\/USDT exact: all \d+ \/ \d+ levels equal the simulator's /,
    ]);
    // one resync each, nothing else, and each exact line's top is the simulator's
    assert.strictEqual(lines(r.stdout, /^resync /).length, 3, r.stdout);
    for (const l of lines(r.stdout, / exact: /)) {
      const [, b, a, tb, ta] = l.match(/\(bid ([\d.]+) ask ([\d.]+), truth bid ([\d.]+) ask ([\d.]+)\)$/) || [];
      assert.ok(b && b === tb && a === ta && Number(b) < Number(a), l);
    }
    assert.match(r.stdout, /^done: resyncs crossed 1, maintenance 1, gap 1; errors 0$/m);
  });

  describe('relay.js', () => {
    it('without redis-server on PATH: says how to install it and exits 0', async () => {
      const r = await new Promise((resolve) => {
        execFile(process.execPath, ['examples/relay.js'], { cwd: root, env: { ...env, PATH: path.join(os.tmpdir(), 'exstream-no-such-dir') }, timeout: 30000 }, (err, stdout, stderr) =>
          resolve({ code: err ? err.code : 0, stdout, stderr }),
        );
      });
      assert.strictEqual(r.code, 0, r.stdout + r.stderr);
      assert.strictEqual(r.stdout, 'redis-server not found on PATH: this example needs it (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis)\n');
    });

    describe('with redis-server', () => {
      before(function () {
        requireRedis(this);
      });

      it('two consumers through a relay; the active relay killed, the standby takes over, the consumers reload (relay) and end exact; everything stops', async () => {
        const r = await run(['examples/relay.js']);
        assert.strictEqual(r.code, 0, r.stdout + r.stderr);
        const out = r.stdout.split('\n');
        const at = (re) => out.findIndex((l) => re.test(l));
        assert.match(r.stdout, /^redis-server on redis:\/\/127\.0\.0\.1:\d+$/m);
        const [, epochA] = r.stdout.match(/^relay-a: \S+ BTC\/USDT: writing, epoch (\d+)$/m) || [];
        const [, epochB] = r.stdout.match(/^relay-b: \S+ BTC\/USDT: writing, epoch (\d+)$/m) || [];
        assert.ok(epochA && epochB && Number(epochB) > Number(epochA), r.stdout);
        assert.match(r.stdout, /^relay-b \(standby\): \S+ exstream relay relay-b: binance BTC\/USDT -> redis:\/\/127\.0\.0\.1:\d+$/m);
        // both consumers' tops, in relay-a's epoch before the kill and relay-b's after
        for (const [when, epoch] of [['before', epochA], ['after', epochB]]) {
          for (const n of [1, 2]) {
            const re = new RegExp(`^${when} consumer ${n} BTC/USDT bid ([\\d.]+) ask ([\\d.]+) nonce \\d+, relay's last entry ${epoch}-[1-9]\\d*$`, 'm');
            const m = r.stdout.match(re);
            assert.ok(m && Number(m[1]) < Number(m[2]), `${re}\n${r.stdout}`);
          }
        }
        // the kill, the standby writing, each consumer's relay resync naming the epoch change, in that order
        const killed = at(/^killed relay-a \(SIGKILL\)$/);
        const took = at(/^relay-b: \S+ BTC\/USDT: writing, epoch/);
        assert.ok(at(/^before consumer 2 /) < killed && killed < took, r.stdout);
        for (const n of [1, 2]) {
          const i = at(new RegExp(`^consumer ${n} resync BTC/USDT relay: relay epoch ${epochA} -> ${epochB}: the relay restarted or a standby took over$`));
          assert.ok(i > killed && i < at(/^after consumer 1 /), r.stdout);
        }
        assert.strictEqual(lines(r.stdout, / resync /).length, 2, r.stdout);
        for (const n of [1, 2]) assert.match(r.stdout, new RegExp(`^consumer ${n} exact: \\d+ bids, \\d+ asks, nonce \\d+ equal the simulator's$`, 'm'));
        assert.match(r.stdout, /^relay-b stopped: exit code 0, stopping: handing the leases back$/m);
        assert.doesNotMatch(r.stdout, / error /);
        assert.match(r.stdout, /^done: everything stopped$/m);
      });
    });
  });

  describe('typescript-usage.ts', () => {
    let tmp;
    after(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

    it('type-checks against the built declarations (tsc --noEmit)', async () => {
      const r = await run([tsc, '-p', 'examples/tsconfig.json']);
      assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    });

    it('compiles and runs: the quick start, typed', async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'exstream-ts-'));
      // the compiled file requires 'exstream' as a user's project would: through node_modules
      fs.mkdirSync(path.join(tmp, 'node_modules'));
      fs.symlinkSync(root, path.join(tmp, 'node_modules', 'exstream'), 'dir');
      const c = await run([tsc, '-p', 'examples/tsconfig.json', '--noEmit', 'false', '--outDir', tmp]);
      assert.strictEqual(c.code, 0, c.stdout + c.stderr);
      const r = await run([path.join(tmp, 'typescript-usage.js')], { cwd: tmp });
      assert.strictEqual(r.code, 0, r.stderr);
      assert.match(r.stdout, /^pull {5}best bid \[ [\d.]+, [\d.]+ \] best ask \[ [\d.]+, [\d.]+ \] nonce \d+$/m);
      assert.match(r.stdout, /^callback best bid \[ [\d.]+, [\d.]+ \] nonce \d+$/m);
      assert.match(r.stdout, /^for-await best ask \[ [\d.]+, [\d.]+ \] nonce \d+$/m);
      assert.match(r.stdout, /^await {4}next update nonce \d+$/m);
      assert.match(r.stdout, /^unknown symbol: BadSymbol from binance$/m);
    });
  });
});
