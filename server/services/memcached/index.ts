// memcached: a terminal that is a raw pipe to the ASCII protocol (terminal.ts), a private memcached
// for lessons, key checks and resets (checks.ts), and a memcached per learner in classroom mode
// (classroom.ts).
import type { CommandInfo } from '../../../shared/protocol.ts';
import type { ServiceAdapter } from '../types.ts';
import { memcachedHints } from './hints.ts';
import { inspectMemcached } from './inspect.ts';
import { memcachedRunWatch } from './run-watch.ts';
import { memcachedChecks, memcachedReset } from './checks.ts';
import { memcachedLearners, MEMCACHED } from './classroom.ts';
import { MEMCACHED_COMMANDS } from './commands.ts';
import { memcachedCommand, parseMemcachedServers } from './request.ts';
import { rememberStartSettings } from './settings.ts';
import { MEMCACHED_REPLIES, openMemcachedTerminal } from './terminal.ts';
import { memcachedWire } from './wire.ts';

/** Memory for the private instance, in MB (`-m`). Plenty for lessons, small on a class machine. */
const MANAGED_MEMORY_MB = 64;
/** Simultaneous connections (`-c`). */
const MANAGED_MAX_CONNECTIONS = 1024;

export const memcached: ServiceAdapter = {
  name: 'memcached',
  title: 'memcached',
  fenceTag: 'memcached',
  conventionalPort: 11211,
  urlEnv: 'MEMCACHED_SERVERS',
  caseInsensitive: false,
  parseUrl(value) {
    const servers = parseMemcachedServers(value);
    // The terminal talks to the first server; snippets get the whole list.
    return { url: servers.map((s) => s.address).join(','), address: servers[0].address };
  },
  managed: {
    aptPackages: ['memcached'],
    binaries: [MEMCACHED],
    portCount: 1,
    startTimeoutMs: 5000,
    spawn(ctx) {
      // prettier-ignore
      const args = [
        '-l', '127.0.0.1',
        '-p', String(ctx.ports[0]),
        '-U', '0', // no UDP
        '-m', String(MANAGED_MEMORY_MB),
        '-c', String(MANAGED_MAX_CONNECTIONS),
        '-t', '2',
      ];
      // memcached refuses to run as root unless told which user to become.
      if (ctx.isRoot) args.push('-u', 'nobody');
      return { command: MEMCACHED, args };
    },
    endpoint(ctx) {
      const address = `127.0.0.1:${ctx.ports[0]}`;
      return { url: address, address };
    },
  },
  async probe(endpoint) {
    const reply = await memcachedCommand(endpoint, 'version');
    const match = /^VERSION (\S+)/m.exec(reply);
    if (!match) throw new Error(`unexpected reply to version: ${JSON.stringify(reply)}`);
    // The first answer is the server as the playground found it: what a lesson reset puts back.
    await rememberStartSettings(endpoint);
    return { version: match[1] };
  },
  async commands(): Promise<CommandInfo[]> {
    return MEMCACHED_COMMANDS;
  },
  openTerminal: openMemcachedTerminal,
  rawReplies: MEMCACHED_REPLIES,
  snippetEnv(endpoint, forward) {
    return {
      MEMCACHED_SERVERS: endpoint.url
        .split(',')
        .map((s) => forward.hostPort(s))
        .join(','),
    };
  },
  checks: memcachedChecks,
  reset: memcachedReset,
  classroom: memcachedLearners,
  hints: memcachedHints,
  inspect: inspectMemcached,
  runWatch: memcachedRunWatch,
  decode: memcachedWire,
};
