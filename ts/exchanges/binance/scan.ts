/**
 * Binance diff-depth frames read straight from the socket's bytes: no UTF-8 decoding, no
 * JSON.parse, no string, array or object per level. The one frame this reads is the hot one, a
 * `depthUpdate` (web-socket-streams.md "Diff. Depth Stream"), in exactly the shape Binance sends:
 *
 *   {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":2,"u":3,"b":[["p","q"],...],"a":[...]}}
 *   {"e":"depthUpdate","E":1,"s":"BTCUSDT","U":2,"u":3,"b":[...],"a":[...]}          (raw streams)
 *
 * Anything else — other keys or key order, whitespace, escapes, exponents, signs, a price of 0,
 * more than 15 significant digits or 22 decimals, ids of more than 15 digits or with U > u, levels
 * of other than two strings, bytes after the closing brace — makes `scan` answer false, and the
 * frame goes to the text decoder (decode.ts), which handles or rejects it as before.
 *
 * Exactness: a decimal string's digits are read as one integer N (at most 15 significant digits,
 * so N < 10^15 < 2^53 is exact), then divided by 10^d (d <= 22 decimals: 10^d is exact). IEEE
 * division is correctly rounded, so N / 10^d is the double nearest the decimal — exactly what
 * `+string` gives. test/binance-scan.test.js checks this on every level of every Binance capture
 * and on seeded random frames.
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

const COMBINED_HEAD = ascii('{"stream":"');
const DATA_KEY = ascii('","data":');
const EVENT_HEAD = ascii('{"e":"depthUpdate","E":');
const SYMBOL_KEY = ascii(',"s":"');
const FIRST_KEY = ascii('","U":');
const LAST_KEY = ascii(',"u":');
const BIDS_KEY = ascii(',"b":[');
const ASKS_KEY = ascii(',"a":[');
/** The stream suffix decode.ts routes to the book (streams.ts streamName('orderbook')). */
const DEPTH_SUFFIX = '@depth@100ms';

/** Longest stream name / symbol read from the bytes; longer ones take the text path. */
const MAX_NAME = 64;
/**
 * Levels a side read from the bytes; a frame with more takes the text path, so a hostile frame cannot
 * grow the reused buffers for good (Binance's diff frames carry at most a few thousand).
 */
const MAX_LEVELS = 50_000;
/** Names remembered (so a frame's stream name costs no string); the cache is emptied past this. */
const MAX_CACHED = 4096;

const NO_LEVELS: readonly RawLevel[] = Object.freeze([]) as readonly RawLevel[];

interface NameEntry {
  bytes: Uint8Array;
  name: string;
  /** The name is a book stream (ends with @depth@100ms). */
  book: boolean;
  next: NameEntry | undefined;
}

/**
 * One reusable scanner and its output: the last frame's ids, time, stream name and levels (as
 * {@link PackedLevels}: the buffers are reused by the next frame). Not shared between sockets'
 * concurrent decodes — decoding is synchronous, so one per adapter instance is enough.
 */
export class DepthScan implements PackedLevels {
  bids = new Float64Array(256);
  bidCount = 0;
  asks = new Float64Array(256);
  askCount = 0;
  /** Event time (E), first (U) and last (u) update ids of the last frame scanned. */
  E = 0;
  U = 0;
  u = 0;
  /** The stream the last frame belongs to (combined: its `stream`; raw: from its symbol). */
  stream = '';

  private pos = 0;
  private num = 0;
  private readonly combinedNames = new Map<number, NameEntry>();
  private readonly rawNames = new Map<number, NameEntry>();

  /** Reads one frame; false (output unspecified) if it is not exactly a depthUpdate as documented. */
  scan(b: Uint8Array): boolean {
    const len = b.length;
    let combined = false;
    let nameStart = 0;
    let nameEnd = 0;
    if (b[0] !== 123) return false;
    if (b[2] === 115) {
      // {"stream":"<name>","data":{...}}
      if (!this.expect(b, 0, COMBINED_HEAD)) return false;
      nameStart = this.pos;
      if (!this.name(b, false)) return false;
      nameEnd = this.pos;
      if (!this.expect(b, nameEnd, DATA_KEY)) return false;
      combined = true;
    } else {
      this.pos = 0;
    }
    if (!this.expect(b, this.pos, EVENT_HEAD) || !this.int(b)) return false;
    const E = this.num;
    if (!this.expect(b, this.pos, SYMBOL_KEY)) return false;
    const symStart = this.pos;
    if (!this.name(b, true)) return false;
    const symEnd = this.pos;
    if (!this.expect(b, symEnd, FIRST_KEY) || !this.int(b)) return false;
    const U = this.num;
    if (!this.expect(b, this.pos, LAST_KEY) || !this.int(b)) return false;
    const u = this.num;
    if (U > u) return false;
    if (!this.expect(b, this.pos, BIDS_KEY) || !this.levels(b, false)) return false;
    if (!this.expect(b, this.pos, ASKS_KEY) || !this.levels(b, true)) return false;
    let p = this.pos;
    if (b[p++] !== RBRACE) return false;
    if (combined && b[p++] !== RBRACE) return false;
    if (p !== len) return false;
    const entry = combined ? this.lookup(this.combinedNames, b, nameStart, nameEnd, false) : this.lookup(this.rawNames, b, symStart, symEnd, true);
    if (!entry.book) return false;
    this.stream = entry.name;
    this.E = E;
    this.U = U;
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
   * A name up to its closing quote (left at the quote). A symbol: [A-Z0-9]+; a stream name:
   * printable ASCII without quote or backslash (an escape takes the text path).
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

  /** A quoted plain decimal ("61737.63000000"): digits, optionally '.' and digits; exact (see top). */
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

  /** The stream name of bytes [start, end): from the cache, or made once (raw: symbol lowercased + suffix). */
  private lookup(cache: Map<number, NameEntry>, b: Uint8Array, start: number, end: number, symbol: boolean): NameEntry {
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
    let text = '';
    for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
    const name = symbol ? text.toLowerCase() + DEPTH_SUFFIX : text;
    const entry: NameEntry = { bytes, name, book: name.endsWith(DEPTH_SUFFIX), next: cache.has(h) ? cache.get(h) : undefined };
    cache.set(h, entry);
    return entry;
  }
}

/**
 * The adapter's bytes hook: a depthUpdate of a subscribed book stream is delivered as a delta with
 * packed levels; anything else answers false (nothing reported) and goes to the text decoder.
 */
export function decodeDepthBytes(bytes: Uint8Array, sink: FrameSink, scan: DepthScan): boolean {
  if (!scan.scan(bytes)) return false;
  const stream = scan.stream;
  if (sink.symbolOf(stream) === undefined) return false;
  const d: BookDelta = { first: scan.U, last: scan.u, bids: NO_LEVELS, asks: NO_LEVELS, timestamp: scan.E, packed: scan };
  sink.bookDelta(stream, d);
  return true;
}
