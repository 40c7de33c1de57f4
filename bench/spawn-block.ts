// How long starting a daemon holds up the web server's event loop: Node's spawn() waits in the
// calling process until the child has exec'd; the spawner (server/services/process/spawner.ts)
// does that in a small process of its own. N short daemons each way, twice, in one run; the event
// loop's delay is sampled every millisecond meanwhile.
//   npx tsx bench/spawn-block.ts [daemons=40]
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { spawnDaemon } from '../server/services/process/spawner.ts';

const N = Number(process.argv[2] ?? 40);
/** Between two starts, as a class's joins come. */
const GAP_MS = 5;

for (const way of ['spawner', 'spawn()', 'spawner', 'spawn()'] as const) {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const exits: Promise<unknown>[] = [];
  for (let i = 0; i < N; i++) {
    if (way === 'spawn()') {
      const child = spawn('/bin/sleep', ['0.05'], { stdio: 'ignore', detached: true });
      exits.push(new Promise((resolve) => child.once('exit', resolve)));
    } else {
      const daemon = spawnDaemon({ command: '/bin/sleep', args: ['0.05'], cwd: '/', env: {}, logFile: '/dev/null' });
      exits.push(new Promise((resolve) => daemon.once('exit', resolve)));
    }
    await new Promise((resolve) => setTimeout(resolve, GAP_MS));
  }
  await Promise.all(exits);
  delay.disable();
  console.log(
    `${way.padEnd(8)} ${N} daemons: event-loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms`,
  );
}
