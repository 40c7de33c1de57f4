// TerminalHost's own logic — line splitting, queueing behind prompts, limits, Ctrl-C — driven
// through the TerminalSession interface with a recording session (the services themselves are
// covered by the integration tests).
import { describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES, MAX_PENDING_INPUT_BYTES, OUTPUT_HARD_LIMIT_BYTES } from '../../shared/limits.ts';
import type { ServerMessage } from '../../shared/protocol.ts';
import type { ServiceAdapter, TerminalOutput, TerminalSession } from '../services/types.ts';
import { memcached } from '../services/memcached/index.ts';
import { TerminalHost } from './terminal-host.ts';

class RecordingSession implements TerminalSession {
  lines: string[] = [];
  interrupts = 0;
  constructor(readonly output: TerminalOutput) {}
  line(text: string) {
    this.lines.push(text);
  }
  interrupt() {
    this.interrupts++;
    this.output.prompt('> ');
  }
  close() {}
}

async function makeHost() {
  const sent: ServerMessage[] = [];
  let session!: RecordingSession;
  const adapter: ServiceAdapter = {
    ...memcached,
    commands: async () => [],
    openTerminal: async (_endpoint, output) => {
      session = new RecordingSession(output);
      output.prompt('> ');
      return session;
    },
  };
  const host = new TerminalHost({
    id: 't',
    adapter,
    endpoint: () => ({ url: 'x', address: '127.0.0.1:1' }),
    send: (m) => sent.push(m),
    socketCongested: () => false,
  });
  expect(await host.open()).toBe(true);
  await new Promise((r) => setImmediate(r));
  return { host, sent, session: () => session };
}

const outputs = (sent: ServerMessage[]) =>
  sent
    .filter((m) => m.type === 'output')
    .map((m) => (m.type === 'output' ? m.data : ''))
    .join('');

describe('TerminalHost', () => {
  it('splits input on \\r, \\n and \\r\\n and hands lines over one prompt at a time', async () => {
    const { host, session } = await makeHost();
    host.input('one\r\ntwo\nthr');
    expect(session().lines).toEqual(['one']);
    session().output.prompt('> ');
    expect(session().lines).toEqual(['one', 'two']);
    host.input('ee\r');
    session().output.prompt('> ');
    expect(session().lines).toEqual(['one', 'two', 'three']);
  });

  it('applies backspace for raw-keystroke clients', async () => {
    const { host, session } = await makeHost();
    host.input('GEX\x7fT\r');
    expect(session().lines).toEqual(['GET']);
  });

  it('refuses a line over MAX_LINE_BYTES and keeps going with the next one', async () => {
    const { host, sent, session } = await makeHost();
    host.input('x'.repeat(MAX_LINE_BYTES + 1) + '\rok\r');
    await new Promise((r) => setImmediate(r));
    expect(outputs(sent)).toContain(`line too long: the limit is ${MAX_LINE_BYTES} bytes`);
    expect(session().lines).toEqual(['ok']);
  });

  it('accepts a line of exactly MAX_LINE_BYTES', async () => {
    const { host, session } = await makeHost();
    host.input('y'.repeat(MAX_LINE_BYTES) + '\r');
    expect(session().lines[0].length).toBe(MAX_LINE_BYTES);
  });

  it('Ctrl-C drops queued lines and interrupts the session', async () => {
    const { host, session } = await makeHost();
    host.input('slow\rqueued1\rqueued2\r');
    expect(session().lines).toEqual(['slow']);
    host.input('\x03');
    expect(session().interrupts).toBe(1);
    host.input('after\r');
    expect(session().lines).toEqual(['slow', 'after']);
  });

  it('sends the prompt after the output that came before it, in one batch', async () => {
    const { host, sent, session } = await makeHost();
    sent.length = 0;
    host.input('cmd\r');
    session().output.write('a');
    session().output.write('b');
    session().output.prompt('> ');
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual([
      { type: 'output', id: 't', data: 'ab' },
      { type: 'prompt', id: 't', prompt: '> ' },
    ]);
  });

  it('holds output and prompts while paused, then sends them in order', async () => {
    const { host, sent, session } = await makeHost();
    sent.length = 0;
    host.pause();
    host.input('cmd\r');
    session().output.write('reply');
    session().output.prompt('> ');
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual([]);
    host.resume();
    expect(sent).toEqual([
      { type: 'output', id: 't', data: 'reply' },
      { type: 'prompt', id: 't', prompt: '> ' },
    ]);
  });

  it('pauses the source above the high watermark and resumes below the low one', async () => {
    const { host, session } = await makeHost();
    const events: string[] = [];
    session().output.setSource({ pause: () => events.push('pause'), resume: () => events.push('resume') });
    host.pause();
    session().output.write('z'.repeat(300 * 1024));
    expect(events).toEqual(['pause']);
    host.resume();
    expect(events).toEqual(['pause', 'resume']);
  });

  it('drops output past OUTPUT_HARD_LIMIT_BYTES and says how much', async () => {
    const { host, sent, session } = await makeHost();
    sent.length = 0;
    host.pause();
    const chunk = 'q'.repeat(1024 * 1024);
    for (let i = 0; i < OUTPUT_HARD_LIMIT_BYTES / chunk.length; i++) session().output.write(chunk);
    session().output.write('extra');
    host.resume();
    const text = outputs(sent);
    expect(text.length).toBeLessThan(OUTPUT_HARD_LIMIT_BYTES + 200);
    expect(text).toContain('[5 bytes of output dropped: the display fell too far behind]');
  });

  it('refuses lines typed ahead past MAX_PENDING_INPUT_BYTES', async () => {
    const { host, sent, session } = await makeHost();
    host.input('busy\r');
    const line = 'w'.repeat(1000) + '\r';
    host.input(line.repeat(Math.ceil(MAX_PENDING_INPUT_BYTES / 1001) + 5));
    await new Promise((r) => setImmediate(r));
    expect(outputs(sent)).toContain(`too much input waiting (limit ${MAX_PENDING_INPUT_BYTES} bytes); line dropped`);
    expect(session().lines).toEqual(['busy']);
  });
});
