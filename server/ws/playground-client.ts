// A small client of the public WebSocket protocol, as any script would write one. The tests and the
// benchmarks drive the playground through it.
import type { InspectState } from '../../shared/inspect.ts';
import WebSocket from 'ws';
import type { ClientMessage, ServerMessage } from '../../shared/protocol.ts';
import { WS_PATH } from '../../shared/protocol.ts';
import type { ServiceName } from '../../shared/protocol.ts';
import type { TraceEvent } from '../../shared/trace.ts';

/** What one terminal (or run) received. `output` joins the chunks lazily: a long session's text is not rebuilt per message. */
export class TerminalTranscript {
  readonly chunks: string[] = [];
  private joined = '';
  private joinedCount = 0;
  prompts: string[] = [];
  exited: number | null = null;
  errors: string[] = [];
  /** A run's program waits for a line of input (the last `input-wait` said so). */
  waiting = false;
  /** Every `queued` count a run was told while it waited for a slot. */
  queued: number[] = [];
  /** A channel opened with `trace`: its events by seq (a reattach's replay keeps each once). */
  readonly trace = new Map<number, TraceEvent>();

  /** The trace's events in seq order. */
  traceEvents(): TraceEvent[] {
    return [...this.trace.values()].sort((a, b) => a.seq - b.seq);
  }

  get output(): string {
    if (this.joinedCount !== this.chunks.length) {
      this.joined += this.chunks.slice(this.joinedCount).join('');
      this.joinedCount = this.chunks.length;
    }
    return this.joined;
  }

  /** Output from chunk number `from` on. */
  since(from: number): string {
    return this.chunks.slice(from).join('');
  }
}

export class PlaygroundClient {
  readonly messages: ServerMessage[] = [];
  readonly terminals = new Map<string, TerminalTranscript>();
  /** Errors that carry no id (connection level). */
  readonly errors: string[] = [];
  /** How the server closed the socket, once it has. */
  closed: { code: number; reason: string } | null = null;
  /** The session id from `hello` (or from `reattached` once re-attached): the capability to re-attach. */
  session = '';
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.receive(JSON.parse(data.toString()) as ServerMessage));
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  /**
   * `headers`: a classroom learner's Cookie, an Origin. `reattach`: the session id of an earlier
   * socket, taken over (with `have`: characters of output per channel already seen) as a reloaded
   * page does; `reattached` then holds the answer.
   */
  static async connect(
    baseUrl: string,
    options: { headers?: Record<string, string>; reattach?: string; have?: Record<string, number> } = {},
  ): Promise<PlaygroundClient> {
    const ws = new WebSocket(baseUrl.replace(/^http/, 'ws') + WS_PATH, { headers: options.headers });
    const client = new PlaygroundClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await client.until(() => client.messages.some((m) => m.type === 'hello') || client.closed !== null);
    if (options.reattach && !client.closed) {
      client.send({ type: 'reattach', session: options.reattach, ...(options.have ? { have: options.have } : {}) });
      await client.until(() => client.reattached !== null || client.closed !== null);
    }
    return client;
  }

  /** The answer to a `reattach`, once it came. */
  get reattached(): Extract<ServerMessage, { type: 'reattached' }> | null {
    const m = this.messages.find((x) => x.type === 'reattached');
    return m?.type === 'reattached' ? m : null;
  }

  send(message: ClientMessage | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  /** Opens a terminal and waits for its first prompt. */
  async open(id: string, service: ServiceName, timeoutMs = 10_000, trace = false): Promise<TerminalTranscript> {
    this.send({ type: 'open', id, kind: 'terminal', service, ...(trace ? { trace } : {}) });
    await this.until(
      () => (this.terminals.get(id)?.prompts.length ?? 0) > 0 || this.terminals.get(id)?.exited != null,
      timeoutMs,
    );
    return this.terminal(id);
  }

  /** The last `state` an inspect channel sent, or null before the first. */
  inspectState<T extends InspectState>(id: string): T | null {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const m = this.messages[i];
      if (m.type === 'state' && m.id === id) return m.state as T;
    }
    return null;
  }

  terminal(id: string): TerminalTranscript {
    let t = this.terminals.get(id);
    if (!t) {
      t = new TerminalTranscript();
      this.terminals.set(id, t);
    }
    return t;
  }

  /** Sends one line and answers the output up to the next prompt. */
  async run(id: string, line: string, timeoutMs = 10_000): Promise<string> {
    const t = this.terminal(id);
    const prompts = t.prompts.length;
    const from = t.chunks.length;
    this.send({ type: 'input', id, data: line + '\r' });
    await this.until(() => t.prompts.length > prompts, timeoutMs);
    return t.since(from);
  }

  /** Waits until the terminal's output (from `from` on) matches. */
  async waitForOutput(id: string, pattern: RegExp, from = 0, timeoutMs = 10_000): Promise<string> {
    const t = this.terminal(id);
    await this.until(() => pattern.test(t.output.slice(from)), timeoutMs);
    return t.output.slice(from);
  }

  async until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) {
        const last = this.messages.slice(-5).map((m) => JSON.stringify(m).slice(0, 300));
        throw new Error(`timed out after ${timeoutMs} ms; last messages:\n${last.join('\n')}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Closes as a page that is done: the server ends the session (no reattach). */
  close(): void {
    this.ws.close(1000, 'done');
  }

  /** Drops the connection as a reload or a lost network does: the session lingers for a reattach. */
  drop(): Promise<void> {
    this.ws.terminate();
    return this.until(() => this.closed !== null);
  }

  private receive(message: ServerMessage): void {
    this.messages.push(message);
    switch (message.type) {
      case 'hello':
      case 'reattached':
        this.session = message.session;
        break;
      case 'output':
        this.terminal(message.id).chunks.push(message.data);
        break;
      case 'prompt':
        this.terminal(message.id).prompts.push(message.prompt);
        break;
      case 'input-wait':
        this.terminal(message.id).waiting = message.waiting;
        break;
      case 'queued':
        this.terminal(message.id).queued.push(message.ahead);
        break;
      case 'trace': {
        const t = this.terminal(message.id);
        for (const e of message.events) t.trace.set(e.seq, e);
        break;
      }
      case 'exit':
        this.terminal(message.id).exited = message.code;
        break;
      case 'error':
        if (message.id) this.terminal(message.id).errors.push(message.message);
        else this.errors.push(message.message);
        break;
      default:
        break;
    }
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
