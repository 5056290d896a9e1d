'use strict';
/**
 * What a Coinbase Advanced Trade `l2_data` update costs to decode, per update frame of the
 * simulator's flow (the same flow as bench table 6: seed 7, BTC/USD, 200 settling steps; then
 * `STEPS` flow steps, each followed by a flush, recorded by a bare `ws` client subscribed to
 * heartbeats and level2 as the frames' Buffers):
 *
 *   decode only
 *     floor      buf.toString() + JSON.parse                              (the bare-ws floor client)
 *     text       buf.toString() + decode.js (JSON.parse, sequence_num, parse) + the book's level check
 *     scan       scan.js decodeL2Bytes: sequence_num and every level straight from the bytes
 *   decode + book (BookSync with the adapter's rule, from the snapshot, every update applied)
 *     text+book  the text path into the book
 *     scan+book  the scanner into the book (the adapter's path)
 *
 * CPU time (process.cpuUsage), best of 5 rounds. Before timing, every update is checked to be taken
 * by the scanner and to give the text path's numbers, and both book paths to end in the same book.
 *
 *   npm run build && node bench/experiments/coinbase-frame.js [steps]
 *
 * On the 2-core dev machine (2026-12-02, 2,948 updates of 3.8 levels, 582 bytes each): floor
 * 2.1-2.3 µs, text path 4.2-4.3 µs, scanner 1.13-1.14 µs a frame (3.7-3.8x faster than the text
 * path, 0.51-0.54x the floor); with the book, 5.4 µs against 1.8 µs (3.0x).
 */
const path = require('path');
const WebSocket = require(path.join(__dirname, '../../node_modules/ws'));
const { simulate } = require('../../js/sim');
const { decodeFrame } = require('../../js/exchanges/coinbase/decode');
const { L2UpdateScan, decodeL2Bytes } = require('../../js/exchanges/coinbase/scan');
const { ConnectionState } = require('../../js/transport/stream-hub');
const { OrderBook } = require('../../js/book/orderbook');
const { BookSync, noSequenceRule, notCrossed } = require('../../js/book/sync');
const { LevelNumbers, convertLevels } = require('../../js/book/validate');

const STEPS = +(process.argv[2] || 3000);

async function record() {
  const sim = await simulate('coinbase', { port: 0, seed: 7, symbols: ['BTC/USD'], autoFlow: false });
  for (let i = 0; i < 200; i++) sim.tick(1);
  sim.flush();
  const frames = [];
  const ws = new WebSocket(sim.urls.ws);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let snapshot = false;
  const gotSnapshot = new Promise((resolve) =>
    ws.on('message', (data) => {
      frames.push(Buffer.from(data));
      if (!snapshot && data.includes('"type":"snapshot"') && data.includes('"l2_data"')) {
        snapshot = true;
        resolve();
      }
    }),
  );
  ws.send(JSON.stringify({ type: 'subscribe', channel: 'heartbeats' }));
  ws.send(JSON.stringify({ type: 'subscribe', channel: 'level2', product_ids: ['BTC-USD'] }));
  await gotSnapshot;
  for (let done = 0; done < STEPS; ) {
    for (const end = Math.min(STEPS, done + 16); done < end; done++) {
      sim.tick(1);
      sim.flush();
    }
    await new Promise((r) => setImmediate(r));
  }
  // every frame sent has arrived once a heartbeats subscribe is answered after it
  const n = frames.length;
  ws.send(JSON.stringify({ type: 'subscribe', channel: 'heartbeats' }));
  while (!frames.slice(n).some((b) => b.includes('"subscriptions"'))) await new Promise((r) => setTimeout(r, 20));
  ws.close();
  await sim.close();
  return frames;
}

let sinkSum = 0;
/** A FrameSink on a fresh connection that hands snapshots and deltas to `on`. */
function sinkOf(on) {
  let state = new ConnectionState();
  return {
    reset: () => (state = new ConnectionState()),
    connection: () => state,
    symbolOf: (s) => (s === 'level2:BTC-USD' ? 'BTC/USD' : undefined),
    oldestPending: () => undefined,
    ack: () => {},
    lost: (d) => {
      throw new Error(`lost: ${d}`);
    },
    bookSnapshot: (s, x) => on(s, x, true),
    bookDelta: (s, d) => on(s, d, false),
    malformed: (s, w) => {
      throw new Error(`malformed ${w}`);
    },
  };
}

const nb = new LevelNumbers();
const na = new LevelNumbers();

(async () => {
  const frames = await record();
  const isUpdate = (b) => b.includes('"l2_data"') && b.includes('"type":"update"');
  const updates = frames.filter(isUpdate);
  const scan = new L2UpdateScan();

  // exactness before timing: every update taken, its numbers the text path's
  let levels = 0;
  const ref = sinkOf((s, d, snap) => {
    if (snap) return;
    convertLevels('bids', d.bids, nb);
    convertLevels('asks', d.asks, na);
  });
  const mine = sinkOf(() => {});
  for (const b of frames) {
    const text = b.toString('utf8');
    decodeFrame(text, ref);
    if (!isUpdate(b)) {
      if (decodeL2Bytes(b, mine, scan)) throw new Error(`took ${text.slice(0, 100)}`);
      decodeFrame(text, mine);
      continue;
    }
    if (!decodeL2Bytes(b, mine, scan)) throw new Error(`declined ${text.slice(0, 200)}`);
    const same = (nums, n, packed, count) => count === n && Array.from(nums.subarray(0, 2 * n)).every((v, i) => Object.is(v, packed[i]));
    if (!same(nb.nums, nb.count, scan.bids, scan.bidCount) || !same(na.nums, na.count, scan.asks, scan.askCount)) throw new Error(`differs: ${text.slice(0, 200)}`);
    levels += scan.bidCount + scan.askCount;
  }

  /** Every frame of the recording into a fresh book: through the scanner first, or the text path only. */
  function replay(bytesFirst) {
    const book = new OrderBook('BTC/USD');
    const sync = new BookSync(book, noSequenceRule, { verify: notCrossed });
    const sink = sinkOf((s, x, snap) => {
      const r = snap ? sync.onSnapshot(x) : sync.onDelta(x);
      if (r.kind !== (snap ? 'synced' : 'applied')) throw new Error(`${r.kind} ${r.detail || ''}`);
    });
    for (const b of frames) if (!(bytesFirst && decodeL2Bytes(b, sink, scan))) decodeFrame(b.toString('utf8'), sink);
    return book;
  }
  const a = replay(false).limit(1e9);
  const c = replay(true).limit(1e9);
  if (JSON.stringify(a.bids) !== JSON.stringify(c.bids) || JSON.stringify(a.asks) !== JSON.stringify(c.asks)) throw new Error('the two book paths differ');
  console.log(`${frames.length} frames recorded, ${updates.length} l2_data updates (${(levels / updates.length).toFixed(1)} levels each on average, ${updates.reduce((n, b) => n + b.length, 0) / updates.length | 0} bytes): all read by the scanner, equal to the text path; book ${a.bids.length} + ${a.asks.length} levels, the same on both paths`);

  function cpu(fn, reps) {
    const c0 = process.cpuUsage();
    for (let r = 0; r < reps; r++) fn();
    const c1 = process.cpuUsage(c0);
    return (c1.user + c1.system) / reps;
  }
  const countSink = sinkOf((s, d) => {
    sinkSum += d.last;
  });
  const checkSink = sinkOf((s, d, snap) => {
    if (!snap) {
      convertLevels('bids', d.bids, nb);
      convertLevels('asks', d.asks, na);
      sinkSum += nb.count + na.count;
    }
  });
  const perFrame = {
    floor: () => {
      for (const b of updates) sinkSum += JSON.parse(b.toString('utf8')).sequence_num;
    },
    text: () => {
      checkSink.reset();
      for (const b of updates) decodeFrame(b.toString('utf8'), checkSink);
    },
    scan: () => {
      countSink.reset();
      for (const b of updates) if (!decodeL2Bytes(b, countSink, scan)) throw new Error('declined');
    },
  };
  // the updates of the recording are consecutive on the connection but for the heartbeats between
  // them: the sinks above would report those jumps as lost; the timed loops skip that by renumbering
  let seq = 0;
  for (let i = 0; i < updates.length; i++) {
    updates[i] = Buffer.from(updates[i].toString('utf8').replace(/"sequence_num":\d+/, () => `"sequence_num":${seq++}`));
  }
  const perCapture = { 'text+book': () => replay(false), 'scan+book': () => replay(true) };
  const best = {};
  for (let round = 0; round < 5; round++) {
    for (const [name, fn] of Object.entries(perFrame)) best[name] = Math.min(best[name] ?? Infinity, cpu(fn, 20) / updates.length);
    for (const [name, fn] of Object.entries(perCapture)) best[name] = Math.min(best[name] ?? Infinity, cpu(fn, 5) / updates.length);
  }
  const us = (x) => `${x.toFixed(2)} µs`;
  console.log('decode only, per update frame:');
  console.log(`  floor (toString + JSON.parse)   ${us(best.floor)}`);
  console.log(`  text path (decode.js + checks)  ${us(best.text)}   ${(best.text / best.floor).toFixed(2)}x floor`);
  console.log(`  scanner                         ${us(best.scan)}   ${(best.scan / best.floor).toFixed(2)}x floor, ${(best.text / best.scan).toFixed(2)}x faster than text`);
  console.log('decode + book, per update (every frame of the recording replayed: snapshot, heartbeats, acks included):');
  console.log(`  text path                       ${us(best['text+book'])}`);
  console.log(`  scanner                         ${us(best['scan+book'])}   ${(best['text+book'] / best['scan+book']).toFixed(2)}x faster`);
  if (sinkSum === 0.5) console.log('');
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
