#!/usr/bin/env node
'use strict';
/**
 * Scale-out through Redis Streams: one relay holds the exchange connection and writes every book
 * change to Redis; any number of consumers (`new binance({ relay: 'redis://...' })`) read it with
 * the same API and open no exchange connection. A second relay stands by, warm; when the active one
 * dies its lease expires, the standby writes in a new epoch and the consumers reload their books
 * ('resync', reason 'relay').
 *
 * This starts everything itself and stops it at the end: a redis-server on a free port, the
 * Binance simulator, two relays as `exstream relay` processes (the command you would run with
 * `npx exstream relay ...`; the second one is the standby), and two consumers in this process. It
 * prints each consumer's top of book with the relay entry it is at (`<epoch>-<seq>`, the id of the
 * last entry of the book's stream), kills the active relay, shows the consumers reloading from the
 * standby, checks both books against the simulator's, and stops the standby with Ctrl-C's signal.
 *
 *   node examples/relay.js               # needs redis-server on PATH (it prints how to install it)
 */
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const Redis = require('ioredis'); // installed with exstream (the relay's Redis client)
const { binance } = require('exstream');
const { simulate } = require('exstream/sim');

const SYMBOL = 'BTC/USDT';
const BIN = path.join(path.dirname(require.resolve('exstream/package.json')), 'bin', 'exstream.js');
const INSTALL = 'redis-server not found on PATH: this example needs it (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis)';

/** redis-server's path on PATH, or undefined. */
function findOnPath(name) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const file = path.join(dir || '.', name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** A child process whose output lines are kept; `line(re)` resolves with the first matching one. */
function child(name, file, args) {
  const proc = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const waiting = new Set();
  let buf = '';
  const onData = (d) => {
    buf += d;
    for (let i; (i = buf.indexOf('\n')) >= 0; buf = buf.slice(i + 1)) {
      const l = buf.slice(0, i);
      lines.push(l);
      for (const w of [...waiting]) w(l);
    }
  };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    proc,
    exited,
    line(re, ms = 15000) {
      const seen = lines.find((l) => re.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(w);
          reject(new Error(`${name}: no line like ${re} within ${ms} ms:\n${lines.join('\n')}`));
        }, ms);
        const w = (l) => {
          if (!re.test(l)) return;
          clearTimeout(timer);
          waiting.delete(w);
          resolve(l);
        };
        waiting.add(w);
      });
    },
    stop(signal) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/** Resolves with the first event on `channel` (an array for [channel, symbol]) for which `test` holds, or rejects after 15 s. */
function next(ex, channel, test, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${what} within 15 s`));
    }, 15000);
    const off = ex.on(...[channel].flat(), (e) => {
      if (!test(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

const cleanup = []; // run in reverse at the end, or on a failure

async function main() {
  const redisBin = findOnPath('redis-server');
  if (!redisBin) {
    console.log(INSTALL);
    return false; // nothing started
  }

  // 1. Redis on a free port, no persistence.
  const port = await freePort();
  const redisServer = child('redis-server', redisBin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  cleanup.push(() => redisServer.stop('SIGTERM'));
  await redisServer.line(/Ready to accept connections/);
  const url = `redis://127.0.0.1:${port}`;
  console.log(`redis-server on ${url}`);

  // 2. The exchange (here the simulator) and two relays on it: the first to start writes, the
  // other stands by. --lease-ms 1000: the standby takes over about a second after a crash.
  const sim = await simulate('binance', { port: 0, seed: 5, symbols: [SYMBOL], tickMs: 20 });
  cleanup.push(() => sim.close());
  const relayArgs = (id) => ['relay', 'binance', '--symbols', SYMBOL, '--redis', url, '--rest', sim.urls.rest, '--ws', sim.urls.ws, '--lease-ms', '1000', '--id', id];
  const a = child('relay-a', process.execPath, [BIN, ...relayArgs('relay-a')]);
  cleanup.push(() => a.stop('SIGKILL'));
  console.log(`relay-a: ${await a.line(/BTC\/USDT: writing, epoch/)}`);
  const b = child('relay-b', process.execPath, [BIN, ...relayArgs('relay-b')]);
  cleanup.push(() => b.stop('SIGKILL'));
  console.log(`relay-b (standby): ${await b.line(/exstream relay relay-b/)}`);

  // 3. Two consumers: the usual API, fed from Redis.
  const consumers = [1, 2].map((n) => {
    const ex = new binance({ relay: url });
    cleanup.push(() => ex.close());
    ex.on('resync', (e) => console.log(`consumer ${n} resync ${e.symbol} ${e.reason}: ${e.detail}`));
    ex.on('error', (err) => console.log(`consumer ${n} error ${err.name}: ${err.message}`));
    return ex;
  });

  // The relay's position: the id of the last entry of the book's stream (key layout: README "Scale-out").
  const redis = new Redis(url);
  cleanup.push(() => redis.quit());
  const relayEntry = async () => ((await redis.xrevrange(`exs:{binance:${SYMBOL}}:book`, '+', '-', 'COUNT', 1))[0] || ['none'])[0];
  const showTops = async (when) => {
    for (const [i, ex] of consumers.entries()) {
      const book = await ex.fetchOrderBook(SYMBOL);
      console.log(`${when} consumer ${i + 1} ${SYMBOL} bid ${book.bids[0][0]} ask ${book.asks[0][0]} nonce ${book.nonce}, relay's last entry ${await relayEntry()}`);
    }
  };
  const moving = (ex, n) => {
    let seen = 0;
    return next(ex, ['orderbook', SYMBOL], () => ++seen >= n, `${n} updates through the relay`);
  };
  await Promise.all(consumers.map((ex) => ex.fetchOrderBook(SYMBOL)));
  await Promise.all(consumers.map((ex) => moving(ex, 5)));
  await showTops('before');

  // 4. The active relay dies: the standby takes the symbol in a new epoch, the consumers reload.
  const reloaded = consumers.map((ex) => next(ex, 'resync', (e) => e.reason === 'relay', "a 'relay' resync"));
  await a.stop('SIGKILL');
  console.log('killed relay-a (SIGKILL)');
  console.log(`relay-b: ${await b.line(/BTC\/USDT: writing, epoch/)}`);
  await Promise.all(reloaded);
  await Promise.all(consumers.map((ex) => moving(ex, 5)));
  await showTops('after');

  // 5. Both consumers' books against the exchange's: stop the flow, wait for the last update.
  sim.pause();
  sim.flush();
  const truth = sim.book(SYMBOL);
  const same = (bk) => bk.nonce === truth.lastUpdateId && JSON.stringify([bk.bids, bk.asks]) === JSON.stringify([truth.bids, truth.asks]);
  for (const [i, ex] of consumers.entries()) {
    const now = await ex.fetchOrderBook(SYMBOL);
    if (!same(now)) await next(ex, ['orderbook', SYMBOL], same, `consumer ${i + 1}'s book equal to the simulator's`);
    console.log(`consumer ${i + 1} exact: ${truth.bids.length} bids, ${truth.asks.length} asks, nonce ${truth.lastUpdateId} equal the simulator's`);
  }

  // 6. Stop the standby as Ctrl-C would: it hands its lease back and exits 0.
  const { code } = await b.stop('SIGINT');
  console.log(`relay-b stopped: exit code ${code}, ${(await b.line(/stopping/)).replace(/^\S+ /, '')}`);
  return true;
}

main()
  .then(async (ran) => {
    for (const c of cleanup.reverse()) await c();
    if (ran) console.log('done: everything stopped');
  })
  .catch(async (err) => {
    console.error(err);
    for (const c of cleanup.reverse()) await Promise.resolve(c()).catch(() => undefined);
    process.exit(1);
  });
