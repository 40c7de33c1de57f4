// One terminal on the server side: it turns `input` frames into lines for the service's session,
// one at a time, batches the session's output into `output` frames with flow control, and survives
// the service restarting underneath it.
import { DIM, RED, RESET } from '../../shared/ansi.ts';
import {
  MAX_LINE_BYTES,
  MAX_PENDING_INPUT_BYTES,
  OUTPUT_HARD_LIMIT_BYTES,
  OUTPUT_HIGH_WATERMARK_BYTES,
  OUTPUT_LOW_WATERMARK_BYTES,
} from '../../shared/limits.ts';
import type { ServerMessage } from '../../shared/protocol.ts';
import type { Endpoint, ServiceId } from '../services/endpoint.ts';
import type { PausableSource, ServiceAdapter, TerminalOutput, TerminalSession } from '../services/types.ts';
import type { RestartMode } from '../services/process/supervised-process.ts';
import { visibleText } from '../services/visible-text.ts';
import { errorText } from '../util/errors.ts';

/** After a session's connection fails while its service is still up, wait this long, then reopen. */
const REOPEN_DELAY_MS = 300;

export interface TerminalHostOptions {
  id: string;
  adapter: ServiceAdapter;
  /** Where the service answers now, or null while it is down. */
  endpoint: () => Endpoint | null;
  send: (message: ServerMessage) => void;
  /** True while the socket's own send buffer is too full to take more. */
  socketCongested: () => boolean;
  /** Classroom: asked for every complete line; a string refuses it with that message (a rate limit). */
  admitLine?: () => string | null;
  /** Each line as it goes to the session (a watcher's mirror shows what was typed). */
  onLine?: (line: string) => void;
  /** The service's admin data for the session's hints (ServiceAdapter.admin), when there is one. */
  admin?: () => unknown;
  /** A traced terminal: the endpoint its session connects to instead (its tap, server/wire/tap.ts). */
  connectVia?: (real: Endpoint) => Endpoint;
  /** `:restart` restarts the service through this (ServiceAccess's restart control). */
  restart?: RestartControl;
}

export interface RestartControl {
  /** Why it may not be restarted now, in the learner's words, or null. */
  refusal(): string | null;
  /** Resolves once it answers again; the service's down and up events drop and reopen the session. */
  run(mode: RestartMode): Promise<void>;
}

/**
 * Text that may carry a service's words (an error, a reason) shown on one line with its control
 * characters visible: only the host's own colours reach the terminal as sequences.
 */
function shown(text: string): string {
  return visibleText(text, 'none');
}

/** `:restart` or `:restart crash`, typed at any terminal's prompt; anything else after it is a usage error. */
const RESTART_LINE = /^\s*:restart(?:\s+(\S.*?))?\s*$/;

export class TerminalHost {
  private session: TerminalSession | null = null;
  private generation = 0;
  private closed = false;
  /** Set by a prompt: the session waits for a line. */
  private ready = false;
  private partial = '';
  private partialBytes = 0;
  /** A line already over the limit: the rest of it, up to its line end, is dropped. */
  private discarding = false;
  private lastWasCR = false;
  private lines: string[] = [];
  private pendingInputBytes = 0;
  private pendingOutput = '';
  private pendingPrompt: string | null = null;
  private lastPrompt = '';
  private flushScheduled = false;
  private clientPaused = false;
  private droppedBytes = 0;
  private source: PausableSource | null = null;
  private sourcePaused = false;
  private cols = 80;
  private rows = 24;
  private reopenTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: TerminalHostOptions) {}

  get id(): string {
    return this.options.id;
  }

  get service(): ServiceId {
    return this.options.adapter.name;
  }

  /** Opens the service session; resolves false (after telling the client) when it cannot. */
  async open(): Promise<boolean> {
    const endpoint = this.options.endpoint();
    if (!endpoint) {
      this.options.send({
        type: 'error',
        id: this.id,
        message: `${this.options.adapter.title} is not available right now`,
      });
      return false;
    }
    const commands = await this.options.adapter.commands(endpoint).catch(() => []);
    if (this.closed) return false;
    this.options.send({
      type: 'opened',
      id: this.id,
      service: this.service,
      address: endpoint.address,
      commands,
      caseInsensitive: this.options.adapter.caseInsensitive,
    });
    return this.connect(endpoint);
  }

  private async connect(endpoint: Endpoint): Promise<boolean> {
    const generation = ++this.generation;
    this.ready = false;
    try {
      const via = this.options.connectVia?.(endpoint) ?? endpoint;
      const session = await this.options.adapter.openTerminal(via, this.outputFor(generation), this.options.admin?.());
      if (this.closed || generation !== this.generation) {
        session.close();
        return false;
      }
      this.session = session;
      session.resize?.(this.cols, this.rows);
      // A session may prompt inside openTerminal(), before it was stored: hand over what waits.
      this.pump();
      return true;
    } catch (err) {
      this.writeLine(
        `${RED}cannot connect to ${this.options.adapter.title} at ${endpoint.address}: ${shown(errorText(err))}${RESET}`,
      );
      return false;
    }
  }

  /** Output for one session generation; a replaced session's late writes are ignored. */
  private outputFor(generation: number): TerminalOutput {
    const live = () => generation === this.generation && !this.closed;
    return {
      write: (text) => {
        if (live()) this.queueOutput(text);
      },
      prompt: (text) => {
        if (!live()) return;
        // The prompt follows the output before it, so it waits with that output while held.
        this.pendingPrompt = text;
        this.flush();
        this.ready = true;
        this.pump();
      },
      setSource: (source) => {
        if (!live()) return;
        this.source = source;
        this.sourcePaused = false;
        this.applyWatermarks();
      },
      fail: (message) => {
        if (!live()) return;
        this.writeLine(`${RED}${shown(message)}${RESET}`);
        this.dropSession();
        // The service may still be up (memcached's `quit`, an idle connection dropped): reopen.
        // If it is down, the supervisor's 'up' event reopens it instead.
        this.reopenTimer = setTimeout(() => {
          this.reopenTimer = null;
          const endpoint = this.options.endpoint();
          if (endpoint && !this.session && !this.closed) {
            void this.connect(endpoint).then((ok) => {
              if (ok) this.writeLine(`${DIM}[reconnected]${RESET}`);
            });
          }
        }, REOPEN_DELAY_MS);
      },
    };
  }

  /** Keystrokes or whole lines. Lines end in \r, \n or \r\n; Ctrl-C (\x03) interrupts. */
  input(data: string): void {
    // Scan from one special character to the next, so a long pasted line costs one slice, not a
    // step per character.
    const special = /[\r\n\x03\x7f\b]/g;
    let from = 0;
    for (;;) {
      special.lastIndex = from;
      const match = special.exec(data);
      const end = match ? match.index : data.length;
      if (end > from) {
        this.lastWasCR = false;
        this.appendText(data.slice(from, end));
      }
      if (!match) break;
      const ch = match[0];
      from = end + 1;
      if (ch === '\n' && this.lastWasCR) {
        this.lastWasCR = false;
        continue;
      }
      this.lastWasCR = ch === '\r';
      if (ch === '\r' || ch === '\n') {
        this.endLine();
      } else if (ch === '\x03') {
        this.interrupt();
      } else {
        // A raw-keystroke client edits on our side; the browser edits locally and sends lines.
        this.partial = this.partial.slice(0, -1);
        this.partialBytes = Buffer.byteLength(this.partial);
      }
    }
    this.pump();
  }

  private appendText(text: string): void {
    if (this.discarding) return;
    this.partial += text;
    this.partialBytes += Buffer.byteLength(text);
    if (this.partialBytes > MAX_LINE_BYTES) {
      this.writeLine(`${RED}line too long: the limit is ${MAX_LINE_BYTES} bytes; it was not sent${RESET}`);
      this.partial = '';
      this.partialBytes = 0;
      this.discarding = true;
    }
  }

  private endLine(): void {
    if (this.discarding) {
      this.discarding = false;
      this.partial = '';
      this.partialBytes = 0;
      if (this.ready) {
        this.pendingPrompt ??= this.lastPrompt;
        this.flush();
      }
      return;
    }
    const line = this.partial;
    this.partial = '';
    this.partialBytes = 0;
    const refusal = this.options.admitLine?.();
    if (refusal) {
      this.writeLine(`${RED}${shown(refusal)}${RESET}`);
      if (this.ready) {
        this.pendingPrompt ??= this.lastPrompt;
        this.flush();
      }
      return;
    }
    const bytes = Buffer.byteLength(line) + 1;
    if (this.pendingInputBytes + bytes > MAX_PENDING_INPUT_BYTES) {
      this.writeLine(`${RED}too much input waiting (limit ${MAX_PENDING_INPUT_BYTES} bytes); line dropped${RESET}`);
      return;
    }
    this.pendingInputBytes += bytes;
    this.lines.push(line);
  }

  /** Hands queued lines to the session while it is ready. */
  private pump(): void {
    while (this.ready && this.session && this.lines.length > 0) {
      const line = this.lines.shift()!;
      this.pendingInputBytes -= Buffer.byteLength(line) + 1;
      this.ready = false;
      this.options.onLine?.(line);
      if (RESTART_LINE.test(line) && !this.session.takesAnyLine?.()) {
        this.restartLine(line);
        continue;
      }
      try {
        this.session.line(line);
      } catch (err) {
        this.writeLine(`${RED}internal error: ${shown(errorText(err))}${RESET}`);
        this.ready = true;
      }
    }
  }

  /** `:restart [crash]`: the terminal's own command, never sent to the service. */
  private restartLine(line: string): void {
    const title = this.options.adapter.title;
    const word = RESTART_LINE.exec(line)![1];
    const mode: RestartMode | null = word === undefined ? 'clean' : word === 'crash' ? 'crash' : null;
    const control = this.options.restart;
    const refusal =
      mode === null
        ? `usage: :restart (stop ${title} cleanly and start it again) or :restart crash (kill it with SIGKILL, as a crash would)`
        : control
          ? control.refusal()
          : `${title} cannot be restarted from here`;
    if (refusal || !control || !mode) {
      this.writeLine(`${RED}${shown(refusal ?? '')}${RESET}`);
      this.promptAgain();
      return;
    }
    this.writeLine(
      `${DIM}[${mode === 'crash' ? `killing ${title} with SIGKILL` : `restarting ${title}`} — asked for with :restart]${RESET}`,
    );
    const generation = this.generation;
    control.run(mode).catch((err: unknown) => {
      this.writeLine(`${RED}restart failed: ${shown(errorText(err))}${RESET}`);
      // Still the same session (it never went down): it waits for the next line.
      if (generation === this.generation && this.session) this.promptAgain();
    });
  }

  private promptAgain(): void {
    this.ready = true;
    this.pendingPrompt ??= this.lastPrompt;
    this.flush();
  }

  interrupt(): void {
    this.lines = [];
    this.pendingInputBytes = 0;
    this.partial = '';
    this.partialBytes = 0;
    this.discarding = false;
    this.session?.interrupt();
  }

  resize(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
    this.session?.resize?.(cols, rows);
  }

  pause(): void {
    this.clientPaused = true;
  }

  resume(): void {
    this.clientPaused = false;
    this.flush();
  }

  /** The socket's send buffer drained: send what waited. */
  onSocketDrain(): void {
    if (this.pendingOutput || this.pendingPrompt !== null) this.flush();
  }

  /** The service died: say so at once; the session waits for serviceUp(). */
  serviceDown(reason: string): void {
    if (this.closed) return;
    this.writeLine(`${RED}[${this.options.adapter.title} stopped: ${shown(reason)} — restarting it…]${RESET}`);
    this.dropSession();
  }

  serviceUp(endpoint: Endpoint): void {
    if (this.closed) return;
    this.dropSession();
    this.writeLine(`${DIM}[${this.options.adapter.title} is back; reconnected]${RESET}`);
    void this.connect(endpoint);
  }

  close(): void {
    this.closed = true;
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.dropSession();
  }

  private dropSession(): void {
    this.generation++;
    this.session?.close();
    this.session = null;
    this.source = null;
    this.pendingPrompt = null;
    this.ready = false;
    this.lines = [];
    this.pendingInputBytes = 0;
  }

  private writeLine(text: string): void {
    this.queueOutput(`\r\n${text}\r\n`);
  }

  private queueOutput(text: string): void {
    if (this.pendingOutput.length + text.length > OUTPUT_HARD_LIMIT_BYTES) {
      this.droppedBytes += text.length;
    } else {
      this.pendingOutput += text;
    }
    this.applyWatermarks();
    // Coalesce whatever arrives in the same turn of the event loop into one frame: no timer, so a
    // reply is never held back waiting for more.
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flush();
      });
    }
  }

  /** Sends pending output, then the pending prompt, unless the client or the socket asked to hold them. */
  private flush(): void {
    if (this.closed) return;
    if (this.clientPaused || this.options.socketCongested()) {
      this.applyWatermarks();
      return;
    }
    if (this.droppedBytes > 0) {
      this.pendingOutput += `\r\n${RED}[${this.droppedBytes} bytes of output dropped: the display fell too far behind]${RESET}\r\n`;
      this.droppedBytes = 0;
    }
    if (this.pendingOutput) {
      const data = this.pendingOutput;
      this.pendingOutput = '';
      this.options.send({ type: 'output', id: this.id, data });
    }
    if (this.pendingPrompt !== null) {
      const prompt = this.pendingPrompt;
      this.pendingPrompt = null;
      this.lastPrompt = prompt;
      this.options.send({ type: 'prompt', id: this.id, prompt });
    }
    this.applyWatermarks();
  }

  private applyWatermarks(): void {
    if (!this.source) return;
    const size = this.pendingOutput.length;
    if (!this.sourcePaused && size > OUTPUT_HIGH_WATERMARK_BYTES) {
      this.sourcePaused = true;
      this.source.pause();
    } else if (this.sourcePaused && size < OUTPUT_LOW_WATERMARK_BYTES) {
      this.sourcePaused = false;
      this.source.resume();
    }
  }
}
