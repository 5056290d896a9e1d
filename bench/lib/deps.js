'use strict';
/**
 * Competitors (ccxt, tardis-dev) are installed for the benchmarks only, on demand, into
 * bench/.deps (git-ignored): never runtime dependencies of exstream.
 */
const { execFileSync } = require('child_process');
const { createRequire } = require('module');
const fs = require('fs');
const path = require('path');

const DEPS_DIR = path.join(__dirname, '..', '.deps');
/** Package -> version range installed when missing. */
const WANTED = { ccxt: '^4.5.0', 'tardis-dev': '^13.0.0' };

const depRequire = createRequire(path.join(DEPS_DIR, 'bench-deps.js'));

/** require() a package installed in bench/.deps. */
function requireDep(name) {
  return depRequire(name);
}

/** Installed version of a bench dependency, or undefined. */
function depVersion(name) {
  try {
    const pj = path.join(DEPS_DIR, 'node_modules', name, 'package.json');
    return JSON.parse(fs.readFileSync(pj, 'utf8')).version;
  } catch {
    return undefined;
  }
}

/**
 * Makes sure the competitors are installed; installs the missing ones with
 * `npm install --no-save --prefix bench/.deps`. Returns { name: version | undefined, ... } and
 * the install error (if any): a missing package just skips its rows.
 */
function ensureDeps(log = () => {}) {
  const missing = Object.keys(WANTED).filter((n) => !depVersion(n));
  let error;
  if (missing.length) {
    log(`installing ${missing.join(', ')} into bench/.deps (for the benchmarks only) ...`);
    try {
      fs.mkdirSync(DEPS_DIR, { recursive: true });
      execFileSync(
        process.platform === 'win32' ? 'npm.cmd' : 'npm',
        ['install', '--no-save', '--no-audit', '--no-fund', '--no-package-lock', '--prefix', DEPS_DIR, ...missing.map((n) => `${n}@${WANTED[n]}`)],
        { stdio: ['ignore', 'ignore', 'pipe'], timeout: 240_000 },
      );
    } catch (err) {
      error = String((err.stderr && err.stderr.toString().trim().split('\n').slice(-3).join(' ')) || err.message);
    }
  }
  const versions = {};
  for (const n of Object.keys(WANTED)) versions[n] = depVersion(n);
  return { versions, error };
}

module.exports = { ensureDeps, requireDep, depVersion, DEPS_DIR };
