// memcached's settings that a learner can change at run time from the terminal, and how "Start
// this lesson fresh" puts them back (checks.ts: memcachedReset.restore). memcached has no CONFIG
// SET; these four have commands of their own and show in `stats settings`. Everything else there
// is fixed at start (-c, -t, -I…).
import { StartSettings, drifted, type Settings } from '../start-settings.ts';
import type { ResetReport } from '../check-types.ts';
import type { Endpoint } from '../endpoint.ts';
import { memcachedCommand, memcachedServers } from './request.ts';

const MB = 1024 * 1024;

interface Setting {
  /** Its name in `stats settings`. */
  stat: string;
  /** How people call it, for the reset's answer. */
  label: string;
  /** The command that sets it back to `value` (as `stats settings` shows it). */
  command(value: string): string;
  /** The value as the learner would type it. */
  shown(value: string): string;
}

const SETTINGS: Setting[] = [
  {
    // `cache_memlimit 8` shrinks the cache (memcached refuses less than 8 MB) and evicts.
    stat: 'maxbytes',
    label: 'memory limit',
    command: (v) => `cache_memlimit ${Math.round(Number(v) / MB)}`,
    shown: (v) => `${Math.round(Number(v) / MB)} MB`,
  },
  { stat: 'verbosity', label: 'verbosity', command: (v) => `verbosity ${v}`, shown: (v) => v },
  { stat: 'slab_automove', label: 'slab automove', command: (v) => `slabs automove ${v}`, shown: (v) => v },
  {
    stat: 'lru_crawler',
    label: 'LRU crawler',
    command: (v) => `lru_crawler ${v === 'yes' ? 'enable' : 'disable'}`,
    shown: (v) => (v === 'yes' ? 'on' : 'off'),
  },
];

const BY_STAT = new Map(SETTINGS.map((s) => [s.stat, s]));

/** The restored settings of one server, from `stats settings`. */
async function readSettings(address: string): Promise<Settings> {
  const reply = await memcachedCommand({ url: address, address }, 'stats settings', /^(END|ERROR.*)\r\n/m);
  const settings = new Map<string, string>();
  for (const [, name, value] of reply.matchAll(/^STAT (\S+) (\S+)\r$/gm)) {
    if (BY_STAT.has(name)) settings.set(name, value);
  }
  if (settings.size === 0) throw new Error(`memcached's stats settings answered ${JSON.stringify(reply.slice(0, 80))}`);
  return settings;
}

const startSettings = new StartSettings();
const remember = (address: string) => startSettings.remember(address, () => readSettings(address));

/** Remembers every server's settings as they are now, unless already known (see start-settings.ts). */
export async function rememberStartSettings(endpoint: Endpoint): Promise<void> {
  // A server that does not answer now is read again at its next contact.
  await Promise.all(memcachedServers(endpoint).map((s) => remember(s.address).catch(() => null)));
}

/** Puts back every setting that differs from its start value, and says so. */
export async function restoreStartSettings(endpoint: Endpoint, report: ResetReport): Promise<void> {
  const servers = memcachedServers(endpoint);
  for (const server of servers) {
    const start = await remember(server.address);
    const where = servers.length > 1 ? ` on ${server.address}` : '';
    for (const drift of drifted(start, await readSettings(server.address))) {
      const setting = BY_STAT.get(drift.name)!;
      const what = `memcached ${setting.label}${where}`;
      await report.attempt(what, async () => {
        const command = setting.command(drift.start);
        const reply = await memcachedCommand(
          server,
          command,
          /^(OK|ERROR|CLIENT_ERROR.*|SERVER_ERROR.*|\S+_TOO_\S+.*)\r\n/m,
        );
        if (!reply.startsWith('OK')) throw new Error(`${command} answered ${reply.trim()}`);
        report.cleared(`${what} back to ${setting.shown(drift.start)} (it was ${setting.shown(drift.now)})`);
      });
    }
  }
}
