/**
 * The top `depth` levels of one side pair of an engine book, as last published to a group of
 * subscribers, and the changes that bring subscribers from that view to the book as it is now.
 *
 * Two publishing rules, after the exchanges that stream a depth-limited book:
 * - 'truncate' (Kraken WebSocket v2 book): the client truncates to its depth after every message,
 *   so a level pushed out of range by an insert is not sent; a level that left because it was
 *   deleted is sent with qty 0; a level that comes into range is sent with its quantity
 *   (docs.kraken.com "Spot Websockets (v2) Book Checksum", "Maintaining the book").
 * - 'window' (OKX books, 400 levels): every level leaving the window is sent with size 0 and every
 *   level entering it with its size, so the client's book is always exactly the top `depth`
 *   (as the OKX capture the cryptofeed capture OKX.ws.1.0 shows for levels ~400 deep).
 */
import type { MatchingEngine } from '../engine';

/** [ticks, steps]; steps 0 = the level is removed. */
export type TickLevel = [number, number];

export interface WindowChanges {
  bids: TickLevel[];
  asks: TickLevel[];
}

export type WindowRule = 'truncate' | 'window';

export class BookWindow {
  bids = new Map<number, number>();
  asks = new Map<number, number>();

  constructor(
    private readonly engine: MatchingEngine,
    readonly symbol: string,
    readonly depth: number,
    private readonly rule: WindowRule,
  ) {
    this.bids = new Map(engine.bookSide(symbol, 'bid').depth(depth));
    this.asks = new Map(engine.bookSide(symbol, 'ask').depth(depth));
  }

  /** The view, best first. */
  levels(side: 'bid' | 'ask', limit = this.depth): TickLevel[] {
    return sortLevels([...(side === 'bid' ? this.bids : this.asks).entries()], side).slice(0, limit);
  }

  /** Moves the view to the engine's book; returns what changed (best first per side). */
  advance(): WindowChanges {
    const bids = this.side('bid');
    const asks = this.side('ask');
    return { bids, asks };
  }

  private side(name: 'bid' | 'ask'): TickLevel[] {
    const book = this.engine.bookSide(this.symbol, name);
    const top = book.depth(this.depth);
    const old = name === 'bid' ? this.bids : this.asks;
    const next = new Map<number, number>();
    const out: TickLevel[] = [];
    for (const [p, q] of top) {
      next.set(p, q);
      if (old.get(p) !== q) out.push([p, q]);
    }
    for (const p of old.keys()) {
      if (next.has(p)) continue;
      if (this.rule === 'window' || !book.level(p)) out.push([p, 0]);
    }
    if (name === 'bid') this.bids = next;
    else this.asks = next;
    return sortLevels(out, name);
  }
}

/** Sorts levels best first (bids descending, asks ascending). */
export function sortLevels(levels: TickLevel[], side: 'bid' | 'ask'): TickLevel[] {
  return levels.sort((a, b) => (side === 'bid' ? b[0] - a[0] : a[0] - b[0]));
}

/**
 * Applies changes to a copy of a view the way a client does: set or delete each level, then (for
 * 'truncate') keep only the best `depth`. Used to follow what a client that lost a message holds.
 */
export function applyChanges(
  view: { bids: Map<number, number>; asks: Map<number, number> },
  changes: WindowChanges,
  depth: number,
): void {
  for (const side of ['bid', 'ask'] as const) {
    const m = side === 'bid' ? view.bids : view.asks;
    for (const [p, q] of side === 'bid' ? changes.bids : changes.asks) {
      if (q === 0) m.delete(p);
      else m.set(p, q);
    }
    if (m.size > depth) {
      const keep = sortLevels([...m.entries()], side).slice(0, depth);
      m.clear();
      for (const [p, q] of keep) m.set(p, q);
    }
  }
}
