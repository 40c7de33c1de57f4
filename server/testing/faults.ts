// kill -9 of a service under an open terminal, timed as the learner lives it: from the signal to
// the terminal's "stopped" line (notified), and to its "back; reconnected" line with a new prompt
// that answers a command again (back). Shared by the fault tests and bench/faults.ts.
import type { ServiceId } from '../services/endpoint.ts';
import type { PlaygroundClient } from '../ws/playground-client.ts';

/** A line each service's terminal answers at once, and what its answer holds. */
export const PROBES: Record<ServiceId, { line: string; answer: RegExp }> = {
  memcached: { line: 'version', answer: /VERSION \d/ },
  redis: { line: 'PING', answer: /PONG/ },
  rabbitmq: { line: 'queue.declare queue=fault_probe', answer: /declare-ok/ },
  mysql: { line: 'SELECT 41 + 1 AS answer;', answer: /42/ },
};

export interface FaultTiming {
  /** Signal → the terminal's "[… stopped: killed by SIGKILL …]" line. */
  notifiedMs: number;
  /** Signal → "[… is back; reconnected]" and a prompt that answers the probe. */
  backMs: number;
}

/** How long the fault tests wait for a service to come back before failing. */
const BACK_TIMEOUT_MS = 120_000;

/**
 * Kills `pid` (a service's process) with SIGKILL while terminal `id` is open on it, and times what
 * the terminal shows. The terminal must be open and idle at its prompt.
 */
export async function killAndTime(
  client: PlaygroundClient,
  id: string,
  service: ServiceId,
  title: string,
  pid: number,
): Promise<FaultTiming> {
  const t = client.terminal(id);
  const from = t.output.length;
  const prompts = t.prompts.length;
  const began = performance.now();
  process.kill(pid, 'SIGKILL');
  await client.waitForOutput(id, new RegExp(`${title} stopped: killed by SIGKILL`), from, BACK_TIMEOUT_MS);
  const notifiedMs = performance.now() - began;
  await client.waitForOutput(id, new RegExp(`${title} is back; reconnected`), from, BACK_TIMEOUT_MS);
  await client.until(() => t.prompts.length > prompts, BACK_TIMEOUT_MS);
  const backMs = performance.now() - began;
  const probe = PROBES[service];
  // Not client.run(): memcached's terminal prompts before its reply comes (a raw pipe).
  const at = t.output.length;
  client.send({ type: 'input', id, data: `${probe.line}\r` });
  await client.waitForOutput(id, probe.answer, at, BACK_TIMEOUT_MS);
  return { notifiedMs, backMs };
}
