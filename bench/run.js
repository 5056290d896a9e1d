#!/usr/bin/env node
'use strict';
/**
 * `npm run bench` — the numbers behind DESIGN.md §4, each as a ratio against a baseline measured in
 * the same run (absolute times are not comparable between runs on a shared machine).
 *
 *   1. Frame cost vs the floor: CPU per Binance depth frame, exstream vs a bare `ws` + JSON.parse
 *      client vs ccxt, all fed the capture's frames by a replay server in another process.
 *   2. Book operations: ns per level update on books of 1k / 5k / 20k levels a side.
 *   3. Many books: 500 symbols on one client: CPU per second at a steady rate, heap over updates.
 *   4. Trading round trip: bench/trading-roundtrip.js when present.
 *   5. Callback latency: frame leaving the server -> user callback, at a steady 10k frames/s.
 *   7. Relay over Redis Streams: bench/relay.js (updates/s, consumer lag with 1/10/100 consumers,
 *      Redis memory after an hour-equivalent); skipped when redis-server is missing.
 *   6. Every exchange: CPU per book frame on each exchange's embedded simulator (synthetic flow),
 *      exstream vs a bare `ws` + JSON.parse client of the same channel vs ccxt.
 *
 * Options:
 *   --full          longer runs, more rounds, 2 million updates in (3), always a CPU profile
 *   --only=1,3      run only these benchmarks
 *   --rounds=N      rounds of (1) and (2) (default 3; full 5); (5) runs 2 (full 3); (6) runs 1 (full 3)
  --frames=N      frames per client in (1) (default 50,000; full 200,000)
  --sim-steps=N   measured flow steps per client in (6), after 3,000 warm-up steps (default 10,000)
  --exchanges=a,b only these exchanges in (6)
  --rows=a,b      only these rows of (1) (keys: floor-raw, floor-book, exstream-raw, ccxt, floor-comb, exstream-comb, prototype)
 *   --profile       profile exstream's frame path even when it meets its target
 *   --no-write      do not update BENCHMARKS.md
 *   --no-install    do not install the competitors (their rows are skipped if missing)
 *
 * Benchmarks never run in `npm test` and never assert a time: they report.
 */
const fs = require('fs');
const path = require('path');
const ipc = require('./lib/ipc');
const { ensureDeps, depVersion } = require('./lib/deps');
const { summarize } = require('./lib/profile');
const { frameSizes } = require('./lib/capture');
const R = require('./lib/report');

const ROOT = path.resolve(__dirname, '..');
const SERVER = path.join(__dirname, 'replay-server.js');
const CLIENT = path.join(__dirname, 'clients', 'stream-client.js');
const BOOK_OPS = path.join(__dirname, 'book-ops.js');
const TRADING = path.join(__dirname, 'trading-roundtrip.js');
const SIM_SERVER = path.join(__dirname, 'sim-server.js');
const SIM_CLIENT = path.join(__dirname, 'clients', 'sim-client.js');
const OUT = path.join(__dirname, '.bench-out');
const BENCHMARKS_MD = path.join(ROOT, 'BENCHMARKS.md');

// ---------------------------------------------------------------- options

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const opt = (name) => {
  const a = argv.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? undefined : a.slice(name.length + 3);
};
if (flag('help') || flag('h')) {
  const doc = fs.readFileSync(__filename, 'utf8').split('*/')[0].split('/**')[1];
  process.stdout.write(`${doc.replace(/^ \* ?/gm, '').trim()}\n`);
  process.exit(0);
}
const FULL = flag('full');
const ONLY = opt('only') ? new Set(opt('only').split(',').map(Number)) : undefined;
const ROUNDS = Number(opt('rounds')) || (FULL ? 5 : 3);
const C = FULL
  ? { frames: 200_000, bookUpdates: 2_000_000, bookBudgetMs: 2000, manyRate: 5000, manyWindowS: 20, manyTotal: 2_000_000, manyRounds: 2, latencyS: 10 }
  : { frames: 50_000, bookUpdates: 400_000, bookBudgetMs: 400, manyRate: 5000, manyWindowS: 5, manyTotal: 400_000, manyRounds: 1, latencyS: 3 };
if (opt('frames')) C.frames = Number(opt('frames'));
// table 1 splits each client's CPU at this frame: the first frames pay the JIT's warm-up (compiling
// the hot path; the bare floor has little JavaScript to compile), the rest is the steady state
C.warmFrames = Math.min(10_000, Math.floor(C.frames / 2));
C.manySymbols = 500;
C.simSteps = Number(opt('sim-steps')) || 10_000;
// flow steps before table 6's measured window: the JIT's warm-up of each client, reported apart
C.simWarmSteps = 3000;
// rounds of (6): 18 client rows of a few seconds each
C.simRounds = FULL ? 3 : 1;
C.latencyRate = 10_000;

const log = (...a) => process.stderr.write(`${a.join(' ')}\n`);
const run = (n) => !ONLY || ONLY.has(n);

// ---------------------------------------------------------------- helpers

async function startServer(symbols, ring) {
  const s = ipc.start(SERVER, { label: 'replay-server' });
  const info = await s.request('init', { symbols, ring });
  return { ...s, info };
}

async function startClient(lib, server, symbols, extra = {}, execArgv = []) {
  // BENCH_CLIENT_FLAGS: extra node flags for client processes (e.g. --trace-deopt while investigating)
  const more = (process.env.BENCH_CLIENT_FLAGS || '').split(' ').filter(Boolean);
  const c = ipc.start(CLIENT, { label: `${lib} client`, execArgv: [...execArgv, ...more] });
  const errors = [];
  c.on('error', (e) => errors.push(e));
  c.errors = errors;
  await c.request('setup', { lib, rest: server.info.rest, ws: server.info.ws, symbols, ...extra }, 60_000);
  return c;
}

/** Rounds alternate their order (A B C, C B A, A B C, ...) so drift hits every row alike. */
function orderFor(round, rows) {
  return round % 2 === 0 ? rows : [...rows].reverse();
}

/** Offset of a child's hrtime against ours, from the tightest of several request round trips. */
async function clockCheck(child) {
  let best;
  for (let i = 0; i < 15; i++) {
    const t0 = ipc.nowNs();
    const remote = await child.request('now');
    const t1 = ipc.nowNs();
    if (!best || t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: remote - (t0 + t1) / 2, consistent: remote >= t0 && remote <= t1 };
  }
  return best;
}

/** Share of the machine's CPU (all cores) busy over `ms` while this run is idle: other processes. */
async function backgroundLoad(ms = 400) {
  const read = () => {
    try {
      const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
      return { idle: f[3] + (f[4] || 0), total: f.reduce((a, b) => a + b, 0) };
    } catch {
      return undefined;
    }
  };
  const a = read();
  if (!a) return undefined;
  await sleep(ms);
  const b = read();
  return b.total > a.total ? 1 - (b.idle - a.idle) / (b.total - a.total) : undefined;
}

/** Runs one benchmark with a probe of the other processes' load before and after it. */
async function section(fn) {
  const before = await backgroundLoad();
  const s = await fn();
  const after = await backgroundLoad();
  s.load = { before, after };
  if ((before || 0) > 0.1 || (after || 0) > 0.1) {
    (s.notes || (s.notes = [])).push(
      `Other processes kept ${pctOf(before || 0)} of the machine busy just before this benchmark and ${pctOf(after || 0)} just after (an idle probe of /proc/stat): expect noisier numbers.`,
    );
  }
  return s;
}

const sections = [];
const env = {};

// ---------------------------------------------------------------- 1. frame cost vs the floor

const FRAME_ROWS = [
  { key: 'floor-raw', lib: 'floor', combined: false, label: 'ws + JSON.parse (floor), raw /ws' },
  { key: 'floor-book', lib: 'floor-book', combined: false, label: 'ws + JSON.parse + exstream OrderBook (floor + book), raw /ws', baseline: 'floor-raw' },
  { key: 'exstream-raw', lib: 'exstream', combined: false, label: "exstream on('orderbook'), raw /ws", baseline: 'floor-raw' },
  { key: 'ccxt', lib: 'ccxt', combined: false, label: 'ccxt.pro binance watchOrderBook, raw /ws', baseline: 'floor-raw' },
  { key: 'floor-comb', lib: 'floor', combined: true, label: 'ws + JSON.parse (floor), combined /stream' },
  { key: 'exstream-comb', lib: 'exstream', combined: true, label: "exstream on('orderbook'), combined /stream (default)", baseline: 'floor-comb' },
  { key: 'prototype', lib: 'prototype', combined: false, label: 'ws + byte scanner + exstream OrderBook (prototype), raw /ws', baseline: 'floor-raw' },
];

async function framesOnce(server, row, n, execArgv = []) {
  const c = await startClient(row.lib, server, ['BTC/USDT'], { combined: row.combined }, execArgv);
  try {
    const sync = await c.request('subscribe', {}, 60_000);
    const p = await server.request('prepare', { symbol: 'BTC/USDT', n, warm: C.warmFrames });
    const winStart = await c.request('now');
    await c.request('frames', { lastU: p.lastU, warmU: p.warmU });
    const done = c.next('done', 300_000);
    await server.request('go', { symbol: 'BTC/USDT' }, 300_000);
    const d = await done;
    const winEnd = await c.request('now');
    return { ...d, sync, n, winStart, winEnd, errors: c.errors };
  } finally {
    await c.stop();
  }
}

async function benchFrames(deps) {
  log(`[1] frame cost: ${C.frames} frames per client, ${ROUNDS} rounds`);
  const server = await startServer(['BTC/USDT']);
  const only = opt('rows') ? new Set(opt('rows').split(',')) : undefined;
  const rows = FRAME_ROWS.filter((r) => (r.lib !== 'ccxt' || deps.ccxt) && (!only || only.has(r.key)));
  const res = new Map(rows.map((r) => [r.key, []]));
  const notes = [];
  try {
    for (let r = 0; r < ROUNDS; r++) {
      for (const row of orderFor(r, rows)) {
        const x = await framesOnce(server, row, C.frames);
        res.get(row.key).push(x);
        if (x.errors.length) notes.push(`${row.label}: ${x.errors.slice(0, 3).join('; ')}`);
        log(`    round ${r + 1} ${row.label}: ${(x.cpuTotalUs / x.n).toFixed(2)} µs/frame`);
      }
    }
    let profile;
    const exRatio = ratioMedian(res, 'exstream-comb', 'floor-comb');
    if (flag('profile') || FULL || (Number.isFinite(exRatio) && !(exRatio <= 1.1))) {
      profile = await profileFrames(server);
    }
    const W = C.warmFrames;
    const table = rows.map((row) => {
      const xs = res.get(row.key);
      const total = R.median(xs.map(perFrame.all));
      const warm = R.median(xs.map(perFrame.warm));
      const after = R.median(xs.map(perFrame.after));
      const sync = R.median(xs.map((x) => x.sync.syncCpuUs / 1000));
      const rate = R.median(xs.map((x) => x.n / (x.wallMs / 1000)));
      const vs = (m) => (row.baseline ? R.ratio(ratioMedian(res, row.key, row.baseline, m)) : 'baseline');
      return {
        row,
        cells: [row.label, R.fmt(total), R.fmt(warm), R.fmt(after), R.fmt(sync, 1), R.fmt(rate / 1000, 1), vs('all'), vs('after')],
      };
    });
    const exRaw = ratioMedian(res, 'exstream-raw', 'floor-raw');
    const exAfter = ratioMedian(res, 'exstream-comb', 'floor-comb', 'after');
    const exRawAfter = ratioMedian(res, 'exstream-raw', 'floor-raw', 'after');
    const ccxtRow = deps.ccxt && rows.some((r) => r.key === 'ccxt');
    const ccxtVsEx = ccxtRow ? ratioMedian(res, 'ccxt', 'exstream-raw') : NaN;
    const warmUs = (key, base) => R.median((res.get(key) || []).map((x, i) => (x.cpuWarmUs - ((res.get(base) || [])[i] || {}).cpuWarmUs) / 1000));
    const targets = [
      `exstream within 1.10x of the floor: ${verdict(exRatio <= 1.1 && exRaw <= 1.1)} over all ${C.frames.toLocaleString('en')} frames — ${R.ratio(exRatio)} with the default combined streams, ${R.ratio(exRaw)} with raw streams; ` +
        `after the first ${W.toLocaleString('en')} frames (steady state): ${verdict(exAfter <= 1.1 && exRawAfter <= 1.1)} — ${R.ratio(exAfter)} combined, ${R.ratio(exRawAfter)} raw. ` +
        `The first ${W.toLocaleString('en')} frames cost exstream ${R.fmt(warmUs('exstream-comb', 'floor-comb'), 1)} ms (combined) / ${R.fmt(warmUs('exstream-raw', 'floor-raw'), 1)} ms (raw) more CPU than the floor, most of it the JIT compiling exstream's frame path once per process`,
      ccxtRow
        ? `exstream below ccxt: ${verdict(ccxtVsEx > 1)} — ccxt uses ${R.ratio(ccxtVsEx)} the CPU of exstream per frame (same bytes)`
        : `exstream below ccxt: not measured — ${deps.ccxt ? 'its row was left out (--rows)' : 'ccxt could not be installed into bench/.deps'}`,
    ];
    const own = ratioMedian(res, 'exstream-raw', 'floor-book');
    const diffUs = (base) => R.median((res.get('exstream-raw') || []).map((x, i) => (x.cpuTotalUs - ((res.get(base) || [])[i] || {}).cpuTotalUs) / x.n));
    const ownUs = diffUs('floor-book');
    const proto = ratioMedian(res, 'prototype', 'floor-raw');
    const protoUs = diffUs('prototype');
    if (rows.length === FRAME_ROWS.filter((r) => r.lib !== 'ccxt' || deps.ccxt).length) notes.unshift(
      `Where the CPU goes: exstream reads depthUpdate frames straight from the socket's bytes (binance/scan.ts; no JSON.parse, no strings) into its OrderBook. ` +
        `"floor + book" (bare ws + JSON.parse + exstream's OrderBook and U/u sync; not exstream) costs ${R.ratio(ratioMedian(res, 'floor-book', 'floor-raw'))} the floor, ` +
        `and exstream ${R.ratio(own)} of that (${ownUs >= 0 ? '+' : ''}${R.fmt(ownUs)} µs a frame). ` +
        `The prototype row (not exstream: bare ws + the bench's own byte scanner + the same OrderBook, no validation, routing or events) costs ${R.ratio(proto)} the floor, ` +
        `and exstream ${R.ratio(ratioMedian(res, 'exstream-raw', 'prototype'))} of the prototype (${protoUs >= 0 ? '+' : ''}${R.fmt(protoUs)} µs a frame for its transport, routing, checks, sync and events). ` +
        'What is left between exstream and the floor is mostly the book\'s own work (see the profile).',
    );
    const sizes = frameSizes().sort((a, b) => a - b);
    return {
      id: 1,
      title: 'Frame cost vs the floor (CPU per Binance depth frame)',
      setup:
        `${C.frames.toLocaleString('en')} depthUpdate frames of the real capture (BTCUSDT 2024-08-08; ${sizes.length.toLocaleString('en')} frames cycled, ` +
        `median ${sizes[sizes.length >> 1]} / mean ${(sizes.reduce((a, b) => a + b, 0) / sizes.length).toFixed(0)} levels a frame, re-sequenced), ` +
        'sent by a replay server in another process as fast as the socket takes them; each client in a fresh process, ' +
        `${ROUNDS} rounds in alternating order, medians. CPU = process.cpuUsage() (user + system, all threads) from subscription to the last update applied, ` +
        `divided by the frames; "first ${C.warmFrames.toLocaleString('en')}" is that CPU up to the update that ends frame ${C.warmFrames.toLocaleString('en')} (the JIT's warm-up falls there), "after" the CPU of the remaining frames divided by their number (the steady state); ` +
        '"sync" is the subscription-to-synced-book CPU (snapshot of 1,000 levels a side).',
      headers: ['client', 'µs/frame', `first ${C.warmFrames / 1000}k µs/frame`, 'after µs/frame', 'sync ms', 'k frames/s', 'vs floor', 'vs floor after'],
      rows: table.map((t) => t.cells),
      targets,
      notes,
      profile,
      raw: Object.fromEntries([...res].map(([k, xs]) => [k, xs.map(({ errors, ...x }) => x)])),
    };
  } finally {
    await server.stop();
  }
}

/** CPU per frame of one table-1 run: all frames, the warm-up frames, the frames after them. */
const perFrame = {
  all: (x) => x.cpuTotalUs / x.n,
  warm: (x) => (x.cpuWarmUs === undefined ? NaN : x.cpuWarmUs / C.warmFrames),
  after: (x) => (x.cpuWarmUs === undefined ? NaN : (x.cpuTotalUs - x.cpuWarmUs) / (x.n - C.warmFrames)),
};

function ratioMedian(res, key, base, metric = 'all') {
  const a = res.get(key);
  const b = res.get(base);
  if (!a || !b || !a.length) return NaN;
  const f = perFrame[metric];
  const per = a.map((x, i) => (b[i] ? f(x) / f(b[i]) : NaN));
  return R.median(per);
}

function verdict(ok) {
  return ok ? '**met**' : '**behind**';
}

/** exstream's default frame path under the CPU profiler; summary of the measured window only. */
async function profileFrames(server) {
  const dir = path.join(OUT, 'profiles');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  log('    profiling exstream (combined /stream) with --cpu-prof ...');
  const row = FRAME_ROWS.find((r) => r.key === 'exstream-comb');
  const x = await framesOnce(server, row, C.frames, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100']);
  const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return undefined;
  // the steady state: from the end of the warm-up frames (the JIT's compiling is table 1's "first" column)
  const s = summarize(path.join(dir, file), { fromNs: x.warmNs ?? x.winStart, toNs: x.winEnd, top: 14 });
  return { file: path.relative(ROOT, path.join(dir, file)), ...s, frames: x.n - (x.warmNs === undefined ? 0 : C.warmFrames) };
}

// ---------------------------------------------------------------- 2. book operations

async function benchBooks(deps) {
  const libs = ['exstream', 'exstream-strings', ...(deps.ccxt ? ['ccxt'] : []), ...(deps['tardis-dev'] ? ['tardis'] : [])];
  const sizes = [1000, 5000, 20000];
  log(`[2] book operations: ${libs.join(', ')}; ${C.bookUpdates} updates per size, budget ${C.bookBudgetMs} ms, ${ROUNDS} rounds`);
  const res = new Map(libs.map((l) => [l, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const lib of orderFor(r, libs)) {
      const c = ipc.start(BOOK_OPS, { label: `book-ops ${lib}` });
      try {
        const out = await c.request('run', { lib, sizes, updates: C.bookUpdates, budgetMs: C.bookBudgetMs, warmBatches: 2000, checkAt: 2150 }, 600_000);
        res.get(lib).push(out);
        log(`    round ${r + 1} ${lib}: ${out.map((o) => `${o.size}: ${o.cpuNsPerLevel.toFixed(0)} ns`).join(', ')}`);
      } finally {
        await c.stop();
      }
    }
  }
  const med = (lib, i) => R.median(res.get(lib).map((o) => o[i].cpuNsPerLevel));
  const digests = sizes.map((_, i) => new Set(libs.map((l) => res.get(l)[0][i].digest)));
  const same = digests.every((d) => d.size === 1);
  const labels = {
    exstream: "exstream OrderBook (applyRaw, numbers)",
    'exstream-strings': 'exstream OrderBook (applyRaw, wire strings)',
    ccxt: 'ccxt ws OrderBook (side.store)',
    tardis: 'tardis-dev OrderBook (update)',
  };
  const rows = libs.map((lib) => [
    labels[lib],
    ...sizes.map((_, i) => `${R.fmt(med(lib, i), 0)} ns${lib === 'exstream' ? '' : ` (${R.ratio(med(lib, i) / med('exstream', i))})`}`),
  ]);
  const mix = res.get('exstream')[0][1].mix;
  const ex5k = med('exstream', 1);
  return {
    id: 2,
    title: 'Book operations (CPU ns per level update)',
    setup:
      `A delta stream calibrated on the capture (lib/book-stream.js): ${pctOf(mix.absentDelete)} deletes of absent levels; ` +
      `of all updates ${pctOf(mix.top10)} in the top 10 levels, ${pctOf(mix.to100)} at ranks 10-100, ${pctOf(mix.to1000)} at 100-1,000, ${pctOf(mix.deeper)} deeper; ` +
      `${pctOf(mix.insert)} inserts, ${pctOf(mix.delete)} deletes, ${pctOf(mix.change)} amount changes; batches sized like the capture's frames. ` +
      `The first 2,000 batches (about 70,000 updates) warm the JIT up untimed; then up to ${C.bookUpdates.toLocaleString('en')} level updates per size are timed (a ${C.bookBudgetMs} ms budget stops slow books early), each library in its own process, ` +
      `${ROUNDS} rounds, medians. Prices are pre-parsed numbers except in the "wire strings" row. Ratios are against exstream (numbers).`,
    headers: ['book', '1k levels a side', '5k levels a side', '20k levels a side'],
    rows,
    targets: [
      `one delta level at most 150 ns on a 5,000-level side and 250 ns on 20,000 (DESIGN.md §4): ${verdict(ex5k <= 150 && med('exstream', 2) <= 250)} — ${R.fmt(ex5k, 0)} ns and ${R.fmt(med('exstream', 2), 0)} ns (numbers); from wire strings ${R.fmt(med('exstream-strings', 1), 0)} ns and ${R.fmt(med('exstream-strings', 2), 0)} ns`,
    ],
    notes: [same ? 'Every library ended the checked prefix of the stream with the same book (depth and top 25 levels a side).' : `Books differ between libraries after the checked prefix: ${digests.map((d) => [...d].join(' vs ')).join('; ')}`],
    raw: Object.fromEntries(res),
  };
}

function pctOf(x) {
  return `${Math.round(x * 100)}%`;
}

// ---------------------------------------------------------------- 3. many books

async function benchMany() {
  const symbols = Array.from({ length: C.manySymbols }, (_, i) => `T${i}/USDT`);
  log(`[3] many books: ${symbols.length} symbols, ${C.manyRate}/s for ${C.manyWindowS}s, heap at 100k and ${C.manyTotal} updates`);
  // a ring of the capture's first 128 frames per symbol: book sizes repeat every cycle, so heap
  // growth between checkpoints is not legitimate book growth
  const server = await startServer(symbols, 128);
  const rows = [];
  const notes = [];
  const per = { floor: [], exstream: [] };
  let heap;
  let sync;
  try {
    for (let r = 0; r < C.manyRounds; r++) {
      for (const lib of orderFor(r, ['floor', 'exstream'])) {
        const c = await startClient(lib, server, symbols, { combined: true, snapshotLimit: 100 }, lib === 'exstream' ? ['--expose-gc'] : []);
        try {
          const s = await c.request('subscribe', {}, 180_000);
          const countHeap = lib === 'exstream' && heap === undefined;
          const cps = [];
          let done;
          if (countHeap) {
            sync = s;
            c.on('checkpoint', (cp) => cps.push(cp));
            await c.request('count', { checkpoints: [100_000, C.manyTotal], target: C.manyTotal });
            done = c.next('done', 900_000);
          }
          // warm up, then the measured window at the steady rate
          await server.request('paced', { symbols: 'all', rate: C.manyRate, durationMs: 2000 }, 60_000);
          const c0 = await c.request('cpu');
          const p = await server.request('paced', { symbols: 'all', rate: C.manyRate, durationMs: C.manyWindowS * 1000 }, 600_000);
          await sleep(100);
          const c1 = await c.request('cpu');
          const cpuMsPerS = (c1 - c0) / 1000 / (p.elapsedMs / 1000);
          per[lib].push({ cpuMsPerS, usPerUpdate: (c1 - c0) / p.sent, sent: p.sent, late: p.late });
          log(`    round ${r + 1} ${lib}: ${cpuMsPerS.toFixed(1)} ms CPU per s at ${C.manyRate}/s`);
          if (countHeap) {
            const counted = 2 * C.manyRate + p.sent;
            await server.request('blast', { symbols: 'all', n: Math.max(0, C.manyTotal - counted) }, 900_000);
            await done;
            heap = cps;
          }
          if (c.errors.length) notes.push(`${lib}: ${c.errors.slice(0, 3).join('; ')}`);
        } finally {
          await c.stop();
        }
      }
    }
  } finally {
    await server.stop();
  }
  const fl = R.median(per.floor.map((x) => x.cpuMsPerS));
  const ex = R.median(per.exstream.map((x) => x.cpuMsPerS));
  rows.push(['ws + JSON.parse (floor)', R.fmt(fl, 1), R.fmt(R.median(per.floor.map((x) => x.usPerUpdate))), 'baseline', '–', '–']);
  const mb = (cp) => (cp.heapUsed + cp.arrayBuffers) / 2 ** 20;
  const first = heap && heap[0];
  const last = heap && heap[heap.length - 1];
  rows.push([
    "exstream on('orderbook') × 500",
    R.fmt(ex, 1),
    R.fmt(R.median(per.exstream.map((x) => x.usPerUpdate))),
    R.ratio(ex / fl),
    first ? `${R.fmt(mb(first), 1)} MB → ${R.fmt(mb(last), 1)} MB (${R.ratio(mb(last) / mb(first))})` : '–',
    first ? `${first.levels.toLocaleString('en')} → ${last.levels.toLocaleString('en')}` : '–',
  ]);
  const flat = first && mb(last) / mb(first) < 1.1;
  return {
    id: 3,
    title: `Many books (${symbols.length} symbols on one client)`,
    setup:
      `${symbols.length} Binance symbols subscribed on one exstream client (combined streams, one socket; REST snapshots of 100 levels), fed by the replay server: ` +
      `each symbol cycles the capture's first 128 depth frames, so book sizes repeat and heap growth is not book growth. ` +
      `CPU per second of wall time at a steady ${C.manyRate.toLocaleString('en')} updates/s (10 a second per symbol, Binance's @100ms cadence) over ${C.manyWindowS} s after a 2 s warm-up; ` +
      `heap = heapUsed + arrayBuffers after gc(), after 100,000 and after ${C.manyTotal.toLocaleString('en')} updates (the rest sent as fast as the client takes them). ` +
      (sync ? `Subscribing and syncing all ${symbols.length} books took ${R.fmt(sync.syncMs / 1000, 1)} s wall, ${R.fmt(sync.syncCpuUs / 1000, 0)} ms CPU.` : ''),
    headers: ['client', 'CPU ms per s', 'µs/update', 'vs floor', `heap 100k → ${C.manyTotal >= 1e6 ? C.manyTotal / 1e6 + 'M' : C.manyTotal / 1000 + 'k'}`, 'levels held'],
    rows,
    targets: [`500 books on one client, memory flat: ${first ? verdict(flat) : 'not measured'}${first ? ` — ${R.ratio(mb(last) / mb(first))} between 100k and ${C.manyTotal.toLocaleString('en')} updates` : ''}`],
    notes,
    raw: { per, heap, sync },
  };
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// ---------------------------------------------------------------- 4. trading round trip

async function benchTrading() {
  if (!fs.existsSync(TRADING)) {
    log('[4] trading round trip: pending: trading issue');
    return { id: 4, title: 'Trading round trip (createOrder + cancelOrder, WebSocket API vs REST)', pending: 'pending: trading issue (bench/trading-roundtrip.js does not exist yet)' };
  }
  log('[4] trading round trip: node bench/trading-roundtrip.js');
  fs.mkdirSync(OUT, { recursive: true });
  const resultFile = path.join(OUT, 'trading-roundtrip.json');
  fs.rmSync(resultFile, { force: true });
  const { spawnSync } = require('child_process');
  // its one argument is the number of orders per transport (default 200)
  const r = spawnSync(process.execPath, [TRADING, ...(FULL ? ['1000'] : [])], {
    cwd: ROOT,
    env: { ...process.env, EXSTREAM_BENCH_RESULT: resultFile },
    encoding: 'utf8',
    timeout: FULL ? 900_000 : 90_000,
  });
  const out = `${r.stdout || ''}${r.stderr ? `\n${r.stderr}` : ''}`.trim();
  let json;
  try {
    json = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  } catch {
    json = undefined;
  }
  const sec = {
    id: 4,
    title: 'Trading round trip (createOrder + cancelOrder, WebSocket API vs REST)',
    setup: `The output of \`node bench/trading-roundtrip.js${FULL ? ' 1000' : ''}\` (the simulator in the same process as the client).`,
    notes: [],
  };
  if (r.status !== 0) sec.notes.push(`bench/trading-roundtrip.js exited with ${r.status ?? r.signal ?? r.error}`);
  if (json && Array.isArray(json.rows)) {
    sec.setup = json.setup || 'bench/trading-roundtrip.js';
    sec.headers = json.headers || Object.keys(json.rows[0] || {});
    sec.rows = json.rows.map((x) => (Array.isArray(x) ? x : sec.headers.map((h) => R.fmt(x[h]))));
    if (json.notes) sec.notes.push(...json.notes);
  } else {
    sec.verbatim = out || '(no output)';
  }
  return sec;
}

// ---------------------------------------------------------------- 6. relay over Redis Streams

async function benchRelay() {
  const title = 'Relay over Redis Streams (one relay, consumers in one process)';
  log('[6] relay: node bench/relay.js');
  fs.mkdirSync(OUT, { recursive: true });
  const resultFile = path.join(OUT, 'relay.json');
  fs.rmSync(resultFile, { force: true });
  const r = require('child_process').spawnSync(process.execPath, [path.join(__dirname, 'relay.js'), ...(FULL ? ['--full'] : [])], {
    cwd: ROOT,
    env: { ...process.env, EXSTREAM_BENCH_RESULT: resultFile },
    encoding: 'utf8',
    timeout: FULL ? 900_000 : 300_000,
  });
  let json;
  try {
    json = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  } catch {
    json = undefined;
  }
  if (!json) return { id: 7, title, verbatim: `${r.stdout || ''}${r.stderr || ''}`.trim() || `bench/relay.js exited with ${r.status ?? r.signal}` };
  if (json.skipped) return { id: 7, title, pending: json.skipped };
  return { id: 7, title, setup: 'The output of `node bench/relay.js`: a real redis-server, the relay fed by a synthetic 1,000-level book, consumers `new binance({ relay })`.', headers: json.headers, rows: json.rows, notes: json.notes };
}

// ---------------------------------------------------------------- 5. callback latency

const LAT_ROWS = [
  { key: 'floor', lib: 'floor', combined: false, label: 'ws + JSON.parse (floor), raw /ws' },
  { key: 'exstream', lib: 'exstream', combined: false, label: "exstream on('orderbook'), raw /ws" },
  { key: 'exstream-comb', lib: 'exstream', combined: true, label: "exstream on('orderbook'), combined /stream (default)" },
  { key: 'ccxt', lib: 'ccxt', combined: false, label: 'ccxt.pro binance watchOrderBook, raw /ws' },
];

async function benchLatency(deps) {
  const rounds = FULL ? 3 : 2;
  log(`[5] callback latency: ${C.latencyRate}/s for ${C.latencyS}s, ${rounds} rounds`);
  const server = await startServer(['BTC/USDT']);
  const rows = LAT_ROWS.filter((r) => r.lib !== 'ccxt' || deps.ccxt);
  const lat = new Map(rows.map((r) => [r.key, { all: [], seen: 0, sent: 0, late: 0 }]));
  const clocks = [];
  const notes = [];
  try {
    const serverClock = await clockCheck(server);
    clocks.push(serverClock);
    for (let r = 0; r < rounds; r++) {
      for (const row of orderFor(r, rows)) {
        const c = await startClient(row.lib, server, ['BTC/USDT'], { combined: row.combined });
        try {
          await c.request('subscribe', {}, 60_000);
          const clientClock = await clockCheck(c);
          clocks.push(clientClock);
          await server.request('paced', { symbols: ['BTC/USDT'], rate: C.latencyRate, durationMs: 1000 }, 60_000);
          await sleep(50);
          const n = Math.round((C.latencyRate * C.latencyS * 1000) / 1000);
          const p = await server.request('prepare', { symbol: 'BTC/USDT', n });
          await c.request('latency', { lastU: p.lastU, n });
          const done = c.next('done', 120_000);
          const s = await server.request('paced', { symbols: ['BTC/USDT'], rate: C.latencyRate, durationMs: C.latencyS * 1000, log: true }, 120_000);
          const d = await done;
          // without one shared clock, correct by the measured offsets
          const shift = serverClock.consistent && clientClock.consistent ? 0 : clientClock.offset - serverClock.offset;
          const sendAt = new Map();
          for (let k = 0; k < s.log.length; k += 2) sendAt.set(s.log[k], s.log[k + 1]);
          const L = lat.get(row.key);
          for (let k = 0; k < d.log.length; k += 2) {
            const t = sendAt.get(d.log[k]);
            if (t !== undefined) L.all.push((d.log[k + 1] - shift - t) / 1000);
          }
          L.seen += d.log.length / 2;
          L.sent += s.sent;
          L.late += s.late;
          const sorted = L.all.slice(-d.log.length / 2).sort((a, b) => a - b);
          log(`    round ${r + 1} ${row.label}: p50 ${R.fmt(R.pct(sorted, 50))} µs, p99 ${R.fmt(R.pct(sorted, 99))} µs`);
          if (c.errors.length) notes.push(`${row.label}: ${c.errors.slice(0, 3).join('; ')}`);
        } finally {
          await c.stop();
        }
      }
    }
  } finally {
    await server.stop();
  }
  const stats = new Map();
  for (const row of rows) {
    const L = lat.get(row.key);
    const s = L.all.sort((a, b) => a - b);
    stats.set(row.key, { p50: R.pct(s, 50), p99: R.pct(s, 99), p999: R.pct(s, 99.9), max: s[s.length - 1], seen: L.seen / L.sent, late: L.late / L.sent });
  }
  const base = stats.get('floor');
  const table = rows.map((row) => {
    const st = stats.get(row.key);
    return [
      row.label,
      R.fmt(st.p50),
      R.fmt(st.p99),
      R.fmt(st.p999),
      R.fmt(st.max, 0),
      `${(st.seen * 100).toFixed(1)}%`,
      row.key === 'floor' ? 'baseline' : `${R.ratio(st.p50 / base.p50)} / ${R.ratio(st.p99 / base.p99)}`,
    ];
  });
  const shared = clocks.every((c) => c.consistent);
  const maxRtt = Math.max(...clocks.map((c) => c.rtt)) / 1000;
  const late = Math.max(...[...stats.values()].map((s) => s.late));
  notes.push(
    shared
      ? `Clock: server, clients and orchestrator read one monotonic clock (process.hrtime, CLOCK_MONOTONIC): every check found the remote reading inside the request's round trip (tightest round trips up to ${R.fmt(maxRtt, 0)} µs).`
      : `Clock: a remote reading fell outside a round trip; latencies were corrected by the measured offsets (±${R.fmt(maxRtt / 2, 0)} µs).`,
  );
  for (const row of rows) {
    const st = stats.get(row.key);
    if (st.p50 > 5_000 || st.p99 > 100_000) {
      notes.push(
        `${row.label} cannot keep up with ${C.latencyRate.toLocaleString('en')} frames/s on this machine (its CPU per frame times the rate exceeds one core): its backlog grows for the whole run, so its latencies measure the queue.`,
      );
    }
  }
  if (late > 0.01) notes.push(`The server fell behind its schedule for ${(late * 100).toFixed(1)}% of the frames (sent in small bursts to catch up).`);
  const ex = stats.get('exstream');
  return {
    id: 5,
    title: 'Callback latency (frame leaves the server -> user callback)',
    setup:
      `One symbol at a steady ${C.latencyRate.toLocaleString('en')} frames/s (each frame sent at its own due time, no bursts) for ${C.latencyS} s after a 1 s warm-up, ${rounds} rounds; ` +
      'the server logs process.hrtime() just before each send, the client in its callback; joined by the update id u. ' +
      '"seen" is the share of frames that reached a callback: ccxt resolves one await for several frames read together.',
    headers: ['client', 'p50 µs', 'p99 µs', 'p99.9 µs', 'max µs', 'seen', 'vs floor p50 / p99'],
    rows: table,
    targets: ex ? [`(no target in DESIGN.md) exstream adds ${R.fmt(ex.p50 - base.p50)} µs at p50 and ${R.fmt(ex.p99 - base.p99)} µs at p99 over the floor`] : [],
    notes,
    raw: Object.fromEntries(stats),
  };
}

// ---------------------------------------------------------------- 6. every exchange on its simulator

/** Per exchange: the symbol, simulator options, and ccxt's constructor options. */
const SIM_EXCHANGES = [
  { exchange: 'binance', symbol: 'BTC/USDT', channel: 'btcusdt@depth@100ms (REST snapshot + diffs)' },
  // the stream-snapshot mode: ccxt's OKX client needs the snapshot frame (exstream reads both modes)
  { exchange: 'okx', symbol: 'BTC/USDT', options: { books: 'stream-snapshot' }, channel: 'books (400 levels, checksum)' },
  { exchange: 'kraken', symbol: 'BTC/USD', channel: 'book v2, depth 100 (checksum)' },
  { exchange: 'bybit', symbol: 'BTC/USDT', channel: 'orderbook.200 (spot)' },
  { exchange: 'bitfinex', symbol: 'BTC/USD', channel: 'book P0 F0 25 (sequence numbers, checksum)' },
  { exchange: 'coinbase', symbol: 'BTC/USD', channel: 'level2 (+ heartbeats)' },
];
const SIM_LIBS = [
  { lib: 'floor', label: 'ws + JSON.parse (floor)' },
  { lib: 'exstream', label: "exstream on('orderbook')" },
  { lib: 'ccxt', label: 'ccxt.pro watchOrderBook' },
];

async function simOnce(x, lib, execArgv = []) {
  const server = ipc.start(SIM_SERVER, { label: `${x.exchange} simulator` });
  const more = (process.env.BENCH_CLIENT_FLAGS || '').split(' ').filter(Boolean);
  const c = ipc.start(SIM_CLIENT, { label: `${x.exchange} ${lib} client`, execArgv: [...execArgv, ...more] });
  const errors = [];
  c.on('error', (e) => errors.push(e));
  try {
    const { urls } = await server.request('init', { exchange: x.exchange, seed: 7, symbol: x.symbol, options: x.options || {} }, 60_000);
    await c.request('setup', { lib, exchange: x.exchange, urls, symbol: x.symbol }, 60_000);
    let ready = false;
    const subscribed = c.request('subscribe', {}, 60_000).then(() => (ready = true));
    // the same 10 priming steps for every client (Binance-procedure books sync on the first diff),
    // then more only if the client is still not synced
    for (let i = 0; i < 10 || (!ready && i < 200); i++) {
      await server.request('run', { steps: 1 });
      await sleep(50);
    }
    await subscribed;
    await c.request('go');
    const warm = await server.request('run', { steps: C.simWarmSteps }, 600_000);
    const m = await c.request('mark', { idleMs: 300 }, 600_000);
    const fromNs = await c.request('now');
    const { sent } = await server.request('run', { steps: C.simSteps }, 600_000);
    const f = await c.request('finish', { idleMs: 300 }, 600_000);
    if (process.env.BENCH_CLIENT_FLAGS) log(`      ${x.exchange} ${lib}: measured window ${fromNs} .. ${await c.request('now')} ns (client clock)`);
    // cpuUs / sent: the measured window (after the warm-up); allCpuUs / allSent: every frame
    return { cpuUs: f.cpuUs - m.cpuUs, updates: f.updates - m.updates, sent, allCpuUs: f.cpuUs, allSent: sent + warm.sent, errors };
  } catch (err) {
    return { failed: String(err && err.message), errors };
  } finally {
    await c.stop();
    await server.stop();
  }
}

async function benchExchanges(deps) {
  log(`[6] every exchange on its simulator: ${C.simSteps} flow steps per client, ${C.simRounds} rounds`);
  const libs = SIM_LIBS.filter((l) => l.lib !== 'ccxt' || deps.ccxt);
  const rows = [];
  const targets = [];
  const notes = [];
  const behind = [];
  const compared = [];
  const only = opt('exchanges') ? new Set(opt('exchanges').split(',')) : undefined;
  for (const x of SIM_EXCHANGES.filter((e) => !only || only.has(e.exchange))) {
    const res = new Map(libs.map((l) => [l.lib, []]));
    for (let r = 0; r < C.simRounds; r++) {
      for (const l of orderFor(r, libs)) {
        log(`    ${x.exchange} ${l.lib} round ${r + 1}`);
        res.get(l.lib).push(await simOnce(x, l.lib));
      }
    }
    const usPerFrame = (o) => (o.failed || !o.sent ? NaN : o.cpuUs / o.sent);
    const usPerFrameAll = (o) => (o.failed || !o.allSent ? NaN : o.allCpuUs / o.allSent);
    const ratioTo = (lib, base) =>
      R.median(res.get(lib).map((o, i) => usPerFrame(o) / usPerFrame(res.get(base)[i])).filter((v) => Number.isFinite(v)));
    for (const l of libs) {
      const list = res.get(l.lib);
      const ok = list.filter((o) => !o.failed && o.errors.length === 0);
      const errs = [...new Set(list.flatMap((o) => (o.failed ? [o.failed] : o.errors)))];
      if (ok.length === 0) {
        rows.push([x.exchange, l.label, '–', '–', '–', '–', '–', `failed: ${(errs[0] || 'no result').slice(0, 140)}`]);
        if (l.lib === 'ccxt') notes.push(`${x.exchange}: ccxt's row failed on the simulator (${(errs[0] || '').slice(0, 200)}), so there is no comparison.`);
        continue;
      }
      const us = R.median(ok.map(usPerFrame));
      const usAll = R.median(ok.map(usPerFrameAll));
      const frames = R.median(ok.map((o) => o.sent));
      const updates = R.median(ok.map((o) => o.updates));
      const ratio = l.lib === 'floor' ? 'baseline' : R.ratio(ratioTo(l.lib, 'floor'));
      const ratioAll =
        l.lib === 'floor' ? 'baseline' : R.ratio(R.median(list.map((o, i) => usPerFrameAll(o) / usPerFrameAll(res.get('floor')[i])).filter((v) => Number.isFinite(v))));
      rows.push([x.exchange, l.label, R.fmt(us, 1), ratio, R.fmt(usAll, 1), ratioAll, `${R.fmt(frames, 0)} / ${R.fmt(updates, 0)}`, errs.length ? `errors in ${list.length - ok.length} of ${list.length} rounds: ${errs[0].slice(0, 100)}` : '']);
    }
    if (x.exchange === 'binance') {
      const after = ratioTo('exstream', 'floor');
      const all = R.median(res.get('exstream').map((o, i) => usPerFrameAll(o) / usPerFrameAll(res.get('floor')[i])).filter((v) => Number.isFinite(v)));
      targets.push(
        `exstream within 1.10x of the floor on synthetic flow (the Binance simulator): ${verdict(after <= 1.1)} after the warm-up — ${R.ratio(after)}; over all frames, warm-up included: ${R.ratio(all)}`,
      );
    }
    if (res.has('ccxt') && res.get('ccxt').some((o) => !o.failed && o.errors.length === 0)) {
      const okRounds = res.get('ccxt').map((o, i) => (!o.failed && o.errors.length === 0 ? i : -1)).filter((i) => i >= 0);
      const rx = R.median(okRounds.map((i) => usPerFrame(res.get('ccxt')[i]) / usPerFrame(res.get('exstream')[i])).filter((v) => Number.isFinite(v)));
      compared.push(`${x.exchange} ${R.ratio(rx)}`);
      if (!(rx > 1)) behind.push(x.exchange);
    }
  }
  targets.push(
    `exstream below ccxt on every exchange (ccxt's CPU per frame over exstream's, same simulator flow): ${verdict(behind.length === 0 && compared.length > 0)} — ${compared.join(', ')}` +
      (behind.length ? ` (behind: ${behind.join(', ')})` : ''),
  );
  notes.push(
    'Frames here are small (one flow step of the simulator each, a few levels) and arrive one at a time, so the fixed cost of a frame (socket read, event loop turn, one callback per update) weighs far more than in table 1.',
    'ccxt resolves watchOrderBook once per batch of frames it has handled (its "updates" are fewer than the frames), while exstream calls back on every update; the CPU counted is the whole process either way.',
  );
  return {
    id: 6,
    title: 'Every exchange: CPU per book frame on its simulator',
    setup:
      `Each exchange's embedded simulator (exstream/sim, seed 7, one symbol) in its own process, its flow stepped ${C.simWarmSteps.toLocaleString('en')} + ${C.simSteps.toLocaleString('en')} times as fast as the socket takes the frames ` +
      '(one tick of synthetic order flow, then the pending book update sent at once), a fresh simulator per client so every client gets the same flow. ' +
      'Each client in a fresh process: the floor (bare `ws`, the documented subscription of the same channel exstream uses, JSON.parse of every frame, no book), exstream and ccxt.pro (every URL pointed at the simulator). ' +
      `CPU = process.cpuUsage() of the client per frame the simulator sent: "µs/frame" over the last ${C.simSteps.toLocaleString('en')} steps (from the socket going quiet after the first ${C.simWarmSteps.toLocaleString('en')}, the JIT's warm-up, until it has been quiet for 300 ms after the last), "all" over every step; ${C.simRounds === 1 ? 'one round (a quick run: single measurements, noisier than the others)' : `${C.simRounds} rounds in alternating order, medians`}. ` +
      `Channels: ${SIM_EXCHANGES.map((x) => `${x.exchange} ${x.channel}`).join('; ')}.`,
    headers: ['exchange', 'client', 'µs/frame', 'vs floor', 'all µs/frame', 'all vs floor', 'frames / updates', 'note'],
    rows,
    targets,
    notes,
  };
}

// ---------------------------------------------------------------- output

function sectionText(s) {
  const out = [`${s.id}. ${s.title}`];
  if (s.pending) out.push(`   ${s.pending}`);
  else if (s.verbatim) out.push(s.verbatim.replace(/^/gm, '   '));
  else out.push(R.textTable(s.headers, s.rows).replace(/^/gm, '   '));
  for (const t of s.targets || []) out.push(`   target: ${t.replace(/\*\*/g, '')}`);
  for (const n of s.notes || []) out.push(`   note: ${n}`);
  if (s.profile) {
    out.push(`   profile of exstream's frame path (${s.profile.file}, steady state after the warm-up frames, self time):`);
    out.push(
      R.textTable(
        ['function', 'where', 'self ms', '%'],
        s.profile.top.map((t) => [t.fn, t.where, R.fmt(t.selfMs, 1), R.fmt(t.pct, 1)]),
      ).replace(/^/gm, '     '),
    );
    out.push(`     by layer: ${s.profile.layers.map((l) => `${l.layer} ${R.fmt(l.pct, 1)}%`).join(', ')}`);
  }
  return out.join('\n');
}

function sectionMd(s) {
  const out = [`#### ${s.id}. ${s.title}`, ''];
  if (s.setup) out.push(s.setup, '');
  if (s.pending) out.push(s.pending, '');
  else if (s.verbatim) out.push('```', s.verbatim, '```', '');
  else out.push(R.mdTable(s.headers, s.rows), '');
  for (const t of s.targets || []) out.push(`- Target: ${t}`);
  for (const n of s.notes || []) out.push(`- Note: ${n}`);
  if (s.profile) {
    out.push(
      '',
      `CPU profile of exstream's default frame path (\`node --cpu-prof\`, ${s.profile.frames.toLocaleString('en')} frames, the steady state: samples after the first ${C.warmFrames.toLocaleString('en')} frames only; ` +
        `\`${s.profile.file}\` is kept locally, not committed). Top self time:`,
      '',
      R.mdTable(['function', 'where', 'self ms', '% of CPU'], s.profile.top.map((t) => [`\`${t.fn}\``, t.where ? `\`${t.where}\`` : '', R.fmt(t.selfMs, 1), R.fmt(t.pct, 1)])),
      '',
      `By layer: ${s.profile.layers.map((l) => `${l.layer} ${R.fmt(l.pct, 1)}%`).join(', ')}.`,
    );
  }
  out.push('');
  return out.join('\n');
}

function envMd(e) {
  return R.mdTable(
    ['date', 'commit', 'node', 'machine', 'competitors'],
    [[e.date, `\`${e.commit}\``, `${e.node} (V8 ${e.v8})`, `${e.cpu}, ${e.memGiB} GiB, ${e.os}`, `ccxt ${e.ccxt}, tardis-dev ${e.tardis}, ws ${e.ws}`]],
  );
}

function writeMarkdown(e, secs, elapsedS) {
  const kind = FULL ? 'full' : 'quick';
  const start = `<!-- bench:${kind}:start -->`;
  const end = `<!-- bench:${kind}:end -->`;
  const body = [
    start,
    `### Latest ${kind} run (\`npm run bench${FULL ? ' -- --full' : ''}\`, ${Math.round(elapsedS)} s)`,
    '',
    envMd(e),
    '',
    ...secs.map(sectionMd),
    end,
  ].join('\n');
  let md = fs.existsSync(BENCHMARKS_MD) ? fs.readFileSync(BENCHMARKS_MD, 'utf8') : '# Benchmarks\n\n';
  const i = md.indexOf(start);
  const j = md.indexOf(end);
  if (i >= 0 && j > i) md = md.slice(0, i) + body + md.slice(j + end.length);
  else md = `${md.trimEnd()}\n\n${body}\n`;
  fs.writeFileSync(BENCHMARKS_MD, md);
}

// ---------------------------------------------------------------- main

async function main() {
  const t0 = Date.now();
  if (!fs.existsSync(path.join(ROOT, 'js', 'index.js'))) throw new Error('js/ is not built: run `npm run bench` (it builds first)');
  const { versions, error } = flag('no-install') ? { versions: {} } : ensureDeps(log);
  const deps = {};
  for (const n of ['ccxt', 'tardis-dev']) deps[n] = versions[n] || depVersion(n);
  if (error) log(`note: could not install the competitors (${error}); their rows are skipped`);
  Object.assign(env, R.environment(deps));
  log(`exstream benchmarks (${FULL ? 'full' : 'quick'}) — node ${env.node}, ${env.cpu}, commit ${env.commit}`);
  const skipped = [];
  if (!deps.ccxt) skipped.push(`ccxt rows skipped: not installed in bench/.deps${error ? ` (${error})` : ''}`);
  if (!deps['tardis-dev']) skipped.push('tardis-dev row skipped: not installed in bench/.deps');

  if (run(1)) sections.push(await section(() => benchFrames(deps)));
  if (run(2)) sections.push(await section(() => benchBooks(deps)));
  if (run(3)) sections.push(await section(() => benchMany()));
  if (run(4)) sections.push(await section(() => benchTrading()));
  if (run(5)) sections.push(await section(() => benchLatency(deps)));
  if (run(6)) sections.push(await section(() => benchExchanges(deps)));
  if (run(7)) sections.push(await section(() => benchRelay()));
  if (skipped.length) for (const s of sections) if (s.notes && (s.id === 1 || s.id === 2 || s.id === 5)) s.notes.push(...skipped);

  const elapsed = (Date.now() - t0) / 1000;
  const header = [
    `exstream benchmarks — ${FULL ? 'full' : 'quick'} set, ${Math.round(elapsed)} s`,
    `date ${env.date}  commit ${env.commit}  node ${env.node}  ${env.cpu}  ${env.memGiB} GiB`,
    `competitors: ccxt ${env.ccxt}, tardis-dev ${env.tardis}; ratios are against a baseline measured in this run`,
  ].join('\n');
  process.stdout.write(`\n${header}\n\n${sections.map(sectionText).join('\n\n')}\n`);
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, `results-${FULL ? 'full' : 'quick'}.json`), JSON.stringify({ env, config: C, sections }, null, 1));
  if (!flag('no-write') && !ONLY) {
    writeMarkdown(env, sections, elapsed);
    log(`\nBENCHMARKS.md updated (${FULL ? 'full' : 'quick'} section); raw results in ${path.relative(ROOT, OUT)}/`);
  } else {
    log(`\nBENCHMARKS.md not updated (${ONLY ? '--only' : '--no-write'}); raw results in ${path.relative(ROOT, OUT)}/`);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
