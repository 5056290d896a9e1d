/**
 * `exstream sim <exchange>`: serves an embedded exchange simulator until Ctrl-C, and prints how
 * to point a client (or `exstream watch`) at it.
 */
import { defaultSymbols, simulate, SimExchange, SimulateOptions, Simulator } from '../sim';
import type { SimArgs } from './args';
import { CliIo, EXCHANGES, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, SIM_EXCHANGES } from './watch';


/** The text printed once the simulator listens. */
/** A single-quoted JavaScript string literal of `s` (newlines and quotes escaped). */
function jsString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

export function simBanner(args: SimArgs, sim: { urls: Record<string, string>; port: number; apiKey?: string; secret?: string; password?: string }): string {
  const urls = sim.urls;
  const symbols = args.symbols ?? defaultSymbols(args.exchange as SimExchange);
  const name = args.exchange;
  const urlList = Object.entries(urls).map(([k, v]) => `${k}: '${v}'`).join(', ');
  const creds = sim.apiKey !== undefined && sim.secret !== undefined;
  return [
    `exstream sim: ${name} simulator listening on port ${sim.port} (seed ${args.seed ?? 1})`,
    '',
    `  symbols  ${symbols.join(', ')}`,
    ...Object.entries(urls).map(([k, v]) => `  ${k.padEnd(8)} ${v}`),
    ...(creds ? [`  apiKey   ${sim.apiKey}`, `  secret   ${sim.secret}`] : []),
    ...(creds && sim.password !== undefined ? [`  password ${sim.password}`] : []),
    '',
    'Point a client at it:',
    '',
    `  const { ${name} } = require('exstream');`,
    `  const ex = new ${name}({`,
    `    ws: true,`,
    `    urls: { ${urlList} },`,
    // quoted as JavaScript strings: a PEM secret (Coinbase) spans lines
    ...(creds ? [`    apiKey: ${jsString(sim.apiKey as string)},`, `    secret: ${jsString(sim.secret as string)},`] : []),
    ...(creds && sim.password !== undefined ? [`    password: '${sim.password}',`] : []),
    `  });`,
    '',
    'or watch a book from another terminal:',
    '',
    `  exstream watch ${name} ${symbols[0]} --rest ${urls.rest} --ws ${urls.ws}`,
    '',
    'Ctrl-C to stop.',
    '',
  ].join('\n');
}

/**
 * Runs `exstream sim`; resolves with the exit code after `stop` resolves (default: SIGINT,
 * SIGTERM or SIGHUP) and the simulator is closed.
 */
export async function runSim(args: SimArgs, io: CliIo, stop?: Promise<unknown>): Promise<number> {
  if (!Object.prototype.hasOwnProperty.call(EXCHANGES, args.exchange)) {
    io.stderr.write(`exstream: unknown exchange '${args.exchange}' (supported: ${Object.keys(EXCHANGES).join(', ')})\n`);
    return EXIT_USAGE;
  }
  if (!SIM_EXCHANGES.includes(args.exchange as SimExchange)) {
    io.stderr.write(`exstream: no simulator for '${args.exchange}' yet (simulated: ${SIM_EXCHANGES.join(', ')})\n`);
    return EXIT_USAGE;
  }
  const opts: SimulateOptions = { port: args.port };
  if (args.host !== undefined) opts.host = args.host;
  if (args.seed !== undefined) opts.seed = args.seed;
  if (args.symbols !== undefined) opts.symbols = args.symbols;

  let sim: Simulator;
  try {
    sim = await simulate(args.exchange as SimExchange, opts);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e && e.code === 'EADDRINUSE') {
      io.stderr.write(`exstream: port ${args.port} is in use; pick another with --port (0 picks a free one)\n`);
    } else if (e && (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND')) {
      io.stderr.write(`exstream: cannot listen on host '${args.host}': ${e.message}\n`);
    } else {
      io.stderr.write(`exstream: cannot start the ${args.exchange} simulator: ${e instanceof Error ? e.message : String(e)}\n`);
    }
    return EXIT_FAILURE;
  }
  io.stdout.write(simBanner(args, sim));

  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  let onSignal: (() => void) | undefined;
  const bySignal = new Promise<void>((resolve) => {
    onSignal = () => resolve();
    for (const s of signals) process.once(s, onSignal);
  });
  try {
    await (stop ? Promise.race([stop, bySignal]) : bySignal);
  } finally {
    for (const s of signals) if (onSignal) process.off(s, onSignal);
  }
  // a second Ctrl-C while closing leaves at once
  const force = (): void => process.exit(130);
  process.once('SIGINT', force);
  try {
    io.stderr.write('exstream: closing the simulator…\n');
    await sim.close();
    return EXIT_OK;
  } catch (err) {
    io.stderr.write(`exstream: closing the simulator failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_FAILURE;
  } finally {
    process.off('SIGINT', force);
  }
}
