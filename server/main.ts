// `npm start`: start (or check) the four services, then serve the playground.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServicesStatus } from '../shared/protocol.ts';
import { createPlaygroundServer } from './app.ts';
import { SERVICES } from './services/registry.ts';
import type { ServiceSet } from './services/service-set.ts';
import { runSlotsFrom } from './runner/run-limits.ts';
import { startExecutor, type Executor } from './executor/supervise.ts';
import { Supervisor } from './services/supervisor.ts';
import { errorText } from './util/errors.ts';
import { classroomRequested, readClassroomConfig, type ClassroomConfig } from './classroom/config.ts';
import { startClassroom, type RunningClassroom } from './classroom/index.ts';
// The same addresses the dashboard's join link falls back to when the instructor is on loopback.
import { lanAddresses } from './classroom/join-address.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_PORT = 3000;
/** Loopback by default: the terminals reach the services, so the page is not for the network. */
const DEFAULT_HOST = '127.0.0.1';
/** A class joins from other machines; every learner's services are their own, behind a token. */
const CLASSROOM_DEFAULT_HOST = '0.0.0.0';

export function readinessTable(statuses: ServicesStatus, services: ServiceSet): string {
  const rows = [['service', 'version', 'address', 'ready in', 'state']];
  for (const { name, title } of services.adapters) {
    const s = statuses[name];
    if (!s) continue;
    rows.push([
      title,
      s.version ?? '-',
      s.address ?? '-',
      s.readyMs !== undefined ? `${s.readyMs} ms` : '-',
      s.ok
        ? s.managed
          ? 'ready (private)'
          : 'ready (from URL)'
        : `${s.state}: ${s.message ?? ''}${s.install ? ` — run: ${s.install}` : ''}`,
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map(
      (r) =>
        '  ' +
        r
          .map((c, i) => c.padEnd(widths[i]))
          .join('  ')
          .trimEnd(),
    )
    .join('\n');
}

/**
 * One server per data directory: a second one would find the first one's instances in the pid
 * files and stop them as leftovers. The lock names the owner, so the message can say who.
 */
async function claimDataDir(dataDir: string): Promise<void> {
  await fs.mkdir(dataDir, { recursive: true });
  const lock = path.join(dataDir, 'server.pid');
  const owner = Number((await fs.readFile(lock, 'utf8').catch(() => '')).trim());
  if (owner && owner !== process.pid) {
    let running = true;
    try {
      process.kill(owner, 0);
    } catch {
      running = false;
    }
    if (running) {
      console.error(
        `Another playground (pid ${owner}) is running with the data in ${dataDir}.\n` +
          `Stop it first, or give this one its own: PLAYGROUND_DATA_DIR=/some/dir npm start`,
      );
      process.exit(1);
    }
  }
  await fs.writeFile(lock, `${process.pid}\n`);
  process.on('exit', () => {
    try {
      if (readFileSync(lock, 'utf8').trim() === String(process.pid)) rmSync(lock);
    } catch {
      /* already gone */
    }
  });
}

/**
 * The runner's work directory (sockets, the client packages the sandbox sees) lives under the
 * system's temp directory, not in the checkout: the sandbox's unprivileged uid must be able to
 * pass through every parent, and a checkout may sit in a private (mode 700) directory.
 */
export function runnerWorkDir(dataDir: string): string {
  const tag = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 12);
  return path.join(os.tmpdir(), `service-playground-runner-${tag}`);
}

/**
 * Snippet runs happen in the executor, a process of their own (executor/): started and watched
 * here, or the one PLAYGROUND_EXECUTOR names on another machine. It needs bubblewrap and Debian's
 * python3; without them the rest of the playground still works.
 */
export async function startRunner(
  workDir: string,
  options: { fillPoolAfter?: Promise<unknown>; slots?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<{ executor: Executor; problem?: string }> {
  const env = options.env ?? process.env;
  const executor = startExecutor({
    workDir,
    remote: env.PLAYGROUND_EXECUTOR || undefined,
    token: env.PLAYGROUND_EXECUTOR_TOKEN || undefined,
    options: options.slots === undefined ? {} : { queue: { slots: options.slots } },
    fillAfter: options.fillPoolAfter,
    log: (line) => console.log(`  ${line}`),
  });
  try {
    await executor.started;
    return { executor };
  } catch (err) {
    return { executor, problem: `snippet runs are unavailable: ${errorText(err)}` };
  }
}

async function main(): Promise<void> {
  const dev = process.argv.includes('--dev');
  let classroomConfig: ClassroomConfig | null = null;
  if (classroomRequested(process.argv, process.env)) {
    try {
      classroomConfig = readClassroomConfig(process.env);
    } catch (err) {
      console.error(errorText(err));
      process.exit(2);
    }
  }
  const port = Number(process.env.PORT ?? DEFAULT_PORT);
  const host = process.env.HOST ?? (classroomConfig ? CLASSROOM_DEFAULT_HOST : DEFAULT_HOST);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
    process.exit(2);
  }
  let runSlots: number | undefined;
  try {
    runSlots = runSlotsFrom(process.env);
  } catch (err) {
    console.error(errorText(err));
    process.exit(2);
  }
  const began = performance.now();
  const dataDir = path.resolve(process.env.PLAYGROUND_DATA_DIR ?? path.join(ROOT, '.playground'));
  await claimDataDir(dataDir);
  const supervisor = new Supervisor({
    adapters: SERVICES.adapters,
    dataDir,
    log: (line) => console.log(`  ${line}`),
    // The classroom creates each learner's vhost and user through the broker's management API.
    classroom: classroomConfig !== null,
  });
  supervisor.on('status', (service, status) => {
    if (status.state === 'ready') {
      console.log(
        `  ✔ ${supervisor.adapter(service).title} ${status.version} at ${status.address} (${status.readyMs} ms)`,
      );
    }
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the services…`);
    await Promise.race([
      (async () => {
        await app?.close();
        await classroom?.close();
        await Promise.all([supervisor.stopAll(), executor.stop()]);
      })(),
      new Promise((r) => setTimeout(r, 15_000)),
    ]);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('exit', () => supervisor.killAllNow());

  let servicesUp!: () => void;
  const servicesStarted = new Promise<void>((resolve) => (servicesUp = resolve));
  const { executor, problem: runnerProblem } = await startRunner(runnerWorkDir(dataDir), {
    fillPoolAfter: servicesStarted,
    slots: runSlots,
  });
  const runner = runnerProblem ? null : executor.client;
  let app: Awaited<ReturnType<typeof createPlaygroundServer>> | null = null;
  let classroom: RunningClassroom | null = null;
  let bound = 0;
  const serve = async () => {
    app = await createPlaygroundServer({
      supervisor,
      lessonsDir: path.join(ROOT, 'lessons'),
      dataDir,
      clientDir: path.join(ROOT, 'dist', 'client'),
      dev,
      runner,
      runnerProblem,
      executor: executor.state,
      ...(classroom ? { classroom: { classroom: classroom.classroom, secret: classroom.secret } } : {}),
    });
    try {
      bound = await app.listen(port, host);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      console.error(
        code === 'EADDRINUSE'
          ? `Port ${port} is in use: set PORT to another port, e.g. PORT=3001 npm start`
          : String(err),
      );
      process.exit(1);
    }
  };
  // Single-user: serve first, so the page can show the services coming up. A classroom serves
  // once every learner's workspace can be made.
  if (!classroomConfig) await serve();

  const usingUrls = SERVICES.adapters.filter((a) => process.env[a.urlEnv]).map((a) => a.urlEnv);
  console.log(
    usingUrls.length === SERVICES.adapters.length
      ? 'Checking the services given by URL…'
      : `Starting private services (data in ${path.relative(process.cwd(), dataDir) || '.'}/)${usingUrls.length ? `; using ${usingUrls.join(', ')}` : ''}…`,
  );
  const statuses = await supervisor.startAll();
  servicesUp();
  console.log(`\n${readinessTable(statuses, supervisor.services)}\n`);
  console.log(
    runner
      ? `  snippets: Python and JavaScript runs ready (sandboxed, executor at ${executor.state().address})\n`
      : `  snippets: unavailable — ${runnerProblem}\n`,
  );
  const shownHost = host === '127.0.0.1' || host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  if (classroomConfig) {
    try {
      classroom = await startClassroom({
        supervisor,
        config: classroomConfig,
        dataDir,
        lessonsDir: path.join(ROOT, 'lessons'),
        log: (line) => console.log(`  ${line}`),
      });
    } catch (err) {
      console.error(`Classroom mode cannot start: ${errorText(err)}`);
      await supervisor.stopAll();
      process.exit(1);
    }
    await serve();
    const wide = host === '0.0.0.0' || host === '::';
    const urls = [`http://${shownHost}:${bound}`, ...(wide ? lanAddresses().map((a) => `http://${a}:${bound}`) : [])];
    console.log('Classroom mode');
    console.log(`  instructor: ${urls[0]}/instructor — sign in with the secret`);
    console.log(
      classroom.generatedSecret
        ? `  instructor secret: ${classroom.secret}   (kept in ${path.relative(process.cwd(), dataDir) || '.'}/; set INSTRUCTOR_SECRET to choose one)`
        : '  instructor secret: the one in INSTRUCTOR_SECRET',
    );
    const joinAt = classroomConfig.publicUrl ?? (urls.slice(wide ? 1 : 0).join('  ') || urls[0]);
    console.log(`  learners join at: ${joinAt}  (create a class for its join link and code)`);
  }
  console.log(
    `Playground ready at http://${shownHost}:${bound}  (${((performance.now() - began) / 1000).toFixed(1)} s; Ctrl-C stops it)`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
