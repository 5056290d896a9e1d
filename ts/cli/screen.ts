/**
 * Terminal I/O of the live ladder: the alternate screen buffer, frames drawn from the cursor home
 * position over the previous frame (no clearing, so no flicker), raw-mode keys, resize, and a
 * restore that runs however the program ends.
 */
import { visibleLength } from './ansi';

const ALT_SCREEN_ON = '\x1b[?1049h';
const ALT_SCREEN_OFF = '\x1b[?1049l';
const CURSOR_HIDE = '\x1b[?25l';
const CURSOR_SHOW = '\x1b[?25h';
const CURSOR_HOME = '\x1b[H';
const CLEAR_SCREEN = '\x1b[2J';
const ERASE_LINE_END = '\x1b[K';
const ERASE_BELOW = '\x1b[J';
const WRAP_OFF = '\x1b[?7l';
const WRAP_ON = '\x1b[?7h';
/** Synchronized output (terminals that know it paint the frame at once; others ignore it). */
const SYNC_BEGIN = '\x1b[?2026h';
const SYNC_END = '\x1b[?2026l';

/** The bits of a tty.WriteStream the screen uses. */
export interface ScreenOutput {
  write(s: string): boolean;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
  on?(event: 'resize', cb: () => void): unknown;
  off?(event: 'resize', cb: () => void): unknown;
}

/** The bits of a tty.ReadStream the screen uses. */
export interface ScreenInput {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  on(event: 'data', cb: (chunk: Buffer | string) => void): unknown;
  off(event: 'data', cb: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
  setEncoding?(enc: BufferEncoding): unknown;
}

export const DEFAULT_COLUMNS = 80;
export const DEFAULT_ROWS = 24;

/** Terminal size, or 80x24 when the output is not a terminal. */
export function terminalSize(out: ScreenOutput): { columns: number; rows: number } {
  const tty = out.isTTY === true;
  return {
    columns: tty && out.columns && out.columns > 0 ? out.columns : DEFAULT_COLUMNS,
    rows: tty && out.rows && out.rows > 0 ? out.rows : DEFAULT_ROWS,
  };
}

/**
 * Composes a full frame: cursor home, each line followed by erase-to-end-of-line (unless it fills
 * the row: erasing there would eat its last character), then erase below.
 */
export function frameBytes(lines: readonly string[], columns: number): string {
  let s = SYNC_BEGIN + CURSOR_HOME;
  lines.forEach((l, i) => {
    if (i > 0) s += '\r\n';
    s += l;
    if (visibleLength(l) < columns) s += ERASE_LINE_END;
  });
  return s + ERASE_BELOW + SYNC_END;
}

export interface ScreenOptions {
  /** Called for 'q' (and Ctrl-C, which raw mode delivers as a key instead of SIGINT). */
  onQuit?: (key: string) => void;
  /** Called after the terminal was resized. */
  onResize?: () => void;
}

/** The alternate screen, for as long as the ladder runs. */
export class Screen {
  private active = false;
  private rawSet = false;
  private readonly onData = (chunk: Buffer | string): void => {
    const s = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    for (const ch of s) {
      if (ch === 'q' || ch === 'Q' || ch === '\x03' || ch === '\x04') {
        this.opts.onQuit?.(ch);
        return;
      }
    }
  };
  private readonly onResize = (): void => {
    if (!this.active) return;
    // the old frame may now wrap: start from a clean screen once, then keep drawing over it
    this.out.write(CLEAR_SCREEN);
    this.opts.onResize?.();
  };
  /** Restores the terminal even on process.exit() or an uncaught exception. */
  private readonly onExit = (): void => this.leave();

  constructor(
    private readonly out: ScreenOutput,
    private readonly input: ScreenInput | undefined,
    private readonly opts: ScreenOptions = {},
  ) {}

  get size(): { columns: number; rows: number } {
    return terminalSize(this.out);
  }

  get isActive(): boolean {
    return this.active;
  }

  /** Switches to the alternate screen, hides the cursor, and reads keys in raw mode. */
  enter(): void {
    if (this.active) return;
    this.active = true;
    this.out.write(ALT_SCREEN_ON + CURSOR_HIDE + WRAP_OFF + CURSOR_HOME + CLEAR_SCREEN);
    this.out.on?.('resize', this.onResize);
    process.once('exit', this.onExit);
    const input = this.input;
    if (input && input.isTTY && typeof input.setRawMode === 'function') {
      input.setRawMode(true);
      this.rawSet = true;
      input.on('data', this.onData);
      input.resume();
    }
  }

  /** Draws a frame over the previous one. */
  draw(lines: readonly string[]): void {
    if (!this.active) return;
    this.out.write(frameBytes(lines, this.size.columns));
  }

  /** Back to the normal screen, cursor shown, keys cooked; safe to call more than once. */
  leave(): void {
    if (!this.active) return;
    this.active = false;
    process.off('exit', this.onExit);
    this.out.off?.('resize', this.onResize);
    const input = this.input;
    if (input && this.rawSet) {
      input.off('data', this.onData);
      try {
        input.setRawMode?.(false);
      } catch {
        // the terminal is already gone (hangup): nothing to restore
      }
      input.pause();
      this.rawSet = false;
    }
    this.out.write(SGR_RESET + WRAP_ON + CURSOR_SHOW + ALT_SCREEN_OFF);
  }
}

const SGR_RESET = '\x1b[0m';
