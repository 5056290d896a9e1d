/**
 * `exstream watch <exchange> <symbol>`: a live order-book ladder in the terminal.
 *
 * The book callback only keeps a reference to the live book and counts the update; a throttled
 * redraw (at most ~10 a second) takes the top levels of whatever the book is at that moment, so a
 * fast stream never builds a backlog of frames.
 */
import { BadSymbol } from '../core/errors';
import type { Exchange } from '../base/exchange';
import type { ExchangeOptions, Market, OrderBookSnapshot, OrderBookView, StatusEvent, Urls } from '../core/types';
import { exchanges } from '../index';
import { SIM_EXCHANGES, simulate, SimExchange, Simulator } from '../sim';
import type { WatchArgs } from './args';
import { isUnifiedSymbol } from './args';
import { LadderBook, LadderOptions, decimalsOf, depthForHeight, renderLadder } from './ladder';
import { Screen, ScreenInput, ScreenOutput, terminalSize } from './screen';

/** Where the commands read and write (process.std* in the real command, fakes in tests). */
export interface CliIo {
  stdout: ScreenOutput;
  stderr: { write(s: string): boolean };
  stdin?: ScreenInput;
  env: Record<string, string | undefined>;
}

type ExchangeClass = new (options?: ExchangeOptions) => Exchange;

/** Exchanges the command can open, by id. */
export const EXCHANGES = exchanges as unknown as Record<string, ExchangeClass>;
/** Exchanges with an embedded simulator (the sim registry). */
export { SIM_EXCHANGES };

/** Minimum time between two frames. */
export const FRAME_INTERVAL_MS = 100;
/** Redraw at least this often, so the age and rate stay current while the book is quiet. */
const IDLE_REDRAW_MS = 250;
/** How long an error stays in the footer. */
const MESSAGE_MS = 10_000;

/** Exit codes: 0 ok, 1 runtime failure, 2 usage (unknown exchange/symbol, bad arguments). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Updates per second over a sliding window of buckets. */
export class RateMeter {
  private readonly buckets: number[];
  private readonly bucketMs: number;
  private head = -1;
  private started: number | undefined;

  constructor(windowMs = 2000, buckets = 8) {
    this.bucketMs = windowMs / buckets;
    this.buckets = new Array<number>(buckets).fill(0);
  }

  mark(now: number): void {
    this.advance(now);
    this.buckets[this.head % this.buckets.length]++;
  }

  rate(now: number): number {
    this.advance(now);
    if (this.started === undefined) return 0;
    let sum = 0;
    for (const c of this.buckets) sum += c;
    const span = Math.min(this.buckets.length * this.bucketMs, Math.max(this.bucketMs, now - this.started));
    return (sum * 1000) / span;
  }

  private advance(now: number): void {
    if (this.started === undefined) this.started = now;
    const b = Math.floor(now / this.bucketMs);
    if (this.head === -1) this.head = b;
    const n = this.buckets.length;
    if (b - this.head >= n) this.buckets.fill(0);
    else for (let i = this.head + 1; i <= b; i++) this.buckets[i % n] = 0;
    if (b > this.head) this.head = b;
  }
}

/** Colors for the live screen: a terminal, NO_COLOR unset (or empty), TERM not dumb; flags win. */
export function wantColor(flag: boolean | undefined, out: ScreenOutput, env: CliIo['env']): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return out.isTTY === true && env.TERM !== 'dumb';
}

/** Colors for --once: only when forced (--color or FORCE_COLOR). */
export function wantColorOnce(flag: boolean | undefined, env: CliIo['env']): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR) return false;
  const f = env.FORCE_COLOR;
  return f !== undefined && f !== '' && f !== '0' && f !== 'false';
}

/** Finds the market for what the user typed: 'BTC/USDT', 'btc/usdt', or the exchange id 'BTCUSDT'. */
export function resolveSymbol(input: string, markets: Record<string, Market>): Market | undefined {
  const upper = input.toUpperCase();
  if (markets[input]) return markets[input];
  if (markets[upper]) return markets[upper];
  if (!input.includes('/')) {
    for (const m of Object.values(markets)) if (m.id.toUpperCase() === upper) return m;
  }
  return undefined;
}

/** A one-line hint for an unknown symbol: close matches, or the expected format. */
export function symbolHint(input: string, markets: Record<string, Market>): string {
  const upper = input.toUpperCase();
  const [base, quote] = upper.split('/');
  const all = Object.keys(markets).sort();
  const close = all.filter((s) => {
    const [b, q] = s.split('/');
    return (base && b === base) || (quote && q === quote && !base);
  });
  const pick = (close.length ? close : all).slice(0, 6);
  const more = (close.length ? close : all).length > pick.length ? ', …' : '';
  const format = isUnifiedSymbol(input) ? '' : 'symbols are BASE/QUOTE, e.g. BTC/USDT; ';
  return `${format}${close.length ? 'did you mean' : 'available'}: ${pick.join(', ')}${more}`;
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Runs `exstream watch`; resolves with the exit code once the ladder is closed. */
export async function runWatch(args: WatchArgs, io: CliIo): Promise<number> {
  const fail = (code: number, msg: string): number => {
    io.stderr.write(`exstream: ${msg}\n`);
    return code;
  };
  const Ctor = Object.prototype.hasOwnProperty.call(EXCHANGES, args.exchange) ? EXCHANGES[args.exchange] : undefined;
  if (!Ctor) return fail(EXIT_USAGE, `unknown exchange '${args.exchange}' (supported: ${Object.keys(EXCHANGES).join(', ')})`);
  if (args.sim && !SIM_EXCHANGES.includes(args.exchange as SimExchange)) {
    return fail(EXIT_USAGE, `no simulator for '${args.exchange}' yet (simulated: ${SIM_EXCHANGES.join(', ')})`);
  }
  if (!/^[A-Za-z0-9]+(\/[A-Za-z0-9]+)?$/.test(args.symbol)) {
    return fail(EXIT_USAGE, `bad symbol '${args.symbol}': symbols are BASE/QUOTE, e.g. BTC/USDT`);
  }

  let sim: Simulator | undefined;
  let ex: Exchange | undefined;
  try {
    if (args.sim) {
      try {
        sim = await simulate(args.exchange as SimExchange, args.seed !== undefined ? { port: 0, seed: args.seed } : { port: 0 });
      } catch (err) {
        return fail(EXIT_FAILURE, `cannot start the ${args.exchange} simulator: ${errorText(err)}`);
      }
    }
    const urls: Urls = sim ? { ...sim.urls } : {};
    if (args.rest) urls.rest = args.rest;
    if (args.ws) urls.ws = args.ws;
    ex = new Ctor({ ws: true, urls });

    let markets: Record<string, Market>;
    try {
      markets = await ex.loadMarkets();
    } catch (err) {
      return fail(EXIT_FAILURE, `cannot load ${args.exchange} markets from ${ex.urls.rest}: ${errorText(err)}`);
    }
    const market = resolveSymbol(args.symbol, markets);
    if (!market) {
      return fail(EXIT_USAGE, `unknown symbol '${args.symbol}' on ${args.exchange}${sim ? ' (simulator)' : ''}; ${symbolHint(args.symbol, markets)}`);
    }
    const view: Partial<LadderOptions> = {
      exchange: args.exchange,
      symbol: market.symbol,
      tag: sim ? 'sim' : args.ws || args.rest ? new URL((args.ws ?? args.rest) as string).host : undefined,
      priceDecimals: market.precision.price !== undefined ? decimalsOf(market.precision.price) : undefined,
      amountDecimals: market.precision.amount !== undefined ? decimalsOf(market.precision.amount) : undefined,
    };
    return args.once ? await watchOnce(ex, market.symbol, args, io, view) : await watchLive(ex, market.symbol, args, io, view);
  } finally {
    await closeQuietly(ex, sim);
  }
}

async function closeQuietly(ex: Exchange | undefined, sim: Simulator | undefined): Promise<void> {
  try {
    await ex?.close();
  } catch {
    // closing: nothing useful left to report
  }
  try {
    await sim?.close();
  } catch {
    // idem
  }
}

/** --once: the first synced book as one plain frame on stdout. */
async function watchOnce(ex: Exchange, symbol: string, args: WatchArgs, io: CliIo, view: Partial<LadderOptions>): Promise<number> {
  const { columns, rows } = terminalSize(io.stdout);
  const depth = args.depth ?? depthForHeight(rows, false);
  let status: StatusEvent['state'] = 'connecting';
  const offs: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    const book = await new Promise<OrderBookSnapshot>((resolve, reject) => {
      offs.push(ex.on('status', (s) => (status = s.state)));
      offs.push(
        ex.on('error', (err) => {
          if (err instanceof BadSymbol) reject(err);
        }),
      );
      offs.push(ex.on('orderbook', symbol, (b: OrderBookView) => resolve(b.limit(depth))));
      timer = setTimeout(() => reject(new Error(`order book not synced within ${ex.timeoutMs} ms`)), ex.timeoutMs);
    });
    const lines = renderLadder(book, {
      ...view,
      width: columns,
      depth,
      color: wantColorOnce(args.color, io.env),
      status,
      footer: false,
    });
    io.stdout.write(lines.join('\n') + '\n');
    return EXIT_OK;
  } catch (err) {
    io.stderr.write(`exstream: ${errorText(err)}\n`);
    return err instanceof BadSymbol ? EXIT_USAGE : EXIT_FAILURE;
  } finally {
    if (timer) clearTimeout(timer);
    for (const off of offs) off();
  }
}

/** The live ladder on the alternate screen, until 'q', Ctrl-C, a signal, or a fatal error. */
async function watchLive(ex: Exchange, symbol: string, args: WatchArgs, io: CliIo, view: Partial<LadderOptions>): Promise<number> {
  const color = wantColor(args.color, io.stdout, io.env);
  if (io.stdout.isTTY !== true) {
    io.stderr.write('exstream: stdout is not a terminal; drawing an 80x24 screen (use --once for a single plain frame)\n');
  }
  let quit!: (code: number, message?: string) => void;
  const done = new Promise<{ code: number; message?: string }>((resolve) => {
    quit = (code, message) => resolve({ code, message });
  });
  const screen = new Screen(io.stdout, io.stdin, {
    onQuit: () => quit(EXIT_OK),
    onResize: () => draw(),
  });

  let live: OrderBookView | undefined;
  let shown: OrderBookSnapshot | undefined;
  let state: StatusEvent['state'] = 'connecting';
  let resyncing = false;
  let resyncs = 0;
  let lastUpdate: number | undefined;
  let message: { text: string; at: number } | undefined;
  const meter = new RateMeter();
  let lastDraw = 0;
  let timer: NodeJS.Timeout | undefined;

  function draw(): void {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    const now = Date.now();
    lastDraw = now;
    const { columns, rows } = screen.size;
    const depth = Math.min(args.depth ?? Infinity, depthForHeight(rows));
    // while a book is being rebuilt, keep showing the last good frame (marked 'resyncing')
    if (live && !resyncing) shown = live.limit(depth);
    if (message && now - message.at > MESSAGE_MS) message = undefined;
    const status = resyncing ? 'resyncing' : state === 'open' && !live ? 'syncing' : state;
    const book: LadderBook | undefined = shown;
    screen.draw(
      renderLadder(book, {
        ...view,
        width: columns,
        height: rows,
        depth,
        color,
        status,
        rate: meter.rate(now),
        ageMs: lastUpdate !== undefined ? now - lastUpdate : undefined,
        resyncs,
        message: message?.text,
      }),
    );
  }

  /** Draws now if the last frame is old enough, else once the interval is up; never queues more. */
  function schedule(): void {
    if (timer) return;
    const wait = Math.max(0, lastDraw + FRAME_INTERVAL_MS - Date.now());
    timer = setTimeout(draw, wait);
  }

  const offs: (() => void)[] = [];
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const onSignal = (): void => quit(EXIT_OK);
  const onCrash = (err: unknown): void => quit(EXIT_FAILURE, `unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  let idle: NodeJS.Timeout | undefined;
  try {
    for (const s of signals) process.on(s, onSignal);
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    screen.enter();
    offs.push(
      ex.on('status', (s) => {
        state = s.state;
        if (s.state === 'reconnecting' && s.error) message = { text: `reconnecting: ${s.error.message}`, at: Date.now() };
        schedule();
      }),
    );
    offs.push(
      ex.on('resync', (e) => {
        if (e.symbol !== symbol) return;
        resyncs++;
        resyncing = true;
        message = { text: `resync (${e.reason}${e.detail ? ': ' + e.detail : ''})`, at: Date.now() };
        schedule();
      }),
    );
    offs.push(
      ex.on('error', (err) => {
        if (err instanceof BadSymbol) quit(EXIT_USAGE, err.message);
        else {
          message = { text: `${err.name}: ${err.message}`, at: Date.now() };
          schedule();
        }
      }),
    );
    offs.push(
      ex.on('orderbook', symbol, (b: OrderBookView) => {
        live = b;
        resyncing = false;
        const now = Date.now();
        lastUpdate = now;
        meter.mark(now);
        schedule();
      }),
    );
    idle = setInterval(schedule, IDLE_REDRAW_MS);
    draw();
    const { code, message: why } = await done;
    screen.leave();
    if (why) io.stderr.write(`exstream: ${why}\n`);
    return code;
  } finally {
    if (idle) clearInterval(idle);
    if (timer) clearTimeout(timer);
    for (const off of offs) off();
    screen.leave();
    for (const s of signals) process.off(s, onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  }
}
