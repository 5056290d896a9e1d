/**
 * Command-line parsing for the `exstream` command: no I/O, no process access, so every case is a
 * unit test. Throws UsageError (exit code 2) on anything it cannot make sense of.
 */

/** A command line that cannot be run as written; main prints the message and exits with 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface WatchArgs {
  command: 'watch';
  exchange: string;
  symbol: string;
  /** Run an embedded simulator and watch it instead of the real exchange. */
  sim: boolean;
  /** Levels per side; undefined: as many as the terminal height allows. */
  depth?: number;
  /** Seed of the embedded simulator (with --sim). */
  seed?: number;
  /** Print one frame once the book is synced, then exit. */
  once: boolean;
  /** true: --color, false: --no-color, undefined: decide from the terminal and environment. */
  color?: boolean;
  /** Base URL overrides (a simulator started with `exstream sim`, a testnet). */
  rest?: string;
  ws?: string;
}

export interface SimArgs {
  command: 'sim';
  exchange: string;
  port: number;
  host?: string;
  seed?: number;
  symbols?: string[];
}

export interface RelayArgs {
  command: 'relay';
  exchange: string;
  symbols: string[];
  /** Redis URL (redis://host:port; comma-separated hosts: a Cluster). */
  redis: string;
  channels?: string[];
  rest?: string;
  ws?: string;
  /** WebSocket API (trading) and private-stream base URLs, for --private against another server. */
  wsApi?: string;
  wsPrivate?: string;
  /** Lease time (ms) of the failover between relays. */
  leaseMs?: number;
  /** Book stream entries kept per symbol. */
  maxLen?: number;
  /** A snapshot every this many book entries. */
  snapshotEvery?: number;
  /** Relay id (heartbeat key, lease owner). */
  id?: string;
  /** Also write the account's fills, orders and balance (keys from EXSTREAM_API_KEY / EXSTREAM_SECRET). */
  private: boolean;
  /** Account name of the private streams. */
  account?: string;
}

export type Args = WatchArgs | SimArgs | RelayArgs | { command: 'help'; topic?: 'watch' | 'sim' | 'relay' } | { command: 'version' };

/** Port of `exstream sim` when --port is not given. */
export const DEFAULT_SIM_PORT = 9000;

type OptionKind = 'flag' | 'int' | 'string';

const WATCH_OPTIONS: Record<string, OptionKind> = {
  sim: 'flag',
  once: 'flag',
  color: 'flag',
  'no-color': 'flag',
  depth: 'int',
  seed: 'int',
  rest: 'string',
  ws: 'string',
};

const RELAY_OPTIONS: Record<string, OptionKind> = {
  symbols: 'string',
  redis: 'string',
  channels: 'string',
  rest: 'string',
  ws: 'string',
  'ws-api': 'string',
  'ws-private': 'string',
  'lease-ms': 'int',
  'max-len': 'int',
  'snapshot-every': 'int',
  id: 'string',
  private: 'flag',
  account: 'string',
};

const SIM_OPTIONS: Record<string, OptionKind> = {
  port: 'int',
  seed: 'int',
  symbols: 'string',
  host: 'string',
};

/**
 * Parses the arguments after `node exstream` (pass `process.argv.slice(2)`).
 * `--name value` and `--name=value` are both accepted; options may come before or after the
 * positional arguments.
 */
export function parseArgs(argv: readonly string[]): Args {
  if (argv.length === 0) return { command: 'help' };
  const first = argv[0];
  if (first === '--help' || first === '-h' || first === 'help') {
    const topic = argv[1];
    return topic === 'watch' || topic === 'sim' || topic === 'relay' ? { command: 'help', topic } : { command: 'help' };
  }
  if (first === '--version' || first === '-v' || first === '-V' || first === 'version') return { command: 'version' };
  if (first === 'watch') return parseWatch(argv.slice(1));
  if (first === 'sim') return parseSim(argv.slice(1));
  if (first === 'relay') return parseRelay(argv.slice(1));
  if (first.startsWith('-')) throw new UsageError(`unknown option '${first}'`);
  throw new UsageError(`unknown command '${first}' (commands: watch, sim, relay)`);
}

function parseRelay(rest: readonly string[]): Args {
  const { positional, options, help } = split(rest, RELAY_OPTIONS, 'relay');
  if (help) return { command: 'help', topic: 'relay' };
  if (positional.length !== 1) throw new UsageError('relay needs one exchange, e.g. exstream relay binance --symbols BTC/USDT --redis redis://127.0.0.1:6379');
  if (options.symbols === undefined) throw new UsageError('relay needs --symbols, e.g. --symbols BTC/USDT,ETH/USDT');
  if (options.redis === undefined) throw new UsageError('relay needs --redis, e.g. --redis redis://127.0.0.1:6379');
  const redis = options.redis as string;
  if (!/^rediss?:\/\/[^/]+/.test(redis)) throw new UsageError(`--redis: '${redis}' must be a redis://host:port URL`);
  const out: RelayArgs = { command: 'relay', exchange: positional[0].toLowerCase(), symbols: symbolList('--symbols', options.symbols as string), redis, private: options.private === true };
  if (options.account !== undefined) {
    if (!out.private) throw new UsageError('--account names the private streams: use it with --private');
    out.account = options.account as string;
  }
  if (options.channels !== undefined) {
    const list = (options.channels as string).split(',').map((s) => s.trim()).filter((s) => s !== '');
    for (const c of list) if (!['orderbook', 'ticker', 'trades'].includes(c)) throw new UsageError(`--channels: '${c}' is not one of orderbook, ticker, trades`);
    if (list.length === 0) throw new UsageError('--channels needs a comma-separated list, e.g. orderbook,trades');
    out.channels = list;
  }
  if (options.rest !== undefined) out.rest = checkUrl('--rest', options.rest as string, ['http:', 'https:']);
  if (options.ws !== undefined) out.ws = checkUrl('--ws', options.ws as string, ['ws:', 'wss:']);
  if (options['ws-api'] !== undefined) out.wsApi = checkUrl('--ws-api', options['ws-api'] as string, ['ws:', 'wss:']);
  if (options['ws-private'] !== undefined) out.wsPrivate = checkUrl('--ws-private', options['ws-private'] as string, ['ws:', 'wss:']);
  for (const [opt, key] of [['lease-ms', 'leaseMs'], ['max-len', 'maxLen'], ['snapshot-every', 'snapshotEvery']] as const) {
    const v = options[opt] as number | undefined;
    if (v === undefined) continue;
    if (v < 1) throw new UsageError(`--${opt} must be a positive number, got ${v}`);
    out[key] = v;
  }
  if (options.id !== undefined) out.id = options.id as string;
  return out;
}

function symbolList(option: string, value: string): string[] {
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (list.length === 0) throw new UsageError(`${option} needs a comma-separated list, e.g. BTC/USDT,ETH/USDT`);
  for (const s of list) {
    if (!isUnifiedSymbol(s)) throw new UsageError(`${option}: '${s}' is not a symbol like BTC/USDT (BASE/QUOTE)`);
  }
  return list.map((s) => s.toUpperCase());
}

function parseWatch(rest: readonly string[]): Args {
  const { positional, options, help } = split(rest, WATCH_OPTIONS, 'watch');
  if (help) return { command: 'help', topic: 'watch' };
  if (positional.length < 2) {
    throw new UsageError('watch needs an exchange and a symbol, e.g. exstream watch binance BTC/USDT');
  }
  if (positional.length > 2) throw new UsageError(`watch takes one exchange and one symbol; unexpected '${positional[2]}'`);
  const depth = options.depth as number | undefined;
  if (depth !== undefined && (depth < 1 || depth > 1000)) throw new UsageError(`--depth must be between 1 and 1000, got ${depth}`);
  if (options.color && options['no-color']) throw new UsageError('--color and --no-color contradict each other');
  const out: WatchArgs = {
    command: 'watch',
    exchange: positional[0].toLowerCase(),
    symbol: positional[1],
    sim: options.sim === true,
    once: options.once === true,
  };
  if (depth !== undefined) out.depth = depth;
  if (options.seed !== undefined) out.seed = options.seed as number;
  if (options.color) out.color = true;
  if (options['no-color']) out.color = false;
  if (options.rest !== undefined) out.rest = checkUrl('--rest', options.rest as string, ['http:', 'https:']);
  if (options.ws !== undefined) out.ws = checkUrl('--ws', options.ws as string, ['ws:', 'wss:']);
  if (out.seed !== undefined && !out.sim) throw new UsageError('--seed is the seed of the simulator: use it with --sim');
  if (out.sim && (out.rest !== undefined || out.ws !== undefined)) {
    throw new UsageError('--sim starts its own simulator: drop --rest/--ws, or drop --sim to use those URLs');
  }
  return out;
}

function parseSim(rest: readonly string[]): Args {
  const { positional, options, help } = split(rest, SIM_OPTIONS, 'sim');
  if (help) return { command: 'help', topic: 'sim' };
  if (positional.length < 1) throw new UsageError('sim needs an exchange, e.g. exstream sim binance --port 9000');
  if (positional.length > 1) throw new UsageError(`sim takes one exchange; unexpected '${positional[1]}'`);
  const port = (options.port as number | undefined) ?? DEFAULT_SIM_PORT;
  if (port < 0 || port > 65535) throw new UsageError(`--port must be between 0 and 65535, got ${port}`);
  const out: SimArgs = { command: 'sim', exchange: positional[0].toLowerCase(), port };
  if (options.seed !== undefined) out.seed = options.seed as number;
  if (options.host !== undefined) out.host = options.host as string;
  if (options.symbols !== undefined) {
    const list = (options.symbols as string)
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (list.length === 0) throw new UsageError('--symbols needs a comma-separated list, e.g. BTC/USDT,ETH/USDT');
    for (const s of list) {
      if (!isUnifiedSymbol(s)) throw new UsageError(`--symbols: '${s}' is not a symbol like BTC/USDT (BASE/QUOTE)`);
    }
    out.symbols = list.map((s) => s.toUpperCase());
  }
  return out;
}

/** Splits arguments into positionals and typed options; rejects unknown options. */
function split(
  argv: readonly string[],
  known: Record<string, OptionKind>,
  command: string,
): { positional: string[]; options: Record<string, string | number | boolean>; help: boolean } {
  const positional: string[] = [];
  const options: Record<string, string | number | boolean> = {};
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a === '-h' || a === '--help') {
      help = true;
      continue;
    }
    if (!a.startsWith('--')) {
      if (a.startsWith('-') && a.length > 1) {
        throw new UsageError(`unknown option '${a}' for ${command}`);
      }
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
    const kind = known[name];
    if (kind === undefined) throw new UsageError(`unknown option '--${name}' for ${command}`);
    if (kind === 'flag') {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      options[name] = true;
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = a.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || (value.startsWith('--') && value.length > 2)) {
        throw new UsageError(`--${name} needs a value`);
      }
      i++;
    }
    if (kind === 'int') {
      if (!/^-?\d+$/.test(value)) throw new UsageError(`--${name} needs a whole number, got '${value}'`);
      options[name] = Number(value);
    } else {
      if (value === '') throw new UsageError(`--${name} needs a value`);
      options[name] = value;
    }
  }
  return { positional, options, help };
}

function checkUrl(option: string, value: string, schemes: string[]): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new UsageError(`${option}: '${value}' is not a URL (expected ${schemes[0]}//host[:port])`);
  }
  if (!schemes.includes(u.protocol)) {
    throw new UsageError(`${option}: '${value}' must start with ${schemes.map((s) => s + '//').join(' or ')}`);
  }
  return value.replace(/\/+$/, '');
}

/** True for a unified symbol: BASE/QUOTE, letters and digits. */
export function isUnifiedSymbol(s: string): boolean {
  return /^[A-Za-z0-9]+\/[A-Za-z0-9]+$/.test(s);
}
