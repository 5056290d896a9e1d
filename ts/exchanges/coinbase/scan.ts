/**
 * Coinbase Advanced Trade `level2` updates read straight from the socket's bytes: no UTF-8
 * decoding, no JSON.parse, no string, array or object per level. The one frame this reads is the
 * hot one, an `l2_data` message (the `level2` subscription's frames: docs.cdp.coinbase.com
 * advanced-trade websocket channels, "Level2 channel"; protocols.md §5 "Channels") holding one
 * `update` event, in exactly the shape of the documented example (and of the simulator):
 *
 *   {"channel":"l2_data","client_id":"","timestamp":"2023-02-09T20:32:50.714964855Z","sequence_num":7,
 *    "events":[{"type":"update","product_id":"BTC-USD","updates":[
 *      {"side":"bid","event_time":"2023-02-09T20:32:50.714964Z","price_level":"21921.73","new_quantity":"0.06317902"},
 *      {"side":"offer",...}]}]}
 *
 * Reported exactly as decode.ts + parse.ts report it: the connection's `sequence_num` counted
 * through the same `sequenceSeen` (a jump reports every book of the socket lost before the delta),
 * `first = last = sequence_num`, no `prev`, `timestamp` the newest `event_time` after the epoch
 * (Date.parse's milliseconds), else the message's `timestamp`; `bid` levels into bids, `offer`
 * levels into asks, each in the order sent.
 *
 * Anything else — a snapshot (one per subscription), several events, another channel, heartbeats,
 * `subscriptions` acks, errors, other keys or key order, whitespace, escapes or non-ASCII in a
 * string, exponents, signs, a price of 0, more than 15 significant digits or 22 decimals, a
 * `sequence_num` of more than 15 digits, a side other than "bid" / "offer", bytes after the closing
 * brace — makes `scan` answer false, and the frame goes to the text decoder (decode.ts), which
 * handles or rejects it as before (nothing counted twice: a declined frame touches no state).
 *
 * Exactness: as in ../byte-scan.ts, a decimal's digits are one integer N < 10^15 (exact) divided by
 * 10^d (d <= 22: exact), and IEEE division rounds correctly, so N / 10^d is exactly `+string`.
 * Times in the plain `YYYY-MM-DDTHH:MM:SS[.f]Z` form are the date's midnight (Date.parse, once a
 * day) plus the time of day with the fraction cut to milliseconds, as Date.parse cuts it; any other
 * time text goes through Date.parse itself. test/coinbase-scan.test.js checks all of it against
 * the text path on hand-written frames, seeded random frames and the simulator's flow.
 */
import type { BookDelta, RawLevel } from '../../book/types';
import type { FrameSink } from '../adapter';
import { ByteScanner, COMMA, NameCache, QUOTE, RBRACE, RBRACK, ascii } from '../byte-scan';
import { sequenceSeen, sessionOf } from './decode';
import { dataStreamName } from './streams';

const HEAD = ascii('{"channel":"l2_data","client_id":"');
const TIMESTAMP_KEY = ascii('","timestamp":"');
const SEQ_KEY = ascii('","sequence_num":');
const EVENT_HEAD = ascii(',"events":[{"type":"update","product_id":"');
const UPDATES_KEY = ascii('","updates":[');
const BID_HEAD = ascii('{"side":"bid","event_time":"');
const OFFER_HEAD = ascii('{"side":"offer","event_time":"');
const PRICE_KEY = ascii('","price_level":');
const QTY_KEY = ascii(',"new_quantity":');
/** After the last level: the updates array, the event, the events array, the message. */
const TAIL = ascii(']}]}');
/** Where the side's value starts in a level (`{"side":"` is 9 bytes): 'b' or 'o'. */
const SIDE_AT = 9;
const B = 98;

/** Longest client_id or time text read from the bytes; longer ones take the text path. */
const MAX_TEXT = 64;
/** Levels a side read from the bytes (as ../byte-scan.ts `levels`): more take the text path. */
const MAX_LEVELS = 50_000;
/**
 * Fraction digits a time's fast path reads (Coinbase sends 6 or 9); longer ones go through
 * Date.parse, which reads them its own way: past 9 digits V8 skips leading zeros of the fraction
 * (".0670754562" is 670 ms there, not 67), and the text path gives what Date.parse gives.
 */
const MAX_FRACTION = 9;

const NO_LEVELS: readonly RawLevel[] = Object.freeze([]) as readonly RawLevel[];

/** One reusable scanner and its output: the last update's stream, sequence_num, time and levels (see ByteScanner). */
export class L2UpdateScan extends ByteScanner {
  /** The stream of the last frame scanned (`level2:<product_id>`). */
  stream = '';
  /** The last frame's `sequence_num`. */
  seq = 0;
  /** The last frame's time (ms): the newest level time after the epoch, else the message's; undefined if neither is a time. */
  timestamp: number | undefined = undefined;

  private readonly names = new NameCache<string>((id) => dataStreamName('l2_data', id) as string);
  // the date of the last time read (its 10 bytes) and its midnight in ms: Date.parse once a day
  private readonly day = new Uint8Array(10);
  private dayMs = NaN;

  /** Reads one frame; false (output unspecified) if it is not exactly an l2_data update as documented. */
  scan(b: Uint8Array): boolean {
    if (!this.expect(b, 0, HEAD) || !this.text(b)) return false;
    if (!this.expect(b, this.pos, TIMESTAMP_KEY)) return false;
    const tsStart = this.pos;
    if (!this.text(b)) return false;
    const tsEnd = this.pos;
    if (!this.expect(b, tsEnd, SEQ_KEY) || !this.int(b)) return false;
    const seq = this.num;
    if (!this.expect(b, this.pos, EVENT_HEAD)) return false;
    const idStart = this.pos;
    if (!this.name(b, false)) return false;
    const idEnd = this.pos;
    if (!this.expect(b, idEnd, UPDATES_KEY)) return false;

    let bids = this.bids;
    let asks = this.asks;
    let bidCount = 0;
    let askCount = 0;
    // the newest level time after the epoch (NaN: none yet), and the last time text read with its value
    let time = NaN;
    let lastStart = 0;
    let lastEnd = 0;
    let lastT = NaN;
    if (b[this.pos] === RBRACK) {
      this.pos++;
    } else {
      for (;;) {
        const isBid = b[this.pos + SIDE_AT] === B;
        if (!this.expect(b, this.pos, isBid ? BID_HEAD : OFFER_HEAD)) return false;
        const tStart = this.pos;
        // the levels of one update mostly share one time: the same bytes as the last level's (a
        // text already checked) are neither checked nor read again
        const n = lastEnd - lastStart;
        let t: number;
        if (n > 0 && b[tStart + n] === QUOTE && same(b, tStart, lastStart, n)) {
          this.pos = tStart + n;
          t = lastT;
        } else {
          if (!this.text(b)) return false;
          t = this.time(b, tStart, this.pos);
          lastStart = tStart;
          lastEnd = this.pos;
          lastT = t;
        }
        const tEnd = this.pos;
        if (t > 0 && !(t <= time)) time = t;
        if (!this.expect(b, tEnd, PRICE_KEY) || !this.dec(b)) return false;
        const price = this.num;
        // a price of 0 is invalid: the text path reports it
        if (price === 0 || !this.expect(b, this.pos, QTY_KEY) || !this.dec(b)) return false;
        if (b[this.pos++] !== RBRACE) return false;
        if (isBid) {
          if (bidCount === MAX_LEVELS) return false;
          if (2 * bidCount + 2 > bids.length) bids = this.bids = grow(bids);
          bids[2 * bidCount] = price;
          bids[2 * bidCount + 1] = this.num;
          bidCount++;
        } else {
          if (askCount === MAX_LEVELS) return false;
          if (2 * askCount + 2 > asks.length) asks = this.asks = grow(asks);
          asks[2 * askCount] = price;
          asks[2 * askCount + 1] = this.num;
          askCount++;
        }
        const c = b[this.pos++];
        if (c === RBRACK) break;
        if (c !== COMMA) return false;
      }
    }
    // the updates array's ']' is read: the event, the events array and the message close
    if (!this.expect(b, this.pos - 1, TAIL) || this.pos !== b.length) return false;
    this.bidCount = bidCount;
    this.askCount = askCount;
    this.stream = this.names.get(b, idStart, idEnd);
    this.seq = seq;
    if (time === time) {
      this.timestamp = time;
    } else {
      // no level time after the epoch: the message's time, as parse.ts falls back to it
      const t = tsEnd > tsStart ? this.time(b, tsStart, tsEnd) : NaN;
      this.timestamp = Number.isFinite(t) ? t : undefined;
    }
    return true;
  }

  /**
   * A string's text from pos up to its closing quote (left at the quote), possibly empty: printable
   * ASCII without backslash (an escape, a control character or non-ASCII takes the text path).
   */
  private text(b: Uint8Array): boolean {
    let i = this.pos;
    const end = Math.min(b.length, i + MAX_TEXT + 1);
    for (; i < end; i++) {
      const c = b[i]!;
      if (c === QUOTE) break;
      if (c < 32 || c >= 127 || c === 92) return false;
    }
    if (i >= end) return false;
    this.pos = i;
    return true;
  }

  /**
   * The milliseconds of the time text in bytes [p, end) exactly as parse.ts `parseTime` gives them
   * (Date.parse; NaN where it gives none): `YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z` with the time of day in
   * range is the date's midnight (Date.parse, cached a day) plus the time of day, the fraction cut
   * to milliseconds as Date.parse cuts it; any other text goes through Date.parse.
   */
  private time(b: Uint8Array, p: number, end: number): number {
    fast: {
      if (end - p < 20 || b[end - 1] !== 90 /* 'Z' */) break fast;
      for (let k = 0; k < 19; k++) {
        const c = b[p + k]!;
        if (k === 4 || k === 7) {
          if (c !== 45) break fast; // '-'
        } else if (k === 10) {
          if (c !== 84) break fast; // 'T'
        } else if (k === 13 || k === 16) {
          if (c !== 58) break fast; // ':'
        } else if (!(c >= 48 && c <= 57)) break fast;
      }
      const hh = (b[p + 11]! - 48) * 10 + (b[p + 12]! - 48);
      const mm = (b[p + 14]! - 48) * 10 + (b[p + 15]! - 48);
      const ss = (b[p + 17]! - 48) * 10 + (b[p + 18]! - 48);
      if (hh > 23 || mm > 59 || ss > 59) break fast;
      let ms = 0;
      if (end - p > 20) {
        // '.', 1 to MAX_FRACTION digits, 'Z'
        const n = end - p - 21;
        if (b[p + 19] !== 46 || n < 1 || n > MAX_FRACTION) break fast;
        for (let k = p + 20; k < end - 1; k++) if (!(b[k]! >= 48 && b[k]! <= 57)) break fast;
        ms = (b[p + 20]! - 48) * 100;
        if (n > 1) ms += (b[p + 21]! - 48) * 10;
        if (n > 2) ms += b[p + 22]! - 48;
      }
      const day = this.day;
      let cached = this.dayMs === this.dayMs; // NaN: nothing cached yet
      for (let k = 0; k < 10 && cached; k++) if (day[k] !== b[p + k]) cached = false;
      if (!cached) {
        const t = Date.parse(`${latin1(b, p, p + 10)}T00:00:00.000Z`);
        // a date Date.parse refuses: the whole text goes to Date.parse below
        if (!Number.isFinite(t)) break fast;
        for (let k = 0; k < 10; k++) day[k] = b[p + k]!;
        this.dayMs = t;
      }
      return this.dayMs + hh * 3_600_000 + mm * 60_000 + ss * 1000 + ms;
    }
    return Date.parse(latin1(b, p, end));
  }
}

/** Bytes [a, a + n) equal bytes [c, c + n). */
function same(b: Uint8Array, a: number, c: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (b[a + k] !== b[c + k]) return false;
  return true;
}

/** The text of ASCII bytes [start, end). */
function latin1(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** A level buffer twice as large, holding the same levels. */
function grow(out: Float64Array) {
  const bigger = new Float64Array(out.length * 2);
  bigger.set(out);
  return bigger;
}

/**
 * The adapter's bytes hook: an l2_data update of a subscribed product is counted on the
 * connection's `sequence_num` (a jump: every book of the socket is reported lost, as decode.ts
 * reports it) and delivered as a delta with packed levels (exactly what decode.ts reports, levels
 * as numbers); anything else answers false, having reported and counted nothing, and goes to the
 * text decoder.
 */
export function decodeL2Bytes(bytes: Uint8Array, sink: FrameSink, scan: L2UpdateScan): boolean {
  if (!scan.scan(bytes)) return false;
  const stream = scan.stream;
  if (sink.symbolOf(stream) === undefined) return false;
  const seq = scan.seq;
  // after a jump decode.ts asks again whether the stream is subscribed: so does this
  if (sequenceSeen(sessionOf(sink), seq, sink) && sink.symbolOf(stream) === undefined) return true;
  const d: BookDelta = { first: seq, last: seq, bids: NO_LEVELS, asks: NO_LEVELS, timestamp: scan.timestamp, packed: scan };
  sink.bookDelta(stream, d);
  return true;
}
