/**
 * Exchange-neutral inputs to the book layer. Adapters turn frames into these; the book never
 * learns which exchange fed it.
 */

/** A price level as it came off the wire: strings (Binance, OKX) or numbers (Kraken v2). */
export type RawLevel = readonly [string | number, string | number, ...unknown[]];

/**
 * One delta's levels already read as numbers (by a byte scanner, e.g. ts/exchanges/binance/scan.ts):
 * level i of bids is `bids[2i]` (price), `bids[2i + 1]` (amount), for i < `bidCount`; same for asks.
 * The arrays are the scanner's reused buffers: valid only during the call that delivers the delta
 * (BookSync copies what it keeps). Only for books without `keepStrings` (no wire strings here);
 * books with `keepScales` need the scales too.
 */
export interface PackedLevels {
  readonly bids: Float64Array;
  readonly bidCount: number;
  readonly asks: Float64Array;
  readonly askCount: number;
  /**
   * With a scanner that reports them: each number's scale, the digits written after its decimal
   * point ("0.0100": 4; see book/decimal.ts) — `bidScales[2i]` the price's and `bidScales[2i + 1]`
   * the amount's of level i; same for asks. Required by books kept with `keepScales`.
   */
  readonly bidScales?: Uint8Array;
  readonly askScales?: Uint8Array;
}

/** An incremental book update. */
export interface BookDelta {
  /** First update id covered by this event (Binance `U`; OKX: seqId). */
  first: number;
  /** Last update id covered by this event (Binance `u`; OKX: seqId). */
  last: number;
  /** Id of the event this one follows (OKX `prevSeqId`), when the exchange sends it. */
  prev?: number;
  bids: readonly RawLevel[];
  asks: readonly RawLevel[];
  /** Exchange event time (ms). */
  timestamp?: number;
  /** Exchange checksum of the book after this update, when it sends one. */
  checksum?: number;
  /**
   * The levels as numbers, when a byte scanner read them: then `bids` and `asks` are empty and
   * these are the levels (checked again by the book before use, like wire levels).
   */
  packed?: PackedLevels;
}

/** A full book, from REST or from a WebSocket snapshot message. */
export interface BookSnapshot {
  /** Update id the snapshot is current to (Binance `lastUpdateId`). */
  nonce: number;
  bids: readonly RawLevel[];
  asks: readonly RawLevel[];
  timestamp?: number;
  checksum?: number;
}
