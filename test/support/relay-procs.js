'use strict';
/**
 * Processes for the relay suites: consumers forked with IPC (./relay-consumer.js) and relays run
 * through the real command line (`bin/exstream.js relay ...`), each with its output kept for
 * failure messages and waits on its lines.
 */
const path = require('path');
const { fork, spawn } = require('child_process');
const { withTimeout } = require('./wait');

const BIN = path.resolve(__dirname, '../../bin/exstream.js');
const CONSUMER = path.join(__dirname, 'relay-consumer.js');

/** A consumer process: `await c.ask({ cmd: 'ready' })`; `c.kill(signal)`; `await c.exit()`. */
function forkConsumer(exchange, url, symbols) {
  const proc = fork(CONSUMER, [exchange, url, symbols.join(',')], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  return {
    proc,
    get output() {
      return out;
    },
    /** Sends a command; resolves with the reply (rejects on an { error } reply). */
    ask(msg, timeoutMs = 15000) {
      return withTimeout(`consumer ${proc.pid} to answer ${JSON.stringify(msg)} (output: ${out.slice(-500)})`, timeoutMs, (resolve, reject) => {
        const on = (m) => {
          proc.off('message', on);
          if (m && m.error) reject(new Error(`consumer ${proc.pid}: ${m.error}`));
          else resolve(m);
        };
        proc.on('message', on);
        proc.send(msg);
      });
    },
    kill(signal = 'SIGKILL') {
      proc.kill(signal);
    },
    async exit() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      try {
        proc.send({ cmd: 'exit' });
      } catch {
        proc.kill('SIGKILL');
      }
      const t = setTimeout(() => proc.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** `exstream relay <args>` in its own process (extra `env`); `await r.line(/writing/)` waits for an output line. */
function spawnRelay(args, env = {}) {
  const proc = spawn(process.execPath, [BIN, 'relay', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env } });
  const lines = [];
  const watchers = new Set();
  let buf = '';
  const onData = (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      for (const w of [...watchers]) w(line);
    }
  };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    proc,
    lines,
    exited,
    /** Resolves with the first line (already printed, or to come) matching `re`. */
    line(re, timeoutMs = 15000) {
      const seen = lines.find((l) => re.test(l));
      if (seen) return Promise.resolve(seen);
      let w;
      return withTimeout(
        `relay ${proc.pid} to print ${re} (so far: ${lines.slice(-10).join(' | ')})`,
        timeoutMs,
        (resolve) => {
          w = (l) => re.test(l) && resolve(l);
          watchers.add(w);
        },
        () => watchers.delete(w),
      );
    },
    kill(signal = 'SIGKILL') {
      proc.kill(signal);
      return exited;
    },
  };
}

module.exports = { forkConsumer, spawnRelay };
