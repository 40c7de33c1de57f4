// The Redis settings a learner can change with CONFIG SET that change how the lessons behave, and
// how "Start this lesson fresh" puts them back (checks.ts: redisReset.restore). `CONFIG SET
// maxmemory 1` makes every write fail with OOM; `save`/`appendonly` are what the persistence lesson
// reads; the encodings' thresholds are what OBJECT ENCODING shows. Settings that move files
// (`dir`, `dbfilename`) are not on the list: putting them back is not the playground's business,
// and a learner's instance in classroom mode cannot change any setting at all (CONFIG SET is denied).
import type { ResetReport } from '../check-types.ts';
import type { Endpoint } from '../endpoint.ts';
import { StartSettings, drifted, type Settings } from '../start-settings.ts';
import { redisRequest } from './connection.ts';
import { isErrorValue, valuePairs, valueText } from './reply-value.ts';
import { parseRedisUrl } from './redis-url.ts';

/** Settings put back, in the order they are set (memory first: the rest may need it). */
export const RESTORED_REDIS_SETTINGS = [
  'maxmemory',
  'maxmemory-policy',
  'maxmemory-samples',
  'maxclients',
  'timeout',
  'save',
  'appendonly',
  'appendfsync',
  'stop-writes-on-bgsave-error',
  'notify-keyspace-events',
  'slowlog-log-slower-than',
  'slowlog-max-len',
  'latency-monitor-threshold',
  'busy-reply-threshold',
  'hash-max-listpack-entries',
  'hash-max-listpack-value',
  'list-max-listpack-size',
  'set-max-intset-entries',
  'zset-max-listpack-entries',
  'zset-max-listpack-value',
] as const;

/** Reading and setting take one round trip on loopback. */
const REQUEST_TIMEOUT_MS = 3_000;

/** CONFIG GET of every restored setting; a name this server's version does not know is left out. */
async function readSettings(endpoint: Endpoint): Promise<Settings> {
  const [reply] = await redisRequest(
    parseRedisUrl(endpoint.url),
    [['CONFIG', 'GET', ...RESTORED_REDIS_SETTINGS]],
    REQUEST_TIMEOUT_MS,
  );
  if (isErrorValue(reply)) throw new Error(`CONFIG GET answered ${valueText(reply)}`);
  const found = new Map(valuePairs(reply).map(([name, value]) => [name, valueText(value) ?? '']));
  // In the list's order, whatever order the server answered in.
  const settings = new Map<string, string>();
  for (const name of RESTORED_REDIS_SETTINGS) {
    const value = found.get(name);
    if (value !== undefined) settings.set(name, value);
  }
  return settings;
}

const startSettings = new StartSettings();
const remember = (endpoint: Endpoint) => startSettings.remember(endpoint.address, () => readSettings(endpoint));

/** Remembers the server's settings as they are now, unless already known (see start-settings.ts). */
export async function rememberStartSettings(endpoint: Endpoint): Promise<void> {
  // A server that does not answer now (or denies CONFIG GET) is read again at its next contact.
  await remember(endpoint).catch(() => null);
}

/** maxmemory in bytes, as people write it: "64mb", "0 (no limit)". */
function shown(name: string, value: string): string {
  if (value === '') return '""';
  if (name !== 'maxmemory') return value;
  const bytes = Number(value);
  if (bytes === 0) return '0 (no limit)';
  for (const [unit, size] of [
    ['gb', 1024 ** 3],
    ['mb', 1024 ** 2],
    ['kb', 1024],
  ] as const) {
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes} byte${bytes === 1 ? '' : 's'}`;
}

/** Puts back every setting that differs from its start value, one CONFIG SET each, and says so. */
export async function restoreStartSettings(endpoint: Endpoint, report: ResetReport): Promise<void> {
  const start = await remember(endpoint);
  const target = parseRedisUrl(endpoint.url);
  for (const drift of drifted(start, await readSettings(endpoint))) {
    const what = `Redis setting ${drift.name}`;
    await report.attempt(what, async () => {
      const [reply] = await redisRequest(target, [['CONFIG', 'SET', drift.name, drift.start]], REQUEST_TIMEOUT_MS);
      if (isErrorValue(reply)) throw new Error(`CONFIG SET answered ${valueText(reply)}`);
      report.cleared(`${what} back to ${shown(drift.name, drift.start)} (it was ${shown(drift.name, drift.now)})`);
    });
  }
}
