/**
 * Redis connections of the relay and its consumers, through ioredis (a maintained, pure-JS client
 * with Redis Cluster support built in; no hand-written RESP).
 *
 * `redis://host:port[/db]` (or `rediss://` for TLS) is one Redis; several hosts separated by commas,
 * `redis://h1:7000,h2:7001,h3:7002`, are the seed nodes of a Redis Cluster.
 */
import Redis, { Cluster, RedisOptions } from 'ioredis';
import { AuthenticationError, BadRequest, BaseError, ExchangeNotAvailable } from '../core/errors';
import { safeUrl } from './keys';

export type RedisClient = Redis | Cluster;

/** Reconnect delay: 50 ms doubling to 2 s, forever (the relay and consumers heal themselves). */
function retryDelay(times: number): number {
  return Math.min(2000, 50 * 2 ** Math.min(times - 1, 6));
}

/**
 * A failed Redis command as a typed error naming `who` (relay, relayGroup), the URL with its
 * password masked (`shown`) and the exchange: a refused password (WRONGPASS / NOAUTH) is an
 * AuthenticationError, any other refusal ExchangeNotAvailable; typed errors pass through.
 */
export function redisRefusal(err: unknown, who: string, shown: string, what: string, exchange?: string): BaseError {
  if (err instanceof BaseError) return err;
  const msg = String((err as Error)?.message ?? err);
  if (/^(WRONGPASS|NOAUTH)\b/.test(msg)) return new AuthenticationError(`${who}: Redis at ${shown} refused the credentials: ${msg}`, { exchange, cause: err });
  return new ExchangeNotAvailable(`${who}: Redis at ${shown} refused ${what}: ${msg}`, { exchange, cause: err });
}

/** A new connection to the Redis (or Cluster) at `url`. */
export function connectRedis(url: string, opts: RedisOptions = {}, exchange?: string): RedisClient {
  let u: URL;
  try {
    u = new URL(url.includes(',') ? url.replace(/,.*?(\/|$)/, '$1') : url);
  } catch {
    throw new BadRequest(`relay: '${safeUrl(url)}' is not a redis:// URL`, { exchange });
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new BadRequest(`relay: the Redis URL must start with redis:// or rediss://, got ${u.protocol}//`, { exchange });
  }
  const base: RedisOptions = {
    retryStrategy: retryDelay,
    // a command waits for the link to come back rather than failing after a few retries
    maxRetriesPerRequest: null,
    connectionName: 'exstream',
    ...opts,
  };
  if (u.username) base.username = decodeURIComponent(u.username);
  if (u.password) base.password = decodeURIComponent(u.password);
  if (u.protocol === 'rediss:') base.tls = {};
  const hostPart = url.slice(url.indexOf('//') + 2).split('/')[0].replace(/^.*@/, '');
  const hosts = hostPart.split(',').filter((h) => h !== '');
  if (hosts.length > 1) {
    return new Cluster(
      hosts.map((h) => {
        const [host, port] = h.split(':');
        return { host, port: Number(port || 6379) };
      }),
      { redisOptions: base, clusterRetryStrategy: retryDelay, lazyConnect: base.lazyConnect === true },
    );
  }
  const db = Number(u.pathname.slice(1) || 0);
  return new Redis({ ...base, host: u.hostname, port: Number(u.port || 6379), db });
}
