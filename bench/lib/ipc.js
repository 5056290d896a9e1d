'use strict';
/**
 * Request/response and events between the orchestrator (bench/run.js) and the processes it forks
 * (replay server, clients). Benchmarked code runs in its own process so that neither the server's
 * CPU nor the orchestrator's is counted, and every client starts from a clean heap and JIT.
 */
const { fork } = require('child_process');

/** Parent side: fork `file` and talk to it. */
function start(file, { args = [], execArgv = [], env, label } = {}) {
  const child = fork(file, args, {
    execArgv,
    env: { ...process.env, ...env },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map();
  const listeners = new Map();
  const name = label || file;
  let exitInfo;
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exitInfo = { code, signal };
      for (const p of pending.values()) p.reject(new Error(`${name} exited (code ${code}, signal ${signal}) before answering ${p.cmd}`));
      pending.clear();
      for (const [, ls] of listeners) for (const l of ls) l.reject?.(new Error(`${name} exited (code ${code}, signal ${signal})`));
      resolve(exitInfo);
    });
  });
  child.on('message', (m) => {
    if (m && m.id !== undefined && pending.has(m.id)) {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error) p.reject(new Error(`${name}: ${m.error}`));
      else p.resolve(m.result);
      return;
    }
    if (m && m.event) {
      const ls = listeners.get(m.event);
      if (!ls) return;
      for (const l of [...ls]) {
        if (l.once) ls.delete(l);
        l.fn(m.data);
      }
    }
  });
  return {
    child,
    exited,
    request(cmd, payload = {}, timeoutMs = 120_000) {
      if (exitInfo) return Promise.reject(new Error(`${name} has exited`));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${name}: no answer to ${cmd} within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          cmd,
          resolve: (v) => (clearTimeout(timer), resolve(v)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        });
        child.send({ id, cmd, ...payload });
      });
    },
    /** Resolves with the data of the next `event`. */
    next(event, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        let ls = listeners.get(event);
        if (!ls) listeners.set(event, (ls = new Set()));
        const timer = setTimeout(() => {
          ls.delete(l);
          reject(new Error(`${name}: no '${event}' within ${timeoutMs} ms`));
        }, timeoutMs);
        const l = {
          once: true,
          fn: (d) => (clearTimeout(timer), resolve(d)),
          reject: (e) => (clearTimeout(timer), ls.delete(l), reject(e)),
        };
        ls.add(l);
      });
    },
    on(event, fn) {
      let ls = listeners.get(event);
      if (!ls) listeners.set(event, (ls = new Set()));
      ls.add({ once: false, fn });
    },
    async stop(timeoutMs = 5000) {
      if (exitInfo) return exitInfo;
      try {
        child.send({ id: 0, cmd: 'exit' });
      } catch {
        /* already gone */
      }
      const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const r = await exited;
      clearTimeout(t);
      return r;
    },
  };
}

/** Child side: answer the parent's requests with `handlers[cmd](msg)` (sync or async). */
function serve(handlers) {
  process.on('message', async (m) => {
    if (!m || typeof m.cmd !== 'string') return;
    if (m.cmd === 'exit') {
      try {
        await handlers.exit?.();
      } finally {
        process.exit(0);
      }
      return;
    }
    const h = handlers[m.cmd];
    try {
      if (!h) throw new Error(`unknown command ${m.cmd}`);
      const result = await h(m);
      process.send({ id: m.id, result });
    } catch (err) {
      process.send({ id: m.id, error: err && err.stack ? err.stack : String(err) });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

/** Child side: tell the parent something happened. */
function emit(event, data) {
  if (process.send) process.send({ event, data });
}

/** process.hrtime() as a number of ns (CLOCK_MONOTONIC on Linux: one clock for every process). */
function nowNs() {
  const t = process.hrtime();
  return t[0] * 1e9 + t[1];
}

module.exports = { start, serve, emit, nowNs };
