// An executor process for a test file, started and watched as the web server does it
// (executor/supervise.ts), with the runner's settings the test asks for. Its client is the
// PlaygroundSnippetRunner the tests use; close() also stops the process.
import type { PlaygroundSnippetRunner } from '../runner/index.ts';
import type { ExecutorOptions } from '../executor/main.ts';
import { startExecutor, type Executor } from '../executor/supervise.ts';

export interface TestExecutor extends PlaygroundSnippetRunner {
  executor: Executor;
}

/** `env`: variables the executor process gets (a secret a test makes sure no run can see). */
export async function startTestExecutor(
  workDir: string,
  options: ExecutorOptions = {},
  env: Record<string, string> = {},
): Promise<TestExecutor> {
  const executor = startExecutor({ workDir, options, env, log: () => {} });
  await executor.started;
  const client = executor.client;
  return {
    executor,
    start: (request, output) => client.start(request, output),
    warm: () => client.warm(),
    load: () => client.load(),
    close: () => executor.stop(),
  };
}
