// A workspace manager of its own for one test file, on the shared broker and MariaDB of the test
// stack, with its own data directory and SQLite store; and the client libraries' connections a
// learner would open with a workspace's endpoints.
import amqp, { type ChannelModel } from 'amqplib';
import { Redis } from 'ioredis';
import { createConnection, type Connection } from 'mysql2/promise';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseMysqlUrl } from '../../services/mysql/mysql-url.ts';
import type { Endpoint } from '../../services/endpoint.ts';
import { freshTestDataDir } from '../../stack.ts';
import { openClassroomStore } from '../../classroom/store/index.ts';
import type { ClassroomStore } from '../../classroom/store/types.ts';
import { WorkspaceManager } from '../../classroom/workspaces/manager.ts';
import type { WorkspaceManagerOptions } from '../../classroom/workspaces/types.ts';
import { testSharedAdmin } from './shared-admin-context.ts';

export interface TestManager {
  manager: WorkspaceManager;
  store: ClassroomStore;
  dataDir: string;
  /** Destroys what the test left, closes the manager and the store, removes the directory. */
  cleanup(): Promise<void>;
}

/**
 * A directory of its own under the worker's `.playground/test-<pid>/`: if the run dies, the next
 * run's sweep (server/testing/stack.ts) stops the instances it left.
 */
export async function testDataDir(): Promise<string> {
  const base = await freshTestDataDir();
  await fs.mkdir(base, { recursive: true });
  return fs.mkdtemp(path.join(base, 'workspaces-'));
}

export async function testManager(
  options: Partial<Omit<WorkspaceManagerOptions, 'admin' | 'store'>> = {},
): Promise<TestManager> {
  const dataDir = options.dataDir ?? (await testDataDir());
  const store = await openClassroomStore({ dataDir });
  const manager = new WorkspaceManager({ admin: testSharedAdmin(), store, prewarm: 0, ...options, dataDir });
  await manager.start();
  return {
    manager,
    store,
    dataDir,
    async cleanup() {
      for (const w of await store.workspaces()) await manager.destroy(w.id).catch(() => {});
      await manager.close();
      await store.close();
      await fs.rm(dataDir, { recursive: true, force: true });
      // The worker's directory too, once no other test's is left in it.
      await fs.rmdir(path.dirname(dataDir)).catch(() => {});
    },
  };
}

export function redisClient(endpoint: Endpoint): Redis {
  // No retries and no offline queue: a refused or dropped connection shows at once.
  const client = new Redis(endpoint.url, {
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    lazyConnect: true,
  });
  client.on('error', () => {});
  return client;
}

export async function connectedRedis(endpoint: Endpoint): Promise<Redis> {
  const client = redisClient(endpoint);
  await client.connect();
  return client;
}

export async function mysqlConnection(endpoint: Endpoint): Promise<Connection> {
  const t = parseMysqlUrl(endpoint.url);
  return createConnection({
    host: t.host,
    port: t.port,
    user: t.user,
    password: t.password,
    database: t.database ?? undefined,
  });
}

export async function amqpConnection(endpoint: Endpoint): Promise<ChannelModel> {
  const model = await amqp.connect(endpoint.url);
  model.on('error', () => {});
  return model;
}

/** Polls until `condition` holds; fails the test with `what` after `timeoutMs`. */
export async function eventually(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
