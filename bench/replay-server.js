'use strict';
/**
 * Binance-protocol replay server for the benchmarks, run in its own process (forked by run.js) so
 * its CPU is never counted as the client's.
 *
 * It serves, on 127.0.0.1:
 * - GET /api/v3/exchangeInfo: the document of the embedded simulator (exstream/sim) for the
 *   configured symbols (so every client loads real-shaped markets);
 * - GET /api/v3/depth: the capture's REST snapshot (1,000 levels a side, trimmed to `limit`), with
 *   `lastUpdateId` = the id of the last frame sent for that symbol so far;
 * - /ws, /ws/<stream>... (raw) and /stream?streams=... (combined) with SUBSCRIBE / UNSUBSCRIBE /
 *   LIST_SUBSCRIPTIONS: `<symbol>@depth@100ms` streams carry the capture's depthUpdate frames
 *   byte for byte (levels as recorded), re-sequenced per symbol so U = previous u + 1 forever.
 *
 * Every client parses identical level bytes; only U, u, E and the symbol differ. Frames go out
 * only when the orchestrator says so (prepare/go, blast, paced), except one "priming" frame sent
 * when a depth stream is subscribed, which makes a Binance-procedure client fetch its snapshot.
 */
const http = require('http');
const { WebSocketServer } = require('ws');
const { loadCapture } = require('./lib/capture');
const { serve, emit, nowNs } = require('./lib/ipc');

const capture = loadCapture();

/** @type {Map<string, Sym>} lowercase id -> symbol state */
const symbols = new Map();
let ringLength = capture.frames.length;
let exchangeInfoText = '';
let server;
let wss;
const conns = new Set();
const depthCache = new Map();
const unknownPaths = new Set();

class Sym {
  constructor(unified, id, startId) {
    this.unified = unified;
    this.id = id;
    this.lower = id.toLowerCase();
    this.stream = `${this.lower}@depth@100ms`;
    this.lastId = startId;
    this.ring = 0;
    /** @type {Set<Conn>} */
    this.subs = new Set();
  }

  /** Renders the next frame of this symbol (raw form) and advances its sequence. */
  next() {
    const f = capture.frames[this.ring % ringLength];
    this.ring++;
    const U = this.lastId + 1;
    const u = this.lastId + f.ids;
    this.lastId = u;
    const raw = `{"e":"depthUpdate","E":${Date.now()},"s":"${this.id}","U":${U},"u":${u},"b":${f.bJson},"a":${f.aJson}}`;
    return { raw, u };
  }

  /** The u the frame after `n` more frames will end on (no state change). */
  lastAfter(n) {
    let id = this.lastId;
    for (let k = 0; k < n; k++) id += capture.frames[(this.ring + k) % ringLength].ids;
    return id;
  }
}

class Conn {
  constructor(ws, combined) {
    this.ws = ws;
    this.combined = combined;
    /** @type {Set<Sym>} */
    this.syms = new Set();
  }

  sendFrame(sym, raw, cb) {
    this.ws.send(this.combined ? `{"stream":"${sym.stream}","data":${raw}}` : raw, cb);
  }
}

function depthJson(sym, limit) {
  const n = Math.max(1, Math.min(capture.snapshot.bids.length, Number.isFinite(limit) ? limit : 100));
  let body = depthCache.get(n);
  if (!body) {
    body = `"bids":${JSON.stringify(capture.snapshot.bids.slice(0, n))},"asks":${JSON.stringify(capture.snapshot.asks.slice(0, n))}}`;
    depthCache.set(n, body);
  }
  return `{"lastUpdateId":${sym.lastId},${body}`;
}

function reply(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function onRequest(req, res) {
  const url = new URL(req.url, 'http://x');
  switch (url.pathname) {
    case '/api/v3/exchangeInfo':
      return reply(res, 200, exchangeInfoText);
    case '/api/v3/depth': {
      const sym = symbols.get(String(url.searchParams.get('symbol') || '').toLowerCase());
      if (!sym) return reply(res, 400, '{"code":-1121,"msg":"Invalid symbol."}');
      return reply(res, 200, depthJson(sym, Number(url.searchParams.get('limit') || 100)));
    }
    case '/api/v3/ping':
      return reply(res, 200, '{}');
    case '/api/v3/time':
      return reply(res, 200, `{"serverTime":${Date.now()}}`);
    default:
      if (!unknownPaths.has(url.pathname)) {
        unknownPaths.add(url.pathname);
        process.stderr.write(`[replay-server] not served: ${req.method} ${url.pathname}\n`);
      }
      return reply(res, 404, '{"code":-1,"msg":"not served by the bench replay server"}');
  }
}

function symOfStream(name) {
  const at = name.indexOf('@');
  if (at < 0 || !name.slice(at).startsWith('@depth')) return undefined;
  return symbols.get(name.slice(0, at).toLowerCase());
}

function subscribe(conn, names) {
  const added = [];
  for (const n of names) {
    const sym = symOfStream(String(n));
    if (!sym || conn.syms.has(sym)) continue;
    conn.syms.add(sym);
    sym.subs.add(conn);
    added.push(sym);
  }
  return added;
}

/** One frame to every subscriber of the symbols just subscribed: Binance-procedure clients fetch their snapshot on it. */
function prime(added) {
  for (const sym of added) {
    const { raw } = sym.next();
    for (const c of sym.subs) c.sendFrame(sym, raw);
  }
}

function onUpgrade(req, socket, head) {
  const url = new URL(req.url, 'http://x');
  let combined;
  let names;
  if (url.pathname === '/stream' || url.pathname === '/stream/') {
    combined = true;
    names = (url.searchParams.get('streams') || '').split('/').filter(Boolean);
  } else if (url.pathname === '/ws' || url.pathname.startsWith('/ws/')) {
    combined = false;
    names = url.pathname.slice(4).split('/').filter((s) => s.includes('@')).map(decodeURIComponent);
  } else {
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    const conn = new Conn(ws, combined);
    conns.add(conn);
    ws.on('close', () => {
      conns.delete(conn);
      for (const s of conn.syms) s.subs.delete(conn);
    });
    ws.on('error', () => {});
    ws.on('message', (data) => {
      let m;
      try {
        m = JSON.parse(data.toString());
      } catch {
        ws.send('{"code":3,"msg":"Invalid JSON"}');
        return;
      }
      const id = m.id === undefined ? null : m.id;
      const params = Array.isArray(m.params) ? m.params : [];
      if (m.method === 'SUBSCRIBE') {
        const added = subscribe(conn, params);
        ws.send(JSON.stringify({ result: null, id }));
        prime(added);
      } else if (m.method === 'UNSUBSCRIBE') {
        for (const n of params) {
          const sym = symOfStream(String(n));
          if (!sym) continue;
          conn.syms.delete(sym);
          sym.subs.delete(conn);
        }
        ws.send(JSON.stringify({ result: null, id }));
      } else if (m.method === 'LIST_SUBSCRIPTIONS') {
        ws.send(JSON.stringify({ result: [...conn.syms].map((s) => s.stream), id }));
      } else {
        ws.send(JSON.stringify({ result: null, id }));
      }
    });
    prime(subscribe(conn, names));
  });
}

/** Send `n` frames of `syms` (round robin) as fast as the sockets take them: chunks, each awaited. */
async function blast(syms, n) {
  const CHUNK = 128;
  let i = 0;
  let sent = 0;
  while (i < n) {
    const end = Math.min(n, i + CHUNK);
    const waits = [];
    for (; i < end; i++) {
      const sym = syms[i % syms.length];
      const { raw } = sym.next();
      const last = i === end - 1;
      for (const c of sym.subs) {
        if (last) waits.push(new Promise((r) => c.sendFrame(sym, raw, () => r())));
        else c.sendFrame(sym, raw);
      }
      sent++;
    }
    await Promise.all(waits);
  }
  return sent;
}

/**
 * Send `rate` frames a second (round robin over `syms`) for `durationMs`, each at its own due time
 * (a spin over setImmediate: no bursts). With `log`, returns [u, sendNs] pairs of every frame.
 */
function paced(syms, rate, durationMs, log) {
  const total = Math.max(1, Math.round((rate * durationMs) / 1000));
  const periodNs = 1e9 / rate;
  const out = log ? new Float64Array(total * 2) : undefined;
  let k = 0;
  let late = 0;
  const t0 = nowNs();
  return new Promise((resolve) => {
    const loop = () => {
      // Between due times the thread sleeps (Atomics.wait: a futex with a µs timeout) instead of
      // spinning, so the server leaves the CPU to the client; every 2 ms it returns to the event
      // loop so libuv can flush anything the kernel did not take at once.
      const sliceEnd = nowNs() + 2e6;
      for (;;) {
        const now = nowNs();
        const due = Math.min(total, Math.floor((now - t0) / periodNs) + 1);
        if (due - k > 1) late += due - k - 1;
        while (k < due) {
          const sym = syms[k % syms.length];
          const { raw, u } = sym.next();
          if (out) {
            out[2 * k] = u;
            out[2 * k + 1] = nowNs();
          }
          for (const c of sym.subs) c.sendFrame(sym, raw);
          k++;
        }
        if (k >= total) {
          resolve({ sent: k, late, elapsedMs: (nowNs() - t0) / 1e6, log: out });
          return;
        }
        const after = nowNs();
        if (after >= sliceEnd) break;
        const waitNs = t0 + k * periodNs - after - 15_000;
        if (waitNs > 20_000) Atomics.wait(SLEEP_CELL, 0, 0, waitNs / 1e6);
      }
      setImmediate(loop);
    };
    loop();
  });
}

function pick(list) {
  if (!list || list === 'all') return [...symbols.values()];
  return list.map((s) => {
    const sym = symbols.get(String(s).replace('/', '').toLowerCase());
    if (!sym) throw new Error(`unknown symbol ${s}`);
    return sym;
  });
}

const prepared = new Map();
const SLEEP_CELL = new Int32Array(new SharedArrayBuffer(4));

serve({
  /** { symbols: unified[], ring?: number } -> { port, rest, ws } */
  async init(m) {
    const list = m.symbols && m.symbols.length ? m.symbols : ['BTC/USDT'];
    ringLength = Math.max(1, Math.min(capture.frames.length, m.ring || capture.frames.length));
    // the markets document comes from the real simulator, so it has Binance's exact shape
    const { simulate } = require('../js/sim');
    const sim = await simulate('binance', { symbols: list, autoFlow: false, levels: 5, port: 0 });
    try {
      const r = await fetch(`${sim.urls.rest}/api/v3/exchangeInfo`);
      exchangeInfoText = await r.text();
    } finally {
      await sim.close();
    }
    const info = JSON.parse(exchangeInfoText);
    let start = 1_000_000;
    for (const s of info.symbols) {
      const unified = list.find((u) => u.replace('/', '') === s.symbol) || s.symbol;
      symbols.set(s.symbol.toLowerCase(), new Sym(unified, s.symbol, start));
      start += 1_000_000_000;
    }
    wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
    server = http.createServer(onRequest);
    server.on('upgrade', onUpgrade);
    server.keepAliveTimeout = 60_000;
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = server.address().port;
    return { port, rest: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}`, ringLength, symbols: symbols.size };
  },
  /** The u the next `n` frames of `symbol` will end on; `go` sends exactly those. */
  prepare(m) {
    const [sym] = pick([m.symbol]);
    const lastU = sym.lastAfter(m.n);
    prepared.set(sym, m.n);
    // the u that ends frame `warm` of them: clients note their CPU there (warm-up vs steady state)
    const warmU = m.warm > 0 && m.warm < m.n ? sym.lastAfter(m.warm) : undefined;
    return { lastU, warmU, subscribers: sym.subs.size };
  },
  async go(m) {
    const [sym] = pick([m.symbol]);
    const n = prepared.get(sym);
    prepared.delete(sym);
    const t0 = nowNs();
    const sent = await blast([sym], n);
    return { sent, ms: (nowNs() - t0) / 1e6 };
  },
  async blast(m) {
    const t0 = nowNs();
    const sent = await blast(pick(m.symbols), m.n);
    return { sent, ms: (nowNs() - t0) / 1e6 };
  },
  async paced(m) {
    return paced(pick(m.symbols), m.rate, m.durationMs, m.log === true);
  },
  now() {
    return nowNs();
  },
  stats() {
    return { conns: conns.size, unknownPaths: [...unknownPaths] };
  },
  async exit() {
    for (const c of conns) c.ws.terminate();
    server?.close();
  },
});

emit('started', { pid: process.pid });
