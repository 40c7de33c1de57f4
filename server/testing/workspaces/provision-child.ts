// A server that is about to be killed, for restart.int.test.ts: it starts a workspace manager on
// the data directory and shared servers it is given, provisions one workspace, writes a key into
// its Redis and an item into its memcached, prints what it made as one JSON line, and waits for its
// SIGKILL. Run with `node --import tsx provision-child.ts` and WORKSPACE_CHILD={"dataDir","admin"}.
import { Redis } from 'ioredis';
import { memcachedCommand } from '../../services/memcached/request.ts';
import { openClassroomStore } from '../../classroom/store/index.ts';
import { WorkspaceManager } from '../../classroom/workspaces/manager.ts';
import type { SharedAdmin } from '../../classroom/workspaces/types.ts';

const { dataDir, admin } = JSON.parse(process.env.WORKSPACE_CHILD ?? '{}') as { dataDir: string; admin: SharedAdmin };
const store = await openClassroomStore({ dataDir });
const manager = new WorkspaceManager({ admin, store, dataDir, prewarm: 0 });
await manager.start();
const id = await manager.claim('learner-before-the-crash');
const endpoints = await manager.ensure(id);
const redis = new Redis(endpoints.redis.url);
await redis.set('survives', 'the kill -9 of the server');
redis.disconnect();
await memcachedCommand(endpoints.memcached, 'set gone 0 0 1\r\nx', /^STORED\r\n/m);
process.stdout.write(JSON.stringify({ id, endpoints, pids: manager.pids(id) }) + '\n');
setInterval(() => {}, 60_000);
