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
 * Numbers are read exactly as `+string` reads them (../byte-scan.ts says why);
 * test/binance-scan.test.js checks this on every level of every Binance capture and on seeded
 * random frames.
 */
import type { BookDelta, RawLevel } from '../../book/types';
import type { FrameSink } from '../adapter';
import { ByteScanner, NameCache, RBRACE, ascii } from '../byte-scan';

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

const NO_LEVELS: readonly RawLevel[] = Object.freeze([]) as readonly RawLevel[];

interface NameInfo {
  name: string;
  /** The name is a book stream (ends with @depth@100ms). */
  book: boolean;
}

/**
 * One reusable scanner and its output: the last frame's ids, time, stream name and levels (as
 * {@link PackedLevels}: the buffers are reused by the next frame). Not shared between sockets'
 * concurrent decodes — decoding is synchronous, so one per adapter instance is enough.
 */
export class DepthScan extends ByteScanner {
  /** Event time (E), first (U) and last (u) update ids of the last frame scanned. */
  E = 0;
  U = 0;
  u = 0;
  /** The stream the last frame belongs to (combined: its `stream`; raw: from its symbol). */
  stream = '';

  private readonly combinedNames = new NameCache<NameInfo>((text) => ({ name: text, book: text.endsWith(DEPTH_SUFFIX) }));
  // a raw stream's frame names only its symbol: the stream is the lowercased symbol + the suffix
  private readonly rawNames = new NameCache<NameInfo>((text) => ({ name: text.toLowerCase() + DEPTH_SUFFIX, book: true }));

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
    const entry = combined ? this.combinedNames.get(b, nameStart, nameEnd) : this.rawNames.get(b, symStart, symEnd);
    if (!entry.book) return false;
    this.stream = entry.name;
    this.E = E;
    this.U = U;
    this.u = u;
    return true;
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
