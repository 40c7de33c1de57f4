import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../net-util.ts';
import type { ManagedContext } from '../managed-types.ts';
import { parseAmqpTarget } from './amqp-url.ts';
import { managementUrl, managedPassword, managedRabbitmq, MANAGED_USER, nodeName, rabbitmqConf } from './managed.ts';

const dirs: string[] = [];
async function context(): Promise<ManagedContext> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rabbitmq-managed-'));
  dirs.push(dir);
  // The epmd port is a free one: prepare() and cleanup() run `epmd -kill` there, which waits for an
  // answer if another program (a test stack's server, say) happens to listen on a fixed port.
  return { dir, ports: [40001, 40002, await freePort(), 40004], secret: 'test-secret', isRoot: false };
}

afterEach(async () => {
  for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

describe('the managed RabbitMQ', () => {
  it('asks for the Debian package, four ports and a minute to boot', () => {
    expect(managedRabbitmq.aptPackages).toEqual(['rabbitmq-server']);
    expect(managedRabbitmq.binaries).toContain('/usr/lib/rabbitmq/bin/rabbitmq-server');
    // AMQP, Erlang distribution, epmd, and the management API.
    expect(managedRabbitmq.portCount).toBe(4);
    expect(managedRabbitmq.startTimeoutMs).toBe(60_000);
  });

  it('writes a config that listens on loopback only, with a user derived from the secret', async () => {
    const ctx = await context();
    const conf = rabbitmqConf(ctx);
    expect(conf).toContain('listeners.tcp.default = 127.0.0.1:40001\n');
    expect(conf).toContain(`default_user = ${MANAGED_USER}\n`);
    expect(conf).toContain(`default_pass = ${managedPassword('test-secret')}\n`);
    expect(conf).toContain('default_vhost = /\n');
    expect(managedPassword('test-secret')).toMatch(/^[0-9a-f]{32}$/);
    expect(managedPassword('other')).not.toBe(managedPassword('test-secret'));
  });

  it('turns the management API (statistics every 500 ms) and the event exchange on, on loopback and the fourth port', async () => {
    const ctx = await context();
    const conf = rabbitmqConf(ctx);
    expect(conf).toContain('management.tcp.ip = 127.0.0.1\n');
    expect(conf).toContain('management.tcp.port = 40004\n');
    expect(conf).toContain('collect_statistics_interval = 500\n');
    expect(conf).not.toContain('disable_stats');
    expect(managementUrl(ctx)).toBe('http://127.0.0.1:40004');
    await managedRabbitmq.prepare!(ctx);
    expect(await fs.readFile(path.join(ctx.dir, 'enabled_plugins'), 'utf8')).toBe(
      '[rabbitmq_management,rabbitmq_event_exchange].\n',
    );
  });

  it('prepares its own home, cookie (mode 400), config and plugin list under ctx.dir', async () => {
    const ctx = await context();
    await fs.mkdir(path.join(ctx.dir, 'mnesia', 'stale-node'), { recursive: true });
    await fs.mkdir(path.join(ctx.dir, 'mnesia', 'playground-40001@localhost'), { recursive: true });
    await managedRabbitmq.prepare!(ctx);
    const cookie = await fs.stat(path.join(ctx.dir, 'home', '.erlang.cookie'));
    expect(cookie.mode & 0o777).toBe(0o400);
    expect((await fs.readFile(path.join(ctx.dir, 'home', '.erlang.cookie'), 'utf8')).length).toBeGreaterThanOrEqual(20);
    expect(await fs.readFile(path.join(ctx.dir, 'enabled_plugins'), 'utf8')).toContain('rabbitmq_management');
    expect(await fs.readFile(path.join(ctx.dir, 'rabbitmq.conf'), 'utf8')).toBe(rabbitmqConf(ctx));
    // The database of a node named after its port (an older layout, emptied at every start) goes;
    // the node's own is kept.
    expect(await fs.readdir(path.join(ctx.dir, 'mnesia'))).toEqual(['stale-node']);
    // A second start rewrites the read-only cookie without tripping over it.
    await managedRabbitmq.prepare!(ctx);
    expect((await fs.stat(path.join(ctx.dir, 'home', '.erlang.cookie'))).mode & 0o777).toBe(0o400);
  });

  it('runs the Erlang VM itself, with every path and port of its own', async () => {
    const ctx = await context();
    const spec = managedRabbitmq.spawn(ctx);
    expect(spec.command).toBe('/usr/bin/erl');
    expect(spec.args.join(' ')).toContain('-s rabbit boot');
    expect(spec.args.join(' ')).toContain('-kernel inet_dist_use_interface {127,0,0,1}');
    const env = spec.env!;
    expect(env).toMatchObject({
      HOME: path.join(ctx.dir, 'home'),
      RABBITMQ_NODENAME: nodeName(ctx),
      RABBITMQ_NODE_PORT: '40001',
      RABBITMQ_DIST_PORT: '40002',
      ERL_EPMD_PORT: String(ctx.ports[2]),
      ERL_EPMD_ADDRESS: '127.0.0.1',
      RABBITMQ_CONFIG_FILE: path.join(ctx.dir, 'rabbitmq.conf'),
      RABBITMQ_ENABLED_PLUGINS_FILE: path.join(ctx.dir, 'enabled_plugins'),
    });
    // The same at every start of one installation, whatever the ports; another installation's differs.
    expect(nodeName(ctx)).toMatch(/^playground-[0-9a-f]{12}@localhost$/);
    expect(nodeName({ ...ctx, ports: [41001, 41002, 41003, 41004] })).toBe(nodeName(ctx));
    expect(nodeName({ ...ctx, secret: 'another' })).not.toBe(nodeName(ctx));
    for (const name of [
      'RABBITMQ_MNESIA_BASE',
      'RABBITMQ_LOG_BASE',
      'RABBITMQ_CONF_ENV_FILE',
      'RABBITMQ_ADVANCED_CONFIG_FILE',
      'RABBITMQ_CONFIG_FILES',
      'RABBITMQ_MOTD_FILE',
    ]) {
      expect(env[name], name).toMatch(new RegExp(`^${ctx.dir}/`));
    }
    // Nothing of the system broker's: its port, its epmd, its data or config.
    expect(JSON.stringify(spec)).not.toMatch(/5672\b|4369|\/var\/lib\/rabbitmq|\/etc\/rabbitmq/);
  });

  it('answers at the configured port with the derived credentials', async () => {
    const ctx = await context();
    const endpoint = managedRabbitmq.endpoint(ctx);
    expect(endpoint.address).toBe('127.0.0.1:40001');
    expect(parseAmqpTarget(endpoint.url)).toEqual({
      hostname: '127.0.0.1',
      port: 40001,
      username: MANAGED_USER,
      password: managedPassword('test-secret'),
      vhostPath: '',
    });
  });

  describe.skipIf(!existsSync('/usr/bin/epmd'))('with a real epmd', () => {
    let port = 0;
    const epmd = (...args: string[]) =>
      spawnSync('/usr/bin/epmd', ['-port', String(port), ...args], {
        env: { ...process.env, ERL_EPMD_PORT: String(port), ERL_EPMD_ADDRESS: '127.0.0.1' },
      });
    const running = () => epmd('-names').status === 0;
    const startEpmd = async () => {
      port = await freePort();
      epmd('-daemon');
      for (let i = 0; i < 50 && !running(); i++) await new Promise((r) => setTimeout(r, 20));
      expect(running()).toBe(true);
    };
    afterEach(() => {
      if (port) epmd('-kill');
    });

    it('cleanup stops the epmd on its own port', async () => {
      await startEpmd();
      const ctx = { ...(await context()), ports: [40001, 40002, port, 40004] };
      await managedRabbitmq.cleanup!(ctx);
      expect(running()).toBe(false);
    });

    it('prepare stops an epmd that an earlier start left behind', async () => {
      await startEpmd();
      const ctx = await context();
      await fs.writeFile(path.join(ctx.dir, 'epmd.port'), `${port}\n`);
      await managedRabbitmq.prepare!(ctx);
      expect(running()).toBe(false);
      expect(await fs.readFile(path.join(ctx.dir, 'epmd.port'), 'utf8')).toBe(`${ctx.ports[2]}\n`);
    });
  });

  it('cleans up quietly when no epmd of its own is running', async () => {
    await expect(managedRabbitmq.cleanup!(await context())).resolves.toBeUndefined();
  });
});
