// "Start this lesson fresh": clears exactly what the lesson's `reset` lists, and nothing else
// (the learner's other keys, queues and tables stay): memcached keys deleted, Redis keys matching
// each pattern deleted (SCAN MATCH + UNLINK), RabbitMQ queues and exchanges deleted, MySQL tables
// dropped in the learner's database. It answers what was there and is gone now.
import { memcachedCommand } from '../services/memcached/index.ts';
import { errorText } from '../services/supervisor.ts';
import type { BindingsInspector } from './checks/bindings.ts';
import { amqpCode, ServiceClients, type EndpointOf } from './checks/clients.ts';
import { plural } from './checks/compare.ts';
import { memcachedServers } from './checks/memcached.ts';
import { exchangeExists, queueState } from './checks/rabbitmq.ts';
import type { ResetSpec } from './schema.ts';

/** Keys per SCAN round trip: big enough to finish a lesson's keys in one or two. */
const SCAN_COUNT = 500;
const RESOURCE_LOCKED = 405;

export interface ResetResult {
  ok: boolean;
  /** What was removed, in plain words: `memcached key "greeting"`, `2 Redis keys matching "q:*"`. */
  cleared: string[];
  /** What could not be cleared, and why. */
  errors: string[];
}

/** A glob pattern needs SCAN; a plain key is deleted by name. */
const GLOB = /[*?[\\]/;

export async function resetLesson(reset: ResetSpec, options: { endpointOf: EndpointOf; inspector: BindingsInspector }): Promise<ResetResult> {
  const clients = new ServiceClients(options.endpointOf, options.inspector);
  const cleared: string[] = [];
  const errors: string[] = [];
  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      errors.push(`${what}: ${errorText(err)}`);
    }
  };
  try {
    for (const key of reset.memcached ?? []) {
      await attempt(`memcached key "${key}"`, async () => {
        let deleted = false;
        for (const server of memcachedServers(clients)) {
          const reply = await memcachedCommand(server, `delete ${key}`, /^(DELETED|NOT_FOUND|ERROR|CLIENT_ERROR.*|SERVER_ERROR.*)\r\n/m);
          if (/^DELETED/m.test(reply)) deleted = true;
          else if (!/^NOT_FOUND/m.test(reply)) throw new Error(`memcached answered ${reply.trim()}`);
        }
        if (deleted) cleared.push(`memcached key "${key}"`);
      });
    }

    for (const pattern of reset.redis ?? []) {
      await attempt(`Redis keys "${pattern}"`, async () => {
        const redis = await clients.redis();
        if (!GLOB.test(pattern)) {
          if ((await redis.unlink(pattern)) > 0) cleared.push(`Redis key "${pattern}"`);
          return;
        }
        let cursor = '0';
        let count = 0;
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
          if (keys.length > 0) count += await redis.unlink(...keys);
          cursor = next;
        } while (cursor !== '0');
        if (count > 0) cleared.push(`${plural(count, 'Redis key')} matching "${pattern}"`);
      });
    }

    for (const queue of reset.rabbitmq?.queues ?? []) {
      await attempt(`queue "${queue}"`, async () => {
        const state = await queueState(clients, queue);
        if (!state.exists) return;
        try {
          await clients.withChannel((ch) => ch.deleteQueue(queue));
        } catch (err) {
          if (amqpCode(err) === RESOURCE_LOCKED) {
            throw new Error('it is exclusive to another connection (close the program or terminal that declared it)', { cause: err });
          }
          throw err;
        }
        cleared.push(`queue "${queue}"`);
      });
    }

    for (const exchange of reset.rabbitmq?.exchanges ?? []) {
      await attempt(`exchange "${exchange}"`, async () => {
        if (!(await exchangeExists(clients, exchange))) return;
        await clients.withChannel((ch) => ch.deleteExchange(exchange));
        cleared.push(`exchange "${exchange}"`);
      });
    }

    const tables = reset.mysql?.tables ?? [];
    if (tables.length > 0) {
      await attempt('MySQL tables', async () => {
        const mysql = await clients.mysql();
        // The lesson lists its tables in any order; foreign keys between them must not block the drop.
        await mysql.query('SET SESSION foreign_key_checks = 0');
        try {
          for (const table of tables) {
            const [result] = await mysql.query({
              sql: 'SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?',
              values: [table],
            });
            if ((result as unknown[]).length === 0) continue;
            await mysql.query(`DROP TABLE IF EXISTS \`${table}\``);
            cleared.push(`table "${table}"`);
          }
        } finally {
          await mysql.query('SET SESSION foreign_key_checks = 1').catch(() => {});
        }
      });
    }
  } finally {
    await clients.close();
  }
  return { ok: errors.length === 0, cleared, errors };
}
