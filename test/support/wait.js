'use strict';
/**
 * Helpers to await events instead of sleeping. Every wait gives up after a timeout (default
 * WAIT_MS, under mocha's 20 s) with a message that names what it waited for, so a broken feature
 * fails with a sentence instead of mocha's bare "timeout of 20000ms exceeded".
 *
 * The timers are the real ones, taken when this file loads: a test that installs sinon's fake
 * timers afterwards neither stops these timeouts nor fires them early with clock.tick().
 */
const { performance } = require('perf_hooks');

const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const realSetImmediate = globalThis.setImmediate;

/** How long a wait lasts before it fails (ms). */
const WAIT_MS = 10_000;

/**
 * Subscribes `fn` to `type` on an exchange (ex.on(channel[, symbol], cb) returns an off function),
 * a mitt emitter or a Node EventEmitter; returns the function that unsubscribes it.
 */
function listen(emitter, type, fn, symbol) {
  const r = symbol === undefined ? emitter.on(type, fn) : emitter.on(type, symbol, fn);
  if (typeof r === 'function') return r;
  return () => emitter.off(type, fn);
}

/**
 * A promise settled by `start(resolve, reject)` that rejects with "gave up waiting for <what>"
 * after `timeoutMs`; `cleanup` runs either way. The promise is marked handled, so one a test
 * creates and never awaits cannot fail a later test when it times out; awaiting it still throws.
 * `promise.cancel()` stops waiting (cleanup now; the promise then never settles).
 */
function withTimeout(what, timeoutMs, start, cleanup = () => {}) {
  let timer;
  const p = new Promise((resolve, reject) => {
    const done = (fn) => (v) => {
      realClearTimeout(timer);
      cleanup();
      fn(v);
    };
    timer = realSetTimeout(() => {
      cleanup();
      reject(new Error(`gave up waiting for ${what} after ${timeoutMs} ms`));
    }, timeoutMs);
    timer.unref?.();
    start(done(resolve), done(reject));
  });
  p.catch(() => {});
  p.cancel = () => {
    realClearTimeout(timer);
    cleanup();
  };
  return p;
}

/**
 * Resolves with the first payload of `type` on `emitter` that satisfies `pred` (for an exchange,
 * optionally of one `symbol`). Register it before the action that causes the event.
 */
function nextEvent(emitter, type, pred = () => true, symbol, { timeoutMs = WAIT_MS, what } = {}) {
  let off = () => {};
  const label = what || `the next '${type}' event${symbol === undefined ? '' : ` of ${symbol}`}`;
  return withTimeout(label, timeoutMs, (resolve, reject) => {
    let settled = false;
    off = listen(emitter, type, (payload) => {
      if (settled) return;
      let hit;
      try {
        hit = pred(payload);
      } catch (e) {
        settled = true;
        reject(e);
        return;
      }
      if (!hit) return;
      settled = true;
      resolve(payload);
    }, symbol);
    if (settled) off(); // it fired while subscribing
  }, () => off());
}

/**
 * Resolves with `fn()` once it is truthy, checking after every turn of the event loop (for state
 * that emits no event, e.g. a server's counters). `fn` may be async (e.g. poll a REST endpoint).
 */
async function until(fn, what = 'a condition', { timeoutMs = WAIT_MS } = {}) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (performance.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((r) => realSetImmediate(r));
  }
}

module.exports = { WAIT_MS, listen, withTimeout, nextEvent, until };

// `sides` lives in ./book (book comparison); it is read through here by older imports.
Object.defineProperty(module.exports, 'sides', { enumerable: true, get: () => require('./book').sides });
