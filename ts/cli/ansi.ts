/**
 * ANSI styling for the CLI: styled segments composed into one line that never exceeds a visible
 * width, with colors only when asked for. Pure functions.
 */

export type Style = 'red' | 'green' | 'yellow' | 'cyan' | 'dim' | 'bold' | 'boldRed' | 'boldGreen' | 'inverse';

const SGR: Record<Style, string> = {
  red: '\x1b[31m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  cyan: '\x1b[36m',
  dim: '\x1b[2m',
  bold: '\x1b[1m',
  boldRed: '\x1b[1;31m',
  boldGreen: '\x1b[1;32m',
  inverse: '\x1b[7m',
};
const RESET = '\x1b[0m';

/** A piece of text with an optional style. */
export interface Seg {
  text: string;
  style?: Style;
}

/** Removes ANSI escape sequences (CSI and OSC). */
export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*(\x07|\x1b\\)/g, '');
}

/** Width of a line on screen: every code point counts 1 (the CLI only prints single-width characters). */
export function visibleLength(s: string): number {
  let n = 0;
  for (const _ of stripAnsi(s)) n++;
  return n;
}

/** Cuts `s` to at most `width` code points. */
export function cut(s: string, width: number): string {
  if (width <= 0) return '';
  const chars = Array.from(s);
  return chars.length <= width ? s : chars.slice(0, width).join('');
}

/** Joins segments into one line of at most `width` visible characters; styles only when `color`. */
export function compose(segs: readonly Seg[], width: number, color: boolean): string {
  let out = '';
  let left = width;
  for (const seg of segs) {
    if (left <= 0) break;
    const text = cut(seg.text, left);
    left -= Array.from(text).length;
    if (text === '') continue;
    out += color && seg.style ? SGR[seg.style] + text + RESET : text;
  }
  return out;
}
