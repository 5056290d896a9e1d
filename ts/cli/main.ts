/**
 * Entry point of the `exstream` command (bin/exstream.js): parses the arguments and runs a command.
 *
 *   exstream watch <exchange> <symbol> [--sim] [--depth N] [--seed N] [--once]
 *   exstream sim <exchange> [--port 9000] [--seed N] [--symbols BTC/USDT,ETH/USDT] [--host H]
 *   exstream relay <exchange> --symbols A,B --redis redis://host:port [--rest URL --ws URL] [...]
 *   exstream --help | --version
 */
import { version } from '../index';
import { Args, DEFAULT_SIM_PORT, UsageError, parseArgs } from './args';
import { runRelay } from './relay';
import { runSim } from './sim';
import { CliIo, EXCHANGES, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, SIM_EXCHANGES, runWatch } from './watch';

export function usage(topic?: 'watch' | 'sim' | 'relay'): string {
  const watch = [
    'exstream watch <exchange> <symbol> [options]',
    '  A live order-book ladder in the terminal (q or Ctrl-C to quit).',
    '',
    '  --sim              run against an embedded simulator (no internet needed)',
    '  --depth N          levels per side (default: as many as the terminal height fits)',
    '  --seed N           seed of the simulator (with --sim)',
    '  --once             print one plain frame once the book is synced, then exit',
    '  --rest URL         REST base URL of another server (e.g. one started by exstream sim)',
    '  --ws URL           WebSocket base URL of that server',
    '  --color            force colors (default: on for a terminal, off with NO_COLOR)',
    '  --no-color         no colors',
  ];
  const sim = [
    'exstream sim <exchange> [options]',
    '  Serves an exchange simulator (REST, streams, WebSocket trading) until Ctrl-C.',
    '',
    `  --port N           TCP port (default ${DEFAULT_SIM_PORT}; 0 picks a free one)`,
    '  --host HOST        interface to bind (default 127.0.0.1)',
    '  --seed N           seed of the synthetic order flow (default 1)',
    '  --symbols LIST     comma-separated unified symbols (default BTC/USDT,ETH/USDT,BNB/USDT,ETH/BTC)',
  ];
  const relay = [
    'exstream relay <exchange> --symbols A,B --redis redis://host:port [options]',
    '  Keeps the books, tickers and trades and writes them to Redis Streams for any number of',
    "  consumers: new binance({ relay: 'redis://host:port' }). A second relay on the same feed",
    '  stands by and takes over when the first dies. Ctrl-C to stop.',
    '',
    '  --symbols LIST     comma-separated unified symbols',
    '  --redis URL        redis://host:port (comma-separated hosts: a Redis Cluster)',
    '  --channels LIST    orderbook,ticker,trades (default: all three)',
    '  --rest URL         REST base URL of another server (a simulator, a testnet)',
    '  --ws URL           WebSocket base URL of that server',
    '  --ws-api URL       its WebSocket API (trading) URL, --ws-private URL its private stream URL',
    '  --lease-ms N       failover lease (default 5000): a standby takes over within it',
    '  --max-len N        book stream entries kept per symbol (default 10000)',
    '  --snapshot-every N a snapshot every N book entries (default 1000)',
    '  --id NAME          this relay\'s name (heartbeat key, lease owner)',
    '  --private          also the account\'s fills, orders and balance, for consumer groups',
    '                     (relayGroup); keys from EXSTREAM_API_KEY, EXSTREAM_SECRET [, EXSTREAM_PASSWORD]',
    '  --account NAME     name of those private streams (default: default)',
  ];
  const footer = [
    `Exchanges: ${Object.keys(EXCHANGES).join(', ')} (simulated: ${SIM_EXCHANGES.join(', ')}). Symbols are BASE/QUOTE, e.g. BTC/USDT.`,
    'Exit codes: 0 ok, 1 failure, 2 bad arguments, unknown exchange or symbol.',
  ];
  if (topic === 'watch') return [...watch, '', ...footer, ''].join('\n');
  if (topic === 'sim') return [...sim, '', ...footer, ''].join('\n');
  if (topic === 'relay') return [...relay, '', ...footer, ''].join('\n');
  return [
    `exstream ${version}: order books and more from crypto exchanges`,
    '',
    'Usage:',
    '  exstream watch <exchange> <symbol> [options]   live order-book ladder',
    '  exstream sim <exchange> [options]              serve an exchange simulator',
    '  exstream relay <exchange> --symbols A,B --redis URL   fan books out over Redis Streams',
    '  exstream --help | --version',
    '',
    ...watch,
    '',
    ...sim,
    '',
    ...relay,
    '',
    'Examples:',
    '  exstream watch binance BTC/USDT --sim',
    '  exstream watch binance ETH/USDT --depth 15',
    '  exstream sim binance --port 9000 --symbols BTC/USDT,ETH/USDT',
    '',
    ...footer,
    '',
  ].join('\n');
}

/** The process's own streams. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/** Runs the command line `argv` (without node and the script); resolves with the exit code. */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`exstream: ${err.message}\nRun 'exstream --help' for usage.\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
  switch (args.command) {
    case 'help':
      io.stdout.write(usage(args.topic));
      return EXIT_OK;
    case 'version':
      io.stdout.write(`${version}\n`);
      return EXIT_OK;
    case 'watch':
      return runWatch(args, io);
    case 'sim':
      return runSim(args, io);
    case 'relay':
      return runRelay(args, io);
  }
}

/**
 * Runs `process.argv` and exits with the command's code. Exit waits for stdout to drain; should a
 * stray handle keep the process alive after the command finished, it exits anyway a second later.
 */
export function main(argv: readonly string[] = process.argv): void {
  run(argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      setTimeout(() => process.exit(code), 1000).unref();
    },
    (err: unknown) => {
      process.stderr.write(`exstream: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = EXIT_FAILURE;
      setTimeout(() => process.exit(EXIT_FAILURE), 1000).unref();
    },
  );
}
