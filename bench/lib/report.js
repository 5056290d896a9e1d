'use strict';
/** Statistics, tables (stdout and Markdown) and the run's environment. */
const os = require('os');
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const ROOT = path.resolve(__dirname, '../..');

function median(xs) {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Nearest-rank percentile of an ascending-sorted array. */
function pct(sorted, p) {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

function fmt(x, digits = 2) {
  if (x === undefined || x === null || Number.isNaN(x)) return '–';
  if (typeof x === 'string') return x;
  if (Math.abs(x) >= 100) return x.toFixed(0);
  if (Math.abs(x) >= 10) return x.toFixed(Math.min(digits, 1));
  return x.toFixed(digits);
}

function ratio(x) {
  return Number.isFinite(x) ? `${x.toFixed(2)}x` : '–';
}

/** Plain-text table for stdout. */
function textTable(headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c)));
  const w = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] || '').length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  return [line(cells[0]), w.map((n) => '-'.repeat(n)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

function mdTable(headers, rows) {
  const esc = (c) => String(c).replace(/\|/g, '\\|');
  return [
    `| ${headers.map(esc).join(' | ')} |`,
    `|${headers.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

function git(args) {
  try {
    return execFileSync('git', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return '';
  }
}

function environment(versions) {
  const cpus = os.cpus();
  const commit = git(['rev-parse', '--short', 'HEAD']) || 'unknown';
  const dirty = git(['status', '--porcelain', '--untracked-files=no', '--', 'ts']) ? ' (+ uncommitted changes in ts/)' : '';
  let wsVersion;
  try {
    wsVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/ws/package.json'), 'utf8')).version;
  } catch {
    wsVersion = '?';
  }
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit: commit + dirty,
    node: process.version,
    v8: process.versions.v8,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: `${cpus[0] ? cpus[0].model.trim() : '?'} × ${cpus.length}`,
    memGiB: (os.totalmem() / 2 ** 30).toFixed(1),
    ws: wsVersion,
    ccxt: versions.ccxt || 'not installed',
    tardis: versions['tardis-dev'] || 'not installed',
  };
}

module.exports = { median, pct, fmt, ratio, textTable, mdTable, environment };
