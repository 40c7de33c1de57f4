// A client of the playground's own to the learner's Redis (the Inspect view, a run's watcher):
// named in CLIENT LIST, no retries (a lost server is said, not waited for).
import { Redis } from 'ioredis';
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

/** The database number the endpoint's URL names. */
export function redisDb(endpoint: Endpoint): number {
  return parseRedisUrl(endpoint.url).db;
}
