'use strict';
/**
 * The layer rule of DESIGN.md §2, as data: which folders of ts/ a file may import from. Imports
 * point down only: core <- book <- transport <- exchanges <- base <- relay <- cli; sim apart (core
 * and book only, never the client); top-level entry files (ts/index.ts) may import anything.
 */
const fs = require('fs');
const path = require('path');

const ALLOWED = {
  core: ['core'],
  book: ['core', 'book'],
  transport: ['core', 'book', 'transport'],
  exchanges: ['core', 'book', 'transport', 'exchanges'],
  base: ['core', 'book', 'transport', 'exchanges', 'base'],
  relay: ['core', 'book', 'transport', 'exchanges', 'base', 'relay'],
  cli: ['core', 'book', 'transport', 'exchanges', 'base', 'relay', 'sim', 'cli', 'entry'],
  sim: ['core', 'book', 'sim'],
  entry: ['core', 'book', 'transport', 'exchanges', 'base', 'relay', 'sim', 'cli', 'entry'],
};

/** The layer of a path relative to ts/ ('core/errors.ts' -> 'core'; 'index.ts' -> 'entry'). */
function layerOf(rel) {
  const parts = rel.split(/[\\/]/);
  return parts.length === 1 ? 'entry' : parts[0];
}

/** Relative module specifiers a source text imports or re-exports (static, dynamic and require). */
function importsOf(text) {
  const out = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"](\.{1,2}\/[^'"]*)['"]/g;
  let m;
  while ((m = re.exec(text))) out.push(m[1]);
  return out;
}

/**
 * Checks files given as { rel: 'exchanges/okx/adapter.ts', text }: returns one line per import that
 * points up (or sideways between two exchanges' folders), empty when the tree follows the rule.
 */
function violations(files) {
  const bad = [];
  for (const { rel, text } of files) {
    const from = layerOf(rel);
    const allowed = ALLOWED[from];
    for (const spec of importsOf(text)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel.split(path.sep).join('/')), spec));
      // data read from the package root (package.json for the version) is no layer
      if (target.startsWith('..') && target.endsWith('.json')) continue;
      if (target.startsWith('..')) {
        bad.push(`${rel}: imports ${spec}, outside ts/`);
        continue;
      }
      const to = layerOf(target);
      if (!allowed) {
        bad.push(`${rel}: in no known layer (${from})`);
        break;
      }
      if (!allowed.includes(to)) {
        bad.push(`${rel} (${from}) imports ${spec} (${to}): ${from} may import only ${allowed.join(', ')}`);
        continue;
      }
      // one exchange's folder never reaches into another's; shared adapter files sit in exchanges/
      const a = rel.split(/[\\/]/);
      const b = target.split('/');
      if (from === 'exchanges' && a.length > 2 && b.length > 2 && a[1] !== b[1]) {
        bad.push(`${rel} imports ${spec}: one exchange's folder may not import another's`);
      }
    }
  }
  return bad;
}

/** Every .ts file under `root` as { rel, text }. */
function readTree(root) {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) out.push({ rel: path.relative(root, p), text: fs.readFileSync(p, 'utf8') });
    }
  };
  walk(root);
  return out;
}

module.exports = { ALLOWED, layerOf, importsOf, violations, readTree };
