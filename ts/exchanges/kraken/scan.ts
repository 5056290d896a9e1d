/**
 * Kraken WebSocket v2 book updates read straight from the socket's bytes: no UTF-8 decoding, no
 * JSON.parse, no string, array or object per level. The one frame this reads is the hot one, a
 * `book` channel `update` (docs.kraken.com websocket-v2 book; protocols.md §2 "Book channel"), in
 * exactly the shape Kraken sends:
 *
 *   {"channel":"book","type":"update","data":[{"symbol":"BTC/USD","bids":[{"price":45283.5,"qty":0.10000000}],
 *    "asks":[],"checksum":3310070434,"timestamp":"2023-10-06T17:35:55.440295Z"}]}
 *
 * Reported exactly as decode.ts reports it: `first = last =` the book's nonce + 1 (Kraken sends no
 * sequence number), `timestamp` the milliseconds of the RFC 3339 time (parse.ts `parseTime`: the
 * fraction cut to 3 digits), `checksum` the message's. Anything else — a snapshot (one per
 * subscription), other keys or key order, more than one data element, whitespace, escapes,
 * exponents, signs, a price of 0, more than 15 significant digits or 22 decimals, a checksum of more
 * than 15 digits, a time not `YYYY-MM-DDTHH:MM:SS[.fff...]Z` with a 3-or-more-digit fraction or
 * with an hour, minute or second out of range, bytes after the closing brace — makes `scan` answer
 * false, and the frame goes to the text decoder (decode.ts), which handles or rejects it as before.
 *
 * Exactness: v2 levels are JSON numbers, read as ../byte-scan.ts `jsonNum` reads them: the digits
 * as one integer N < 10^15 (exact) divided by 10^d (d <= 22: exact), a correctly rounded division,
 * so the double nearest the decimal, exactly what JSON.parse gives. test/kraken-scan.test.js checks
 * this on every level of the Kraken capture, on simulator frames and on seeded random frames.
 */
import type { BookDelta, RawLevel } from '../../book/types';
import type { FrameSink } from '../adapter';
import { ByteScanner, COMMA, NameCache, QUOTE, RBRACE, RBRACK, ascii } from '../byte-scan';
import { dataStreamName } from './streams';

const HEAD = ascii('{"channel":"book","type":"update","data":[{"symbol":"');
const BIDS_KEY = ascii('","bids":[');
const ASKS_KEY = ascii(',"asks":[');
const CHECKSUM_KEY = ascii(',"checksum":');
const TIMESTAMP_KEY = ascii(',"timestamp":"');
const PRICE_KEY = ascii('{"price":');
const QTY_KEY = ascii(',"qty":');
/** After the time's closing quote: the element, the data array and the message end. */
const TAIL = ascii('}]}');

/** Levels a side read from the bytes (as ../byte-scan.ts `levels`): more take the text path. */
const MAX_LEVELS = 50_000;
/** Fraction digits of the time read (Kraken sends 6; the text path keeps the first 3). */
const MAX_FRACTION = 12;

const NO_LEVELS: readonly RawLevel[] = Object.freeze([]) as readonly RawLevel[];

/** One reusable scanner and its output: the last update's stream, checksum, time and levels. */
export class BookUpdateScan extends ByteScanner {
  /** The stream of the last frame scanned (`book:<symbol>`). */
  stream = '';
  /** The last frame's checksum and time (ms). */
  checksum = 0;
  timestamp = 0;

  private readonly names = new NameCache<string>((symbol) => dataStreamName('book', symbol));
  // the date of the last time read (its 10 bytes) and its midnight in ms: Date.parse once a day
  private readonly day = new Uint8Array(10);
  private dayMs = NaN;

  /** Reads one frame; false (output unspecified) if it is not exactly a book update as documented. */
  scan(b: Uint8Array): boolean {
    if (!this.expect(b, 0, HEAD)) return false;
    const symStart = this.pos;
    if (!this.name(b, false)) return false;
    const symEnd = this.pos;
    if (!this.expect(b, symEnd, BIDS_KEY) || !this.objLevels(b, false)) return false;
    if (!this.expect(b, this.pos, ASKS_KEY) || !this.objLevels(b, true)) return false;
    if (!this.expect(b, this.pos, CHECKSUM_KEY) || !this.int(b)) return false;
    const checksum = this.num;
    if (!this.expect(b, this.pos, TIMESTAMP_KEY) || !this.time(b)) return false;
    if (!this.expect(b, this.pos, TAIL) || this.pos !== b.length) return false;
    this.stream = this.names.get(b, symStart, symEnd);
    this.checksum = checksum;
    return true;
  }

  /** `{"price":N,"qty":N}` levels after the opening bracket up to and past the closing one. */
  private objLevels(b: Uint8Array, asks: boolean): boolean {
    let out: Float64Array = asks ? this.asks : this.bids;
    let count = 0;
    if (b[this.pos] === RBRACK) {
      this.pos++;
    } else {
      for (;;) {
        if (!this.expect(b, this.pos, PRICE_KEY) || !this.jsonNum(b)) return false;
        const price = this.num;
        // a price of 0 is invalid: the text path reports it
        if (price === 0 || !this.expect(b, this.pos, QTY_KEY) || !this.jsonNum(b)) return false;
        if (b[this.pos++] !== RBRACE) return false;
        if (count === MAX_LEVELS) return false;
        if (2 * count + 2 > out.length) out = this.grow(asks);
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

  /**
   * `YYYY-MM-DDTHH:MM:SS[.f...]Z"` (pos after the opening quote, left past the closing one) into
   * `timestamp`, exactly parse.ts `parseTime`: Date.parse of the text with the fraction cut to 3
   * digits. The date goes through Date.parse itself (once a day); the time of day is added here.
   */
  private time(b: Uint8Array): boolean {
    const p = this.pos;
    if (p + 21 > b.length) return false;
    // digits where digits belong, separators where they belong
    for (let k = 0; k < 19; k++) {
      const c = b[p + k]!;
      if (k === 4 || k === 7) {
        if (c !== 45) return false; // '-'
      } else if (k === 10) {
        if (c !== 84) return false; // 'T'
      } else if (k === 13 || k === 16) {
        if (c !== 58) return false; // ':'
      } else if (!(c >= 48 && c <= 57)) return false;
    }
    const hh = (b[p + 11]! - 48) * 10 + (b[p + 12]! - 48);
    const mm = (b[p + 14]! - 48) * 10 + (b[p + 15]! - 48);
    const ss = (b[p + 17]! - 48) * 10 + (b[p + 18]! - 48);
    if (hh > 23 || mm > 59 || ss > 59) return false;
    let i = p + 19;
    let ms = 0;
    if (b[i] === 46) {
      // '.': at least 3 digits (the text path cuts longer fractions to 3; shorter ones it parses as they are)
      i++;
      const start = i;
      while (i < b.length && b[i]! >= 48 && b[i]! <= 57) i++;
      const n = i - start;
      if (n < 3 || n > MAX_FRACTION) return false;
      ms = (b[start]! - 48) * 100 + (b[start + 1]! - 48) * 10 + (b[start + 2]! - 48);
    }
    if (b[i] !== 90 /* 'Z' */ || b[i + 1] !== QUOTE) return false;
    const day = this.day;
    let same = this.dayMs === this.dayMs; // NaN: nothing cached yet
    for (let k = 0; k < 10 && same; k++) if (day[k] !== b[p + k]) same = false;
    if (!same) {
      let text = '';
      for (let k = 0; k < 10; k++) text += String.fromCharCode(b[p + k]!);
      const t = Date.parse(`${text}T00:00:00.000Z`);
      if (!Number.isFinite(t)) return false;
      for (let k = 0; k < 10; k++) day[k] = b[p + k]!;
      this.dayMs = t;
    }
    this.timestamp = this.dayMs + hh * 3_600_000 + mm * 60_000 + ss * 1000 + ms;
    this.pos = i + 2;
    return true;
  }
}

/**
 * The adapter's bytes hook: a book update of a subscribed symbol is delivered as a delta with
 * packed levels (exactly what decode.ts reports, levels as numbers); anything else answers false
 * (nothing reported) and goes to the text decoder.
 */
export function decodeBookBytes(bytes: Uint8Array, sink: FrameSink, scan: BookUpdateScan): boolean {
  if (!scan.scan(bytes)) return false;
  const stream = scan.stream;
  if (sink.symbolOf(stream) === undefined) return false;
  const seq = (sink.bookNonce(stream) ?? 0) + 1;
  const d: BookDelta = {
    first: seq,
    last: seq,
    bids: NO_LEVELS,
    asks: NO_LEVELS,
    timestamp: scan.timestamp,
    checksum: scan.checksum,
    packed: scan,
  };
  sink.bookDelta(stream, d);
  return true;
}
