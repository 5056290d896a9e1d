/**
 * Bybit v5 order book deltas read straight from the socket's bytes: no UTF-8 decoding, no
 * JSON.parse, no string, array or object per level. The one frame this reads is the hot one, a
 * `type: "delta"` push of an `orderbook.{depth}.{symbol}` topic (v5 websocket/public/orderbook), in
 * exactly the shapes Bybit sends (spot puts `ts` before `type`, the linear capture `type` first):
 *
 *   {"topic":"orderbook.50.BTCUSDT","ts":1,"type":"delta","data":{"s":"BTCUSDT","b":[["p","q"],...],"a":[...],"u":3,"seq":4},"cts":1}
 *   {"topic":"orderbook.500.XRPUSDT","type":"delta","ts":1,"data":{...same...},"cts":1}
 *
 * (`seq` and `cts` may be absent; the text path ignores both, as this does.)
 *
 * Reported exactly as decode.ts reports it: `first = last = u`, `timestamp = ts`, no `prev`.
 * Anything else — a snapshot, a `u: 1` push (a service restart: decode.ts makes it a snapshot), other
 * keys or key order, whitespace, escapes, exponents, signs, a price of 0, more than 15 significant
 * digits or 22 decimals, a `u` or `ts` of more than 15 digits, levels of other than two strings,
 * bytes after the closing brace — makes `scan` answer false, and the frame goes to the text decoder
 * (decode.ts), which handles or rejects it as before.
 *
 * Exactness: as in ../byte-scan.ts, a decimal's digits are one integer N < 10^15 (exact) divided
 * by 10^d (d <= 22: exact), and IEEE division rounds correctly, so N / 10^d is exactly `+string`.
 * test/bybit-scan.test.js checks this on every level of every Bybit capture, on simulator frames and
 * on seeded random frames.
 */
import type { BookDelta, RawLevel } from '../../book/types';
import type { FrameSink } from '../adapter';
import { ByteScanner, COMMA, NameCache, RBRACE, ascii } from '../byte-scan';

const TOPIC_HEAD = ascii('{"topic":"orderbook.');
const TYPE_FIRST = ascii('","type":"delta","ts":');
const TS_FIRST = ascii('","ts":');
const TYPE_AFTER_TS = ascii(',"type":"delta"');
const DATA_HEAD = ascii(',"data":{"s":"');
const BIDS_KEY = ascii('","b":[');
const ASKS_KEY = ascii(',"a":[');
const U_KEY = ascii(',"u":');
const SEQ_KEY = ascii(',"seq":');
const CTS_KEY = ascii(',"cts":');
/** Where the topic name starts: after `{"topic":"` (the name includes `orderbook.`). */
const NAME_START = 10;

/** Digits of an ignored integer (`seq`, `cts`); longer ones take the text path. */
const MAX_IGNORED_DIGITS = 20;

const NO_LEVELS: readonly RawLevel[] = Object.freeze([]) as readonly RawLevel[];

/** One reusable scanner and its output: the last frame's `u`, `ts`, topic and levels (see ByteScanner). */
export class BookDeltaScan extends ByteScanner {
  /** `ts` (ms) and `u` of the last frame scanned. */
  ts = 0;
  u = 0;
  /** The topic of the last frame scanned (`orderbook.{depth}.{symbol}`). */
  topic = '';

  private readonly names = new NameCache<string>((text) => text);

  /** Reads one frame; false (output unspecified) if it is not exactly an orderbook delta as documented. */
  scan(b: Uint8Array): boolean {
    if (!this.expect(b, 0, TOPIC_HEAD) || !this.name(b, false)) return false;
    const nameEnd = this.pos;
    let ts: number;
    if (b[nameEnd + 4] === 121) {
      // ","type":"delta","ts":N
      if (!this.expect(b, nameEnd, TYPE_FIRST) || !this.int(b)) return false;
      ts = this.num;
    } else {
      // ","ts":N,"type":"delta"
      if (!this.expect(b, nameEnd, TS_FIRST) || !this.int(b)) return false;
      ts = this.num;
      if (!this.expect(b, this.pos, TYPE_AFTER_TS)) return false;
    }
    if (!this.expect(b, this.pos, DATA_HEAD) || !this.name(b, true)) return false;
    if (!this.expect(b, this.pos, BIDS_KEY) || !this.levels(b, false)) return false;
    if (!this.expect(b, this.pos, ASKS_KEY) || !this.levels(b, true)) return false;
    if (!this.expect(b, this.pos, U_KEY) || !this.int(b)) return false;
    const u = this.num;
    // u = 1: a service restart, which decode.ts turns into a snapshot
    if (u === 1) return false;
    if (b[this.pos] === COMMA && (!this.expect(b, this.pos, SEQ_KEY) || !this.skipInt(b, MAX_IGNORED_DIGITS))) return false;
    let p = this.pos;
    if (b[p++] !== RBRACE) return false;
    if (b[p] === COMMA) {
      if (!this.expect(b, p, CTS_KEY) || !this.skipInt(b, MAX_IGNORED_DIGITS)) return false;
      p = this.pos;
    }
    if (b[p++] !== RBRACE || p !== b.length) return false;
    this.topic = this.names.get(b, NAME_START, nameEnd);
    this.ts = ts;
    this.u = u;
    return true;
  }
}

/**
 * The adapter's bytes hook: an orderbook delta of a subscribed topic is delivered as a delta with
 * packed levels (exactly what decode.ts reports, levels as numbers); anything else answers false
 * (nothing reported) and goes to the text decoder.
 */
export function decodeBookBytes(bytes: Uint8Array, sink: FrameSink, scan: BookDeltaScan): boolean {
  if (!scan.scan(bytes)) return false;
  const topic = scan.topic;
  if (sink.symbolOf(topic) === undefined) return false;
  const d: BookDelta = { first: scan.u, last: scan.u, bids: NO_LEVELS, asks: NO_LEVELS, timestamp: scan.ts, packed: scan };
  sink.bookDelta(topic, d);
  return true;
}
