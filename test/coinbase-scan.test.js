'use strict';
// The Coinbase Advanced Trade l2_data update byte scanner (js/exchanges/coinbase/scan.js) against
// the text path (JSON.parse + decode.js + the book's own checks). No capture of this format exists
// (the cryptofeed COINBASE capture is the old Exchange feed's l2update, another format), so the
// proof is: hand-written frames in the documented shape (protocols.md §5, the Advanced Trade
// channel docs' example), seeded random frames, valid and broken, and every frame the Coinbase
// simulator sends a client. The scanner must either agree exactly — same stream, same
// sequence_num handling on the connection (the same `lost` report after a jump), same time, every
// price and amount as `+string`, bit for bit — or decline the frame having reported and counted
// nothing; it never yields a wrong number or a partial delta.
const assert = require('assert');
const { L2UpdateScan, decodeL2Bytes } = require('../js/exchanges/coinbase/scan');
const decodeModule = require('../js/exchanges/coinbase/decode');
const scanModule = require('../js/exchanges/coinbase/scan');
const { ConnectionState } = require('../js/transport/stream-hub');
const { coinbase } = require('..');
const { onSim } = require('./support/on-sim');
const { recorder, assertSameLevels, seeded, fuzzFrames, assertDeclined, assertTextPathOnly } = require('./support/scan-proof');

const { decodeFrame, sessionOf } = decodeModule;

/** A connection state whose last sequence_num is `last` (undefined: nothing seen yet). */
function stateAt(last) {
  const st = new ConnectionState();
  if (last !== undefined) sessionOf({ connection: () => st }).seq = last;
  return st;
}
const seqOf = (st) => sessionOf({ connection: () => st }).seq;

/** The text path on a fresh connection (what scan-proof's textPath calls): one frame, one report. */
function textDecode(text, sink) {
  const st = new ConnectionState();
  sink.connection = () => st;
  decodeFrame(text, sink);
}

/** A recorder (scan-proof) on connection state `st`, whose reports are copied when made (packed buffers are reused). */
function snapshotRecorder(st, symbolOf) {
  const sink = recorder();
  sink.connection = () => st;
  if (symbolOf) sink.symbolOf = symbolOf;
  sink.bookDelta = (s, d) => sink.calls.push(['bookDelta', s, normal(d)]);
  return sink;
}

/** A delta as plain data: its ids, time and levels as numbers (packed or wire strings alike). */
function normal(d) {
  const out = { keys: Object.keys(d).filter((k) => k !== 'packed').sort(), first: d.first, last: d.last, prev: d.prev, timestamp: d.timestamp };
  if (d.packed) {
    assert.deepStrictEqual([d.bids.length, d.asks.length], [0, 0]);
    out.bids = Array.from(d.packed.bids.subarray(0, 2 * d.packed.bidCount));
    out.asks = Array.from(d.packed.asks.subarray(0, 2 * d.packed.askCount));
  } else {
    out.bids = d.bids.flat().map((s) => +s);
    out.asks = d.asks.flat().map((s) => +s);
  }
  return out;
}

/** Asserts the scanner's last output equals the text path's accepted delta for `text`, number for number. */
function assertSame(scan, text, where) {
  const ref = assertSameLevels(textDecode, scan, text, where);
  assert.strictEqual(scan.stream, ref.delta.stream, where);
  assert.strictEqual(scan.seq, ref.delta.d.first, where);
  assert.strictEqual(scan.seq, ref.delta.d.last, where);
  assert.strictEqual(ref.delta.d.prev, undefined, where);
  assert.strictEqual(scan.timestamp, ref.delta.d.timestamp, where);
  return ref;
}

/**
 * Asserts decodeL2Bytes, on a connection whose last sequence_num is `last`, reports exactly what the
 * text path reports on such a connection (the lost report after a jump included) and leaves the
 * connection at the same sequence_num; or declines having reported nothing and counted nothing.
 */
function assertDelivery(scan, text, where, last = undefined, symbolOf = undefined) {
  const st = stateAt(last);
  const sink = snapshotRecorder(st, symbolOf);
  const ok = decodeL2Bytes(Buffer.from(text, 'utf8'), sink, scan);
  if (!ok) {
    assert.strictEqual(sink.calls.length, 0, `${where}: declined but reported something`);
    assert.strictEqual(seqOf(st), last, `${where}: declined but counted the frame`);
    return false;
  }
  const refState = stateAt(last);
  const ref = snapshotRecorder(refState, symbolOf);
  decodeFrame(text, ref);
  assert.deepStrictEqual(sink.calls, ref.calls, where);
  assert.strictEqual(seqOf(st), seqOf(refState), where);
  assert.ok(sink.calls.some((c) => c[0] === 'bookDelta') || sink.calls.some((c) => c[0] === 'lost'), where);
  return true;
}

const T = '2023-02-09T20:32:50.714964Z';
const lvl = (side, p, q, t = T) => `{"side":"${side}","event_time":"${t}","price_level":"${p}","new_quantity":"${q}"}`;

/** An l2_data message in the documented shape. */
function msg({ channel = '"l2_data"', client = '""', ts = '"2023-02-09T20:32:50.714964855Z"', seq = '7', type = 'update', product = '"BTC-USD"', updates = [lvl('bid', '21921.73', '0.06317902'), lvl('offer', '21922.5', '0')], tail = '' } = {}) {
  return `{"channel":${channel},"client_id":${client},"timestamp":${ts},"sequence_num":${seq},"events":[{"type":"${type}","product_id":${product},"updates":[${updates.join(',')}]}]${tail}}`;
}

describe('coinbase scan: l2_data updates from bytes', function () {
  this.timeout(60000);

  it('reads documented-shape updates exactly as the text path: levels, stream, sequence_num, newest event_time or the message time', () => {
    const scan = new L2UpdateScan();
    const ok = [
      msg(),
      msg({ seq: '0' }),
      msg({ seq: '999999999999999' }),
      msg({ client: '"my client 1"' }),
      msg({ updates: [] }),
      msg({ updates: [lvl('offer', '1', '2')] }),
      msg({ updates: [lvl('bid', '0.5657', '1098.3947558'), lvl('bid', '123456789012345', '0.0000000000000000000001'), lvl('offer', '05.50', '00')] }),
      // times: the newest after the epoch wins; epoch, unparseable and empty ones fall back to the message's
      msg({ updates: [lvl('bid', '1', '1', '2023-02-09T20:32:50.7Z'), lvl('offer', '2', '1', '2023-02-09T20:32:51.71Z'), lvl('bid', '3', '1', '2023-02-09T20:32:49Z')] }),
      msg({ updates: [lvl('bid', '1', '1', '1970-01-01T00:00:00Z')] }),
      msg({ updates: [lvl('bid', '1', '1', '1970-01-01T00:00:00Z')], ts: '"2023-02-09T20:32:50.714964855+00:00"' }),
      msg({ updates: [lvl('bid', '1', '1', 'not a time')], ts: '"nor this"' }),
      msg({ updates: [lvl('bid', '1', '1', '')], ts: '""' }),
      msg({ updates: [], ts: '"2023-02-09"' }),
      msg({ updates: [lvl('bid', '1', '1', '2024-02-29T23:59:59.999999999Z')] }),
      msg({ updates: [lvl('bid', '1', '1', '2023-02-30T10:00:00.123456Z')] }),
      msg({ updates: [lvl('bid', '1', '1', '2023-02-09T24:00:00Z'), lvl('bid', '2', '1', '2023-02-09T20:32:60Z')] }),
      msg({ updates: [lvl('bid', '1', '1', '2023-13-09T20:32:50.1Z'), lvl('bid', '2', '1', '2023-02-09T20:32:50.123456789012345Z')] }),
      msg({ updates: [lvl('bid', '1', '1', 'Thu, 09 Feb 2023 20:32:50 GMT')] }),
      msg({ updates: [lvl('bid', '1', '1', '1969-12-31T23:59:59.999Z')], ts: '"1970-01-01T00:00:00.001Z"' }),
      // past 9 fraction digits Date.parse skips the fraction's leading zeros (670 ms here, not 67): so does the scanner
      msg({ updates: [lvl('bid', '1', '1', '2023-02-09T20:32:50.0670754562Z')] }),
      msg({ updates: [lvl('bid', '1', '1', '2023-02-09T20:32:50.067075456Z')] }),
    ];
    for (const t of ok) {
      assert.ok(scan.scan(Buffer.from(t)), t);
      assertSame(scan, t, t);
      assert.ok(assertDelivery(scan, t, t));
    }
    // what the times came to: the newest level time; the message's when no level time is after the epoch
    const at = (t) => (scan.scan(Buffer.from(t)), scan.timestamp);
    assert.strictEqual(at(ok[0]), Date.parse('2023-02-09T20:32:50.714Z'));
    assert.strictEqual(at(ok[7]), Date.parse('2023-02-09T20:32:51.710Z'));
    assert.strictEqual(at(ok[8]), Date.parse('2023-02-09T20:32:50.714Z'));
    assert.strictEqual(at(ok[10]), undefined);
    assert.strictEqual(at(ok[15]), Date.parse('2023-02-10T00:00:00Z'));
    assert.strictEqual(at(ok[19]), Date.parse('2023-02-09T20:32:50.670Z'));
    assert.strictEqual(at(ok[20]), Date.parse('2023-02-09T20:32:50.067Z'));
    // the levels of the plain frame
    scan.scan(Buffer.from(ok[0]));
    assert.deepStrictEqual([Array.from(scan.bids.subarray(0, 2 * scan.bidCount)), Array.from(scan.asks.subarray(0, 2 * scan.askCount))], [[21921.73, 0.06317902], [21922.5, 0]]);
    assert.strictEqual(scan.stream, 'level2:BTC-USD');
  });

  it('counts sequence_num on the connection as the text path does: the same lost report after a jump, none before the first, and nothing for a declined frame', () => {
    const scan = new L2UpdateScan();
    const t = msg({ seq: '7' });
    // first message of the connection, in order, a jump forward, a jump back, a repeat
    for (const last of [undefined, 6, 3, 9, 7]) assert.ok(assertDelivery(scan, t, `after ${last}`, last));
    const jumped = snapshotRecorder(stateAt(3));
    assert.ok(decodeL2Bytes(Buffer.from(t), jumped, scan));
    assert.deepStrictEqual(jumped.calls.map((c) => c[0]), ['lost', 'bookDelta']);
    assert.strictEqual(jumped.calls[0][1], 'sequence_num 7 after 3 on the connection');
    // a stream the lost report drops (decode.ts asks again after it, and so does the scanner): the lost report only
    const dropping = () => {
      let subscribed = true;
      const sink = snapshotRecorder(stateAt(3), () => (subscribed ? 'BTC/USD' : undefined));
      sink.lost = (d) => {
        sink.calls.push(['lost', d]);
        subscribed = false;
      };
      return sink;
    };
    const viaBytes = dropping();
    assert.ok(decodeL2Bytes(Buffer.from(t), viaBytes, scan));
    const viaText = dropping();
    decodeFrame(t, viaText);
    assert.deepStrictEqual(viaBytes.calls, [['lost', 'sequence_num 7 after 3 on the connection']]);
    assert.deepStrictEqual(viaText.calls, viaBytes.calls);

    // a whole connection's messages: bytes first (then text) against text only, report for report
    const frames = [
      '{"channel":"heartbeats","client_id":"","timestamp":"2023-02-09T20:30:37.167359596Z","sequence_num":0,"events":[{"current_time":"2023-02-09 20:30:37.163202267 +0000 UTC m=+10.044217049","heartbeat_counter":1}]}',
      '{"channel":"subscriptions","client_id":"","timestamp":"2023-02-09T20:32:49.523788509Z","sequence_num":1,"events":[{"subscriptions":{"heartbeats":["heartbeats"],"level2":["BTC-USD"]}}]}',
      msg({ seq: '2', type: 'snapshot', updates: [lvl('bid', '100', '1', '1970-01-01T00:00:00Z'), lvl('offer', '101', '2', '1970-01-01T00:00:00Z')] }),
      msg({ seq: '3' }),
      msg({ seq: '4', updates: [lvl('bid', '100', '0'), lvl('bid', '99.5', '3')] }),
      msg({ seq: '6' }),
      msg({ seq: '7', product: '"ETH-USD"' }),
      '{"channel":"heartbeats","client_id":"","timestamp":"2023-02-09T20:30:38.167359596Z","sequence_num":8,"events":[{"current_time":"2023-02-09 20:30:38.163202267 +0000 UTC m=+11.044217049","heartbeat_counter":2}]}',
      msg({ seq: '10' }),
      msg({ seq: '11', updates: [lvl('ask', '1', '1')] }),
      msg({ seq: '12' }).replace('"events":[{', '"events":[ {'),
      msg({ seq: '13' }).replace(/"sequence_num":13,/, ''),
      msg({ seq: '14' }),
    ];
    const symbolOf = (s) => (s === 'level2:BTC-USD' ? 'BTC/USD' : undefined);
    const bytesFirst = snapshotRecorder(new ConnectionState(), symbolOf);
    const textOnly = snapshotRecorder(new ConnectionState(), symbolOf);
    const taken = [];
    for (const f of frames) {
      if (decodeL2Bytes(Buffer.from(f), bytesFirst, scan)) taken.push(JSON.parse(f).sequence_num);
      else decodeFrame(f, bytesFirst);
      decodeFrame(f, textOnly);
      assert.strictEqual(seqOf(bytesFirst.connection()), seqOf(textOnly.connection()), f);
    }
    assert.deepStrictEqual(bytesFirst.calls, textOnly.calls);
    assert.deepStrictEqual(taken, [3, 4, 6, 10, 14]);
    assert.deepStrictEqual(textOnly.calls.filter((c) => c[0] === 'lost').map((c) => c[1]), ['sequence_num 6 after 4 on the connection', 'sequence_num 10 after 8 on the connection', 'sequence_num 14 after 12 on the connection']);
  });

  it('declines what it must not guess at: snapshots, several events, other channels, keys or order, sides, exponents, signs, spaces, escapes, 16+ digits, price 0', () => {
    const scan = new L2UpdateScan();
    const declined = [
      msg({ type: 'snapshot' }),
      msg({ channel: '"level2"' }),
      msg({ channel: '"ticker"' }),
      msg({ seq: '1234567890123456' }),
      msg({ seq: '01' }),
      msg({ seq: '-1' }),
      msg({ seq: '1.0' }),
      msg({ seq: '1e3' }),
      msg({ seq: '"7"' }),
      msg({ client: '"a\\"b"' }),
      msg({ client: '"\\u0041"' }),
      msg({ client: '"é"' }),
      msg({ client: '"tab\there"' }),
      msg({ client: `"${'x'.repeat(65)}"` }),
      msg({ client: 'null' }),
      msg({ ts: '1675974770714' }),
      msg({ ts: '"2023-02-09T20:32:50.714964855Z\\n"' }),
      msg({ product: '"BTC\\u002dUSD"' }),
      msg({ product: '""' }),
      msg({ product: '"BTC USD"' }),
      msg({ product: '1' }),
      msg({ updates: [lvl('ask', '1', '1')] }),
      msg({ updates: [lvl('BID', '1', '1')] }),
      msg({ updates: [lvl('buy', '1', '1')] }),
      msg({ updates: [lvl('bid', '1', '1'), lvl('sell', '1', '1')] }),
      msg({ updates: [lvl('bid', '1e2', '1')] }),
      msg({ updates: [lvl('bid', '1E2', '1')] }),
      msg({ updates: [lvl('bid', '1', '1e-8')] }),
      msg({ updates: [lvl('bid', '-1', '1')] }),
      msg({ updates: [lvl('bid', '1', '-0')] }),
      msg({ updates: [lvl('bid', '+1', '1')] }),
      msg({ updates: [lvl('bid', '1.', '1')] }),
      msg({ updates: [lvl('bid', '.5', '1')] }),
      msg({ updates: [lvl('bid', '0', '1')] }),
      msg({ updates: [lvl('bid', '0.000', '1')] }),
      msg({ updates: [lvl('bid', ' 1', '1')] }),
      msg({ updates: [lvl('bid', '', '1')] }),
      msg({ updates: [lvl('bid', 'Infinity', '1')] }),
      msg({ updates: [lvl('bid', '0x10', '1')] }),
      msg({ updates: [lvl('bid', '1234567890.123456', '1')] }),
      msg({ updates: [lvl('bid', '1', '0.000000000000000000000001')] }),
      msg({ updates: [lvl('bid', '1', '1', '2023-02-09T20:32:50.714964Z\\u0000')] }),
      msg({ updates: [lvl('bid', '1', '1', `2023-02-09T20:32:50.${'1'.repeat(60)}Z`)] }),
      msg({ updates: ['{"side":"bid","price_level":"1","new_quantity":"1"}'] }),
      msg({ updates: [`{"side":"bid","event_time":"${T}","new_quantity":"1","price_level":"1"}`] }),
      msg({ updates: [`{"event_time":"${T}","side":"bid","price_level":"1","new_quantity":"1"}`] }),
      msg({ updates: [`{"side":"bid","event_time":"${T}","price_level":"1","new_quantity":"1","x":1}`] }),
      msg({ updates: [`{"side":"bid","event_time":"${T}","price_level":1,"new_quantity":"1"}`] }),
      msg({ updates: [`{"side":"bid","event_time":null,"price_level":"1","new_quantity":"1"}`] }),
      msg({ updates: [`{"side": "bid","event_time":"${T}","price_level":"1","new_quantity":"1"}`] }),
      msg({ updates: [lvl('bid', '1', '1') + ' '] }),
      msg({ updates: [lvl('bid', '1', '1'), ''] }),
      msg({ updates: ['[]'] }),
      msg({ tail: ',"x":1' }),
      msg().replace('"client_id":"",', ''),
      msg().replace('{"channel":"l2_data","client_id":""', '{"client_id":"","channel":"l2_data"'),
      msg().replace('"sequence_num":7,', ''),
      msg().replace(']}]}', `]},{"type":"update","product_id":"ETH-USD","updates":[${lvl('bid', '1', '1')}]}]}`),
      msg().replace('"updates":[', '"updates":[],"x":['),
      msg().replace('{"type":"update","product_id":"BTC-USD"', '{"product_id":"BTC-USD","type":"update"'),
      msg().replace('"events":[{', '"events":[ {'),
      ' ' + msg(),
      msg() + '\n',
      msg().slice(0, -1),
      msg().slice(0, -2) + ']',
    ];
    const many = [];
    for (let i = 0; i < 50001; i++) many.push(lvl('bid', `${i + 1}.5`, '1'));
    declined.push(msg({ updates: many }));
    for (const t of declined) assert.notStrictEqual(t, msg(), 'each declined frame differs from the plain one');
    assertDeclined(scan, decodeL2Bytes, declined, () => snapshotRecorder(stateAt(6)));
    // and it counted nothing: the connection is still at 6
    const st = stateAt(6);
    for (const t of declined) assert.strictEqual(decodeL2Bytes(Buffer.from(t), snapshotRecorder(st), scan), false);
    assert.strictEqual(seqOf(st), 6);
    // 50,000 levels a side are still read (and the buffers grow for them)
    assert.ok(scan.scan(Buffer.from(msg({ updates: many.slice(0, 50000) }))));
    assert.strictEqual(scan.bidCount, 50000);
    assert.strictEqual(scan.bids[2 * 49999], 50000.5);
    // an unsubscribed product, heartbeats, acks, errors and other channels take the text path, nothing reported
    assertTextPathOnly(scan, decodeL2Bytes, msg(), [
      '{"channel":"heartbeats","client_id":"","timestamp":"2023-02-09T20:30:37.167359596Z","sequence_num":0,"events":[{"current_time":"2023-02-09 20:30:37.163202267 +0000 UTC m=+10.044217049","heartbeat_counter":3}]}',
      '{"channel":"subscriptions","client_id":"","timestamp":"2023-02-09T20:32:49.523788509Z","sequence_num":1,"events":[{"subscriptions":{"level2":["BTC-USD"]}}]}',
      '{"type":"error","message":"Failure to subscribe"}',
      '{"channel":"market_trades","client_id":"","timestamp":"2023-02-09T20:19:35.39625135Z","sequence_num":0,"events":[{"type":"update","trades":[{"trade_id":"1","product_id":"BTC-USD","price":"1","size":"1","side":"BUY","time":"2019-08-14T20:42:27.265Z"}]}]}',
    ]);
  });

  it('seeded fuzz: random valid and broken updates are read exactly or declined with nothing reported or counted', () => {
    const g = seeded(0x636f696e);
    const { rnd, int, digits } = g;
    const number = () => {
      // mostly Coinbase-like (trailing zeros trimmed), sometimes long, odd or leading zeros
      const r = rnd();
      if (r < 0.45) return `${int(100000)}.${digits(1 + int(8))}`;
      if (r < 0.7) return String(int(100000));
      if (r < 0.75) return `0.${digits(8)}`;
      if (r < 0.85) return `${digits(1 + int(10))}.${digits(1 + int(14))}`;
      if (r < 0.9) return digits(1 + int(17));
      if (r < 0.94) return `0.${'0'.repeat(int(24))}${digits(1 + int(10))}`;
      if (r < 0.97) return `${'0'.repeat(1 + int(3))}${digits(1 + int(4))}`;
      return `${digits(1 + int(3))}.${digits(int(25) + 1)}`;
    };
    const two = (n) => String(n).padStart(2, '0');
    const time = () => {
      const r = rnd();
      const frac = r < 0.75 ? `.${digits(6)}` : r < 0.8 ? '' : r < 0.85 ? `.${digits(9)}` : `.${digits(1 + int(14))}`;
      const q = rnd();
      if (q < 0.8) return `${1960 + int(110)}-${two(1 + int(12))}-${two(1 + int(28))}T${two(int(24))}:${two(int(60))}:${two(int(60))}${frac}Z`;
      // any two digits (month 13, day 31 of February, hour 24: Date.parse decides), the epoch, other forms
      if (q < 0.9) return `${1970 + int(100)}-${two(int(14))}-${two(int(33))}T${two(int(25))}:${two(int(61))}:${two(int(61))}${frac}Z`;
      if (q < 0.94) return '1970-01-01T00:00:00Z';
      if (q < 0.97) return `2023-02-09T20:32:50${frac}+0${int(10)}:00`;
      return ['', 'x', '2023-02-09', 'Thu, 09 Feb 2023 20:32:50 GMT', '2023-02-09 20:32:50Z'][int(5)];
    };
    const side = () => (rnd() < 0.97 ? (rnd() < 0.5 ? 'bid' : 'offer') : ['ask', 'buy', 'Bid'][int(3)]);
    const frame = () => {
      const type = rnd() < 0.05 ? 'snapshot' : 'update';
      const product = rnd() < 0.9 ? 'BTC-USD' : `P${int(1000)}-USD`;
      const seq = rnd() < 0.05 ? `${int(1e6)}${digits(12)}` : String(int(1000));
      const shared = time();
      const updates = [];
      for (let n = int(rnd() < 0.05 ? 200 : 8); n > 0; n--) updates.push(lvl(side(), number(), number(), rnd() < 0.85 ? shared : time()));
      const events = [`{"type":"${type}","product_id":"${product}","updates":[${updates.join(',')}]}`];
      if (rnd() < 0.03) events.push(`{"type":"update","product_id":"ETH-USD","updates":[${lvl('bid', '1', '1')}]}`);
      return `{"channel":"l2_data","client_id":"","timestamp":"${time()}","sequence_num":${seq},"events":[${events.join(',')}]}`;
    };
    const scan = new L2UpdateScan();
    const counts = fuzzFrames(g, 6000, frame, (text, where) => {
      const ok = scan.scan(Buffer.from(text, 'utf8'));
      if (ok) assertSame(scan, text, where);
      // on a connection with nothing seen yet, one just before the frame, or one that lost some
      const seq = ok ? scan.seq : int(1000);
      const last = [undefined, seq - 1, seq - 1 - int(5), seq + int(3)][int(4)];
      assert.strictEqual(assertDelivery(scan, text, where, last < 0 ? undefined : last), ok);
      return ok;
    });
    // the generator must exercise both answers (a scanner that declines everything would pass the rest)
    assert.ok(counts.accepted > 1000 && counts.declined > 300 && counts.mutatedDeclined > 1000 && counts.mutatedAccepted > 10, JSON.stringify(counts));
  });
});

describe('coinbase scan on the simulator', function () {
  this.timeout(30000);

  it('a client reads every book update from bytes, each reported as the text path reports it (sequence_num included), and keeps an exact book through a lost message', async () => {
    const origBytes = scanModule.decodeL2Bytes;
    const origText = decodeModule.decodeFrame;
    const seen = { bytes: 0, text: 0, textUpdates: 0, lostFromBytes: 0, lostFromText: 0 };
    const failures = [];
    // the text path's own account of the same connection: a shadow state per connection, in lockstep
    const shadows = new WeakMap();
    const shadowOf = (st) => {
      let s = shadows.get(st);
      if (!s) shadows.set(st, (s = new ConnectionState()));
      return s;
    };
    /** What the text path reports for `text` on the shadow of `sink`'s connection. */
    const shadowDecode = (text, sink) => {
      const shadow = snapshotRecorder(shadowOf(sink.connection()), (s) => sink.symbolOf(s));
      origText(text, shadow);
      return shadow;
    };
    const check = (f) => {
      try {
        f();
      } catch (e) {
        failures.push(e);
      }
    };
    scanModule.decodeL2Bytes = (bytes, sink, scan) => {
      const text = Buffer.from(bytes).toString('utf8');
      const rec = snapshotRecorder(undefined, (s) => sink.symbolOf(s));
      rec.connection = () => sink.connection();
      rec.lost = (d) => {
        rec.calls.push(['lost', d]);
        sink.lost(d);
      };
      rec.bookDelta = (s, d) => {
        rec.calls.push(['bookDelta', s, normal(d)]);
        sink.bookDelta(s, d);
      };
      const ok = origBytes(bytes, rec, scan);
      check(() => {
        // the simulator's updates are all in the documented shape: every one must be taken
        assert.strictEqual(ok, text.startsWith('{"channel":"l2_data"') && text.includes('"type":"update"'), text.slice(0, 200));
        if (!ok) {
          assert.deepStrictEqual(rec.calls, []);
          return;
        }
        assertSame(scan, text, 'sim');
        const ref = shadowDecode(text, sink);
        assert.deepStrictEqual(rec.calls, ref.calls, text.slice(0, 200));
        assert.strictEqual(seqOf(sink.connection()), seqOf(shadowOf(sink.connection())));
      });
      if (ok) {
        seen.bytes++;
        if (rec.calls[0][0] === 'lost') seen.lostFromBytes++;
      }
      return ok;
    };
    decodeModule.decodeFrame = (text, sink) => {
      const ref = shadowDecode(text, sink);
      seen.text++;
      if (text.startsWith('{"channel":"l2_data"') && text.includes('"type":"update"')) seen.textUpdates++;
      if (ref.calls.some((c) => c[0] === 'lost')) seen.lostFromText++;
      origText(text, sink);
      check(() => assert.strictEqual(seqOf(sink.connection()), seqOf(shadowOf(sink.connection()))));
    };
    const h = await onSim({
      sim: { id: 'coinbase', options: { seed: 7, tickMs: 10 } },
      client: { Exchange: coinbase, options: { staleTimeoutMs: 3000 } },
      symbols: ['BTC/USD', 'ETH/USD'],
      book: { nonce: 'none', minLevels: 100 },
    });
    try {
      await h.ex.watchOrderBook('BTC/USD');
      await h.flow(40);
      await h.exact();
      assert.deepStrictEqual(h.resyncs.map((r) => r.reason), []);
      const resync = h.next('resync', (r) => r.symbol === 'BTC/USD');
      h.sim.faults.skipSequence('BTC/USD');
      h.sim.resume();
      assert.strictEqual((await resync).reason, 'gap');
      await h.flow(20);
      await h.exact();
    } finally {
      scanModule.decodeL2Bytes = origBytes;
      decodeModule.decodeFrame = origText;
      await h.close();
    }
    assert.deepStrictEqual(failures.map((e) => e.message), []);
    assert.ok(seen.bytes >= 50, JSON.stringify(seen));
    // no update took the text path; heartbeats, acks and the snapshots did
    assert.strictEqual(seen.textUpdates, 0, JSON.stringify(seen));
    assert.ok(seen.text >= 3, JSON.stringify(seen));
    assert.strictEqual(seen.lostFromBytes + seen.lostFromText, 1, JSON.stringify(seen));
    assert.deepStrictEqual(h.errs, []);
    assert.deepStrictEqual(h.resyncs.map((r) => r.reason), ['gap']);
  });
});
