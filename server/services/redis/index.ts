// Redis: a terminal that behaves like redis-cli 7 (terminal.ts) with a command catalog read from the
// server's own COMMAND DOCS, a private redis-server for lessons, key and command checks and resets
// (checks.ts), and a hardened redis-server per learner in classroom mode (classroom.ts).
import type { CommandInfo } from '../../../shared/protocol.ts';
import type { ServiceAdapter } from '../types.ts';
import { redisHints } from './hints.ts';
import { inspectRedis } from './inspect.ts';
import { redisRunWatch } from './run-watch.ts';
import { redisChecks, redisReset } from './checks.ts';
import { redisLearners, REDIS_SERVER } from './classroom.ts';
import { commandCatalog, toCommandInfo } from './command-docs.ts';
import { redisRequest } from './connection.ts';
import { isErrorValue, valueText } from './reply-value.ts';
import { parseRedisUrl } from './redis-url.ts';
import { rememberStartSettings } from './settings.ts';
import { openRedisTerminal } from './terminal.ts';
import { redisWire } from './wire.ts';

/** Memory limit of the private instance: plenty for lessons, small on a class machine. */
const MANAGED_MAX_MEMORY = '64mb';
/** Probes run while the instance boots and for health checks: an answer comes in milliseconds. */
const PROBE_TIMEOUT_MS = 2000;

const catalogsByVersion = new Map<string, Promise<CommandInfo[]>>();

export const redis: ServiceAdapter = {
  name: 'redis',
  title: 'Redis',
  fenceTag: 'redis',
  conventionalPort: 6379,
  urlEnv: 'REDIS_URL',
  caseInsensitive: true,
  parseUrl(value) {
    const target = parseRedisUrl(value);
    return { url: value.trim(), address: target.address };
  },
  managed: {
    aptPackages: ['redis-server'],
    binaries: [REDIS_SERVER],
    portCount: 1,
    startTimeoutMs: 5000,
    spawn(ctx) {
      // prettier-ignore
      const args = [
        '--port', String(ctx.ports[0]),
        '--bind', '127.0.0.1',
        // No automatic snapshots and no append-only file (the persistence lesson reads both), but a
        // snapshot whenever it is stopped (npm start again, the restart control): what a learner
        // stored is kept, and only a crash (`:restart crash`) loses what changed since the last one.
        '--save', '',
        '--appendonly', 'no',
        '--shutdown-on-sigterm', 'save',
        '--dir', ctx.dir,
        // In the foreground, so the supervisor keeps the pid and sees it die.
        '--daemonize', 'no',
        // Log to stdout, where the supervisor collects it.
        '--logfile', '',
        '--maxmemory', MANAGED_MAX_MEMORY,
        // The Inspect view is pushed by these (redis/inspect.ts).
        '--notify-keyspace-events', 'KA',
      ];
      return { command: REDIS_SERVER, args };
    },
    endpoint(ctx) {
      const address = `127.0.0.1:${ctx.ports[0]}`;
      return { url: `redis://${address}`, address };
    },
  },
  async probe(endpoint) {
    const [info] = await redisRequest(parseRedisUrl(endpoint.url), [['INFO', 'server']], PROBE_TIMEOUT_MS);
    const text = valueText(info) ?? '';
    if (isErrorValue(info)) throw new Error(`INFO failed: ${text}`);
    const version = /^redis_version:(\S+)/m.exec(text)?.[1];
    if (!version) throw new Error('INFO server did not tell redis_version');
    // The first answer is the server as the playground found it: what a lesson reset puts back.
    await rememberStartSettings(endpoint);
    return { version };
  },
  async commands(endpoint) {
    // Every instance of one version documents the same commands: in classroom mode a hundred
    // learners' own instances share one catalog instead of each reading (and keeping) its own.
    const { version } = await redis.probe(endpoint);
    let catalog = catalogsByVersion.get(version);
    if (!catalog) {
      catalog = commandCatalog(endpoint.url, parseRedisUrl(endpoint.url)).then((docs) => docs.map(toCommandInfo));
      catalogsByVersion.set(version, catalog);
      catalog.catch(() => catalogsByVersion.delete(version));
    }
    return catalog;
  },
  openTerminal: openRedisTerminal,
  snippetEnv: (endpoint, forward) => ({ REDIS_URL: forward.url(endpoint.url, redis.conventionalPort) }),
  checks: redisChecks,
  reset: redisReset,
  classroom: redisLearners,
  hints: redisHints,
  inspect: inspectRedis,
  runWatch: redisRunWatch,
  decode: redisWire,
};
