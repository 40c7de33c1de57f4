// The server is killed with SIGKILL while a learner's instances run: the next start() stops the
// leftovers (Redis saving its keys on the way), writes the accounts again and the learner carries on.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isAlive } from '../../util/process.ts';
import { afterAll, expect, it } from 'vitest';
import type { ServiceName } from '../../../shared/protocol.ts';
import { memcachedCommand } from '../../services/memcached/request.ts';
import { parseAmqpTarget } from '../../services/rabbitmq/amqp-url.ts';
import type { Endpoint } from '../../services/endpoint.ts';
import { MysqlAccounts } from '../../services/mysql/classroom.ts';
import { RabbitmqAccounts } from '../../services/rabbitmq/classroom.ts';
import { amqpOpen } from '../../testing/workspaces/amqp-open.ts';
import { testSharedAdmin } from '../../testing/workspaces/shared-admin-context.ts';
import {
  connectedRedis,
  mysqlConnection,
  testDataDir,
  testManager,
  type TestManager,
} from '../../testing/workspaces/test-manager.ts';

const CHILD = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'testing',
  'workspaces',
  'provision-child.ts',
);

interface ChildReport {
  id: string;
  endpoints: Record<ServiceName, Endpoint>;
  pids: { memcached: number; redis: number };
}

let t: TestManager | undefined;
let dataDir: string | undefined;

afterAll(async () => {
  await t?.cleanup();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

async function provisionAndGetKilled(dir: string): Promise<ChildReport> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, WORKSPACE_CHILD: JSON.stringify({ dataDir: dir, admin: testSharedAdmin() }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the child exited (${code}) before reporting`)));
  });
  child.kill('SIGKILL');
  await exited;
  return JSON.parse(line) as ChildReport;
}

it('start() after a SIGKILL stops the leftovers, keeps Redis’s keys and restores the accounts', async () => {
  dataDir = await testDataDir();
  const before = await provisionAndGetKilled(dataDir);
  // The killed server's instances live on in their own process groups.
  expect(isAlive(before.pids.redis)).toBe(true);
  expect(isAlive(before.pids.memcached)).toBe(true);
  const pidFiles = await fs.readdir(path.join(dataDir, 'workspaces', 'pids'));
  expect(pidFiles.sort()).toEqual([`${before.id}.memcached.pid`, `${before.id}.redis.pid`]);

  // A playground start wipes the private broker (its node name follows its port); take the
  // accounts away on both servers, as a restart on a new machine would, to prove they come back.
  const admin = testSharedAdmin();
  await new RabbitmqAccounts(admin.rabbitmq, {}).remove(before.id);
  const mysql = new MysqlAccounts(admin.mysql, {});
  try {
    await mysql.remove(before.id);
  } finally {
    await mysql.close();
  }

  t = await testManager({ dataDir });
  expect(isAlive(before.pids.redis)).toBe(false);
  expect(isAlive(before.pids.memcached)).toBe(false);
  expect(await fs.readdir(path.join(dataDir, 'workspaces', 'pids'))).toEqual([]);
  expect(t.manager.state(before.id)).toBe('reclaimed');

  const after = await t.manager.ensure(before.id);
  // Same accounts (same passwords, from the record); new ports for the instances.
  expect(after.rabbitmq).toEqual(before.endpoints.rabbitmq);
  expect(after.mysql).toEqual(before.endpoints.mysql);
  const redis = await connectedRedis(after.redis);
  expect(await redis.get('survives')).toBe('the kill -9 of the server');
  redis.disconnect();
  expect(await memcachedCommand(after.memcached, 'get gone')).toBe('END\r\n');
  const creds = parseAmqpTarget(after.rabbitmq.url);
  expect(
    await amqpOpen({
      host: creds.hostname,
      port: creds.port,
      user: creds.username!,
      password: creds.password!,
      vhost: before.id,
    }),
  ).toEqual({ ok: true });
  const sql = await mysqlConnection(after.mysql);
  const [rows] = await sql.query('SELECT DATABASE() AS db');
  expect(rows).toEqual([{ db: `ws_${before.id}` }]);
  await sql.end();
});
