// Driving a classroom-mode playground as its users do: the instructor through the HTTP API with the
// secret, learners by joining with a code and then using the cookie the server set, over HTTP and
// the WebSocket.
import type { ClassSummary, SessionView } from '../../shared/classroom-api.ts';
import { PlaygroundClient } from '../ws/playground-client.ts';

export class ClassroomDriver {
  constructor(
    readonly baseUrl: string,
    private readonly secret: string,
  ) {}

  /** A request as the instructor (Bearer secret). */
  instructor(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(this.baseUrl + path, {
      ...init,
      headers: { authorization: `Bearer ${this.secret}`, 'content-type': 'application/json', ...init.headers },
    });
  }

  async createClass(name: string): Promise<ClassSummary> {
    const res = await this.instructor('/api/classes', { method: 'POST', body: JSON.stringify({ name }) });
    if (!res.ok) throw new Error(`creating a class answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as ClassSummary;
  }

  /** Joins as a learner; answers what the browser would keep (the cookie) and the session. */
  async join(code: string, name: string): Promise<Learner> {
    const res = await fetch(this.baseUrl + '/api/join', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, name }),
    });
    if (!res.ok) throw new Error(`joining answered ${res.status}: ${await res.text()}`);
    const setCookie = res.headers.get('set-cookie') ?? '';
    const cookie = /pg_class=[^;]+/.exec(setCookie)?.[0];
    if (!cookie) throw new Error(`joining set no learner cookie: ${setCookie}`);
    const session = (await res.json()) as Extract<SessionView, { role: 'learner' }>;
    return new Learner(this.baseUrl, cookie, session);
  }
}

export class Learner {
  constructor(
    readonly baseUrl: string,
    readonly cookie: string,
    readonly session: Extract<SessionView, { role: 'learner' }>,
  ) {}

  get id(): string {
    return this.session.learner.id;
  }

  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(this.baseUrl + path, {
      ...init,
      headers: { cookie: this.cookie, 'content-type': 'application/json', ...init.headers },
    });
  }

  connect(headers: Record<string, string> = {}): Promise<PlaygroundClient> {
    return PlaygroundClient.connect(this.baseUrl, { headers: { cookie: this.cookie, ...headers } });
  }
}

/** Reads a text/event-stream response's `data:` events as they come. */
export class EventStream<T> {
  readonly events: T[] = [];
  private readonly controller = new AbortController();
  private waiters: Array<() => void> = [];
  private markEnded!: () => void;
  /** Settles when the server ends the stream (or close() does). */
  readonly ended = new Promise<void>((resolve) => (this.markEnded = resolve));

  private constructor() {}

  static async open<T>(url: string, headers: Record<string, string>): Promise<EventStream<T>> {
    const stream = new EventStream<T>();
    const res = await fetch(url, { headers, signal: stream.controller.signal });
    if (!res.ok || !res.body) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
    void stream.read(res.body);
    return stream;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      const reader = body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          if (data) this.events.push(JSON.parse(data) as T);
        }
        const w = this.waiters;
        this.waiters = [];
        for (const f of w) f();
      }
    } catch {
      // aborted
    }
    this.markEnded();
  }

  async until(predicate: (events: T[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.events)) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `timed out; events so far:\n${this.events.map((e) => JSON.stringify(e).slice(0, 300)).join('\n')}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.controller.abort();
  }
}
