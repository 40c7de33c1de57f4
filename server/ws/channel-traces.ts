// The traces of a page session's channels: a terminal or run opened with `trace: true` gets a
// WireTrace (server/wire/trace.ts) whose events go out as `trace` frames and stay for a reload's
// replay. A terminal's connections pass through its tap (server/wire/tap.ts); a run's chunks come
// from its host forwarder through the runner (`RunOutput.wire`).
import type { ServerMessage } from '../../shared/protocol.ts';
import type { Endpoint, ServiceId } from '../services/endpoint.ts';
import type { WireChunk } from '../runner/types.ts';
import { TerminalTap } from '../wire/tap.ts';
import { SERVER_TRACE_BUDGET, WireTrace } from '../wire/trace.ts';
import type { ServiceAccess } from './service-access.ts';

interface Traced {
  trace: WireTrace;
  tap: TerminalTap | null;
  /** A run's executor connection numbers → the trace's. */
  conns: Map<number, number>;
}

export class ChannelTraces {
  private readonly traced = new Map<string, Traced>();

  constructor(
    private readonly services: ServiceAccess,
    private readonly send: (message: ServerMessage) => void,
  ) {}

  private create(id: string): Traced {
    const trace = new WireTrace({
      protocol: (service) => (this.services.has(service) ? this.services.adapter(service).decode : undefined),
      access: {
        endpoint: (service) => this.services.endpoint(service),
        admin: (service) => this.services.admin?.(service) ?? null,
      },
      send: (events) => this.send({ type: 'trace', id, events }),
      budget: SERVER_TRACE_BUDGET,
    });
    const traced: Traced = { trace, tap: null, conns: new Map() };
    this.traced.set(id, traced);
    return traced;
  }

  /** A traced terminal: its tap listens, and the terminal connects to `through(real)` instead. */
  async terminal(id: string, service: ServiceId): Promise<(real: Endpoint) => Endpoint> {
    const traced = this.create(id);
    const tap = new TerminalTap(service, traced.trace, () => this.services.endpoint(service));
    traced.tap = tap;
    await tap.listen();
    return (real) => tap.through(real);
  }

  /** A traced run: where its runner's `wire` chunks go. */
  run(id: string): (chunks: WireChunk[]) => void {
    const { trace, conns } = this.create(id);
    return (chunks) => {
      for (const c of chunks) {
        if (c.kind === 'open') {
          conns.set(c.conn, trace.open(c.service ?? `port ${c.port}`, c.t));
          continue;
        }
        const conn = conns.get(c.conn);
        if (conn === undefined) continue;
        if (c.kind === 'data' && c.bytes) trace.data(conn, c.dir, c.bytes, c.t);
        else if (c.kind === 'close') trace.close(conn, c.dir, c.t);
      }
    };
  }

  /** The run exited (its last chunks came before): its trace ends, its events go out before `exit`. */
  finish(id: string): void {
    this.traced.get(id)?.trace.end();
  }

  /** The channel is gone (a closed terminal, a forgotten run): its tap and what it kept. */
  close(id: string): void {
    const traced = this.traced.get(id);
    if (!traced) return;
    traced.tap?.close();
    traced.trace.end();
    traced.trace.release();
    this.traced.delete(id);
  }

  closeAll(): void {
    for (const id of [...this.traced.keys()]) this.close(id);
  }

  /** A re-attached page gets each trace again, whole; it keeps each event's `seq` once. */
  replay(send: (message: ServerMessage) => void): void {
    for (const [id, { trace }] of this.traced) {
      const events = trace.events();
      if (events.length > 0) send({ type: 'trace', id, events: [...events], replay: true });
    }
  }
}
