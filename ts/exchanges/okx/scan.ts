/**
 * OKX `books` updates read straight from the socket's bytes: no UTF-8 decoding, no JSON.parse, no
 * string, array or object per level. The one frame this reads is the hot one, an `action: "update"`
 * push of the `books` channel (docs-v5 "Order book channel"; protocols.md §3), in exactly the shape
 * OKX sends (the cryptofeed capture of 2022, before seqIds; today's pushes; the simulator):
 *
 *   {"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[{"asks":[["p","sz","0","n"],...],
 *    "bids":[...],"ts":"1652459225464","checksum":-855196043,"prevSeqId":123456,"seqId":123457}]}
 *
 * (`checksum` may be absent, as OKX announced for 2026, and `prevSeqId`/`seqId` come together or
 * not at all, as in the 2022 capture.) Each level is four strings: price, size, the deprecated
 * liquidated-orders "0" and the order count; like the text path, only price and size are read.
 *
 * Reported exactly as decode.ts + parse.ts report it: `first = last = seqId` (without seqIds: the
 * `ts`), `prev = prevSeqId`, `timestamp = ts`, `checksum` as sent. Every price and size also has
 * its SCALE (digits after the point as written, "0.0100": 4), so a book kept with `keepScales`
 * renders the exchange's own strings again for the checksum (checksum.ts) without a string per level.
 *
 * Anything else — a snapshot, a push of another channel, other keys or key order, whitespace,
 * escapes, exponents, signs, a price of 0, more than 15 significant digits or 22 decimals, ids or
 * times of more than 15 digits, a negative prevSeqId, seqIds sent as strings, more than one entry in
 * `data`, levels of other than four strings, bytes after the closing brace — makes `scan` answer
 * false, and the frame goes to the text decoder (decode.ts), which handles or rejects it as before.
 *
 * Exactness: as in ../byte-scan.ts, a decimal's digits are one integer N < 10^15 (exact) divided by
 * 10^d (d <= 22: exact), and IEEE division rounds correctly, so N / 10^d is exactly `+string`.
 * test/okx-scan.test.js checks this on every level of the OKX capture, on simulator frames and on
 * seeded random frames.
 */
import type { BookDelta, RawLevel } from '../../book/types';
import type { FrameSink } from '../adapter';
import { ByteScanner, COMMA, NameCache, RBRACE, ascii } from '../byte-scan';

const HEAD = ascii('{"arg":{"channel":"books","instId":"');
const ACTION_DATA = ascii('"},"action":"update","data":[{"asks":[');
const BIDS_KEY = ascii(',"bids":[');
const TS_KEY = ascii(',"ts":');
const CHECKSUM_KEY = ascii(',"checksum":');
const PREV_KEY = ascii(',"prevSeqId":');
const SEQ_KEY = ascii(',"seqId":');
/** Where the instId starts. */
const ID_START = HEAD.length;
/** Fields after price and size in a level: the deprecated "0" and the order count. */
const LEVEL_TAIL = 2;
const RBRACK = 93;
/** 'c' of `"checksum"`, 'p' of `"prevSeqId"`: which optional key follows. */
const C = 99;
const P = 112;

const NO_LEVELS: readonly RawLevel[] = Object.freeze([]) as readonly RawLevel[];

/** One reusable scanner and its output: the last update's ids, time, checksum, stream and levels (see ByteScanner). */
export class BooksScan extends ByteScanner {
  /** `ts` (ms), `seqId` and `prevSeqId` (undefined: not sent) and `checksum` (undefined: not sent) of the last frame. */
  ts = 0;
  seqId: number | undefined = undefined;
  prevSeqId: number | undefined = undefined;
  checksum: number | undefined = undefined;
  /** The stream of the last frame scanned (`books:<instId>`). */
  stream = '';

  private readonly names = new NameCache<string>((text) => `books:${text}`);

  constructor() {
    super();
    this.bidScales = new Uint8Array(this.bids.length);
    this.askScales = new Uint8Array(this.asks.length);
  }

  /** Reads one frame; false (output unspecified) if it is not exactly a books update as documented. */
  scan(b: Uint8Array): boolean {
    if (!this.expect(b, 0, HEAD) || !this.name(b, false)) return false;
    const idEnd = this.pos;
    if (!this.expect(b, idEnd, ACTION_DATA) || !this.scaledLevels(b, true, LEVEL_TAIL)) return false;
    if (!this.expect(b, this.pos, BIDS_KEY) || !this.scaledLevels(b, false, LEVEL_TAIL)) return false;
    if (!this.expect(b, this.pos, TS_KEY) || !this.quotedInt(b)) return false;
    const ts = this.num;
    let checksum: number | undefined;
    let prev: number | undefined;
    let seq: number | undefined;
    if (b[this.pos] === COMMA && b[this.pos + 2] === C) {
      if (!this.expect(b, this.pos, CHECKSUM_KEY) || !this.signedInt(b)) return false;
      checksum = this.num;
    }
    if (b[this.pos] === COMMA && b[this.pos + 2] === P) {
      // both or neither (an update with one of them is malformed for the text path)
      if (!this.expect(b, this.pos, PREV_KEY) || !this.int(b)) return false;
      prev = this.num;
      if (!this.expect(b, this.pos, SEQ_KEY) || !this.int(b)) return false;
      seq = this.num;
    }
    let p = this.pos;
    if (b[p++] !== RBRACE || b[p++] !== RBRACK || b[p++] !== RBRACE || p !== b.length) return false;
    this.stream = this.names.get(b, ID_START, idEnd);
    this.ts = ts;
    this.checksum = checksum;
    this.prevSeqId = prev;
    this.seqId = seq;
    return true;
  }
}

/**
 * The adapter's bytes hook: a books update of a subscribed stream is delivered as a delta with
 * packed levels and their scales (exactly what decode.ts reports, levels as numbers); anything
 * else answers false (nothing reported) and goes to the text decoder.
 */
export function decodeBooksBytes(bytes: Uint8Array, sink: FrameSink, scan: BooksScan): boolean {
  if (!scan.scan(bytes)) return false;
  const stream = scan.stream;
  if (sink.symbolOf(stream) === undefined) return false;
  const id = scan.seqId ?? scan.ts;
  const d: BookDelta = {
    first: id,
    last: id,
    prev: scan.prevSeqId,
    bids: NO_LEVELS,
    asks: NO_LEVELS,
    timestamp: scan.ts,
    checksum: scan.checksum,
    packed: scan,
  };
  sink.bookDelta(stream, d);
  return true;
}
