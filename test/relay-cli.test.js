'use strict';
/**
 * `exstream relay`: its arguments, its output (start line, status line, events) and exit codes,
 * run as the real command; and the test helper's rule for a missing redis-server (skipped with
 * install advice on a developer's machine, a failure under CI).
 */
const assert = require('assert');
const Redis = require('ioredis');
const { parseArgs, UsageError } = require('../js/cli/args');
const { run } = require('../js/cli/main');
const { simulate } = require('../js/sim');
const { symbolKeys, heartbeatKey } = require('../js/relay/keys');
const { startRedis, requireRedis, freePort } = require('./support/redis');
const { spawnRelay } = require('./support/relay-procs');

function usageError(argv, re) {
  assert.throws(() => parseArgs(argv), (e) => e instanceof UsageError && re.test(e.message));
}

describe('exstream relay: arguments', () => {
  it('parses the documented command line', () => {
    assert.deepStrictEqual(
      parseArgs(['relay', 'Binance', '--symbols', 'btc/usdt,ETH/USDT', '--redis', 'redis://127.0.0.1:6379', '--rest', 'http://127.0.0.1:9000/', '--ws', 'ws://127.0.0.1:9000', '--channels', 'orderbook,trades', '--lease-ms', '2000', '--max-len', '5000', '--snapshot-every', '500', '--id', 'r1']),
      {
        command: 'relay',
        exchange: 'binance',
        symbols: ['BTC/USDT', 'ETH/USDT'],
        redis: 'redis://127.0.0.1:6379',
        rest: 'http://127.0.0.1:9000',
        ws: 'ws://127.0.0.1:9000',
        channels: ['orderbook', 'trades'],
        leaseMs: 2000,
        maxLen: 5000,
        snapshotEvery: 500,
        id: 'r1',
        private: false,
      },
    );
    assert.deepStrictEqual(parseArgs(['relay', '--help']), { command: 'help', topic: 'relay' });
    const priv = parseArgs(['relay', 'binance', '--symbols', 'BTC/USDT', '--redis', 'redis://h:1', '--private', '--account', 'main']);
    assert.deepStrictEqual([priv.private, priv.account], [true, 'main']);
  });

  it('refuses what it cannot run', () => {
    usageError(['relay', 'binance', '--redis', 'redis://h:1'], /needs --symbols/);
    usageError(['relay', 'binance', '--symbols', 'BTC/USDT'], /needs --redis/);
    usageError(['relay', '--symbols', 'BTC/USDT', '--redis', 'redis://h:1'], /needs one exchange/);
    usageError(['relay', 'binance', '--symbols', 'BTCUSDT', '--redis', 'redis://h:1'], /not a symbol like BTC\/USDT/);
    usageError(['relay', 'binance', '--symbols', 'BTC/USDT', '--redis', 'http://h:1'], /redis:\/\/host:port/);
    usageError(['relay', 'binance', '--symbols', 'BTC/USDT', '--redis', 'redis://h:1', '--channels', 'ohlcv'], /'ohlcv' is not one of/);
    usageError(['relay', 'binance', '--symbols', 'BTC/USDT', '--redis', 'redis://h:1', '--lease-ms', '0'], /positive/);
    usageError(['relay', 'binance', '--symbols', 'BTC/USDT', '--redis', 'redis://h:1', '--account', 'x'], /with --private/);
  });

  it('--private without keys in the environment exits with 2 and says where they go', async () => {
    let err = '';
    const io = { stdout: { write: () => true }, stderr: { write: (s) => (err += s) }, env: {} };
    assert.strictEqual(await run(['relay', 'binance', '--symbols', 'BTC/USDT', '--redis', 'redis://127.0.0.1:1', '--private'], io), 2);
    assert.match(err, /EXSTREAM_API_KEY and EXSTREAM_SECRET/);
  });

  it('an unknown exchange exits with 2', async () => {
    let err = '';
    const io = { stdout: { write: () => true }, stderr: { write: (s) => (err += s) }, env: {} };
    assert.strictEqual(await run(['relay', 'nope', '--symbols', 'BTC/USDT', '--redis', 'redis://127.0.0.1:1'], io), 2);
    assert.match(err, /unknown exchange 'nope'/);
  });
});

describe('exstream relay: the command', function () {
  this.timeout(60000);
  let redis;
  let sim;
  let admin;

  before(async function () {
    requireRedis(this);
    redis = await startRedis();
    admin = new Redis(redis.url);
    sim = await simulate('binance', { port: 0, seed: 7, symbols: ['BTC/USDT', 'ETH/USDT'], tickMs: 10 });
  });

  after(async () => {
    admin?.disconnect();
    await sim?.close();
    await redis?.stop();
  });

  it('writes, keeps a heartbeat key with a TTL, prints a status line, and hands its lease back on SIGTERM', async () => {
    const r = spawnRelay(['binance', '--symbols', 'BTC/USDT', '--redis', redis.url, '--rest', sim.urls.rest, '--ws', sim.urls.ws, '--id', 'cli-1']);
    try {
      await r.line(/exstream relay cli-1: binance BTC\/USDT -> redis:\/\/127\.0\.0\.1:\d+/);
      await r.line(/BTC\/USDT: writing, epoch \d+/);
      const status = await r.line(/1\/1 symbols written \(active\) · \d+ updates\/s · \d+ entries · upstream open · redis open/, 20000);
      assert.ok(status);
      const hb = JSON.parse(await admin.get(heartbeatKey('binance', 'cli-1')));
      assert.deepStrictEqual([hb.id, hb.symbols, hb.active], ['cli-1', ['BTC/USDT'], ['BTC/USDT']]);
      const ttl = await admin.pttl(heartbeatKey('binance', 'cli-1'));
      assert.ok(ttl > 0 && ttl <= 3000, `heartbeat TTL ${ttl}`);
      assert.strictEqual(await admin.get(symbolKeys('binance', 'BTC/USDT').lease), 'cli-1');
      assert.ok((await admin.xlen(symbolKeys('binance', 'BTC/USDT').book)) > 0, 'book entries written');
    } finally {
      r.proc.kill('SIGTERM');
    }
    const { code } = await r.exited;
    assert.strictEqual(code, 0);
    assert.strictEqual(await admin.get(symbolKeys('binance', 'BTC/USDT').lease), null, 'lease handed back');
    assert.strictEqual(await admin.exists(heartbeatKey('binance', 'cli-1')), 0, 'heartbeat removed');
  });

  it('started before its Redis: says it waits (no password shown), then starts when Redis comes up', async () => {
    const port = await freePort();
    const url = `redis://:pw-cli-5d1@127.0.0.1:${port}`;
    const r = spawnRelay(['binance', '--symbols', 'BTC/USDT', '--redis', url, '--rest', sim.urls.rest, '--ws', sim.urls.ws, '--id', 'cli-late']);
    let late;
    try {
      const waiting = await r.line(/waiting for Redis at /);
      assert.match(waiting, new RegExp(`waiting for Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port} \\(`));
      late = await startRedis({ port, args: ['--requirepass', 'pw-cli-5d1'] });
      await r.line(/exstream relay cli-late: binance BTC\/USDT -> /);
      await r.line(/BTC\/USDT: writing, epoch \d+/);
    } finally {
      r.proc.kill('SIGTERM');
      const { code, signal } = await r.exited;
      await late?.stop();
      assert.ok(r.lines.every((l) => !l.includes('pw-cli-5d1')), r.lines.join('\n'));
      assert.strictEqual(code, 0, `exit ${code} (signal ${signal}):\n${r.lines.join('\n')}`);
    }
  });

  it('an unknown symbol exits with 2 before writing anything', async () => {
    const r = spawnRelay(['binance', '--symbols', 'NOPE/USDT', '--redis', redis.url, '--rest', sim.urls.rest, '--ws', sim.urls.ws]);
    const { code } = await r.exited;
    assert.strictEqual(code, 2, r.lines.join('\n'));
    assert.ok(r.lines.some((l) => /unknown symbol NOPE\/USDT/.test(l)), r.lines.join('\n'));
    assert.strictEqual(await admin.exists(symbolKeys('binance', 'NOPE/USDT').book), 0);
  });
});

describe('relay tests without redis-server', () => {
  const saved = process.env.CI;
  afterEach(() => {
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
  });

  it('are skipped with install advice on a developer machine', () => {
    delete process.env.CI;
    let skipped = false;
    const logged = [];
    const orig = console.log;
    console.log = (s) => logged.push(s);
    try {
      requireRedis({ skip: () => (skipped = true) }, { bin: undefined });
    } finally {
      console.log = orig;
    }
    assert.ok(skipped);
    assert.match(logged.join('\n'), /apt-get install -y redis-server/);
  });

  it('fail under CI', () => {
    process.env.CI = 'true';
    assert.throws(() => requireRedis({ skip: () => assert.fail('skipped under CI') }, { bin: undefined }), /CI is set: a missing redis-server is a failure/);
  });
});
