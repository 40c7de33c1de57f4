// A traced run's copy of what its connections carry (RunRequest.trace): the host forwarder hands
// each open, chunk and close here, and the run's output gets them in batches (`wire`), one per
// event-loop turn. Past MAX_RUN_WIRE_BYTES of copied bytes it stops copying: the trace that
// decodes them keeps far less (TRACE_MAX_BYTES), so nothing it would show is lost.
import { TRACE_MAX_BYTES } from '../../shared/trace.ts';
import type { TraceDir } from '../../shared/trace.ts';
import type { ServiceId } from '../services/endpoint.ts';
import type { RunNetwork } from './run-network.ts';
import type { WireChunk } from './types.ts';

export const MAX_RUN_WIRE_BYTES = 4 * TRACE_MAX_BYTES;

export class RunWireTap {
  private batch: WireChunk[] = [];
  private scheduled = false;
  private copied = 0;
  private nextConn = 1;
  private readonly started: number;

  constructor(
    private readonly deliver: (chunks: WireChunk[]) => void,
    /** performance.now() when the run's request arrived: `t` counts from there. */
    started = performance.now(),
  ) {
    this.started = started;
  }

  open(port: number): number {
    const conn = this.nextConn++;
    this.push({ conn, port, kind: 'open', dir: 'send', t: this.now() });
    return conn;
  }

  data(conn: number, port: number, dir: TraceDir, bytes: Buffer): void {
    if (this.copied >= MAX_RUN_WIRE_BYTES) return;
    this.copied += bytes.length;
    this.push({ conn, port, kind: 'data', dir, bytes, t: this.now() });
  }

  close(conn: number, port: number, by: TraceDir): void {
    this.push({ conn, port, kind: 'close', dir: by, t: this.now() });
  }

  /** Hands over what waits now (before the run's exit goes out). */
  flush(): void {
    this.scheduled = false;
    if (this.batch.length === 0) return;
    const chunks = this.batch;
    this.batch = [];
    this.deliver(chunks);
  }

  private now(): number {
    return Math.round((performance.now() - this.started) * 1000) / 1000;
  }

  private push(chunk: WireChunk): void {
    this.batch.push(chunk);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }
}

/** Which service each inside port of a run reaches (a network planned here, or by the web server). */
export function portServices(network: RunNetwork): Map<number, ServiceId> {
  const named = new Map<number, ServiceId>();
  for (const s of network.services ?? []) for (const port of s.ports) named.set(port, s.name);
  return named;
}
