// A private RabbitMQ: its own Erlang node, epmd, data, logs and config, all under ctx.dir, on
// loopback ports only, never touching the system broker (port 5672, epmd 4369, /var/lib/rabbitmq,
// /etc/rabbitmq).
//
// We run the Erlang VM (`erl`) ourselves instead of /usr/lib/rabbitmq/bin/rabbitmq-server: that
// script starts erl in the background and waits for it, so the pid the supervisor holds would be
// a shell, and a SIGKILL to it (or its death) would orphan the broker. `erl` execs erlexec, which
// execs beam.smp: the pid we spawn IS the VM, and SIGTERM makes it stop RabbitMQ cleanly. The
// arguments below are the ones rabbitmq-server 3.10 passes.
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Endpoint } from '../endpoint.ts';
import type { ManagedContext, ManagedSpec, SpawnSpec } from '../managed-types.ts';

/** The Debian package's entry point; only used to find the broker's install directory. */
export const RABBITMQ_SERVER_SCRIPT = '/usr/lib/rabbitmq/bin/rabbitmq-server';
export const ERL = '/usr/bin/erl';
export const EPMD = '/usr/bin/epmd';

/** The account the playground (terminals, snippets) logs in with; its password comes from ctx.secret. */
export const MANAGED_USER = 'playground';

/** Boot takes ~6 s on a quiet machine and ~12 s under load; a cold first boot creates its database. */
const START_TIMEOUT_MS = 60_000;
/** Between checks of the management API while it comes up after the AMQP listener. */
const MANAGEMENT_POLL_MS = 50;
/** How often the broker updates the queue depths and rates its management API reports. */
export const STATISTICS_INTERVAL_MS = 500;
/** The API answers within a second or two of AMQP; a busy machine gets more. */
const MANAGEMENT_READY_TIMEOUT_MS = 30_000;
/** How long `epmd -kill` may take before cleanup gives up on it. */
const EPMD_KILL_TIMEOUT_MS = 5_000;
/** The system's own epmd, which is never ours to stop. */
const SYSTEM_EPMD_PORT = 4369;

const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin';

/** ctx.ports, in order. */
const AMQP_PORT = 0;
const DIST_PORT = 1;
export const EPMD_PORT = 2;
/** The management plugin's HTTP port. */
const MANAGEMENT_PORT = 3;

/** Emulator flags rabbitmq-server 3.10 uses (allocator tuning, process/atom limits, scheduler binding). */
// prettier-ignore
const ERL_TUNING_ARGS = [
  '+W', 'w',
  '+MBas', 'ageffcbf', '+MHas', 'ageffcbf', '+MBlmbcs', '512', '+MHlmbcs', '512', '+MMmcs', '30',
  '+P', '1048576',
  '+t', '5000000',
  '+stbt', 'db',
  '+zdbbl', '128000',
  '+sbwt', 'none', '+sbwtdcpu', 'none', '+sbwtdio', 'none',
];

function derive(secret: string, purpose: string): string {
  return createHash('sha256').update(`${purpose}:${secret}`).digest('hex');
}

export function managedPassword(secret: string): string {
  return derive(secret, 'rabbitmq-password').slice(0, 32);
}

/**
 * The node's name, the same at every start of one installation: Mnesia files its database (durable
 * queues, persistent messages, users, vhosts) under the node's name and refuses a database another
 * name made, so a name that followed the port would lose them at every start. It comes from the
 * installation's secret (kept in the data directory), so two playgrounds on one machine differ and
 * a data directory moved elsewhere keeps its broker. Each playground has an epmd of its own besides.
 */
export function nodeName(ctx: ManagedContext): string {
  // "localhost" resolves from /etc/hosts, so the node starts without DNS (short names), and a
  // machine whose hostname changes finds its database under the same name.
  return `playground-${derive(ctx.secret, 'rabbitmq-node').slice(0, 12)}@localhost`;
}

/** Databases of the layout that named the node after its port; they were emptied at every start. */
const PORT_NAMED_NODE = /^playground-\d+@localhost/;

interface Layout {
  home: string;
  cookie: string;
  mnesia: string;
  logs: string;
  config: string;
  advancedConfig: string;
  confD: string;
  confEnv: string;
  motd: string;
  enabledPlugins: string;
  /** The port of the epmd the last start used, to stop it if a crash left it behind. */
  epmdPortFile: string;
}

function layout(dir: string): Layout {
  return {
    home: path.join(dir, 'home'),
    cookie: path.join(dir, 'home', '.erlang.cookie'),
    mnesia: path.join(dir, 'mnesia'),
    logs: path.join(dir, 'log'),
    config: path.join(dir, 'rabbitmq.conf'),
    // Left at their defaults, these four would read the system broker's files in /etc/rabbitmq;
    // ours are empty or absent.
    advancedConfig: path.join(dir, 'advanced.config'),
    confD: path.join(dir, 'conf.d'),
    confEnv: path.join(dir, 'rabbitmq-env.conf'),
    motd: path.join(dir, 'motd'),
    enabledPlugins: path.join(dir, 'enabled_plugins'),
    epmdPortFile: path.join(dir, 'epmd.port'),
  };
}

export function rabbitmqConf(ctx: ManagedContext): string {
  const lines = [
    '# Written by the playground at every start; edits are overwritten.',
    `listeners.tcp.default = 127.0.0.1:${ctx.ports[AMQP_PORT]}`,
    // loopback_users only restricts "guest", which this broker does not use, so it stays as is.
    `default_user = ${MANAGED_USER}`,
    `default_pass = ${managedPassword(ctx.secret)}`,
    'default_vhost = /',
    'default_permissions.configure = .*',
    'default_permissions.read = .*',
    'default_permissions.write = .*',
    'default_user_tags.administrator = true',
    // One fixed file name, so restarts on new ports do not leave a log per node name behind.
    'log.file = rabbit.log',
    'log.file.level = warning',
    'log.console = false',
  ];
  lines.push(
    // The Inspect view (inspect.ts) and the classroom's workspace manager (~20 ms a learner, where
    // rabbitmqctl boots an Erlang VM per call) use this API. Loopback only; learners' accounts
    // have no tags, so they cannot log in to it even from the host.
    `management.tcp.ip = 127.0.0.1`,
    `management.tcp.port = ${ctx.ports[MANAGEMENT_PORT]}`,
    // Queue depths and rates as the Inspect view shows them are this fresh (the default is 5 s).
    `collect_statistics_interval = ${STATISTICS_INTERVAL_MS}`,
  );
  return lines.join('\n') + '\n';
}

/**
 * The plugins file: the management API (the Inspect view's depths, rates and topology, and the
 * classroom's accounts) and the event exchange (amq.rabbitmq.event: a queue, exchange, binding or
 * consumer made or gone is pushed to the Inspect view, so it never polls an idle broker).
 */
export function enabledPlugins(): string {
  // Measured on 3.10.8 (8 alternating starts each): ready after a median 4.2 s with the
  // management plugin and 4.0 s without (within the noise of 3.5–5.1 s), PSS 112 MB against 107 MB.
  return '[rabbitmq_management,rabbitmq_event_exchange].\n';
}

/** The management API's base URL, e.g. "http://127.0.0.1:40123". */
export function managementUrl(ctx: ManagedContext): string {
  return `http://127.0.0.1:${ctx.ports[MANAGEMENT_PORT]}`;
}

async function prepare(ctx: ManagedContext): Promise<void> {
  const l = layout(ctx.dir);
  // A playground killed outright (no cleanup) leaves its epmd running on the port it chose then.
  const previousEpmd = Number(await fs.promises.readFile(l.epmdPortFile, 'utf8').catch(() => ''));
  if (previousEpmd > 0) await stopEpmd(previousEpmd);
  await fs.promises.writeFile(l.epmdPortFile, `${ctx.ports[EPMD_PORT]}\n`);
  // The database is kept: durable queues and persistent messages survive a restart, as the
  // work-queues lesson teaches. Only what an older layout left (a node named after its port,
  // emptied at every start then) goes.
  await fs.promises.mkdir(l.mnesia, { recursive: true });
  for (const name of await fs.promises.readdir(l.mnesia)) {
    if (PORT_NAMED_NODE.test(name)) await fs.promises.rm(path.join(l.mnesia, name), { recursive: true, force: true });
  }
  await fs.promises.mkdir(l.logs, { recursive: true });
  await fs.promises.mkdir(l.home, { recursive: true, mode: 0o700 });

  // Erlang refuses a cookie file that others can read; a read-only one must be removed to rewrite.
  await fs.promises.rm(l.cookie, { force: true });
  await fs.promises.writeFile(l.cookie, derive(ctx.secret, 'rabbitmq-cookie').slice(0, 40), { mode: 0o400 });

  await fs.promises.writeFile(l.config, rabbitmqConf(ctx), { mode: 0o600 });
  await fs.promises.writeFile(l.enabledPlugins, enabledPlugins());
  await fs.promises.writeFile(l.confEnv, '');
  await fs.promises.writeFile(l.motd, '');
}

/** The broker's install directory, e.g. /usr/lib/rabbitmq/lib/rabbitmq_server-3.10.8. */
function rabbitmqHome(): string {
  return path.dirname(path.dirname(fs.realpathSync(RABBITMQ_SERVER_SCRIPT)));
}

export function spawnSpec(ctx: ManagedContext): SpawnSpec {
  const l = layout(ctx.dir);
  const home = rabbitmqHome();
  return {
    command: ERL,
    // prettier-ignore
    args: [
      '-pa', '',
      '-noinput',
      '-noshell',
      '-s', 'rabbit', 'boot',
      '-boot', 'start_sasl',
      ...ERL_TUNING_ARGS,
      // Ignore SIGINT: a Ctrl-C in the terminal running the playground reaches its whole process
      // group, and the supervisor, not the VM's break handler, decides when the broker stops.
      '+B', 'i',
      '-syslog', 'logger', '[]',
      '-syslog', 'syslog_error_logger', 'false',
      '-kernel', 'prevent_overlapping_partitions', 'false',
      // Without this the distribution port listens on every interface.
      '-kernel', 'inet_dist_use_interface', '{127,0,0,1}',
    ],
    env: {
      // The erl launcher is a shell script that needs dirname; whether the supervisor passes its own
      // environment through or not, the VM gets a PATH.
      PATH: process.env.PATH ?? DEFAULT_PATH,
      HOME: l.home,
      ERL_LIBS: path.join(home, 'plugins'),
      ERL_MAX_ETS_TABLES: '50000',
      ERL_MAX_PORTS: '65536',
      ERL_EPMD_PORT: String(ctx.ports[EPMD_PORT]),
      ERL_EPMD_ADDRESS: '127.0.0.1',
      // Inherited Erlang flags would change this VM; the rabbitmq-env.conf of the system broker sets one.
      ERL_FLAGS: '',
      ERL_AFLAGS: '',
      ERL_ZFLAGS: '',
      RABBITMQ_HOME: home,
      RABBITMQ_NODENAME: nodeName(ctx),
      RABBITMQ_USE_LONGNAME: 'false',
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(ctx.ports[AMQP_PORT]),
      RABBITMQ_DIST_PORT: String(ctx.ports[DIST_PORT]),
      RABBITMQ_MNESIA_BASE: l.mnesia,
      RABBITMQ_LOG_BASE: l.logs,
      // Named after the node otherwise, leaving a file per port behind.
      RABBITMQ_UPGRADE_LOG: path.join(l.logs, 'upgrade.log'),
      RABBITMQ_CONFIG_FILE: l.config,
      RABBITMQ_CONFIG_FILES: l.confD,
      RABBITMQ_ADVANCED_CONFIG_FILE: l.advancedConfig,
      RABBITMQ_CONF_ENV_FILE: l.confEnv,
      RABBITMQ_MOTD_FILE: l.motd,
      RABBITMQ_ENABLED_PLUGINS_FILE: l.enabledPlugins,
      RABBITMQ_PLUGINS_DIR: path.join(home, 'plugins'),
    },
  };
}

export function managedEndpoint(ctx: ManagedContext): Endpoint {
  const address = `127.0.0.1:${ctx.ports[AMQP_PORT]}`;
  return { url: `amqp://${MANAGED_USER}:${managedPassword(ctx.secret)}@${address}`, address };
}

/**
 * Stops the epmd on `port`. epmd refuses -kill while any node is registered with it, so a live
 * broker's epmd is never stopped, and the system's is never asked.
 */
async function stopEpmd(port: number): Promise<void> {
  if (port === SYSTEM_EPMD_PORT) return;
  try {
    await promisify(execFile)(EPMD, ['-port', String(port), '-kill'], {
      env: { ...process.env, ERL_EPMD_PORT: String(port), ERL_EPMD_ADDRESS: '127.0.0.1' },
      timeout: EPMD_KILL_TIMEOUT_MS,
    });
  } catch {
    // Nothing listening there (it never started, or is gone already): nothing to stop.
  }
}

/**
 * The broker counts as ready only once its management API answers too: the AMQP listener may come
 * up a moment before the plugin's HTTP listener.
 */
async function afterReady(ctx: ManagedContext): Promise<void> {
  const auth = Buffer.from(`${MANAGED_USER}:${managedPassword(ctx.secret)}`).toString('base64');
  const deadline = Date.now() + MANAGEMENT_READY_TIMEOUT_MS;
  for (;;) {
    let last: string;
    try {
      const res = await fetch(`${managementUrl(ctx)}/api/whoami`, {
        headers: { authorization: `Basic ${auth}` },
        signal: AbortSignal.timeout(2_000),
      });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) {
      throw new Error(`the management API did not answer within ${MANAGEMENT_READY_TIMEOUT_MS} ms (${last})`);
    }
    await new Promise((r) => setTimeout(r, MANAGEMENT_POLL_MS));
  }
}

/** The VM starts epmd itself, as a daemon that outlives it: stop ours once the VM has exited. */
async function cleanup(ctx: ManagedContext): Promise<void> {
  await stopEpmd(ctx.ports[EPMD_PORT]);
}

export const managedRabbitmq: ManagedSpec = {
  aptPackages: ['rabbitmq-server'],
  binaries: [RABBITMQ_SERVER_SCRIPT, ERL, EPMD],
  portCount: 4,
  startTimeoutMs: START_TIMEOUT_MS,
  prepare,
  spawn: spawnSpec,
  endpoint: managedEndpoint,
  afterReady,
  cleanup,
};
