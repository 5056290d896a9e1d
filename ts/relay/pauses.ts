/**
 * Retry pauses that `close()` cuts short. A reader that hit an error waits before trying again; a
 * plain `setTimeout` there kept a closed relay consumer's process alive for up to that pause (and
 * resumed a loop that had nothing left to do). `cancel()` clears every pending pause and resolves
 * it at once; the loops check their own closed flag right after.
 */
export class Pauses {
  private readonly pending = new Set<{ timer: ReturnType<typeof setTimeout>; done: () => void }>();

  /** Resolves after `ms`, or at once when `cancel()` runs first. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const p = {
        timer: setTimeout(() => {
          this.pending.delete(p);
          resolve();
        }, ms),
        done: resolve,
      };
      this.pending.add(p);
    });
  }

  /** Ends every pending pause now. */
  cancel(): void {
    for (const p of this.pending) {
      clearTimeout(p.timer);
      p.done();
    }
    this.pending.clear();
  }

  /** Pauses waiting now (for tests and diagnostics). */
  get size(): number {
    return this.pending.size;
  }
}
