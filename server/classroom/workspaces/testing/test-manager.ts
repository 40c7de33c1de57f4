// A workspace manager of its own for one test file, on the shared broker and MariaDB of the test
// stack, with its own data directory and SQLite store; and the client libraries' connections a
// learner would open with a workspace's endpoints.
import amqp, { type ChannelModel } from 'amqplib';
import { Redis } from 'ioredis';
import { createConnection, type Connection } from 'mysql2/promise';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseMysqlUrl } from '../../../services/mysql/mysql-url.ts';
import type { Endpoint } from '../../../services/types.ts';
import { openClassroomStore } from '../../store/index.ts';
import type { ClassroomStore } from '../../store/types.ts';
import { WorkspaceManager } from '../manager.ts';
import type { WorkspaceManagerOptions } from '../types.ts';
import { testSharedAdmin } from './shared-admin-context.ts';

export interface TestManager {
  manager: WorkspaceManager;
  store: ClassroomStore;
  dataDir: string;
  /** Destroys what the test left, closes the manager and the store, removes the directory. */
  cleanup(): Promise<void>;
}

export async function testManager(options: Partial<Omit<WorkspaceManagerOptions, 'admin' | 'store'>> = {}): Promise<TestManager> {
  const dataDir = options.dataDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'workspaces-')));
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
    },
  };
}

export function redisClient(endpoint: Endpoint): Redis {
  // No retries and no offline queue: a refused or dropped connection shows at once.
  const client = new Redis(endpoint.url, { maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false, lazyConnect: true });
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
  return createConnection({ host: t.host, port: t.port, user: t.user, password: t.password, database: t.database ?? undefined });
}

export async function amqpConnection(endpoint: Endpoint): Promise<ChannelModel> {
  const model = await amqp.connect(endpoint.url);
  model.on('error', () => {});
  return model;
}

export function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until `condition` holds; fails the test with `what` after `timeoutMs`. */
export async function eventually(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
