/**
 * The order-book ladder of `exstream watch`, as a pure function of a book and display options:
 *
 *   header      exchange, symbol, connection status, updates/s, last update age, resyncs
 *   titles      price / size / total / cumulative depth
 *   asks        farthest (highest) at the top down to the best ask
 *   spread      mid, spread (absolute and bps)
 *   bids        best bid down to the farthest (lowest)
 *   footer      "q or Ctrl-C to quit" and an optional message
 *
 * No line is wider than `width` visible characters; with `height` the frame is exactly `height`
 * lines. Terminal I/O lives in screen.ts.
 */
import { Seg, Style, compose } from './ansi';

/** [price, amount] */
export type LadderLevel = readonly [number, number];

export interface LadderBook {
  /** Best (highest) first. */
  readonly bids: readonly LadderLevel[];
  /** Best (lowest) first. */
  readonly asks: readonly LadderLevel[];
}

export interface LadderOptions {
  /** Columns available; no line is longer. */
  width: number;
  /** Rows available: the frame has exactly this many lines, and `depth` shrinks to fit. */
  height?: number;
  /** Levels per side; default: as many as `height` allows (10 without a height). */
  depth?: number;
  /** ANSI colors (asks red, bids green). Default false. */
  color?: boolean;
  exchange?: string;
  symbol?: string;
  /** Shown next to the exchange, e.g. 'sim'. */
  tag?: string;
  /** Connection status: 'connecting' | 'open' | 'reconnecting' | 'closed' | 'resyncing' | ... */
  status?: string;
  /** Book updates per second. */
  rate?: number;
  /** Milliseconds since the last book update. */
  ageMs?: number;
  /** Resyncs so far. */
  resyncs?: number;
  /** Decimals of prices (e.g. 2 for a 0.01 tick); inferred from the levels when undefined. */
  priceDecimals?: number;
  /** Decimals of sizes and totals; inferred from the levels when undefined. */
  amountDecimals?: number;
  /** Footer text; false: no footer line. Default 'q or Ctrl-C to quit'. */
  footer?: string | false;
  /** Shown in the footer (e.g. the last error), or in place of the book when there is none. */
  message?: string;
}

export const DEFAULT_FOOTER = 'q or Ctrl-C to quit';
/** Levels per side when neither depth nor height is given. */
export const DEFAULT_DEPTH = 10;

/** Block characters for eighths of a cell: PARTIAL[k] is k/8 wide. */
const PARTIAL = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
const FULL = '█';
const GAP = '  ';
const MAX_DECIMALS = 10;

/** Lines besides the levels: header, titles, spread, and the footer when there is one. */
function fixedLines(footer: boolean): number {
  return footer ? 4 : 3;
}

/** Levels per side that fit in `height` rows (at least 1). */
export function depthForHeight(height: number, footer = true): number {
  return Math.max(1, Math.floor((height - fixedLines(footer)) / 2));
}

/** Decimals needed to print `x` exactly (0.01 -> 2, 60000.5 -> 1, 1e-7 -> 7), at most 10. */
export function decimalsOf(x: number): number {
  if (!Number.isFinite(x)) return 0;
  let s = String(Math.abs(x));
  if (s.includes('e')) s = Math.abs(x).toFixed(MAX_DECIMALS).replace(/0+$/, '');
  const dot = s.indexOf('.');
  return dot === -1 ? 0 : Math.min(MAX_DECIMALS, s.length - dot - 1);
}

/** A cumulative-depth bar of `cells` width at most: `value / max` of it, in eighths of a cell. */
export function depthBar(value: number, max: number, cells: number): string {
  if (cells <= 0 || !(max > 0) || !(value > 0)) return '';
  let eighths = Math.round(Math.min(1, value / max) * cells * 8);
  if (eighths === 0) eighths = 1; // something there is never drawn as nothing
  return FULL.repeat(Math.floor(eighths / 8)) + PARTIAL[eighths % 8];
}

/** Compact age: '850 ms', '3.2 s', '4m 05s'. */
export function formatAge(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** Basis points with a sensible number of digits. */
export function formatBps(bps: number): string {
  const a = Math.abs(bps);
  if (a >= 100) return bps.toFixed(0);
  if (a >= 10) return bps.toFixed(1);
  if (a >= 0.1 || a === 0) return bps.toFixed(2);
  return bps.toPrecision(2);
}

function maxDecimals(levels: readonly LadderLevel[], i: 0 | 1): number {
  let d = 0;
  for (const l of levels) d = Math.max(d, decimalsOf(l[i]));
  return d;
}

function statusStyle(status: string): Style {
  if (status === 'open') return 'green';
  if (status === 'closed' || status === 'error') return 'red';
  return 'yellow';
}

interface Row {
  price: string;
  size: string;
  total: string;
  cum: number;
  best: boolean;
}

function rowsOf(levels: readonly LadderLevel[], pd: number, ad: number): Row[] {
  const out: Row[] = [];
  let cum = 0;
  levels.forEach(([price, size], i) => {
    cum += size;
    out.push({ price: price.toFixed(pd), size: size.toFixed(ad), total: cum.toFixed(ad), cum, best: i === 0 });
  });
  return out;
}

/** Renders one frame of the ladder as lines (ANSI-styled when `opts.color`). */
export function renderLadder(book: LadderBook | undefined, opts: LadderOptions): string[] {
  const width = Math.max(1, Math.floor(opts.width));
  const color = opts.color === true;
  const footerText = opts.footer === undefined ? DEFAULT_FOOTER : opts.footer;
  const hasFooter = footerText !== false;
  let depth = Math.max(1, Math.floor(opts.depth ?? (opts.height !== undefined ? depthForHeight(opts.height, hasFooter) : DEFAULT_DEPTH)));
  if (opts.height !== undefined) depth = Math.min(depth, depthForHeight(opts.height, hasFooter));

  const asks = book ? book.asks.slice(0, depth) : [];
  const bids = book ? book.bids.slice(0, depth) : [];
  const pd = opts.priceDecimals ?? Math.max(maxDecimals(asks, 0), maxDecimals(bids, 0));
  const ad = opts.amountDecimals ?? Math.max(maxDecimals(asks, 1), maxDecimals(bids, 1));
  const askRows = rowsOf(asks, pd, ad);
  const bidRows = rowsOf(bids, pd, ad);

  const bestAsk = asks.length ? asks[0][0] : undefined;
  const bestBid = bids.length ? bids[0][0] : undefined;
  const both = bestAsk !== undefined && bestBid !== undefined;
  const mid = both ? ((bestAsk as number) + (bestBid as number)) / 2 : undefined;
  // the mid has one more decimal than the prices (half a tick), printed with its decimal point
  // under theirs; the extra digit reaches into the gap, and is blank when it is 0
  let midText = '';
  let midExtra = '';
  if (mid !== undefined) {
    if (pd >= MAX_DECIMALS) midText = mid.toFixed(pd);
    else {
      const full = mid.toFixed(pd + 1);
      midText = full.slice(0, -1);
      midExtra = full.slice(-1);
      if (pd === 0) {
        midText = midText.slice(0, -1);
        midExtra = '.' + midExtra;
      }
      if (/^\.?0$/.test(midExtra)) midExtra = ' '.repeat(midExtra.length);
    }
  }

  // column widths: wide enough for the titles and every number shown
  const all = askRows.concat(bidRows);
  const pw = Math.max(5, midText.length, ...all.map((r) => r.price.length));
  const sw = Math.max(4, ...all.map((r) => r.size.length));
  const tw = Math.max(5, ...all.map((r) => r.total.length));
  // drop columns from the right when the terminal is narrow: the bar first, then the total
  let showTotal = true;
  // one blank column on each side of the ladder
  let barCells = width - (1 + pw + GAP.length + sw + GAP.length + tw + GAP.length) - 1;
  if (barCells < 4) {
    barCells = 0;
    if (1 + pw + GAP.length + sw + GAP.length + tw > width) showTotal = false;
  }
  const maxCum = Math.max(askRows.length ? askRows[askRows.length - 1].cum : 0, bidRows.length ? bidRows[bidRows.length - 1].cum : 0);

  const lines: string[] = [];
  const line = (segs: Seg[]): void => {
    lines.push(compose(segs, width, color));
  };

  // header: items that do not fit are left out whole, never cut in the middle
  const status = opts.status ?? 'connecting';
  const items: Seg[][] = [];
  const first: Seg[] = [{ text: ' ' }];
  if (opts.exchange) first.push({ text: opts.exchange, style: 'bold' });
  if (opts.tag) first.push({ text: ` (${opts.tag})`, style: 'dim' });
  if (opts.symbol) first.push({ text: opts.exchange || opts.tag ? '  ' : '' }, { text: opts.symbol, style: 'bold' });
  items.push(first);
  items.push([{ text: first.length > 1 ? '   ' : '' }, { text: `● ${status}`, style: statusStyle(status) }]);
  if (opts.rate !== undefined) items.push([{ text: '   ' }, { text: opts.rate.toFixed(1) }, { text: ' upd/s', style: 'dim' }]);
  if (opts.ageMs !== undefined) {
    items.push([{ text: '   ' }, { text: 'last ', style: 'dim' }, { text: formatAge(opts.ageMs) }, { text: ' ago', style: 'dim' }]);
  }
  if (opts.resyncs !== undefined) {
    items.push([{ text: '   ' }, { text: 'resyncs ', style: 'dim' }, { text: String(opts.resyncs), style: opts.resyncs > 0 ? 'yellow' : undefined }]);
  }
  const head: Seg[] = [];
  let headWidth = 0;
  items.forEach((item, i) => {
    const w = item.reduce((n, seg) => n + Array.from(seg.text).length, 0);
    if (i > 0 && headWidth + w > width) return;
    head.push(...item);
    headWidth += w;
  });
  line(head);

  // column titles
  const titles: Seg[] = [{ text: ' ' + 'price'.padStart(pw) + GAP + 'size'.padStart(sw), style: 'dim' }];
  if (showTotal) titles.push({ text: GAP + 'total'.padStart(tw), style: 'dim' });
  if (barCells > 0) titles.push({ text: GAP + (barCells >= 16 ? 'cumulative depth' : 'depth'), style: 'dim' });
  line(titles);

  const levelLine = (r: Row | undefined, side: 'ask' | 'bid'): void => {
    if (!r) {
      lines.push('');
      return;
    }
    const c: Style = side === 'ask' ? 'red' : 'green';
    const segs: Seg[] = [
      { text: ' ' },
      { text: r.price.padStart(pw), style: r.best ? (side === 'ask' ? 'boldRed' : 'boldGreen') : c },
      { text: GAP + r.size.padStart(sw) },
    ];
    if (showTotal) segs.push({ text: GAP + r.total.padStart(tw), style: 'dim' });
    if (barCells > 0) segs.push({ text: GAP }, { text: depthBar(r.cum, maxCum, barCells), style: c });
    line(segs);
  };

  // asks: farthest first, so the best ask sits right above the spread line; blank rows pad the top
  for (let i = depth - 1; i >= 0; i--) levelLine(askRows[i], 'ask');

  // spread line
  if (both) {
    const spread = (bestAsk as number) - (bestBid as number);
    const bps = (spread / (mid as number)) * 10_000;
    const label = ` mid   spread ${spread.toFixed(pd)}  (${formatBps(bps)} bps) `;
    const gapAfter = ' '.repeat(Math.max(1, GAP.length - midExtra.length));
    const used = 1 + pw + midExtra.length + gapAfter.length + label.length;
    line([
      { text: ' ' },
      { text: (midText + midExtra).padStart(pw + midExtra.length), style: 'bold' },
      { text: gapAfter },
      { text: label, style: 'cyan' },
      { text: '─'.repeat(Math.max(0, width - used - 1)), style: 'dim' },
    ]);
  } else {
    const what = !book ? (opts.message ?? 'waiting for the order book…') : asks.length ? 'no bids' : bids.length ? 'no asks' : 'empty book';
    line([{ text: ' ' + ' '.repeat(Math.max(0, pw - 5)) }, { text: what, style: 'yellow' }]);
  }

  for (let i = 0; i < depth; i++) levelLine(bidRows[i], 'bid');

  if (hasFooter) {
    const foot: Seg[] = [{ text: ' ' + footerText, style: 'dim' }];
    if (opts.message && book) foot.push({ text: '   ' }, { text: opts.message, style: 'yellow' });
    if (opts.height !== undefined) while (lines.length < opts.height - 1) lines.push('');
    line(foot);
  } else if (opts.message && book) {
    line([{ text: ' ' + opts.message, style: 'yellow' }]);
  }
  if (opts.height !== undefined) {
    while (lines.length < opts.height) lines.push('');
    if (lines.length > opts.height) lines.splice(opts.height);
  }
  return lines;
}
