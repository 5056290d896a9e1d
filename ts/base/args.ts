/**
 * Argument checks shared by the public methods: a wrong argument is a BadRequest naming the
 * exchange and the method, before anything goes to the network.
 */
import { BadRequest } from '../core/errors';

/** `limit` must be absent or a whole number >= 1. */
export function checkLimit(exchange: string, what: string, limit: unknown): void {
  if (limit === undefined || limit === null) return;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
    throw new BadRequest(`${what}: limit must be a whole number >= 1, got ${JSON.stringify(limit)}`, { exchange });
  }
}

/** `since` must be absent or a finite number of milliseconds >= 0. */
export function checkSince(exchange: string, what: string, since: unknown): void {
  if (since === undefined || since === null) return;
  if (typeof since !== 'number' || !Number.isFinite(since) || since < 0) {
    throw new BadRequest(`${what}: since must be a time in ms >= 0, got ${JSON.stringify(since)}`, { exchange });
  }
}
