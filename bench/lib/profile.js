'use strict';
/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time by function, optionally only the samples
 * inside a time window (process.hrtime ns of the measured phase; V8's profile clock is the same
 * CLOCK_MONOTONIC, in µs).
 */
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '../..');

function shortUrl(url) {
  if (!url) return '';
  let u = url.replace(/^file:\/\//, '');
  if (u.startsWith(ROOT + '/')) u = u.slice(ROOT.length + 1);
  u = u.replace(/^.*\/node_modules\//, '');
  return u;
}

/** Which layer a frame belongs to, for the per-layer totals. */
function layerOf(cf) {
  const u = cf.url || '';
  const fn = cf.functionName;
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(idle)') return 'idle';
  if (fn === '(program)' || fn === '(root)') return 'V8/native (program)';
  if (u.includes('/node_modules/ws/')) return 'ws';
  if (u.includes('/node_modules/mitt/')) return 'mitt';
  if (u.includes('/.deps/')) return 'competitor';
  if (u.includes(`${path.sep}js${path.sep}`) && u.includes(ROOT)) return `exstream ${u.slice(u.indexOf('/js/') + 4).split('/')[0]}`;
  if (u.startsWith('node:') || u === '') return fn === 'parse' || fn === 'JSON.parse' ? 'JSON.parse' : 'node core / builtins';
  if (u.includes('/bench/')) return 'bench harness';
  return 'other';
}

/**
 * @param {string} file .cpuprofile
 * @param {{ fromNs?: number, toNs?: number, top?: number }} opts
 * @returns {{ totalMs: number, idleMs: number, top: { fn: string, where: string, selfMs: number, pct: number }[], layers: { layer: string, selfMs: number, pct: number }[] }}
 */
function summarize(file, opts = {}) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const from = opts.fromNs !== undefined ? opts.fromNs / 1000 : -Infinity;
  const to = opts.toNs !== undefined ? opts.toNs / 1000 : Infinity;
  const self = new Map();
  let t = prof.startTime;
  const samples = prof.samples;
  const deltas = prof.timeDeltas;
  let inWindow = 0;
  for (let i = 0; i < samples.length; i++) {
    t += deltas[i];
    if (t < from || t > to) continue;
    // a sample stands for the time until the next one
    const dur = i + 1 < deltas.length ? deltas[i + 1] : 0;
    self.set(samples[i], (self.get(samples[i]) || 0) + dur);
    inWindow++;
  }
  const byFn = new Map();
  const byLayer = new Map();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const cf = byId.get(id).callFrame;
    const layer = layerOf(cf);
    if (layer === 'idle') {
      idle += us;
      continue;
    }
    total += us;
    const key = `${cf.functionName || '(anonymous)'}\u0000${shortUrl(cf.url)}${cf.url ? ':' + (cf.lineNumber + 1) : ''}`;
    byFn.set(key, (byFn.get(key) || 0) + us);
    byLayer.set(layer, (byLayer.get(layer) || 0) + us);
  }
  const top = [...byFn]
    .sort((a, b) => b[1] - a[1])
    .slice(0, opts.top || 15)
    .map(([k, us]) => {
      const [fn, where] = k.split('\u0000');
      return { fn, where, selfMs: us / 1000, pct: (100 * us) / total };
    });
  const layers = [...byLayer].sort((a, b) => b[1] - a[1]).map(([layer, us]) => ({ layer, selfMs: us / 1000, pct: (100 * us) / total }));
  return { totalMs: total / 1000, idleMs: idle / 1000, samples: inWindow, top, layers };
}

module.exports = { summarize };
