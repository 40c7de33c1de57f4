// The memcached terminal against a live memcached: the prompt and its data-block count, the notes
// for a data line that does not fit, the usage after a wrong argument count, UTF-8 both ways, a
// value with escape sequences shown inert, and Ctrl-C out of a data block. The settings a reset
// puts back are tried on a memcached of this file's own (a 8 MB memory limit on the shared test
// instance would evict other tests' keys).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fillByteCount } from '../../../shared/live-prompt.ts';
import { resetLesson } from '../../lessons/reset.ts';
import { CapturedOutput } from '../../testing/capture-output.ts';
import { testEndpoint } from '../../testing/endpoints.ts';
import { HOSTILE_SHOWN, HOSTILE_VALUE, controlsIn } from '../../testing/hostile-text.ts';
import type { Endpoint } from '../endpoint.ts';
import { connectTcp, freePort } from '../net-util.ts';
import type { TerminalSession } from '../types.ts';
import { memcached } from './index.ts';
import { firstServer } from './request.ts';
import { MEMCACHED_REPLIES } from './terminal.ts';

const key = (name: string) => `int:${randomUUID().slice(0, 8)}:${name}`;
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '').replace(/\r\n/g, '\n');

interface Term {
  output: CapturedOutput;
  session: TerminalSession;
  /** The prompt as the browser draws it before an empty line. */
  prompt(): string;
  /** Sends a line and waits for output that satisfies `done` (memcached prompts before it answers). */
  send(line: string, done?: (text: string) => boolean): Promise<string>;
}

const sessions: TerminalSession[] = [];

async function openTerm(at: Endpoint = testEndpoint('memcached')): Promise<Term> {
  const output = new CapturedOutput();
  const session = await memcached.openTerminal(at, output);
  sessions.push(session);
  await output.until((o) => o.prompts.length > 0);
  return {
    output,
    session,
    prompt: () => plain(fillByteCount(output.prompts[output.prompts.length - 1], '')),
    async send(line, done) {
      output.take();
      session.line(line);
      if (done) await output.until((o) => done(plain(o.text)));
      else await new Promise((r) => setTimeout(r, 100));
      return plain(output.take());
    },
  };
}

afterEach(() => {
  for (const s of sessions.splice(0)) s.close();
});

describe('the memcached terminal', () => {
  it('prompts memcached>, then data (n/N bytes)> until the block is complete', async () => {
    const t = await openTerm();
    expect(t.prompt()).toBe('memcached> ');
    const k = key('p');
    expect(await t.send(`set ${k} 0 0 10`)).toBe('');
    expect(t.prompt()).toBe('data (0/10 bytes)> ');
    // Short: the line end is data too, and memcached waits for the rest.
    const short = await t.send('short');
    expect(short).toBe(
      'note: 5 of the 10 bytes set declared: the line end is data too; memcached waits for 3 more bytes.\n',
    );
    expect(t.prompt()).toBe('data (7/10 bytes)> ');
    expect(await t.send('abc', (o) => o.includes('STORED'))).toBe('STORED\n');
    expect(t.prompt()).toBe('memcached> ');
    expect(await t.send(`get ${k}`, (o) => o.includes('END'))).toBe(`VALUE ${k} 0 10\nshort\nabc\nEND\n`);
  });

  it('a data line longer than declared: memcached refuses it, and a hint says the sizes', async () => {
    const t = await openTerm();
    await t.send(`set ${key('long')} 0 0 3`);
    const out = await t.send('hello', (o) => o.includes('[hint: set declared 3 bytes but the data line had 5'));
    expect(out.split('\n')[0]).toBe('CLIENT_ERROR bad data chunk');
    expect(t.prompt()).toBe('memcached> ');
  });

  it('a wrong argument count: the usage follows ERROR', async () => {
    const t = await openTerm();
    expect(await t.send(`set ${key('x')} 0 0`, (o) => o.includes('usage'))).toBe(
      'ERROR\nusage: set <key> <flags> <exptime> <bytes> [noreply]\n',
    );
    expect(t.prompt()).toBe('memcached> ');
    expect(await t.send('get', (o) => o.includes('usage'))).toBe('ERROR\nusage: get <key> [<key> ...]\n');
    expect(await t.send('GET k', (o) => o.includes('lower case'))).toBe(
      "ERROR\nmemcached's commands are lower case: get <key> [<key> ...]\n",
    );
    // A script typing into the terminal still sees the reply as complete.
    expect(MEMCACHED_REPLIES.complete('get', 'ERROR\r\n\x1b[2musage: get <key> [<key> ...]\x1b[22m\r\n')).toBe(true);
  });

  it('sends typed text as UTF-8 and shows it back as typed', async () => {
    const t = await openTerm();
    const k = key('utf8');
    const value = 'héllo 日本';
    expect(Buffer.byteLength(value)).toBe(13);
    await t.send(`set ${k} 0 0 13`);
    expect(await t.send(value, (o) => o.includes('STORED'))).toBe('STORED\n');
    expect(await t.send(`get ${k}`, (o) => o.includes('END'))).toBe(`VALUE ${k} 0 13\n${value}\nEND\n`);
  });

  it('shows a value full of escape sequences as visible text, never as the sequences', async () => {
    const t = await openTerm();
    const k = key('hostile');
    const size = Buffer.byteLength(HOSTILE_VALUE);
    await t.send(`set ${k} 0 0 ${size}`);
    t.session.line(HOSTILE_VALUE);
    await t.output.until((o) => o.text.includes('STORED'));
    t.output.take();
    t.session.line(`get ${k}`);
    await t.output.until((o) => o.text.includes('END\r\n'));
    const out = t.output.take();
    expect(out).toContain('\\x1b]52');
    expect(out).toBe(`VALUE ${k} 0 ${size}\r\n${HOSTILE_SHOWN}\r\nEND\r\n`);
    expect(controlsIn(out)).toEqual([]);
  });

  it('bytes that are not UTF-8, a lone CR or LF in a value: escaped; a CR LF in it stays a line end', async () => {
    // Stored from another client, as a program would: the terminal only reads them.
    const k = key('bytes');
    const { host, port } = firstServer(testEndpoint('memcached'));
    const writer = await connectTcp(host, port, 3000);
    const value = Buffer.from([0x61, 0x9b, 0x0a, 0x62, 0x0d, 0x63, 0x0d, 0x0a, 0x64, 0xff]);
    const stored = new Promise<string>((resolve) => writer.once('data', (b: Buffer) => resolve(b.toString())));
    writer.write(Buffer.concat([Buffer.from(`set ${k} 0 0 ${value.length}\r\n`), value, Buffer.from('\r\n')]));
    expect(await stored).toBe('STORED\r\n');
    writer.destroy();

    const t = await openTerm();
    t.session.line(`get ${k}`);
    await t.output.until((o) => o.text.includes('END\r\n'));
    const out = t.output.take();
    expect(out).toBe(`VALUE ${k} 0 ${value.length}\r\na\\x9b\\x0ab\\x0dc\r\nd\\xff\r\nEND\r\n`);
    expect(controlsIn(out)).toEqual([]);
  });

  it('Ctrl-C in a data block drops it on a new connection', async () => {
    const t = await openTerm();
    const k = key('cancel');
    await t.send(`set ${k} 0 0 5`);
    const before = t.output.prompts.length;
    t.session.interrupt();
    await t.output.until((o) => o.prompts.length > before);
    expect(plain(t.output.take())).toContain('the set was dropped');
    expect(t.prompt()).toBe('memcached> ');
    // The next line is a command again, not data.
    expect(await t.send(`get ${k}`, (o) => o.includes('END'))).toBe('END\n');
    expect(t.output.failed).toBeNull();
  });
});

describe('a lesson reset restores memcached settings changed at run time', () => {
  let child: ChildProcess | undefined;
  let dir = '';

  afterAll(async () => {
    child?.kill('SIGKILL');
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('puts back the memory limit and verbosity, and says so', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'memcached-settings-'));
    const ctx = { dir, ports: [await freePort()], secret: 'unused', isRoot: process.getuid?.() === 0 };
    const spec = memcached.managed.spawn(ctx);
    child = spawn(spec.command, spec.args, { stdio: 'ignore' });
    const endpoint = memcached.managed.endpoint(ctx);
    const deadline = Date.now() + memcached.managed.startTimeoutMs;
    for (;;) {
      try {
        await memcached.probe(endpoint);
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const t = await openTerm(endpoint);
    expect(await t.send('cache_memlimit 8', (o) => o.includes('OK'))).toBe('OK\n');
    expect(await t.send('verbosity 1', (o) => o.includes('OK'))).toBe('OK\n');

    const targets = { endpoint: (service: string) => (service === 'memcached' ? endpoint : null) };
    const result = await resetLesson({}, { targets });
    expect(result).toEqual({
      ok: true,
      cleared: ['memcached memory limit back to 64 MB (it was 8 MB)', 'memcached verbosity back to 0 (it was 1)'],
      errors: [],
    });
    expect((await resetLesson({}, { targets })).cleared).toEqual([]);
  });
});
