// The benches' playground: bench/serve.ts in a process of its own (so the load generator never
// shares an event loop with the server), started and waited for here.
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import type { ServiceName } from '../shared/protocol.ts';
import type { Endpoint } from '../server/services/endpoint.ts';

export interface BenchServer {
  baseUrl: string;
  endpoints: Record<ServiceName, Endpoint>;
  /** The server's process (its pid is the playground's, for /proc). */
  process: ChildProcess;
  /** Stops it (its services too) and resolves once it has exited. */
  stop(): Promise<void>;
}

export async function startBenchServer(): Promise<BenchServer> {
  const server = spawn(process.execPath, ['--import', 'tsx', 'bench/serve.ts'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: server.stdout! }).once('line', resolve);
    server.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  const { baseUrl, endpoints } = JSON.parse(first) as { baseUrl: string; endpoints: Record<ServiceName, Endpoint> };
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  return {
    baseUrl,
    endpoints,
    process: server,
    stop: () => {
      server.kill('SIGTERM');
      return exited;
    },
  };
}
