/**
 * `exstream relay <exchange> --symbols A,B --redis redis://host:port`: keeps the exchange's books,
 * tickers and trades with exstream's own client and writes them to Redis Streams for any number of
 * consumers (`new binance({ relay: 'redis://...' })`). Runs until Ctrl-C (or SIGTERM), handing its
 * leases back so a standby relay takes over at once.
 *
 * Output: one line when it starts, one per event (lease won or lost, a write that failed, the
 * Redis link back), and a status line like `watch`'s: rewritten in place on a terminal, a plain
 * line every 5 s otherwise.
 */
import type { Exchange } from '../base/exchange';
import type { StatusEvent } from '../core/types';
import { Relay, upstreamOptions } from '../relay/relay';
import { safeUrl, RelayChannel } from '../relay/keys';
import type { RelayArgs } from './args';
import { CliIo, EXCHANGES, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, RateMeter } from './watch';

/** How often the status line is redrawn on a terminal / printed otherwise (ms). */
const TTY_STATUS_MS = 1000;
const PLAIN_STATUS_MS = 5000;

/** Runs `exstream relay`; resolves with the exit code after `stop` (default: SIGINT/SIGTERM/SIGHUP). */
export async function runRelay(args: RelayArgs, io: CliIo, stop?: Promise<unknown>): Promise<number> {
  const Ctor = Object.prototype.hasOwnProperty.call(EXCHANGES, args.exchange) ? EXCHANGES[args.exchange] : undefined;
  if (!Ctor) {
    io.stderr.write(`exstream: unknown exchange '${args.exchange}' (supported: ${Object.keys(EXCHANGES).join(', ')})\n`);
    return EXIT_USAGE;
  }
  const opts = upstreamOptions({ rest: args.rest, ws: args.ws, wsApi: args.wsApi, wsPrivate: args.wsPrivate });
  if (args.private) {
    // keys from the environment, never from the command line (visible to every user in `ps`)
    const env = io.env;
    if (!env.EXSTREAM_API_KEY || !env.EXSTREAM_SECRET) {
      io.stderr.write('exstream: --private needs the account keys in EXSTREAM_API_KEY and EXSTREAM_SECRET (and EXSTREAM_PASSWORD where the exchange has one)\n');
      return EXIT_USAGE;
    }
    Object.assign(opts, { apiKey: env.EXSTREAM_API_KEY, secret: env.EXSTREAM_SECRET, ...(env.EXSTREAM_PASSWORD ? { password: env.EXSTREAM_PASSWORD } : {}) });
  }
  const ex: Exchange = new Ctor(opts);
  let upstream: StatusEvent['state'] = 'connecting';
  ex.on('status', (s: StatusEvent) => (upstream = s.state));
  ex.on('error', (err: Error) => io.stderr.write(`exstream relay: ${err.message}\n`));
  let relay: Relay;
  try {
    relay = new Relay(ex, {
      redis: args.redis,
      symbols: args.symbols,
      channels: args.channels as RelayChannel[] | undefined,
      leaseMs: args.leaseMs,
      maxLen: args.maxLen,
      snapshotEvery: args.snapshotEvery,
      id: args.id,
      private: args.private ? { account: args.account } : false,
    });
  } catch (err) {
    await ex.close();
    io.stderr.write(`exstream: ${(err as Error).message}\n`);
    return EXIT_USAGE;
  }
  const tty = io.stdout.isTTY === true;
  const log = (line: string): void => {
    io.stdout.write(`${tty ? '\r\x1b[K' : ''}${new Date().toISOString().slice(11, 23)} ${line}\n`);
  };
  relay.onLog = log;
  // from here on a signal stops the relay cleanly, also while it still waits for Redis or upstream
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  let onSignal: (() => void) | undefined;
  let signalled = false;
  const bySignal = new Promise<void>((resolve) => {
    onSignal = () => {
      signalled = true;
      resolve();
    };
    for (const s of signals) process.once(s, onSignal);
  });
  const unlisten = (): void => {
    for (const s of signals) if (onSignal) process.off(s, onSignal);
  };
  try {
    await Promise.race([relay.start(), bySignal]);
  } catch (err) {
    unlisten();
    await relay.stop().catch(() => undefined);
    await ex.close().catch(() => undefined);
    const e = err as Error;
    io.stderr.write(`exstream: relay could not start: ${e.message}\n`);
    return e.name === 'BadSymbol' ? EXIT_USAGE : EXIT_FAILURE;
  }
  if (!signalled) log(`exstream relay ${relay.id}: ${args.exchange} ${args.symbols.join(',')} -> ${safeUrl(args.redis)}`);

  const rate = new RateMeter();
  let seen = 0;
  const status = (): string => {
    const now = Date.now();
    for (; seen < relay.stats.updates; seen++) rate.mark(now);
    const active = relay.activeSymbols.length;
    return `${args.exchange} · ${active}/${args.symbols.length} symbols written (${active ? 'active' : 'standby'}) · ${Math.round(rate.rate(now))} updates/s · ${relay.stats.entries} entries · upstream ${upstream} · redis ${relay.redisState}`;
  };
  const timer = setInterval(
    () => {
      if (tty) io.stdout.write(`\r\x1b[K${status()}`);
      else log(status());
    },
    tty ? TTY_STATUS_MS : PLAIN_STATUS_MS,
  );

  try {
    await (stop ? Promise.race([stop, bySignal]) : bySignal);
  } finally {
    unlisten();
    clearInterval(timer);
  }
  try {
    log('stopping: handing the leases back');
    await relay.stop();
    await ex.close();
    return EXIT_OK;
  } catch (err) {
    io.stderr.write(`exstream: closing the relay failed: ${(err as Error).message}\n`);
    return EXIT_FAILURE;
  }
}
