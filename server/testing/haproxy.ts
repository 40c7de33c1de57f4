// The repository's HAProxy configuration (deploy/haproxy/haproxy.cfg) run on loopback in front of
// app instances, for the several-instances test and bench: Debian's haproxy, the addresses given
// through the environment the configuration reads.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { connectTcp, freePort } from '../services/net-util.ts';
import { ROOT } from '../stack.ts';

export const HAPROXY = '/usr/sbin/haproxy';
/** One try at its port while it starts. */
const CONNECT_TRY_MS = 1_000;
export const HAPROXY_CONFIG = path.join(ROOT, 'deploy', 'haproxy', 'haproxy.cfg');

export interface Balancer {
  baseUrl: string;
  /** A command on the runtime API (`show stat`, `set server app/app1 state drain`). */
  admin(command: string): Promise<string>;
  stop(): Promise<void>;
  /** What it printed: warnings, and a line per request that failed. */
  log(): string;
}

/** Starts HAProxy before two instances (`host:port` each); resolves once it accepts connections. */
export async function startBalancer(app1: string, app2: string): Promise<Balancer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'haproxy-'));
  const port = await freePort();
  const socket = path.join(dir, 'admin.sock');
  const child: ChildProcess = spawn(HAPROXY, ['-db', '-f', HAPROXY_CONFIG], {
    env: {
      PATH: process.env.PATH,
      PLAYGROUND_LB_BIND: `127.0.0.1:${port}`,
      PLAYGROUND_APP1: app1,
      PLAYGROUND_APP2: app2,
      PLAYGROUND_LB_SOCKET: socket,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode}):\n${log}`);
    const open = await connectTcp('127.0.0.1', port, CONNECT_TRY_MS).then(
      (socket) => (socket.destroy(), true),
      () => false,
    );
    if (open) break;
    if (Date.now() > deadline) throw new Error(`haproxy did not listen on ${port}:\n${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    log: () => log,
    admin: (command) =>
      new Promise((resolve, reject) => {
        const s = net.connect(socket);
        let out = '';
        s.on('data', (d) => (out += d.toString()));
        s.on('end', () => resolve(out));
        s.on('error', reject);
        s.end(`${command}\n`);
      }),
    async stop() {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
