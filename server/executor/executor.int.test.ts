// The executor as its own process: killed with -9 mid-run, its runs end with a message and it is
// back within 2 s; on another machine (TCP, a token) the runs reach the learner's services
// through the web server's connection, and nothing else; a peer that breaks the protocol is dropped.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES } from '../services/registry.ts';
import { testEndpoint } from '../testing/endpoints.ts';
import { startTestExecutor, type TestExecutor } from '../testing/executor.ts';
import { CapturedRun } from '../runner/captured-run.ts';
import { childrenOf } from '../runner/proc-scan.ts';
import { PROJECT_ROOT } from '../runner/runtime-dir.ts';
import { CGROUP_PREFIX, EXECUTOR_CPU_SHARES } from './cgroup.ts';
import { EXECUTOR_LOST, EXECUTOR_WAITING, ExecutorClient } from './client.ts';
import { startExecutor } from './supervise.ts';
import { sleep } from '../util/async.ts';

const endpoints = () => Object.fromEntries(SERVICES.names.map((s) => [s, testEndpoint(s)]));
const REDIS_PING = 'import os, redis\nprint("ping:", redis.Redis.from_url(os.environ["REDIS_URL"]).ping(), flush=True)';

describe('a supervised executor', () => {
  let executor: TestExecutor;
  let workDir: string;

  beforeAll(async () => {
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'playground-executor-int-'));
    executor = await startTestExecutor(workDir, { wallTimeMs: 20_000 });
    await executor.warm();
  });

  afterAll(async () => {
    await executor?.close();
    await fs.rm(workDir, { recursive: true, force: true });
  });

  it('is what starts the sandboxes: the web server itself has no zygote or sandbox among its children', async () => {
    const output = new CapturedRun();
    await executor.start(
      {
        language: 'python',
        code: 'print("up", flush=True)\nimport time\ntime.sleep(1)',
        files: [],
        endpoints: endpoints(),
      },
      output,
    );
    await output.until('up');
    const mine = await Promise.all(
      (await childrenOf(process.pid)).map((pid) => fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')),
    );
    expect(mine.filter((cmd) => /zygote\.py|bwrap/.test(cmd))).toEqual([]);
    const executorPid = executor.executor.state().pid!;
    const its = await Promise.all(
      (await childrenOf(executorPid)).map((pid) => fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')),
    );
    expect(its.some((cmd) => cmd.includes('zygote.py'))).toBe(true);
    expect(await output.exited).toBe(0);
  });

  it('lives in a cgroup of its own with a small CPU weight, where its runs land too', async () => {
    const pid = executor.executor.state().pid!;
    const groups = fs.readFile(`/proc/${pid}/cgroup`, 'utf8');
    const cpuLine = (await groups).split('\n').find((l) => /^\d+:(cpu[^:]*|):/.test(l) && l.includes(CGROUP_PREFIX));
    expect(cpuLine).toBeDefined();
    const group = cpuLine!.split(':')[2];
    if ((await groups).includes(':cpu')) {
      const dir = fsSync
        .readdirSync('/sys/fs/cgroup')
        .find((d) => d.startsWith('cpu') && fsSync.existsSync(`/sys/fs/cgroup/${d}${group}/cpu.shares`));
      expect(Number(await fs.readFile(`/sys/fs/cgroup/${dir}${group}/cpu.shares`, 'utf8'))).toBe(EXECUTOR_CPU_SHARES);
    } else {
      expect(Number(await fs.readFile(`/sys/fs/cgroup${group}/cpu.weight`, 'utf8'))).toBeLessThan(100);
    }
    // A run's program is in it too (the zygote's clone keeps its parent's group).
    const output = new CapturedRun();
    await executor.start(
      {
        language: 'python',
        code: 'print(open("/proc/self/cgroup").read() != "", flush=True)\nimport time\ntime.sleep(1)',
        files: [],
        endpoints: endpoints(),
      },
      output,
    );
    await output.until('True');
    const zygote = (await childrenOf(pid))[0];
    const clone = (await childrenOf(zygote))[0];
    expect(await fs.readFile(`/proc/${clone}/cgroup`, 'utf8')).toContain(group);
    expect(await output.exited).toBe(0);
  });

  it('tells a run that waits for the executor what it waits for, and starts it once the executor answers', async () => {
    let answer!: () => void;
    const gate = new Promise<void>((resolve) => (answer = resolve));
    const client = new ExecutorClient({
      address: { kind: 'unix', path: path.join(workDir, 'executor.sock') },
      whenUp: () => gate,
    });
    const output = new CapturedRun();
    const started = client.start({ language: 'python', code: REDIS_PING, files: [], endpoints: endpoints() }, output);
    await output.until(EXECUTOR_WAITING);
    answer();
    await started;
    expect(await output.exited).toBe(0);
    expect(output.text).toContain('ping: True');
    await client.close();
  });

  it('killed with -9 mid-run: the run ends with a message, it is back within 2 s, and the next run works', async () => {
    const output = new CapturedRun();
    await executor.start(
      {
        language: 'python',
        code: 'print("up", flush=True)\nimport time\ntime.sleep(30)',
        files: [],
        endpoints: endpoints(),
      },
      output,
    );
    await output.until('up');
    const before = executor.executor.state();
    expect(before.state).toBe('up');
    process.kill(before.pid!, 'SIGKILL');
    const killedAt = performance.now();
    expect(await output.exited).toBe(137);
    expect(output.text).toContain(EXECUTOR_LOST);

    // The next run is asked for at once: it waits for the new executor rather than failing.
    const next = new CapturedRun();
    await executor.start({ language: 'python', code: REDIS_PING, files: [], endpoints: endpoints() }, next);
    const backMs = performance.now() - killedAt;
    expect(await next.exited).toBe(0);
    expect(next.text).toContain('ping: True');
    const after = executor.executor.state();
    expect(after.state).toBe('up');
    expect(after.pid).not.toBe(before.pid);
    expect(after.restarts).toBe(before.restarts + 1);
    expect(backMs).toBeLessThan(2_000);
  });
});

describe('an executor on another machine (TCP, a token, the services tunnelled)', () => {
  let child: ChildProcess;
  let address: string;
  let workDir: string;
  const TOKEN = `token-${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'playground-executor-tcp-'));
    const tsx = createRequire(import.meta.url).resolve('tsx');
    child = spawn(
      process.execPath,
      [
        '--import',
        tsx,
        path.join(PROJECT_ROOT, 'server/executor/main.ts'),
        '--listen',
        '127.0.0.1:0',
        '--work-dir',
        workDir,
      ],
      { env: { PATH: process.env.PATH, PLAYGROUND_EXECUTOR_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    address = await new Promise<string>((resolve, reject) => {
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
        const match = /listening on (tcp:\/\/\S+)/.exec(line);
        if (match) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`the executor exited with ${code}`)));
    });
  });

  afterAll(async () => {
    child?.kill('SIGTERM');
    await new Promise((resolve) => child?.once('exit', resolve));
    await fs.rm(workDir, { recursive: true, force: true });
  });

  it("carries a run's connections to its own services, and to nothing else", async () => {
    const executor = startExecutor({ workDir: '/nonexistent', remote: address, token: TOKEN, log: () => {} });
    try {
      await executor.started;
      const output = new CapturedRun();
      // The learner's Redis only: a port the web server was not given for this run is refused.
      const mysql = testEndpoint('mysql');
      const code = `${REDIS_PING}
import socket
s = socket.socket()
try:
    s.connect(("127.0.0.1", ${Number(mysql.address.split(':').pop())}))
    print("other: reached")
except OSError as e:
    print("other: refused", type(e).__name__)`;
      await executor.client.start(
        { language: 'python', code, files: [], endpoints: { redis: testEndpoint('redis') } },
        output,
      );
      expect(await output.exited).toBe(0);
      expect(output.text).toContain('ping: True');
      expect(output.text).toContain('other: refused');
      expect(executor.state()).toMatchObject({ supervised: false, state: 'up' });
    } finally {
      await executor.stop();
    }
  });

  it('refuses a wrong token with a clear error', async () => {
    const executor = startExecutor({ workDir: '/nonexistent', remote: address, token: 'wrong', log: () => {} });
    await expect(executor.started).rejects.toThrow(/wrong executor token/);
    await expect(
      executor.client.start({ language: 'python', code: 'print(1)', files: [], endpoints: {} }, new CapturedRun()),
    ).rejects.toThrow(/wrong executor token/);
    await executor.stop();
  });

  it('drops a peer that breaks the protocol, and still serves the next one', async () => {
    const [host, port] = address.replace('tcp://', '').split(':');
    const socket = net.connect({ host, port: Number(port) });
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write('{"t":"start","id":1}\n');
    await closed;
    const executor = startExecutor({ workDir: '/nonexistent', remote: address, token: TOKEN, log: () => {} });
    await executor.started;
    const output = new CapturedRun();
    await executor.client.start({ language: 'python', code: 'print(6 * 7)', files: [], endpoints: {} }, output);
    expect(await output.exited).toBe(0);
    expect(output.text).toContain('42');
    await executor.stop();
    await sleep(0);
  });
});
