/**
 * Reconnect delays: capped exponential backoff with "equal jitter".
 *
 * Why jitter: when an exchange drops every client at once (deploy, failover), clients that all
 * retry on the same schedule arrive in synchronized waves. Randomizing part of each delay spreads
 * them out; keeping the other part fixed ("equal jitter") still guarantees a minimum wait, so a
 * client never hammers a server that is refusing connections.
 */

/** Tuning of {@link backoffDelay}. Names match `ExchangeOptions.reconnect` so options pass through. */
export interface BackoffOptions {
  /** Delay before the first retry, before jitter (ms). Default 500. */
  baseDelayMs: number;
  /** Growth per attempt. Default 2. */
  factor: number;
  /** Upper bound of any delay, applied before jitter so no delay exceeds it (ms). Default 30000. */
  maxDelayMs: number;
  /** Randomized fraction of the delay, 0..1 (0: deterministic, 1: anywhere in [0, delay]). Default 0.5. */
  jitter: number;
}

/** The defaults from CONTRACTS.md: base 500 ms, factor 2, cap 30 s, jitter 0.5. */
export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({
  baseDelayMs: 500,
  factor: 2,
  maxDelayMs: 30_000,
  jitter: 0.5,
});

/**
 * Delay (whole ms) before retry number `attempt` (1 = first retry).
 *
 * `delay = min(maxDelayMs, baseDelayMs * factor^(attempt-1))`, then
 * `delay * (1 - jitter) + random() * delay * jitter`, so the result lies in
 * `[delay * (1 - jitter), delay]`.
 *
 * @param attempt retry number, 1-based; values below 1 are treated as 1
 * @param opts    any subset of {@link BackoffOptions}; missing fields take {@link DEFAULT_BACKOFF}
 * @param random  source of [0, 1) numbers; inject a fixed function for deterministic tests
 */
export function backoffDelay(
  attempt: number,
  opts: Partial<BackoffOptions> = {},
  random: () => number = Math.random,
): number {
  const base = opts.baseDelayMs ?? DEFAULT_BACKOFF.baseDelayMs;
  const factor = opts.factor ?? DEFAULT_BACKOFF.factor;
  const cap = opts.maxDelayMs ?? DEFAULT_BACKOFF.maxDelayMs;
  // Clamp jitter so a bad option can never produce a negative delay or one above the cap.
  const jitter = Math.min(1, Math.max(0, opts.jitter ?? DEFAULT_BACKOFF.jitter));
  if (!(base > 0) || !(cap > 0)) return 0;
  const n = Math.max(1, Math.floor(attempt) || 1);
  // factor^(n-1) overflows to Infinity for huge n; min() with the cap absorbs that.
  const delay = Math.min(cap, base * Math.pow(factor, n - 1));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(delay * (1 - jitter) + r * delay * jitter);
}
