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
 * Exactness: as in ../binance/scan.ts, a decimal's digits are one integer N < 10^15 (exact) divided
 * by 10^d (d <= 22: exact), and IEEE division rounds correctly, so N / 10^d is exactly `+string`.
 * test/bybit-scan.test.js checks this on every level of every Bybit capture, on simulator frames and
 * on seeded random frames.
 */
import type { BookDelta, PackedLevels, RawLevel } from '../../book/types';
import type { FrameSink } from '../adapter';

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

const QUOTE = 34;
const COMMA = 44;
const DOT = 46;
const LBRACK = 91;
const RBRACK = 93;
const RBRACE = 125;

function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

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

/** Longest topic / symbol read from the bytes; longer ones take the text path. */
const MAX_NAME = 64;
/** Levels a side read from the bytes; more take the text path (bounded buffers; Bybit sends at most 1000). */
const MAX_LEVELS = 50_000;
/** Digits of an ignored integer (`seq`, `cts`); longer ones take the text path. */
const MAX_IGNORED_DIGITS = 20;
/** Topics remembered (so a frame's topic costs no string); the cache is emptied past this. */
const MAX_CACHED = 4096;

const NO_LEVELS: readonly RawLevel[] = Object.freeze([]) as readonly RawLevel[];

interface NameEntry {
  bytes: Uint8Array;
  name: string;
  next: NameEntry | undefined;
}

/**
 * One reusable scanner and its output: the last frame's `u`, `ts`, topic and levels (as
 * {@link PackedLevels}: the buffers are reused by the next frame). Decoding is synchronous, so one
 * per adapter instance is enough.
 */
export class BookDeltaScan implements PackedLevels {
  bids = new Float64Array(256);
  bidCount = 0;
  asks = new Float64Array(256);
  askCount = 0;
  /** `ts` (ms) and `u` of the last frame scanned. */
  ts = 0;
  u = 0;
  /** The topic of the last frame scanned (`orderbook.{depth}.{symbol}`). */
  topic = '';

  private pos = 0;
  private num = 0;
  private readonly names = new Map<number, NameEntry>();

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
    if (b[this.pos] === COMMA && (!this.expect(b, this.pos, SEQ_KEY) || !this.skipInt(b))) return false;
    let p = this.pos;
    if (b[p++] !== RBRACE) return false;
    if (b[p] === COMMA) {
      if (!this.expect(b, p, CTS_KEY) || !this.skipInt(b)) return false;
      p = this.pos;
    }
    if (b[p++] !== RBRACE || p !== b.length) return false;
    this.topic = this.lookup(b, NAME_START, nameEnd).name;
    this.ts = ts;
    this.u = u;
    return true;
  }

  /** Matches `lit` at `at`; on success pos is just past it. */
  private expect(b: Uint8Array, at: number, lit: Uint8Array): boolean {
    const n = lit.length;
    if (at + n > b.length) return false;
    for (let i = 0; i < n; i++) if (b[at + i] !== lit[i]) return false;
    this.pos = at + n;
    return true;
  }

  /**
   * A name from pos up to its closing quote (left at the quote). A symbol: [A-Z0-9]+; a topic's
   * rest: printable ASCII without quote or backslash (an escape takes the text path).
   */
  private name(b: Uint8Array, symbol: boolean): boolean {
    let i = this.pos;
    const start = i;
    const end = Math.min(b.length, start + MAX_NAME + 1);
    for (; i < end; i++) {
      const c = b[i]!;
      if (c === QUOTE) break;
      if (symbol ? !((c >= 65 && c <= 90) || (c >= 48 && c <= 57)) : c <= 32 || c >= 127 || c === 92) return false;
    }
    if (i === start || i >= end || b[i] !== QUOTE) return false;
    this.pos = i;
    return true;
  }

  /** A JSON integer of 1-15 digits (no sign, no leading zero, no fraction): always a safe integer. */
  private int(b: Uint8Array): boolean {
    let i = this.pos;
    let c = b[i]!;
    if (!(c >= 48 && c <= 57)) return false;
    const start = i;
    let n = 0;
    do {
      n = n * 10 + (c - 48);
      c = b[++i]!;
    } while (c >= 48 && c <= 57);
    const digits = i - start;
    if (digits > 15 || (digits > 1 && b[start] === 48)) return false;
    this.pos = i;
    this.num = n;
    return true;
  }

  /** A JSON integer whose value nobody reads (1-20 digits, no sign, no leading zero). */
  private skipInt(b: Uint8Array): boolean {
    let i = this.pos;
    const start = i;
    while (b[i]! >= 48 && b[i]! <= 57) i++;
    const digits = i - start;
    if (digits === 0 || digits > MAX_IGNORED_DIGITS || (digits > 1 && b[start] === 48)) return false;
    this.pos = i;
    return true;
  }

  /** A quoted plain decimal ("1.9531"): digits, optionally '.' and digits; exact (see top). */
  private dec(b: Uint8Array): boolean {
    let i = this.pos;
    if (b[i] !== QUOTE) return false;
    let c = b[++i]!;
    if (!(c >= 48 && c <= 57)) return false;
    let n = 0;
    let sig = 0;
    do {
      if (sig > 0 || c !== 48) sig++;
      n = n * 10 + (c - 48);
      c = b[++i]!;
    } while (c >= 48 && c <= 57);
    let frac = 0;
    if (c === DOT) {
      c = b[++i]!;
      if (!(c >= 48 && c <= 57)) return false;
      do {
        if (sig > 0 || c !== 48) sig++;
        n = n * 10 + (c - 48);
        frac++;
        c = b[++i]!;
      } while (c >= 48 && c <= 57);
    }
    if (c !== QUOTE || sig > 15 || frac > 22) return false;
    this.pos = i + 1;
    this.num = frac > 0 ? n / POW10[frac]! : n;
    return true;
  }

  /** Levels after the opening bracket up to and past the closing one, into bids or asks. */
  private levels(b: Uint8Array, asks: boolean): boolean {
    let out = asks ? this.asks : this.bids;
    let count = 0;
    if (b[this.pos] === RBRACK) {
      this.pos++;
    } else {
      for (;;) {
        if (b[this.pos++] !== LBRACK || !this.dec(b)) return false;
        const price = this.num;
        // a price of 0 is invalid: the text path reports it
        if (price === 0 || b[this.pos++] !== COMMA || !this.dec(b)) return false;
        if (b[this.pos++] !== RBRACK) return false;
        if (count === MAX_LEVELS) return false;
        if (2 * count + 2 > out.length) {
          const bigger = new Float64Array(out.length * 2);
          bigger.set(out);
          out = bigger;
          if (asks) this.asks = out;
          else this.bids = out;
        }
        out[2 * count] = price;
        out[2 * count + 1] = this.num;
        count++;
        const c = b[this.pos++];
        if (c === RBRACK) break;
        if (c !== COMMA) return false;
      }
    }
    if (asks) this.askCount = count;
    else this.bidCount = count;
    return true;
  }

  /** The topic of bytes [start, end): from the cache, or made once. */
  private lookup(b: Uint8Array, start: number, end: number): NameEntry {
    const cache = this.names;
    let h = 2166136261;
    for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 16777619);
    const head = cache.get(h);
    for (let e = head; e !== undefined; e = e.next) {
      const eb = e.bytes;
      if (eb.length !== end - start) continue;
      let same = true;
      for (let i = 0; i < eb.length; i++) {
        if (eb[i] !== b[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return e;
    }
    if (cache.size >= MAX_CACHED) cache.clear();
    const bytes = b.slice(start, end);
    let name = '';
    for (let i = 0; i < bytes.length; i++) name += String.fromCharCode(bytes[i]!);
    const entry: NameEntry = { bytes, name, next: cache.get(h) };
    cache.set(h, entry);
    return entry;
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
