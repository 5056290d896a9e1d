'use strict';
/**
 * The exstream command end to end: child processes of bin/exstream.js against the embedded
 * simulator, and the live ladder in process with a fake terminal.
 */
const assert = require('assert');
const http = require('http');
const path = require('path');
const { spawn } = require('child_process');
const { EventEmitter } = require('events');
const { stripAnsi } = require('../js/cli/ansi');
const { runWatch } = require('../js/cli/watch');
const { simulate } = require('../js/sim');
const { until } = require('./support/wait');

const BIN = path.join(__dirname, '..', 'bin', 'exstream.js');

/** Environment of a child without any color forcing. */
function plainEnv() {
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  return env;
}

/** Runs the command to completion. */
function runCli(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: plainEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

// prices with or without decimals (Bitfinex BTC/USD prices are whole numbers)
const PRICE_ROW = /^ +(\d+(?:\.\d+)?) +(\d+\.\d+) +(\d+\.\d+)(?: +[█▏▎▍▌▋▊▉]+)?$/;

function ladderRows(frame) {
  const lines = frame.split('\n');
  const spreadAt = lines.findIndex((l) => / mid +spread /.test(l));
  assert.ok(spreadAt > 0, `no spread line in:\n${frame}`);
  const prices = (part) => part.map((l) => PRICE_ROW.exec(l)).filter(Boolean).map((m) => +m[1]);
  return { lines, asks: prices(lines.slice(0, spreadAt)), bids: prices(lines.slice(spreadAt + 1)) };
}

describe('cli exstream command', function () {
  this.timeout(30000);

  it('watch --sim --once prints one synced frame with 5 asks above 5 bids and exits 0', async () => {
    const r = await runCli(['watch', 'binance', 'BTC/USDT', '--sim', '--once', '--depth', '5']);
    assert.strictEqual(r.code, 0, `exit code 0 (stderr: ${r.stderr})`);
    assert.strictEqual(r.stdout, stripAnsi(r.stdout), 'no ANSI escapes unless forced');
    const { lines, asks, bids } = ladderRows(r.stdout);
    assert.match(lines[0], /binance \(sim\) +BTC\/USDT/);
    assert.strictEqual(asks.length, 5, r.stdout);
    assert.strictEqual(bids.length, 5, r.stdout);
    // asks are printed farthest first: prices fall towards the spread; bids keep falling below it
    for (let i = 1; i < 5; i++) {
      assert.ok(asks[i] < asks[i - 1], `asks descend down the screen (ascend from the best): ${asks}`);
      assert.ok(bids[i] < bids[i - 1], `bids descend from the best: ${bids}`);
    }
    assert.ok(asks[4] > bids[0], 'best ask above best bid');
  });

  for (const [exchange, symbol] of [['kraken', 'BTC/USD'], ['okx', 'BTC/USDT'], ['bybit', 'BTC/USDT'], ['coinbase', 'BTC/USD'], ['bitfinex', 'BTC/USD']]) {
    it(`watch ${exchange} ${symbol} --sim --once draws a synced (checksum- or sequence-verified) ladder`, async () => {
      const r = await runCli(['watch', exchange, symbol, '--sim', '--once', '--depth', '3']);
      assert.strictEqual(r.code, 0, `exit code 0 (stderr: ${r.stderr})`);
      const { lines, asks, bids } = ladderRows(r.stdout);
      assert.match(lines[0], new RegExp(`${exchange} \\(sim\\) +${symbol.replace('/', '\\/')}`));
      assert.strictEqual(asks.length, 3, r.stdout);
      assert.strictEqual(bids.length, 3, r.stdout);
      assert.ok(asks[2] > bids[0], 'best ask above best bid');
    });
  }

  it('an unknown symbol exits 2 with a message naming it', async () => {
    const r = await runCli(['watch', 'binance', 'NOPE/USDT', '--sim', '--once']);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /unknown symbol 'NOPE\/USDT'/);
    assert.match(r.stderr, /BTC\/USDT/, 'lists what is available');
    assert.strictEqual(r.stderr.trim().split('\n').length, 1, 'one line');
    assert.strictEqual(r.stdout, '');
  });

  it('a malformed symbol or an unknown exchange exits 2 before connecting anywhere', async () => {
    const bad = await runCli(['watch', 'binance', 'BTC-USDT']);
    assert.strictEqual(bad.code, 2);
    assert.match(bad.stderr, /'BTC-USDT'.*BASE\/QUOTE/);
    const ex = await runCli(['watch', 'krakken', 'BTC/USDT', '--sim']);
    assert.strictEqual(ex.code, 2);
    assert.match(ex.stderr, /unknown exchange 'krakken' \(supported: binance/);
  });

  it('--help, no arguments, --version, and a usage error', async () => {
    const help = await runCli(['--help']);
    assert.strictEqual(help.code, 0);
    assert.match(help.stdout, /exstream watch <exchange> <symbol>/);
    assert.match(help.stdout, /exstream sim <exchange>/);
    const none = await runCli([]);
    assert.strictEqual(none.code, 0);
    assert.strictEqual(none.stdout, help.stdout);
    const v = await runCli(['--version']);
    assert.strictEqual(v.code, 0);
    assert.strictEqual(v.stdout.trim(), require('../package.json').version);
    const bad = await runCli(['watch', 'binance', 'BTC/USDT', '--depth', 'lots']);
    assert.strictEqual(bad.code, 2);
    assert.match(bad.stderr, /--depth needs a whole number/);
  });

  it('sim serves until SIGINT, printing URLs a client can use, then closes cleanly', async () => {
    const child = spawn(process.execPath, [BIN, 'sim', 'binance', '--port', '0', '--seed', '3', '--symbols', 'BTC/USDT'], {
      env: plainEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const closed = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    await new Promise((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (d) => {
        stdout += d;
        if (stdout.includes('Ctrl-C to stop')) resolve();
      });
      child.on('close', () => reject(new Error(`sim exited early: ${stderr}`)));
    });
    const rest = /rest +(http:\/\/\S+)/.exec(stdout)[1];
    assert.match(stdout, /ws +ws:\/\/127\.0\.0\.1:\d+/);
    assert.match(stdout, /new binance\(\{/);
    assert.match(stdout, /exstream watch binance BTC\/USDT --rest http/);
    const status = await new Promise((resolve, reject) => {
      http.get(`${rest}/api/v3/ping`, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      }).on('error', reject);
    });
    assert.strictEqual(status, 200);
    child.kill('SIGINT');
    assert.deepStrictEqual(await closed, { code: 0, signal: null });
  });

  it('sim coinbase prints a client snippet that runs as written: its CDP key (a multi-line PEM) signs JWTs the simulator accepts', async () => {
    const child = spawn(process.execPath, [BIN, 'sim', 'coinbase', '--port', '0', '--seed', '3'], { env: plainEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const closed = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    await new Promise((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (d) => {
        stdout += d;
        if (stdout.includes('Ctrl-C to stop')) resolve();
      });
      child.on('close', () => reject(new Error(`sim exited early: ${stderr}`)));
    });
    const { coinbase } = require('..');
    try {
      // the snippet, run as printed, with require('exstream') giving a constructor that keeps its options
      const snippet = stdout.slice(stdout.indexOf("  const { coinbase } = require('exstream');"), stdout.indexOf('  });') + 5);
      let options;
      const vm = require('vm');
      vm.runInNewContext(`${snippet}\n`, { require: () => ({ coinbase: class { constructor(o) { options = o; } } }) });
      assert.match(options.secret, /^-----BEGIN EC PRIVATE KEY-----\n[\s\S]+\n-----END EC PRIVATE KEY-----\n$/);
      assert.match(options.apiKey, /^organizations\/.+\/apiKeys\/.+/);
      const ex = new coinbase({ ...options, timeoutMs: 5000 });
      try {
        const b = await ex.fetchBalance();
        assert.strictEqual(b.USD.free, 1000000);
      } finally {
        await ex.close();
      }
    } finally {
      child.kill('SIGINT');
    }
    assert.deepStrictEqual(await closed, { code: 0, signal: null });
  });

  it('the live ladder draws on the alternate screen, throttled, and restores the terminal on q', async () => {
    const out = new EventEmitter();
    Object.assign(out, { isTTY: true, columns: 90, rows: 20, frames: 0, text: '' });
    let sawBook;
    const bookShown = new Promise((resolve) => (sawBook = resolve));
    out.write = (s) => {
      out.text += s;
      if (s.includes('\x1b[H')) {
        out.frames++;
        if (/ mid +spread /.test(stripAnsi(s))) sawBook();
      }
      return true;
    };
    const input = new EventEmitter();
    const raw = [];
    Object.assign(input, { isTTY: true, setRawMode: (on) => raw.push(on), resume() {}, pause() {} });

    const signalsBefore = ['SIGINT', 'SIGTERM'].map((s) => process.listenerCount(s));
    const started = Date.now();
    const done = runWatch(
      { command: 'watch', exchange: 'binance', symbol: 'BTC/USDT', sim: true, once: false, seed: 2 },
      { stdout: out, stderr: { write: () => true }, stdin: input, env: {} },
    );
    await bookShown;
    // let a few more updates arrive, then quit as a user would
    const more = out.frames + 3;
    await until(() => out.frames >= more, `${more} frames`);
    input.emit('data', Buffer.from('q'));
    assert.strictEqual(await done, 0);
    const elapsed = Date.now() - started;

    assert.ok(out.text.startsWith('\x1b[?1049h'), 'enters the alternate screen first');
    assert.ok(out.text.endsWith('\x1b[?1049l'), 'leaves it last');
    assert.match(out.text, /\x1b\[31m/, 'red asks');
    assert.match(out.text, /\x1b\[32m/, 'green bids');
    assert.deepStrictEqual(raw, [true, false], 'raw mode on, then off again');
    assert.strictEqual(input.listenerCount('data'), 0);
    assert.ok(out.frames <= elapsed / 100 + 3, `at most ~10 frames a second: ${out.frames} frames in ${elapsed} ms`);
    assert.deepStrictEqual(
      ['SIGINT', 'SIGTERM'].map((s) => process.listenerCount(s)),
      signalsBefore,
      'signal handlers removed',
    );
  });

  it('the live ladder counts resyncs and shows stream errors without stopping (--rest/--ws at a running simulator)', async () => {
    const sim = await simulate('binance', { port: 0, seed: 4, symbols: ['BTC/USDT'] });
    try {
      const out = new EventEmitter();
      Object.assign(out, { isTTY: true, columns: 100, rows: 16 });
      const waiters = [];
      out.write = (s) => {
        if (s.includes('\x1b[H')) {
          const frame = stripAnsi(s);
          for (const w of waiters.slice()) {
            if (w.pred(frame)) {
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve(frame);
            }
          }
        }
        return true;
      };
      const frame = (pred) => new Promise((resolve) => waiters.push({ pred, resolve }));
      const input = new EventEmitter();
      Object.assign(input, { isTTY: true, setRawMode() {}, resume() {}, pause() {} });

      const first = frame((f) => / mid +spread /.test(f));
      const done = runWatch(
        { command: 'watch', exchange: 'binance', symbol: 'BTC/USDT', sim: false, once: false, rest: sim.urls.rest, ws: sim.urls.ws },
        { stdout: out, stderr: { write: () => true }, stdin: input, env: { NO_COLOR: '1' } },
      );
      const f1 = await first;
      assert.match(f1, new RegExp(`binance \\(127\\.0\\.0\\.1:${sim.port}\\) +BTC/USDT +● open .*resyncs 0`));
      assert.ok(!/\x1b\[3[12]m/.test(f1));

      const resynced = frame((f) => /resyncs 1/.test(f) && /● open/.test(f) && /resync \(gap/.test(f));
      sim.faults.skipSequence('BTC/USDT');
      await resynced;

      const bad = frame((f) => /BadResponse/.test(f) && / mid +spread /.test(f));
      sim.faults.malformedFrame();
      await bad;

      input.emit('data', 'q');
      assert.strictEqual(await done, 0);
    } finally {
      await sim.close();
    }
  });
});
