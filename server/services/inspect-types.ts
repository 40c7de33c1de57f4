// The contract between an Inspect channel (server/ws/page-session.ts) and a service's inspector
// (ServiceAdapter.inspect, in the service's folder): the inspector watches the learner's own
// service at `endpoint` and calls `state` with the whole view at once and again on every change,
// pushed by the service where it can (Redis's keyspace notifications, memcached's `watch`),
// otherwise looked at on a stated interval, until close().
import type { InspectState } from '../../shared/inspect.ts';
import type { Endpoint } from './endpoint.ts';

export interface InspectOutput {
  state(state: InspectState): void;
  /** The view cannot go on (the service went away); the channel ends with this message. */
  fail(message: string): void;
}

export interface InspectSession {
  close(): void;
  /**
   * Something may have changed: the learner's terminal on this service just answered a line. A
   * view that is not pushed by its service looks again at once instead of at its next interval.
   */
  nudge?(): void;
  /** What the page's view asks for, as the `input` of the channel (Redis: `{"show": key}`). */
  input?(data: string): void;
}

/** `admin`: the playground's privileged access to that server (ServiceAdapter.admin), or null. */
export type ServiceInspector = (endpoint: Endpoint, output: InspectOutput, admin: unknown) => Promise<InspectSession>;

/** Calls `fn` once, `delayMs` after the last of a burst of calls (many changes, one new state). */
export function debounce(fn: () => void, delayMs: number): { (): void; cancel(): void } {
  let timer: NodeJS.Timeout | null = null;
  const call = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, delayMs);
  };
  call.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  return call;
}

/**
 * `read` one at a time: a call while a read is going makes one more read after it (a change
 * during a read is not lost, and a burst of them makes at most two reads).
 */
export function oneAtATime(read: () => Promise<void>): () => void {
  let reading = false;
  let again = false;
  const run = (): void => {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    void read().finally(() => {
      reading = false;
      if (again) {
        again = false;
        run();
      }
    });
  };
  return run;
}

/** A view's request (`input`): its JSON object, or undefined when `data` is none. */
export function parseRequest(data: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(data) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A view's request to show one thing (`input` {"show": name}; {"show": null} shows nothing):
 * the name, null, or undefined when `data` asks nothing of the kind.
 */
export function parseShow(data: string): string | null | undefined {
  const request = parseRequest(data);
  if (!request || !('show' in request)) return undefined;
  return typeof request.show === 'string' ? request.show : null;
}
