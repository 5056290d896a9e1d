/**
 * Exchange-neutral inputs to the book layer. Adapters turn frames into these; the book never
 * learns which exchange fed it.
 */

/** A price level as it came off the wire: strings (Binance, OKX) or numbers (Kraken v2). */
export type RawLevel = readonly [string | number, string | number, ...unknown[]];

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
