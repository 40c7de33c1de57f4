// A client of the playground's own to the learner's Redis (the Inspect view, a run's watcher):
// named in CLIENT LIST, no retries (a lost server is said, not waited for).
import { Redis } from 'ioredis';
import { withTimeout } from '../../util/async.ts';
import type { Endpoint } from '../endpoint.ts';
import { parseRedisUrl } from './redis-url.ts';

const CONNECT_TIMEOUT_MS = 5_000;

export async function openRedis(endpoint: Endpoint, connectionName: string): Promise<Redis> {
  const target = parseRedisUrl(endpoint.url);
  const redis = new Redis({
    host: target.host,
    port: target.port,
    username: target.user,
    password: target.password,
    db: target.db,
    connectionName,
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  await redis.connect();
  return redis;
}

/**
 * A short question on a connection of its own (a hint under an error: the prompt waits for it):
 * answers what `ask` answers, or null when the server cannot be reached or asked within
 * `timeoutMs`. Never throws; the connection is closed, also when it opens after the time is up.
 */
export async function askBriefly<T>(
  endpoint: Endpoint,
  connectionName: string,
  timeoutMs: number,
  ask: (redis: Redis) => Promise<T | null>,
): Promise<T | null> {
  let redis: Redis | null = null;
  let abandoned = false;
  try {
    const opening = openRedis(endpoint, connectionName);
    opening.then(
      (r) => {
        if (abandoned) r.disconnect();
      },
      () => {},
    );
    redis = await withTimeout(opening, timeoutMs);
    return await withTimeout(ask(redis), timeoutMs);
  } catch {
    return null;
  } finally {
    abandoned = true;
    redis?.disconnect();
  }
}

/** The database number the endpoint's URL names. */
export function redisDb(endpoint: Endpoint): number {
  return parseRedisUrl(endpoint.url).db;
}
