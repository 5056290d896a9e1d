/**
 * Bybit's idle cut (docs v5/ws/connect, "Customise Private Connection Alive Time"): "if there is
 * no ping-pong and no stream data sent from server end, the connection will be cut off after 10
 * minutes". On /v5/private and /v5/trade the client may set that time with the URL parameter
 * `max_active_time`, from `30s` to `600s`, also in minutes (`1m`, `2m` ...). Bybit checks every
 * 30 s, so the cut can come up to 30 s late; the simulator checks more often (a cut is never early).
 */
import type { SimSocket } from '../common/ws-server';

/** No ping-pong and no data for this long: the connection is cut (10 minutes). */
export const IDLE_CUT_MS = 600_000;

/**
 * The alive time a private or trade connection asked for with `max_active_time` (ms), or
 * undefined when it gave none, or one outside Bybit's documented 30 s .. 600 s or not in its
 * `<n>s` / `<n>m` form (Bybit documents no refusal: such a value is not applied).
 */
export function maxActiveTimeMs(query: URLSearchParams): number | undefined {
  const raw = query.get('max_active_time');
  const m = raw === null ? null : /^(\d+)(s|m)$/.exec(raw);
  if (!m) return undefined;
  const ms = Number(m[1]) * (m[2] === 's' ? 1000 : 60_000);
  return ms >= 30_000 && ms <= 600_000 ? ms : undefined;
}

/**
 * Cuts every connection that was sent nothing (no data, no pong) for its alive time. Bybit says
 * only that the connection is "cut off": the simulator ends it with a normal close frame.
 */
export function cutIdle(clients: Iterable<SimSocket>, now: number, aliveMs: (c: SimSocket) => number): number {
  let n = 0;
  for (const c of clients) {
    if (c.closed || now - c.lastSentAt < aliveMs(c)) continue;
    c.close(1000, 'idle');
    n++;
  }
  return n;
}
