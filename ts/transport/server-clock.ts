/**
 * The exchange's clock as seen from here: signed requests carry the exchange's time, not ours, so
 * a local clock that is off by more than the exchange's window (Binance: recvWindow, 1 s ahead at
 * most) does not get every request refused.
 *
 * The offset is measured once, before the first signed request, from one server-time request
 * (offset = serverTime - midpoint of the round trip), and again whenever the exchange says a
 * timestamp was out of its window. Exchange-agnostic: the adapter supplies the server-time call.
 */
export class ServerClock {
  /** serverTime - local time (ms), as last measured. */
  offsetMs = 0;
  /** Local time of the last measurement, or undefined before the first. */
  syncedAt: number | undefined;
  private inflight: Promise<void> | undefined;
  private readonly fetchServerTime: () => Promise<number>;
  private readonly localNow: () => number;

  constructor(fetchServerTime: () => Promise<number>, localNow: () => number = Date.now) {
    this.fetchServerTime = fetchServerTime;
    this.localNow = localNow;
  }

  /** The exchange's time now (ms), by the last measured offset. */
  now(): number {
    return Math.round(this.localNow() + this.offsetMs);
  }

  /** Measures the offset once (later calls resolve at once); concurrent callers share one request. */
  ensure(): Promise<void> {
    if (this.syncedAt !== undefined) return Promise.resolve();
    return this.sync();
  }

  /** Measures the offset again (one request, shared by concurrent callers). */
  sync(): Promise<void> {
    if (this.inflight) return this.inflight;
    const t0 = this.localNow();
    this.inflight = this.fetchServerTime().then(
      (serverTime) => {
        const t1 = this.localNow();
        this.offsetMs = serverTime - (t0 + t1) / 2;
        this.syncedAt = t1;
        this.inflight = undefined;
      },
      (err: unknown) => {
        this.inflight = undefined;
        throw err;
      },
    );
    return this.inflight;
  }
}
