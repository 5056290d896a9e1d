'use strict';
/**
 * Frame fuzzing of an exchange's decoder and book (issue #15, "What must be shown": the fuzz suite).
 *
 * 1. capture(): the exchange's client runs on its simulator with one book and the trades of one
 *    symbol; every frame its public sockets deliver is recorded in order, with what the skeleton
 *    did around them (greetings and subscribe requests written into the connection's state, REST
 *    snapshots joined). That is a valid stream, in the exchange's documented protocol.
 * 2. The reference: the same valid timeline fed once through the adapter's decoder into a book
 *    (BookSync with the adapter's BookSpec), its state kept after every item.
 * 3. fuzz(): thousands of seeded trials. A trial replays the valid timeline up to a random point,
 *    then feeds one or a few hostile frames made from the valid ones (values of the wrong type,
 *    out of range, NaN/Infinity/1e400/exponent strings, nulls, missing fields, reordered keys,
 *    duplicated and out-of-order frames, huge arrays, __proto__/constructor/prototype keys and
 *    values, garbage), then a few more valid frames. After every frame: either the book signalled
 *    (a resync: invalid, gap, checksum, crossed, lost) and is not served, or it is served and
 *    equals the reference at that point of the valid stream. Nothing escapes the decoder but the
 *    SyntaxError of a frame that is not JSON (every decoder's documented contract: the skeleton
 *    reports it as a BadResponse); and Object.prototype / Array.prototype / Function.prototype
 *    gain nothing.
 *
 * Mutations are inserted copies, never replacements: the valid frame still follows, so a hostile
 * frame that is rightly ignored leaves the book equal to the reference. Only mutations that
 * cannot be a legitimate message are used (a changed-but-valid price would be a real update); an
 * exchange row can exclude ones its protocol makes legitimate (Bitfinex: an amount's sign is its
 * side) or unprovable (Kraken has no sequence ids, so replayed or early updates are only caught
 * by its top-10 checksum).
 */
const assert = require('assert');
const util = require('util');
const { simulate } = require('../../js/sim');
const { OrderBook } = require('../../js/book/orderbook');
const { BookSync } = require('../../js/book/sync');
const { ConnectionState } = require('../../js/transport/stream-hub');
const { nextEvent } = require('./wait');

// ---------------------------------------------------------------- PRNG

/** mulberry32: a small seeded PRNG; returns [0, 1). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = (rng, list) => list[Math.floor(rng() * list.length)];
const int = (rng, lo, hi) => lo + Math.floor(rng() * (hi - lo + 1));

// ---------------------------------------------------------------- capture

/**
 * Runs the client on the simulator and records the timeline of one book and one trade stream.
 * `row`: { id, Exchange, simOptions, symbol, updates }.
 */
async function capture(row) {
  const sim = await simulate(row.id, { port: 0, ...(row.simOptions ?? {}) });
  const ex = new row.Exchange({ ws: true, urls: sim.urls, timeoutMs: 8000, ...(row.clientOptions ?? {}) });
  const errors = [];
  ex.on('error', (e) => errors.push(e));
  const inst = ex.inst;
  const timeline = [];
  const origDecode = inst.decode;
  const restore = [() => (inst.decode = origDecode)];
  inst.decode = (text, sink, family) => {
    timeline.push({ frame: text, family });
    return origDecode.call(inst, text, sink, family);
  };
  // frames a byte scanner takes (Binance depthUpdate) never reach `decode`: record them here
  const origBytes = inst.decodeBytes;
  if (origBytes) {
    restore.push(() => (inst.decodeBytes = origBytes));
    inst.decodeBytes = (bytes, sink, family) => {
      const took = origBytes.call(inst, bytes, sink, family);
      if (took) timeline.push({ frame: Buffer.from(bytes).toString('utf8'), family });
      return took;
    };
  }
  for (const [family, fam] of Object.entries(inst.families)) {
    const greeting = fam.greeting;
    const enc = fam.encodeSubscribe;
    restore.push(() => {
      fam.greeting = greeting;
      fam.encodeSubscribe = enc;
    });
    if (greeting) {
      fam.greeting = (state) => {
        timeline.push({ greeting: family });
        return greeting.call(fam, state);
      };
    }
    fam.encodeSubscribe = (names, id, state) => {
      timeline.push({ subscribe: { family, names: [...names], id } });
      return enc.call(fam, names, id, state);
    };
  }
  const origBook = inst.book;
  restore.push(() => (inst.book = origBook));
  inst.book = (market, stream) => {
    const spec = origBook.call(inst, market, stream);
    if (spec.fetchSnapshot) {
      const fetch = spec.fetchSnapshot;
      spec.fetchSnapshot = async () => {
        const s = await fetch();
        if (s) timeline.push({ snapshot: structuredClone(s) });
        return s;
      };
    }
    return spec;
  };
  try {
    await ex.loadMarkets();
    const market = ex.market(row.symbol);
    const streams = { book: inst.streamName('orderbook', market), trades: inst.streamName('trades', market) };
    let n = 0;
    const enough = nextEvent(ex, 'orderbook', () => ++n >= (row.updates ?? 40), row.symbol, { what: `${row.updates ?? 40} book updates`, timeoutMs: 15_000 });
    ex.on('trades', row.symbol, () => {});
    await enough;
    const spec = origBook.call(inst, market, streams.book);
    return { id: row.id, inst, market, symbol: row.symbol, streams, spec, timeline, clientErrors: errors };
  } finally {
    await ex.close();
    await sim.close();
    // the decoder, greetings and subscribe encoders replay the timeline without recording it again
    for (const r of restore) r();
    // what the adapter reports on its own while replaying (e.g. Kraken: a fresh snapshot failing
    // its checksum) goes to the capture, not to process warnings of a closed client
    ex.events.error = (e) => errors.push(e);
  }
}

// ---------------------------------------------------------------- replay

const SIGNALS = new Set(['gap', 'checksum', 'crossed', 'invalid', 'snapshot-too-old']);

/** A client book fed by the adapter's decoder: `feed(item)` returns what happened. */
class Replayer {
  constructor(cap) {
    this.cap = cap;
    this.book = new OrderBook(cap.symbol, { keepStrings: cap.spec.keepStrings, keepScales: cap.spec.keepScales });
    this.sync = new BookSync(this.book, cap.spec.rule, { verify: cap.spec.verify, maxDepth: cap.spec.maxDepth });
    this.states = new Map();
    this.signal = undefined;
    this.bad = [];
    const { book: bookStream, trades: tradeStream } = cap.streams;
    const known = new Map([
      [bookStream, cap.symbol],
      [tradeStream, cap.symbol],
    ]);
    const r = this;
    const onResult = (res) => {
      if (SIGNALS.has(res.kind) && r.signal === undefined) r.signal = res.kind;
    };
    this.sink = {
      symbolOf: (s) => known.get(s),
      bookNonce: (s) => (s === bookStream ? r.book.nonce : undefined),
      connection: () => r.state(r.family),
      bookSnapshot: (s, x) => {
        r.sawSnapshot = true;
        r.sawBook = true;
        if (s === bookStream) onResult(r.sync.onSnapshot(x));
      },
      bookDelta: (s, d) => {
        r.sawBook = true;
        if (s === bookStream) onResult(r.sync.onDelta(d));
      },
      // trades and tickers are checked by the skeleton before they are emitted (base/topics.ts),
      // which the hostile-input suite tests; here they must only not break the decoder
      ticker: () => {},
      trades: (s, list) => {
        if (!Array.isArray(list)) r.bad.push(`trades is not a list: ${typeof list}`);
      },
      candle: () => {},
      describe: (id) => (id === undefined ? undefined : `request #${id}`),
      ack: () => {},
      oldestPending: () => undefined,
      lost: () => {
        if (r.signal === undefined) r.signal = 'lost';
      },
      refused: () => {},
      error: () => {},
      reconnect: () => {
        if (r.signal === undefined) r.signal = 'reconnect';
      },
      // a maintenance pause interrupts the books like a reconnect
      pause: () => {
        if (r.signal === undefined) r.signal = 'reconnect';
      },
      resume: () => {},
      // reference data (Kraken's instrument channel): the replay keeps the captured market
      marketUpdate: () => {},
      malformed: (s) => {
        if (s === bookStream && r.signal === undefined) r.signal = 'invalid';
      },
    };
  }

  state(family) {
    let s = this.states.get(family);
    if (!s) this.states.set(family, (s = new ConnectionState()));
    return s;
  }

  /** Feeds one timeline item; returns the error a decoder let escape, if any. */
  feed(item) {
    if (item.greeting !== undefined) {
      this.cap.inst.families[item.greeting].greeting?.(this.state(item.greeting));
      return undefined;
    }
    if (item.subscribe) {
      const { family, names, id } = item.subscribe;
      this.cap.inst.families[family].encodeSubscribe(names, id, this.state(family));
      return undefined;
    }
    if (item.snapshot) {
      const res = this.sync.onSnapshot(structuredClone(item.snapshot));
      if (SIGNALS.has(res.kind) && this.signal === undefined) this.signal = res.kind;
      return undefined;
    }
    this.family = item.family;
    try {
      // as the engine does: the byte scanner first (when the adapter has one), else the text decoder
      const inst = this.cap.inst;
      if (inst.decodeBytes && inst.decodeBytes(Buffer.from(item.frame, 'utf8'), this.sink, item.family)) return undefined;
      inst.decode(item.frame, this.sink, item.family);
    } catch (err) {
      return err;
    }
    return undefined;
  }

  /** What the book serves now: undefined while not synced. */
  served(noNonce = false) {
    if (this.sync.state !== 'synced') return undefined;
    return { nonce: noNonce ? undefined : this.book.nonce, bids: this.book.bids, asks: this.book.asks };
  }
}

/** The reference: the valid timeline fed once; its served state after every item. */
function reference(cap) {
  const r = new Replayer(cap);
  const states = [];
  for (const item of cap.timeline) {
    r.sawSnapshot = false;
    r.sawBook = false;
    const err = r.feed(item);
    if (r.sawBook) item.bookFrame = true;
    // a stream snapshot frame replaces the book whatever came before: an old one replayed is
    // indistinguishable from a resend (Bybit documents resends at any time), so not a mutation
    if (r.sawSnapshot) item.snapshotFrame = true;
    assert.strictEqual(err, undefined, `the valid stream made the decoder throw: ${err}`);
    states.push(r.served());
  }
  assert.strictEqual(r.signal, undefined, `the valid stream signalled '${r.signal}'`);
  assert.deepStrictEqual(r.bad, [], 'the valid stream broke the sink contract');
  return states;
}

// ---------------------------------------------------------------- mutations

const RAW = '\u0000RAW:';
const RAW_END = ':RAW\u0000';
const raw = (token) => `${RAW}${token}${RAW_END}`;
/** JSON text of `v`, with raw(...) placeholders turned into bare tokens (NaN, 1e400, ...). */
function stringify(v) {
  return JSON.stringify(v).replace(/"\\u0000RAW:(.*?):RAW\\u0000"/g, '$1');
}

/** Every [parent, key] in a JSON tree, with the path for messages. */
function nodes(v, out = [], path = '') {
  if (v && typeof v === 'object') {
    for (const k of Object.keys(v)) {
      out.push({ parent: v, key: Array.isArray(v) ? Number(k) : k, path: `${path}/${k}` });
      nodes(v[k], out, `${path}/${k}`);
    }
  }
  return out;
}

const isNumeric = (x) => (typeof x === 'number' && Number.isFinite(x)) || (typeof x === 'string' && x.trim() !== '' && Number.isFinite(Number(x)));

const WRONG_TYPES = [null, true, false, {}, [], 'abc', '', [[]], { a: 1 }, [null], 'null', 'undefined'];
const BAD_NUMBERS = [raw('NaN'), raw('Infinity'), raw('-Infinity'), raw('1e400'), raw('-1e400'), 'NaN', 'Infinity', '-Infinity', '1e400', '-1e400', '0x10', '1,5', '١٢', '1e-400x', '--1'];
/** Keys of sequence ids, counters and checksums in the exchanges' frames (a price of 2^53 would be a legitimate, if absurd, number). */
const ID_KEYS = new Set(['u', 'U', 'pu', 'seq', 'seqId', 'prevSeqId', 'sequence', 'sequence_num', 'checksum', 'cs', 'lastUpdateId', 'update_id']);
const BAD_IDS = [2 ** 53 + 2, -(2 ** 53) - 2, '9007199254740993', raw('1e400'), 1.5, -1, raw('1e21')];
const PROTO_STRINGS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/**
 * Mutators: (rng, value, ctx) => array of frame texts to insert, or undefined when it does not
 * apply to this frame. `value` is a fresh parse of the frame about to be fed.
 */
const MUTATORS = {
  wrongType(rng, v, ctx) {
    const ns = nodes(v);
    if (!ns.length) return undefined;
    const n = pick(rng, ns);
    // an empty list where a list was is a legitimate value (an update with no bids), not a wrong type
    const choices = Array.isArray(n.parent[n.key]) ? WRONG_TYPES.filter((x) => !(Array.isArray(x) && x.length === 0)) : WRONG_TYPES;
    n.parent[n.key] = structuredClone(pick(rng, choices));
    ctx.desc = `${n.path} := ${JSON.stringify(n.parent[n.key])}`;
    return [stringify(v)];
  },
  badNumber(rng, v, ctx) {
    const ns = nodes(v).filter((n) => isNumeric(n.parent[n.key]));
    if (!ns.length) return undefined;
    const n = pick(rng, ns);
    n.parent[n.key] = pick(rng, BAD_NUMBERS);
    ctx.desc = `${n.path} := ${n.parent[n.key]}`;
    return [stringify(v)];
  },
  badId(rng, v, ctx) {
    const ns = nodes(v).filter((n) => ID_KEYS.has(n.key) && isNumeric(n.parent[n.key]));
    if (!ns.length) return undefined;
    const n = pick(rng, ns);
    n.parent[n.key] = pick(rng, BAD_IDS);
    ctx.desc = `${n.path} := ${n.parent[n.key]}`;
    return [stringify(v)];
  },
  negative(rng, v, ctx) {
    if (ctx.noNegate) return undefined;
    const ns = nodes(v).filter((n) => isNumeric(n.parent[n.key]) && Number(n.parent[n.key]) > 0 && !ctx.harmlessKey?.(n.key));
    if (!ns.length) return undefined;
    const n = pick(rng, ns);
    const x = n.parent[n.key];
    n.parent[n.key] = typeof x === 'string' ? `-${x}` : -x;
    ctx.desc = `${n.path} := ${n.parent[n.key]}`;
    return [stringify(v)];
  },
  exponent(rng, v) {
    // the same value written with an exponent: equal if accepted, or rejected with a signal
    const ns = nodes(v).filter((n) => typeof n.parent[n.key] === 'string' && isNumeric(n.parent[n.key]) && Number(n.parent[n.key]) !== 0);
    if (!ns.length) return undefined;
    const n = pick(rng, ns);
    n.parent[n.key] = Number(n.parent[n.key]).toExponential();
    return [stringify(v)];
  },
  missingKey(rng, v, ctx) {
    const ns = nodes(v).filter((n) => !Array.isArray(n.parent));
    if (!ns.length) return undefined;
    const n = pick(rng, ns);
    delete n.parent[n.key];
    ctx.desc = `delete ${n.path}`;
    return [stringify(v)];
  },
  shortTuple(rng, v) {
    // a level tuple (an array of scalars) loses its last element
    const ns = nodes(v).filter((n) => Array.isArray(n.parent[n.key]) && n.parent[n.key].length > 1 && n.parent[n.key].every((x) => x === null || typeof x !== 'object'));
    if (!ns.length) return undefined;
    const n = pick(rng, ns);
    n.parent[n.key] = n.parent[n.key].slice(0, -1);
    return [stringify(v)];
  },
  reorderKeys(rng, v) {
    const shuffle = (x) => {
      if (Array.isArray(x)) return x.map(shuffle);
      if (!x || typeof x !== 'object') return x;
      const keys = Object.keys(x);
      for (let i = keys.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [keys[i], keys[j]] = [keys[j], keys[i]];
      }
      const o = {};
      for (const k of keys) o[k] = shuffle(x[k]);
      return o;
    };
    return [JSON.stringify(shuffle(v))];
  },
  hugeArray(rng, v) {
    const ns = nodes(v).filter((n) => Array.isArray(n.parent[n.key]));
    if (!ns.length) return undefined;
    const n = pick(rng, ns);
    const junk = pick(rng, [['x', 'y'], [null, null], { p: 1 }, 'x', [raw('NaN'), '1']]);
    n.parent[n.key] = Array.from({ length: int(rng, 20_000, 60_000) }, () => junk);
    return [stringify(v)];
  },
  protoKey(rng, v, ctx) {
    const text = ctx.text;
    const key = pick(rng, ['__proto__', 'constructor', 'prototype']);
    const payload = key === 'constructor' ? '{"prototype":{"polluted":"yes"}}' : '{"polluted":"yes","toString":"x"}';
    const braces = [];
    for (let i = 0; i < text.length; i++) if (text[i] === '{') braces.push(i);
    if (!braces.length) return undefined;
    const at = pick(rng, braces) + 1;
    const sep = text[at] === '}' ? '' : ',';
    return [`${text.slice(0, at)}"${key}":${payload}${sep}${text.slice(at)}`];
  },
  protoValue(rng, v, ctx) {
    const ns = nodes(v).filter((n) => typeof n.parent[n.key] === 'string');
    if (!ns.length) return undefined;
    const n = pick(rng, ns);
    n.parent[n.key] = pick(rng, PROTO_STRINGS);
    ctx.desc = `${n.path} := ${n.parent[n.key]}`;
    return [stringify(v)];
  },
  garbage(rng, v, ctx) {
    const t = ctx.text;
    return [pick(rng, ['null', '[]', '{}', '"x"', '123', '', 'nul', '[null]', '{"event":null}', '[0,null]', t.slice(0, int(rng, 0, t.length - 1)), `${t}${t}`, t.replace(/\d/g, 'x')])];
  },
  duplicateOld(rng, v, ctx) {
    if (ctx.unordered) return undefined;
    const earlier = ctx.earlierFrames();
    if (!earlier.length) return undefined;
    ctx.standsFor = undefined; // an old frame: stale, it takes the book nowhere
    return [pick(rng, earlier).it.frame];
  },
  outOfOrder(rng, v, ctx) {
    if (ctx.unordered) return undefined;
    const later = ctx.laterFrames();
    if (!later.length) return undefined;
    const f = pick(rng, later);
    ctx.standsFor = f.i; // joined early (nothing between changed the book), or a gap
    return [f.it.frame];
  },
};

// ---------------------------------------------------------------- fuzz

function protoSnapshot() {
  return {
    object: Object.getOwnPropertyNames(Object.prototype).sort().join(','),
    array: Object.getOwnPropertyNames(Array.prototype).sort().join(','),
    function: Object.getOwnPropertyNames(Function.prototype).sort().join(','),
  };
}

function assertNoPollution(before, what) {
  assert.deepStrictEqual(protoSnapshot(), before, `${what}: a prototype gained properties`);
  assert.strictEqual({}.polluted, undefined, `${what}: Object.prototype polluted`);
  assert.strictEqual([].polluted, undefined, `${what}: Array.prototype polluted`);
}

/** Every decoder's documented contract: it throws only when the frame is not JSON. */
const DELIBERATE = (err) => err instanceof SyntaxError;

/**
 * Runs `trials` seeded trials over a capture. `opts`: { seed, trials, noNegate, unordered,
 * harmlessKey(key) }. Returns counts per outcome and mutator.
 */
function fuzz(cap, refStates, opts) {
  const rng = prng(opts.seed);
  const before = protoSnapshot();
  const frames = cap.timeline.map((it, i) => ({ it, i })).filter((x) => x.it.frame !== undefined);
  // inject after the first frame that the reference serves from, mostly (a few earlier)
  const firstServed = refStates.findIndex((s) => s !== undefined);
  assert.ok(firstServed >= 0, 'the reference book never synced');
  const names = Object.keys(MUTATORS);
  const stats = { trials: 0, signalled: 0, equal: 0, thrown: 0, byMutator: {} };
  for (let t = 0; t < opts.trials; t++) {
    const early = rng() < 0.1;
    // three trials in four mutate a book frame (the book is what must never be silently wrong)
    const bookOnly = rng() < 0.75;
    let candidates = frames.filter((f) => (early ? f.i <= firstServed + 1 : f.i > firstServed));
    if (bookOnly && candidates.some((f) => f.it.bookFrame)) candidates = candidates.filter((f) => f.it.bookFrame);
    if (!candidates.length) continue;
    const at = pick(rng, candidates).i;
    const next = cap.timeline[at];
    const ctx = {
      text: next.frame,
      noNegate: opts.noNegate,
      unordered: opts.unordered,
      harmlessKey: opts.harmlessKey,
      earlierFrames: () => frames.filter((f) => f.i < at && f.it.family === next.family && !f.it.snapshotFrame).slice(-20),
      laterFrames: () => frames.filter((f) => f.i > at && f.it.family === next.family).slice(0, 5),
      // the timeline item whose content the inserted frames carry (a mutated copy of the next one
      // that is still valid is that frame)
      standsFor: at,
    };
    let mutator;
    let inserted;
    for (let tries = 0; tries < 20 && !inserted; tries++) {
      mutator = pick(rng, names);
      let v;
      try {
        v = JSON.parse(next.frame);
      } catch {
        v = next.frame;
      }
      inserted = MUTATORS[mutator](rng, v, ctx);
    }
    if (!inserted) continue;
    stats.trials++;
    stats.byMutator[mutator] = (stats.byMutator[mutator] ?? 0) + 1;

    const r = new Replayer(cap);
    for (let i = 0; i < at; i++) r.feed(cap.timeline[i]);
    const what = () => `seed ${opts.seed} trial ${t}: ${mutator}${ctx.desc ? ` (${ctx.desc})` : ''} inserted before timeline item ${at}: ${inserted.map((x) => (x.length > 300 ? `${x.slice(0, 300)}... (${x.length} chars)` : x)).join(' | ')}`;
    // the hostile frames, then the valid stream goes on
    // after the inserted frames the book may be where it was, or where the frame they were made
    // from takes it (a copy that is still that frame, e.g. with its keys reordered, is that frame)
    const feedAndCheck = (item, refIdxs) => {
      const err = r.feed(item);
      if (err !== undefined) {
        stats.thrown++;
        assert.ok(DELIBERATE(err), `${what()}: the decoder let ${err.name} escape: ${err.message}`);
      }
      assert.deepStrictEqual(r.bad, [], `${what()}: the sink contract broken`);
      if (r.signal !== undefined) return true;
      const served = r.served(opts.localNonce);
      const refs = refIdxs.map((i) => refStates[i] && (opts.localNonce ? { ...refStates[i], nonce: undefined } : refStates[i]));
      if (served !== undefined && refs.every((x) => x !== undefined) && !refs.some((x) => util.isDeepStrictEqual(served, x))) {
        assert.deepStrictEqual(served, refs[refs.length - 1], `${what()}: the book is served, no resync was signalled, and it differs from the reference`);
      }
      return false;
    };
    let done = false;
    if (opts.collect) {
      try {
        for (const text of inserted) {
          if (done) break;
          done = feedAndCheck({ frame: text, family: next.family }, ctx.standsFor === undefined ? [at - 1] : [at - 1, ctx.standsFor]);
        }
        const end = Math.min(cap.timeline.length, Math.max(at + 4, (ctx.standsFor ?? 0) + 2));
        for (let i = at; i < end && !done; i++) done = feedAndCheck(cap.timeline[i], ctx.standsFor !== undefined && i < ctx.standsFor ? [i, ctx.standsFor] : [i]);
      } catch (e) {
        opts.collect.push(e.message.split('\n')[0].slice(0, 1500));
      }
      continue;
    }
    for (const text of inserted) {
      if (done) break;
      done = feedAndCheck({ frame: text, family: next.family }, ctx.standsFor === undefined ? [at - 1] : [at - 1, ctx.standsFor]);
    }
    const end = Math.min(cap.timeline.length, Math.max(at + 4, (ctx.standsFor ?? 0) + 2));
    for (let i = at; i < end && !done; i++) done = feedAndCheck(cap.timeline[i], ctx.standsFor !== undefined && i < ctx.standsFor ? [i, ctx.standsFor] : [i]);
    if (done) stats.signalled++;
    else stats.equal++;
  }
  assertNoPollution(before, `seed ${opts.seed}`);
  return stats;
}

module.exports = { prng, capture, reference, fuzz, Replayer, MUTATORS, protoSnapshot, assertNoPollution };
