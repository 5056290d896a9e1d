/**
 * One reader per process for each (Redis URL, stream key): however many consumer instances
 * (`new binance({ relay })`) follow a stream in this process, one connection blocks on XREAD for
 * it, each entry is read and decoded once, and the decoded entry (read-only, shared) is handed to
 * every follower in turn. Each follower keeps its own position, book and sequence check; one that
 * joins behind the shared reader (its snapshot is older than the last entry handed out) reads the
 * entries in between itself (XRANGE) and then takes the shared ones. The reader stops and its
 * connection closes when the last follower leaves.
 *
 * Why: with a reader per consumer instance, 100 instances in one process meant 100 XREAD replies
 * parsed and 100 JSON.parse per entry, and the lag from the relay to the last callback grew with
 * them (issue #16: p50 about 5 ms with 100 consumers, the target is under 1 ms).
 */
import { Pauses } from './pauses';
import { BaseError } from '../core/errors';
import { parseId } from './keys';
import { RedisClient, connectRedis } from './redis';

/** Entries read per XREAD. */
export const BATCH = 1000;

export type Fields = string[];
type XReadReply = [string, [string, Fields][]][] | null;

/** What `p` decodes to when it is there but is not JSON. */
export const UNREADABLE: unique symbol = Symbol('unreadable');

/** One stream entry, decoded once and shared by every follower: never modify it. */
export interface StreamEntry {
  readonly id: string;
  /** The writer's epoch and seq (`<epoch>-<seq>`). */
  readonly e: number;
  readonly s: number;
  /** Field `t`: the entry's type. */
  readonly t: string | undefined;
  /** Field `p` parsed as JSON; undefined when absent, UNREADABLE when not JSON. */
  readonly p: unknown;
  /** The raw fields (for reports). */
  readonly fields: readonly string[];
}

function field(fields: Fields, name: string): string | undefined {
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/** Decodes one entry as read from Redis. */
export function decodeEntry(id: string, fields: Fields): StreamEntry {
  const [e, s] = parseId(id);
  const raw = field(fields, 'p');
  let p: unknown;
  if (raw !== undefined) {
    try {
      p = JSON.parse(raw);
    } catch {
      p = UNREADABLE;
    }
  }
  return { id, e, s, t: field(fields, 't'), p, fields };
}

/** -1, 0, 1 as stream id `a` is below, equal to or above `b`. */
export function compareIds(a: string, b: string): number {
  const [ae, as] = parseId(a);
  const [be, bs] = parseId(b);
  return ae !== be ? (ae < be ? -1 : 1) : as === bs ? 0 : as < bs ? -1 : 1;
}

/** A consumer of a shared stream. */
export interface Follower {
  /** The stream was quiet for this follower's quiet time. */
  readonly quietMs: number;
  /** New entries, in order (every follower gets the same objects). */
  deliver(entries: readonly StreamEntry[]): void;
  /** Nothing came for the shortest quiet time of the followers. */
  quiet(): void;
  /** A read was refused (not a dropped link: commands wait for it). */
  failed(err: Error): void;
}

const shared = new Map<string, SharedStream>();

/** The shared reader of `key` at `url`, started from `cursor` if it is new; `follower` is added. */
export function follow(url: string, key: string, cursor: string, follower: Follower, exchange?: string): SharedStream {
  const k = `${url}\n${key}`;
  let s = shared.get(k);
  if (!s) {
    s = new SharedStream(url, key, cursor, exchange, () => shared.delete(k));
    shared.set(k, s);
  }
  s.add(follower);
  return s;
}

/** The shared reader of `key` at `url` in this process, if one runs (tests). */
export function sharedStream(url: string, key: string): SharedStream | undefined {
  return shared.get(`${url}\n${key}`);
}

/** Shared readers running in this process (tests). */
export function sharedReaders(): number {
  return shared.size;
}

export class SharedStream {
  /** Retry pauses after a failed read (the last follower out ends them). */
  private readonly pauses = new Pauses();
  private readonly conn: RedisClient;
  private readonly followers = new Set<Follower>();
  private stopped = false;
  private running = false;
  /** Entries read so far (tests, bench). */
  reads = 0;

  constructor(
    readonly url: string,
    readonly key: string,
    /** The id of the last entry handed out (or the first follower's start). */
    private cursor: string,
    private readonly exchange: string | undefined,
    private readonly onStop: () => void,
  ) {
    this.conn = connectRedis(url, {}, exchange);
    this.conn.on('error', () => {
      // the link heals itself; each consumer's own connection reports its state on 'status'
    });
  }

  /** The last entry handed to followers: one that joins below it reads up to it itself. */
  get position(): string {
    return this.cursor;
  }

  add(f: Follower): void {
    this.followers.add(f);
    if (!this.running) {
      this.running = true;
      this.loop().catch(() => undefined);
    }
  }

  /** Takes a follower off; the last one out stops the reader and closes its connection. */
  remove(f: Follower): void {
    this.followers.delete(f);
    if (this.followers.size === 0 && !this.stopped) {
      this.stopped = true;
      this.pauses.cancel();
      this.onStop();
      this.conn.disconnect();
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let block = Infinity;
      for (const f of this.followers) block = Math.min(block, f.quietMs);
      try {
        const reply = (await this.conn.xread('COUNT', BATCH, 'BLOCK', Math.max(1, Math.round(block)), 'STREAMS', this.key, this.cursor)) as XReadReply;
        if (this.stopped) return;
        if (!reply) {
          for (const f of [...this.followers]) f.quiet();
          continue;
        }
        const rows = reply[0][1];
        const entries = new Array<StreamEntry>(rows.length);
        for (let i = 0; i < rows.length; i++) entries[i] = decodeEntry(rows[i][0], rows[i][1]);
        this.reads += entries.length;
        this.cursor = entries[entries.length - 1].id;
        for (const f of [...this.followers]) {
          try {
            f.deliver(entries);
          } catch (err) {
            f.failed(err as Error);
          }
        }
      } catch (err) {
        if (this.stopped) return;
        const e = new BaseError(`relay read failed: ${(err as Error).message}`, { exchange: this.exchange });
        for (const f of [...this.followers]) f.failed(e);
        await this.pauses.wait(500);
      }
    }
  }
}
