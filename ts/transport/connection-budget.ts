/**
 * Connection budgets per host: the exchanges' "N new connections per window per IP" limits,
 * enforced for the whole process.
 *
 * An exchange counts handshakes per IP address, whoever makes them: every socket of every client
 * in the process (public, private, trading; first connects and reconnects alike) takes a slot of
 * its host's budget before its handshake. Adapters declare the budgets of their hosts
 * ({@link declareConnectionBudget}); {@link WsConnection} asks {@link connectionGate} for the gate
 * of its URL's host before each handshake.
 *
 * A budget is a sliding window (the last `limit` grants are kept): within ANY interval of
 * `windowMs` at most `limit` handshakes start, which also satisfies a counter that resets at fixed
 * boundaries. A small slack is added to the window, as the exchange sees a handshake a little
 * after we start it.
 *
 * Timers: a gate holds one timer, and only while someone waits; cancelled waiters (a connection
 * closed while waiting) are removed at once and an empty queue clears the timer.
 */

/** A connection-rate limit: at most `limit` handshakes in any `windowMs`. */
export interface ConnectionBudgetRule {
  limit: number;
  windowMs: number;
}

/** Extra margin added to each window (ms): min(1 s, 10% of the window). */
function slackOf(windowMs: number): number {
  return Math.min(1000, Math.ceil(windowMs / 10));
}

/** A sliding window of handshake grants. Shared by the gates of every host it covers. */
export class ConnectionBudget {
  readonly limit: number;
  readonly windowMs: number;
  /** What the budget stands for, for errors and docs ("binance stream.binance.com:9443"). */
  readonly label: string;
  /** The effective window (windowMs plus slack). */
  private readonly spanMs: number;
  /** Grant times, oldest first; never more than `limit` are kept. */
  private readonly grants: number[] = [];

  constructor(rule: ConnectionBudgetRule, label = '') {
    if (!(Number.isInteger(rule.limit) && rule.limit > 0) || !(rule.windowMs > 0)) {
      throw new RangeError(`connection budget: limit must be a positive integer and windowMs positive (${label})`);
    }
    this.limit = rule.limit;
    this.windowMs = rule.windowMs;
    this.label = label;
    this.spanMs = rule.windowMs + slackOf(rule.windowMs);
  }

  private prune(now: number): void {
    const g = this.grants;
    // a clock that went backwards (fake timers in tests, a system clock step) forgets the future
    if (g.length > 0 && g[g.length - 1]! > now) g.length = 0;
    while (g.length > 0 && g[0]! <= now - this.spanMs) g.shift();
  }

  /** Handshakes granted within the last window (ending `now`). */
  used(now = Date.now()): number {
    this.prune(now);
    return this.grants.length;
  }

  /** A slot is free now. */
  free(now: number): boolean {
    this.prune(now);
    return this.grants.length < this.limit;
  }

  /** When the next slot frees (`now` if one is free). */
  nextFreeAt(now: number): number {
    this.prune(now);
    const g = this.grants;
    if (g.length < this.limit) return now;
    return g[g.length - this.limit]! + this.spanMs;
  }

  /** Records a handshake at `now` (call only when free()). */
  take(now: number): void {
    this.grants.push(now);
    if (this.grants.length > this.limit) this.grants.shift();
  }

}

/** A waiting handshake; `cancel()` gives its place up (a connection closed while waiting). */
export interface GateTicket {
  cancel(): void;
}

interface Waiter {
  go: () => void;
  cancelled: boolean;
}

/**
 * The gate of one host: FIFO waiters over every budget that covers the host (usually one). A
 * handshake passes when all of them have a free slot, and takes one of each.
 */
export class HostGate {
  readonly host: string;
  readonly budgets: ConnectionBudget[] = [];
  private readonly waiters: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(host: string) {
    this.host = host;
  }

  /** Handshakes waiting for a slot. */
  get pending(): number {
    return this.waiters.length;
  }

  /** Takes a slot now if every budget has one and nobody waits ahead. */
  tryPass(now = Date.now()): boolean {
    if (this.waiters.length > 0) return false;
    return this.takeAll(now);
  }

  /** Calls `go` once a slot is taken for it, in arrival order. */
  wait(go: () => void): GateTicket {
    const w: Waiter = { go, cancelled: false };
    this.waiters.push(w);
    if (this.waiters.length === 1) this.schedule();
    return {
      cancel: () => {
        if (w.cancelled) return;
        w.cancelled = true;
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        if (this.waiters.length === 0) this.clearTimer();
      },
    };
  }

  private takeAll(now: number): boolean {
    for (const b of this.budgets) if (!b.free(now)) return false;
    for (const b of this.budgets) b.take(now);
    return true;
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.clearTimer();
    if (this.waiters.length === 0) return;
    const now = Date.now();
    let at = now;
    for (const b of this.budgets) at = Math.max(at, b.nextFreeAt(now));
    // at least 1 ms: never a busy loop
    this.timer = setTimeout(() => this.drain(), Math.max(1, at - now));
  }

  private drain(): void {
    this.timer = undefined;
    const now = Date.now();
    while (this.waiters.length > 0 && this.takeAll(now)) {
      const w = this.waiters.shift()!;
      w.cancelled = true;
      try {
        w.go();
      } catch {
        /* a waiter's own failure is its business; the queue goes on */
      }
    }
    this.schedule();
  }
}

/** The host key of a URL ("stream.binance.com:9443", "127.0.0.1:40123"), or undefined. */
export function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

const budgets = new Map<string, ConnectionBudget>();
const gates = new Map<string, HostGate>();
let declarations = 0;

/**
 * Empties the windows of budgets that saw no handshake for a while. Gates themselves are kept: a
 * client declared its budgets when it was created and relies on them for as long as it lives (one
 * small gate per distinct host the process ever used).
 */
function sweep(now: number): void {
  for (const b of budgets.values()) b.used(now);
}

/**
 * Declares that the hosts of `urls` share one connection budget (the exchange counts them
 * together, per IP). Idempotent: the same rule over the same hosts is the same budget, for every
 * client of the process. A host covered by several different budgets must pass all of them.
 */
export function declareConnectionBudget(urls: readonly (string | undefined)[], rule: ConnectionBudgetRule, label = ''): ConnectionBudget | undefined {
  const hosts = [...new Set(urls.map((u) => (u === undefined ? undefined : hostOf(u))).filter((h): h is string => h !== undefined))].sort();
  if (hosts.length === 0) return undefined;
  const now = Date.now();
  if (++declarations % 64 === 0) sweep(now);
  const key = `${rule.limit}/${rule.windowMs}@${hosts.join(',')}`;
  let budget = budgets.get(key);
  if (!budget) budgets.set(key, (budget = new ConnectionBudget(rule, label || hosts.join(', '))));
  for (const h of hosts) {
    let g = gates.get(h);
    if (!g) gates.set(h, (g = new HostGate(h)));
    if (!g.budgets.includes(budget)) g.budgets.push(budget);
  }
  return budget;
}

/** The gate of `url`'s host, or undefined when no budget covers it. */
export function connectionGate(url: string): HostGate | undefined {
  const h = hostOf(url);
  return h === undefined ? undefined : gates.get(h);
}
