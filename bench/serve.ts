// Runs a whole playground in its own process for the benchmarks (so the load generator never
// shares an event loop with the server) and prints one JSON line: {"baseUrl", "endpoints"}.
import { freshTestDataDir, startStack } from '../server/stack.ts';
import fs from 'node:fs/promises';

const dataDir = await freshTestDataDir('bench');
const stack = await startStack(dataDir, (line) => process.stderr.write(`${line}\n`));
process.stdout.write(JSON.stringify({ baseUrl: stack.baseUrl, endpoints: stack.endpoints }) + '\n');

const stop = async () => {
  await stack.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
// Stops by itself if the benchmark that started it goes away.
process.stdin.on('end', () => void stop());
process.stdin.resume();
