// The executor process: the snippet runner (runner/) with its zygote, warm pool and fair queue,
// serving runs over its own protocol (protocol.ts). The web server starts and watches one on this
// machine (supervise.ts); an executor on another machine is started by hand (docs/scaling.md):
//
//   PLAYGROUND_EXECUTOR_TOKEN=… tsx server/executor/main.ts --listen 0.0.0.0:7070 --work-dir /var/tmp/playground-runner
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createSnippetRunner, type SnippetRunnerOptions } from '../runner/index.ts';
import { runSlotsFrom } from '../runner/run-limits.ts';
import { errorText } from '../util/errors.ts';
import { isAlive } from '../util/process.ts';
import { addressText, parseExecutorAddress } from './address.ts';
import { joinRunCgroup } from './cgroup.ts';
import { serveExecutor } from './serve.ts';

/** How often an executor started by a web server looks whether that server is still there. */
const PARENT_CHECK_MS = 1_000;

/** What the supervising web server passes in --options: the runner's settings that are plain data. */
export type ExecutorOptions = Omit<SnippetRunnerOptions, 'workDir' | 'fillPoolAfter' | 'log'>;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      listen: { type: 'string' },
      'work-dir': { type: 'string' },
      options: { type: 'string' },
      parent: { type: 'string' },
    },
  });
  if (!values.listen) throw new Error('--listen is required: a unix socket path or host:port');
  const address = parseExecutorAddress(values.listen);
  const workDir = path.resolve(values['work-dir'] ?? path.join(os.tmpdir(), 'service-playground-executor'));
  const extra = values.options ? (JSON.parse(values.options) as ExecutorOptions) : {};
  const slots = runSlotsFrom(process.env);
  const log = (line: string) => console.log(line);

  // Before any child exists: the zygote, the sandboxes and their programs inherit the group.
  const cgroup = joinRunCgroup(process.pid);
  log(`executor: ${cgroup}`);

  let fill: () => void = () => {};
  const filled = new Promise<void>((resolve) => (fill = resolve));
  const runner = await createSnippetRunner({
    ...extra,
    queue: { ...extra.queue, ...(slots === undefined ? {} : { slots }) },
    workDir,
    fillPoolAfter: filled,
    log,
  });
  const server = await serveExecutor(runner, address, {
    token: process.env.PLAYGROUND_EXECUTOR_TOKEN || undefined,
    fill,
    log,
  });
  log(`executor: pid ${process.pid} listening on ${addressText(server.address)}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`executor: ${signal}, stopping every run`);
    await server.close();
    await runner.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Started by a web server (through its spawner, so not as its child): it goes when that server
  // goes, even one killed with SIGKILL.
  const parent = Number(values.parent);
  if (parent) {
    setInterval(() => {
      if (!isAlive(parent)) void stop('the web server that started it is gone');
    }, PARENT_CHECK_MS).unref();
  }
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(`executor: ${errorText(err)}`);
  process.exit(1);
});
