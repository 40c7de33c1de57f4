// A page's terminals and runs, apart from the socket that carries them: a reload closes the socket,
// the session lingers (session-registry.ts), and the reloaded page's socket re-attaches and gets
// every screen back from the scrollback kept here. While no socket is attached, the terminals keep
// their service connections and the runs keep running; what they print is kept, not sent.
import {
  DEFAULT_MAIN_FILE,
  type ClientMessage,
  type ReattachedRun,
  type ReattachedTerminal,
} from '../../shared/protocol.ts';
import type { ServerMessage } from '../../shared/protocol.ts';
import { fillByteCount } from '../../shared/live-prompt.ts';
import { MAX_ENDED_RUNS_KEPT, MAX_RUNS_PER_SOCKET, MAX_TERMINALS_PER_SOCKET } from '../../shared/limits.ts';
import { TerminalHost } from '../terminal/terminal-host.ts';
import type { SnippetRunner } from '../runner/types.ts';
import type { Endpoint, ServiceId } from '../services/endpoint.ts';
import type { ServiceStatus } from '../../shared/protocol.ts';
import { errorText } from '../util/errors.ts';
import { InspectChannels } from './inspect-channels.ts';
import { RunChannel } from './run-channel.ts';
import { watchRun, type RunWatches } from './run-watches.ts';
import { Scrollback } from './scrollback.ts';
import { ChannelTraces } from './channel-traces.ts';
import type { RegisteredSession } from './session-registry.ts';
import type { ServiceAccess } from './service-access.ts';

/** What a watcher sees of a session's terminals and runs (classroom mode; see server/classroom/mirror-hub.ts). */
export interface SocketTap {
  open(channel: string, label: string): void;
  output(channel: string, data: string): void;
  close(channel: string): void;
}

/** What the attached socket lends the session: the way out, and the classroom's per-socket hooks. */
export interface SessionPort {
  send(message: ServerMessage): void;
  /** The socket's send buffer is too full to take more. */
  congested(): boolean;
  /** The socket is open (not closing): a re-attach must not take a session a live page holds. */
  live(): boolean;
  /** Classroom mode: asked for each terminal line and each run; a string refuses it with that message. */
  admitCommand?: () => string | null;
  admitRun?: () => string | null;
  /** Something the learner did (a line, a run): for "last active" and idle reclaim. */
  onActivity?: () => void;
}

export interface PageSessionInit {
  id: string;
  owner: string;
  services: ServiceAccess;
  /** null when snippet runs are unavailable (e.g. bubblewrap missing); `runnerProblem` says why. */
  runner: SnippetRunner | null;
  runnerProblem?: string;
  /** Classroom mode: every terminal and run is mirrored here for whoever watches. */
  tap?: SocketTap;
  /** The session ended: what it held for its life (a workspace hold, the services' listeners) goes. */
  onEnd?: () => void;
}

interface TerminalRecord {
  host: TerminalHost;
  scrollback: Scrollback;
  /** The `opened` message, sent again to a page that re-attaches. */
  opened: Extract<ServerMessage, { type: 'opened' }> | null;
  /** The prompt shown last; null once a line was typed at it (the terminal is busy). */
  waiting: string | null;
  lastPrompt: string;
}

interface RunRecord {
  channel: RunChannel;
  name: string;
  language: ReattachedRun['language'];
  scrollback: Scrollback;
  started: Extract<ServerMessage, { type: 'started' }> | null;
  exit: number | null;
  /** The program waits for input (the last `input-wait`). */
  waiting: boolean;
  /** Before it starts: runs ahead of it in the queue (the last `queued`). */
  queued: number | null;
  /** The run's watchers, until they have said what it did (`summary`, kept for a reload). */
  watches: RunWatches | null;
  summary: Extract<ServerMessage, { type: 'summary' }> | null;
}

export class PageSession implements RegisteredSession {
  readonly id: string;
  readonly owner: string;
  private readonly terminals = new Map<string, TerminalRecord>();
  /** Runs going, and finished ones kept for a reload (oldest first), by id. */
  private readonly runs = new Map<string, RunRecord>();
  private port: SessionPort | null = null;
  private ended = false;
  readonly services: ServiceAccess;
  private readonly tap: SocketTap | undefined;
  private readonly inspectors: InspectChannels;
  private readonly traces: ChannelTraces;

  private readonly onStatus = (service: ServiceId, status: ServiceStatus) =>
    this.port?.send({ type: 'service', service, status });
  private readonly onDown = (service: ServiceId, reason: string) => {
    for (const t of this.terminals.values()) if (t.host.service === service) t.host.serviceDown(reason);
  };
  private readonly onUp = (service: ServiceId, endpoint: Endpoint) => {
    for (const t of this.terminals.values()) if (t.host.service === service) t.host.serviceUp(endpoint);
  };

  constructor(private readonly init: PageSessionInit) {
    this.id = init.id;
    this.owner = init.owner;
    this.services = init.services;
    this.tap = init.tap;
    this.inspectors = new InspectChannels(this.services, (message) => {
      if (!this.ended) this.port?.send(message);
    });
    this.traces = new ChannelTraces(this.services, (message) => this.send(message));
    this.services.on('status', this.onStatus);
    this.services.on('down', this.onDown);
    this.services.on('up', this.onUp);
  }

  /** No terminal or run was ever opened (a fresh session a `reattach` may replace). */
  get empty(): boolean {
    return this.terminals.size === 0 && this.runs.size === 0;
  }

  /** The socket holding the session is open. */
  get held(): boolean {
    return this.port?.live() ?? false;
  }

  /** A socket takes the session; what it says goes to this session from now on. */
  attach(port: SessionPort): void {
    this.port = port;
  }

  /** The socket `port` went away; false when another socket holds the session by now. */
  detach(port: SessionPort): boolean {
    if (this.port !== port) return false;
    this.port = null;
    // Inspectors hold connections to the services: the page that comes back opens its views again.
    this.inspectors.closeAll();
    // A pause asked for by the page that went away would hold output forever: it goes to the scrollback.
    for (const t of this.terminals.values()) t.host.resume();
    return !this.ended;
  }

  /** The channels a re-attaching page gets, oldest first. */
  listing(): { terminals: ReattachedTerminal[]; runs: ReattachedRun[] } {
    return {
      terminals: [...this.terminals].map(([id, t]) => ({
        id,
        service: t.host.service,
        position: t.scrollback.position,
      })),
      runs: [...this.runs].map(([id, r]) => ({
        id,
        name: r.name,
        language: r.language,
        state: r.exit !== null ? 'exited' : r.started ? 'running' : 'starting',
        position: r.scrollback.position,
      })),
    };
  }

  /** Sends each channel's screen to `port`: all of it, or what comes after `have` (characters) of it. */
  replay(port: SessionPort, have: Record<string, number> = {}): void {
    // Own keys only: a channel may be named "constructor" or "toString", which a plain object
    // answers from its prototype with a function, not a position.
    const seen = (id: string) => (Object.hasOwn(have, id) ? have[id] : 0);
    for (const [id, t] of this.terminals) {
      if (t.opened) port.send(t.opened);
      const data = t.scrollback.replay(seen(id));
      if (data) port.send({ type: 'output', id, data, replay: true });
      if (t.waiting !== null) port.send({ type: 'prompt', id, prompt: t.waiting });
    }
    for (const [id, r] of this.runs) {
      if (r.started) port.send(r.started);
      else if (r.queued !== null) port.send({ type: 'queued', id, ahead: r.queued });
      const data = r.scrollback.replay(seen(id));
      if (data) port.send({ type: 'output', id, data, replay: true });
      if (r.exit !== null) port.send({ type: 'exit', id, code: r.exit });
      else if (r.waiting) port.send({ type: 'input-wait', id, waiting: true });
      if (r.summary) port.send(r.summary);
    }
    this.traces.replay((m) => port.send(m));
  }

  private forgetRun(id: string): void {
    this.runs.delete(id);
    this.traces.close(id);
  }

  /** The socket's send buffer drained: terminals send what they held back. */
  drained(): void {
    for (const t of this.terminals.values()) t.host.onSocketDrain();
  }

  handle(message: Exclude<ClientMessage, { type: 'reattach' }>): void {
    switch (message.type) {
      case 'open': {
        const ended = this.runs.get(message.id);
        if (ended && ended.exit !== null) this.forgetRun(message.id); // the page reuses the id of a finished run
        if (this.terminals.has(message.id) || this.runs.has(message.id) || this.inspectors.has(message.id)) {
          this.send({
            type: 'error',
            id: message.id,
            message: `id "${message.id}" is already open on this connection`,
          });
        } else if (message.kind === 'terminal') {
          void this.openTerminal(message.id, message.service, message.trace === true);
        } else if (message.kind === 'inspect') {
          void this.inspectors.open(message.id, message.service);
        } else {
          this.openRun(message);
        }
        return;
      }
      case 'input':
        this.port?.onActivity?.();
        if (this.inspectors.has(message.id)) this.inspectors.input(message.id, message.data);
        else this.channel(message.id)?.input(message.data);
        return;
      case 'resize':
        this.channel(message.id)?.resize(message.cols, message.rows);
        return;
      case 'signal':
        this.channel(message.id)?.interrupt();
        return;
      case 'pause': {
        const c = this.channel(message.id);
        if (c instanceof TerminalHost) c.pause();
        return;
      }
      case 'resume': {
        const c = this.channel(message.id);
        if (c instanceof TerminalHost) c.resume();
        return;
      }
      case 'close':
        this.close(message.id);
        return;
      default: {
        const unreachable: never = message;
        throw new Error(`unhandled message ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private close(id: string): void {
    if (this.inspectors.close(id)) {
      this.port?.send({ type: 'exit', id, code: 0 });
      return;
    }
    const finished = this.runs.get(id);
    if (finished && finished.exit !== null) {
      // The page closed the pane of a finished run: nothing to stop, only its output to forget.
      this.forgetRun(id);
      return;
    }
    const c = this.channel(id);
    if (c instanceof TerminalHost) {
      c.close();
      this.terminals.delete(id);
      this.traces.close(id);
      this.tap?.close(id);
      this.send({ type: 'exit', id, code: 0 });
    } else if (c) {
      // The runner reports the exit (with its code) once the sandbox is gone.
      c.kill('the run was stopped');
    }
  }

  /**
   * Every message of a channel goes through here: kept for a reload, mirrored for watchers, and
   * sent when a socket is attached.
   */
  private send(message: ServerMessage): void {
    if (this.ended) return;
    this.record(message);
    this.port?.send(message);
  }

  private record(message: ServerMessage): void {
    if (!('id' in message) || message.id === undefined) return;
    const t = this.terminals.get(message.id);
    const r = t ? undefined : this.runs.get(message.id);
    switch (message.type) {
      case 'opened':
        if (t) t.opened = message;
        this.tap?.open(message.id, this.services.adapter(message.service).title);
        return;
      case 'started':
        if (r) r.started = message;
        this.tap?.open(message.id, `run: ${r?.name ?? message.language}`);
        return;
      case 'output':
        (t ?? r)?.scrollback.output(message.data);
        this.tap?.output(message.id, message.data);
        return;
      case 'prompt':
        if (t) {
          t.waiting = message.prompt;
          t.lastPrompt = message.prompt;
          this.inspectors.nudge(t.host.service);
        }
        this.tap?.output(message.id, message.prompt);
        return;
      case 'input-wait':
        if (r) r.waiting = message.waiting;
        return;
      case 'queued':
        if (r) r.queued = message.ahead;
        return;
      case 'exit':
        if (r) {
          r.exit = message.code;
          // What the run did to the services shows at once, not at a view's next look.
          this.inspectors.nudge();
          void this.summarize(message.id, r);
        }
        this.tap?.close(message.id);
        return;
      default:
        return;
    }
  }

  private openRun(message: Extract<ClientMessage, { type: 'open'; kind: 'run' }>): void {
    const { id } = message;
    if (!this.init.runner) {
      this.send({
        type: 'error',
        id,
        message: this.init.runnerProblem ?? 'snippet runs are not available on this server',
      });
      this.send({ type: 'exit', id, code: 1 });
      return;
    }
    const live = [...this.runs.values()].filter((r) => r.exit === null).length;
    if (live >= MAX_RUNS_PER_SOCKET) {
      this.send({ type: 'error', id, message: `too many runs at once (limit ${MAX_RUNS_PER_SOCKET}); stop one first` });
      return;
    }
    const refusal = this.port?.admitRun?.();
    if (refusal) {
      this.send({ type: 'error', id, message: refusal });
      this.send({ type: 'exit', id, code: 1 });
      return;
    }
    this.port?.onActivity?.();
    const record: RunRecord = {
      channel: new RunChannel(
        id,
        (m) => this.send(m),
        () => this.runEnded(id, record),
        message.trace ? { wire: this.traces.run(id), finish: () => this.traces.finish(id) } : undefined,
      ),
      name: message.name ?? DEFAULT_MAIN_FILE[message.language],
      language: message.language,
      scrollback: new Scrollback(),
      started: null,
      exit: null,
      waiting: false,
      queued: null,
      watches: null,
      summary: null,
    };
    this.runs.set(id, record);
    void this.startRun(record, message);
  }

  /** A run ended: kept for a reload if it ever started, within MAX_ENDED_RUNS_KEPT finished ones. */
  private runEnded(id: string, record: RunRecord): void {
    if (this.runs.get(id) !== record) return;
    if (!record.started) {
      this.forgetRun(id);
      return;
    }
    const finished = [...this.runs].filter(([, r]) => r.exit !== null).map(([k]) => k);
    for (const old of finished.slice(0, Math.max(0, finished.length - MAX_ENDED_RUNS_KEPT))) this.forgetRun(old);
  }

  /** Once a run has ended: what it did, from its watchers, to the page and kept for a reload. */
  private async summarize(id: string, record: RunRecord): Promise<void> {
    const watches = record.watches;
    record.watches = null;
    if (!watches) return;
    const services = await watches.finish();
    if (services.length === 0 || this.runs.get(id) !== record) return;
    record.summary = { type: 'summary', id, services };
    this.send(record.summary);
  }

  private async startRun(
    record: RunRecord,
    message: Extract<ClientMessage, { type: 'open'; kind: 'run' }>,
  ): Promise<void> {
    const id = record.channel.id;
    try {
      await this.services.ready?.();
    } catch (err) {
      this.send({ type: 'error', id, message: `your services are not ready: ${errorText(err)}` });
      this.send({ type: 'exit', id, code: 1 });
      this.forgetRun(id);
      return;
    }
    if (this.ended || !this.init.runner) return;
    const endpoints: Record<ServiceId, Endpoint> = {};
    for (const { name } of this.services.adapters) {
      const endpoint = this.services.endpoint(name);
      if (endpoint) endpoints[name] = endpoint;
    }
    record.watches = await watchRun(
      this.services,
      endpoints,
      [message.code, ...(message.files ?? []).map((f) => f.content)].join('\n'),
    );
    if (this.ended) {
      record.watches.cancel();
      return;
    }
    await record.channel.start(this.init.runner, {
      language: message.language,
      code: message.code,
      name: message.name,
      files: message.files ?? [],
      endpoints,
      learner: this.owner,
    });
  }

  private async openTerminal(id: string, service: ServiceId, trace: boolean): Promise<void> {
    if (!this.services.has(service)) {
      const known = this.services.adapters.map((a) => a.name).join(', ');
      this.send({ type: 'error', id, message: `unknown service ${JSON.stringify(service)}; expected one of ${known}` });
      this.send({ type: 'exit', id, code: 1 });
      return;
    }
    if (this.terminals.size >= MAX_TERMINALS_PER_SOCKET) {
      this.send({
        type: 'error',
        id,
        message: `too many terminals open (limit ${MAX_TERMINALS_PER_SOCKET}); close one first`,
      });
      return;
    }
    const tap = this.tap;
    let via: ((real: Endpoint) => Endpoint) | null = null;
    const record: TerminalRecord = {
      host: new TerminalHost({
        id,
        adapter: this.services.adapter(service),
        endpoint: () => this.services.endpoint(service),
        send: (m) => this.send(m),
        socketCongested: () => this.port?.congested() ?? false,
        admitLine: () => this.port?.admitCommand?.() ?? null,
        onLine: (line) => {
          // The page echoed the line itself; the replay needs it after its prompt.
          record.scrollback.echo(`${fillByteCount(record.lastPrompt, line)}${line}\r\n`);
          record.waiting = null;
          tap?.output(id, `${line}\r\n`);
        },
        connectVia: trace ? (real) => via?.(real) ?? real : undefined,
        admin: () => this.services.admin?.(service) ?? null,
        restart: {
          refusal: () => this.services.restartRefusal(service),
          run: (mode) => this.services.restart(service, mode),
        },
      }),
      scrollback: new Scrollback(),
      opened: null,
      waiting: null,
      lastPrompt: '',
    };
    // Known at once, before the services are ready: a resize or a keystroke that follows the
    // `open` at once waits in the host instead of meeting "no open terminal".
    this.terminals.set(id, record);
    const host = record.host;
    const gone = () => this.ended || this.terminals.get(id) !== record;
    if (this.services.ready) {
      try {
        await this.services.ready();
      } catch (err) {
        if (gone()) return;
        const title = this.services.adapter(service).title;
        this.terminals.delete(id);
        host.close();
        this.send({ type: 'error', id, message: `your ${title} is not ready: ${errorText(err)}` });
        this.send({ type: 'exit', id, code: 1 });
        return;
      }
      if (gone()) return;
    }
    if (trace) {
      via = await this.traces.terminal(id, service);
      if (gone()) return this.traces.close(id);
    }
    const ok = await host.open();
    if (!ok && this.terminals.get(id) === record) {
      host.close();
      this.terminals.delete(id);
      this.send({ type: 'exit', id, code: 1 });
    }
  }

  private channel(id: string): TerminalHost | RunChannel | undefined {
    const t = this.terminals.get(id);
    const r = this.runs.get(id);
    const c = t?.host ?? (r && r.exit === null ? r.channel : undefined);
    if (!c) this.send({ type: 'error', id, message: `no open terminal or run with id "${id}"` });
    return c;
  }

  /** Ends the session: terminals closed, runs stopped and their sandboxes removed. */
  end(reason: string): void {
    if (this.ended) return;
    for (const id of [...this.terminals.keys(), ...this.runs.keys()]) this.tap?.close(id);
    this.ended = true;
    this.port = null;
    this.services.off('status', this.onStatus);
    this.services.off('down', this.onDown);
    this.services.off('up', this.onUp);
    this.inspectors.closeAll();
    this.traces.closeAll();
    for (const t of this.terminals.values()) t.host.close();
    this.terminals.clear();
    for (const r of this.runs.values()) if (r.exit === null) r.channel.kill(reason);
    this.runs.clear();
    this.init.onEnd?.();
  }
}
