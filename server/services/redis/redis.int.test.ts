// The Redis terminal against a live server: the private instance of the test run (testEndpoint),
// and for the tests that kill a server or need a password, an instance of their own started with
// the adapter's own spawn spec.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CapturedOutput } from '../../testing/capture-output.ts';
import { testEndpoint } from '../../testing/endpoints.ts';
import { HOSTILE_SHOWN, HOSTILE_VALUE, controlsIn } from '../../testing/hostile-text.ts';
import { freePort } from '../net-util.ts';
import type { Endpoint } from '../endpoint.ts';
import type { TerminalSession } from '../types.ts';
import { redis } from './index.ts';

const endpoint = testEndpoint('redis');
const port = endpoint.address.split(':').pop();
const PROMPT = `127.0.0.1:${port}> `;

/** Key names of this test file's run, so tests never meet each other's (or anyone's) keys. */
const prefix = `int:${randomUUID()}:`;
let keyCount = 0;
const key = (name: string) => `${prefix}${name}:${++keyCount}`;

interface Term {
  output: CapturedOutput;
  session: TerminalSession;
  /** Sends a line, waits for the next prompt, answers the output with plain "\n" line ends. */
  run(line: string): Promise<string>;
  /** Sends a line that streams (no prompt follows). */
  send(line: string): void;
  /** Ctrl-C; waits for the prompt that follows. */
  interrupt(): Promise<void>;
  lastPrompt(): string;
}

const sessions: TerminalSession[] = [];

async function openTerm(at: Endpoint = endpoint): Promise<Term> {
  const output = new CapturedOutput();
  const session = await redis.openTerminal(at, output);
  sessions.push(session);
  await output.until((o) => o.prompts.length > 0);
  return {
    output,
    session,
    run: async (line) => (await output.run((l) => session.line(l), line)).replace(/\r\n/g, '\n'),
    send: (line) => {
      output.take();
      session.line(line);
    },
    interrupt: async () => {
      const before = output.prompts.length;
      session.interrupt();
      await output.until((o) => o.prompts.length > before);
    },
    lastPrompt: () => output.prompts[output.prompts.length - 1],
  };
}

afterEach(() => {
  for (const s of sessions.splice(0)) s.close();
});

describe('redis adapter against the test instance', () => {
  it('probes the server version', async () => {
    const { version } = await redis.probe(endpoint);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('builds the command catalog from COMMAND DOCS', async () => {
    const commands = await redis.commands(endpoint);
    const set = commands.find((c) => c.name === 'SET');
    expect(set?.syntax).toContain('[NX|XX]');
    expect(set?.summary).toMatch(/string value/);
    expect(commands.find((c) => c.name === 'CONFIG GET')?.syntax).toBe('parameter [parameter ...]');
    // Cached: the same endpoint answers the same catalog without asking again.
    expect(await redis.commands(endpoint)).toEqual(commands);
  });

  it('registers the socket for flow control and prompts like redis-cli', async () => {
    const t = await openTerm();
    expect(t.output.source).not.toBeNull();
    expect(t.lastPrompt()).toBe(PROMPT);
  });

  it('answers PING with PONG', async () => {
    const t = await openTerm();
    expect(await t.run('PING')).toBe('PONG\n');
  });

  it('sets and gets a string, shown quoted', async () => {
    const t = await openTerm();
    const k = key('str');
    expect(await t.run(`SET ${k} bar`)).toBe('OK\n');
    expect(await t.run(`GET ${k}`)).toBe('"bar"\n');
    expect(await t.run(`GET ${key('missing')}`)).toBe('(nil)\n');
  });

  it('escapes binary values as redis-cli does', async () => {
    const t = await openTerm();
    const k = key('bin');
    await t.run(`SET ${k} "a\\x00b\\n\\xff\\"q" `);
    expect(await t.run(`GET ${k}`)).toBe('"a\\x00b\\n\\xff\\"q"\n');
    await t.run(`SET ${k} 'héllo'`);
    expect(await t.run(`GET ${k}`)).toBe('"h\\xc3\\xa9llo"\n');
  });

  it('shows escape sequences in values, keys, errors, pushes and streams as visible text', async () => {
    // Typed raw, as a paste would bring them: the value has no spaces or quotes, so it is one argument.
    const v = HOSTILE_VALUE;
    const quoted =
      '"<\\x1b]52;c;aGk=\\a|\\x1b]8;;http://x\\alink|\\x1b]0;title\\a|\\x1b[2J|\\x1b[H|\\xc2\\x9b31m|\\a>"';
    const t = await openTerm();
    const other = await openTerm();
    const k = key('hostile');
    const hostileKey = `${k}:${v}`;
    const seen: string[] = [];
    const run = async (term: Term, line: string) => {
      const out = await term.run(line);
      seen.push(out);
      return out;
    };

    await run(t, `SET ${k} ${v}`);
    expect(await run(t, `GET ${k}`)).toBe(`${quoted}\n`);
    expect(await run(t, ':raw')).toContain('\\x1b]52');
    // Text redis-cli prints as it is: an error and a status a script returns, an unknown command.
    expect(await run(t, `EVAL "return redis.error_reply(ARGV[1])" 0 ${v}`)).toBe(`(error) ERR ${HOSTILE_SHOWN}\n`);
    expect(await run(t, `EVAL "return redis.status_reply(ARGV[1])" 0 ${v}`)).toBe(`${HOSTILE_SHOWN}\n`);
    expect(await run(t, `${v} arg`)).toMatch(/^\(error\) ERR unknown command '<\\x1b\]52/);
    // A WRONGTYPE hint names the key.
    await run(t, `SET ${hostileKey} x`);
    expect(await run(t, `LPUSH ${hostileKey} y`)).toMatch(/\[hint: [^\n]*\\x1b\]52/);
    expect(await run(t, `HELP ${v}`)).toContain('No help for "<\\u001b]52');
    expect(await run(t, `:${v}`)).toContain('\\xc2\\x9b31m');

    // Pub/sub: the channel and the message, quoted as redis-cli quotes them.
    t.send(`SUBSCRIBE ${v}`);
    await t.output.until((o) => o.text.includes('3) (integer) 1'));
    await run(other, `PUBLISH ${v} ${v}`);
    await t.output.until((o) => o.text.includes('3) "<'));
    seen.push(t.output.text);
    expect(t.output.text.replace(/\r\n/g, '\n')).toContain(`1) "message"\n2) ${quoted}\n3) ${quoted}\n`);
    await t.interrupt();

    // MONITOR: the server quotes each argument itself; the line passes unharmed.
    t.send('MONITOR');
    await t.output.until((o) => o.text.includes('OK\r\n'));
    await run(other, `SET ${k} ${v}`);
    await t.output.until((o) => o.text.includes(`"SET" "${k}"`));
    seen.push(t.output.text);
    expect(t.output.text).toContain(`"SET" "${k}" ${quoted}`);
    await t.interrupt();

    // Client-side caching: an invalidation push names the key.
    await run(t, 'HELLO 3');
    await run(t, 'CLIENT TRACKING on');
    await run(t, `GET ${hostileKey}`);
    t.output.take();
    await run(other, `SET ${hostileKey} changed`);
    await t.output.until((o) => o.text.includes('-> invalidate:'));
    seen.push(t.output.text);
    expect(t.output.text).toContain(`-> invalidate: '${k}:<\\x1b]52;c;aGk=\\x07|`);

    expect(seen.join('')).toContain('\\x1b]52');
    for (const out of seen) expect(controlsIn(out)).toEqual([]);
  });

  it('numbers a list', async () => {
    const t = await openTerm();
    const k = key('list');
    expect(await t.run(`RPUSH ${k} a b c`)).toBe('(integer) 3\n');
    expect(await t.run(`LRANGE ${k} 0 -1`)).toBe('1) "a"\n2) "b"\n3) "c"\n');
    expect(await t.run(`LRANGE ${key('none')} 0 -1`)).toBe('(empty array)\n');
  });

  it('indents a nested reply as redis-cli does', async () => {
    const t = await openTerm();
    const out = await t.run(`EVAL "return {1,{'a',{'b','c'}},{}}" 0`);
    expect(out).toBe('1) (integer) 1\n2) 1) "a"\n   2) 1) "b"\n      2) "c"\n3) (empty array)\n');
  });

  it('shows error replies and unknown commands as (error)', async () => {
    const t = await openTerm();
    const k = key('notint');
    await t.run(`SET ${k} abc`);
    expect(await t.run(`INCR ${k}`)).toBe('(error) ERR value is not an integer or out of range\n');
    expect(await t.run('NOSUCHCOMMAND a')).toMatch(/^\(error\) ERR unknown command 'NOSUCHCOMMAND'/);
  });

  it('refuses unbalanced quotes with "Invalid argument(s)" and ignores empty lines', async () => {
    const t = await openTerm();
    expect(await t.run('SET k "abc')).toBe('Invalid argument(s)\n');
    expect(await t.run("GET 'a'b")).toBe('Invalid argument(s)\n');
    expect(await t.run('')).toBe('');
    expect(await t.run('   ')).toBe('');
    expect(t.lastPrompt()).toBe(PROMPT);
  });

  it('never throws on binary junk: every line ends in text and a prompt', async () => {
    const t = await openTerm();
    const junk = ['\x00\x01\x02', '\x1b[2J"', "'\\", '\uffff\ud800 x', '"\\x', 'ECHO "\\xzz\\x41"', ':'];
    for (const line of junk) {
      const before = t.output.prompts.length;
      await t.run(line);
      expect(t.output.prompts.length).toBe(before + 1);
    }
    expect(await t.run('ECHO "\\xzz\\x41"')).toBe('"xzzA"\n');
  });

  it('receives pub/sub messages until Ctrl-C, then prompts on a fresh connection', async () => {
    const subscriber = await openTerm();
    const publisher = await openTerm();
    const channel = key('chan');
    const promptsBefore = subscriber.output.prompts.length;
    subscriber.send(`SUBSCRIBE ${channel}`);
    await subscriber.output.until((o) => o.text.includes('3) (integer) 1'));
    expect(await publisher.run(`PUBLISH ${channel} hello`)).toBe('(integer) 1\n');
    await subscriber.output.until((o) => o.text.includes('3) "hello"'));
    expect(subscriber.output.text.replace(/\r\n/g, '\n')).toBe(
      `Reading messages... (press Ctrl-C to quit)\n1) "subscribe"\n2) "${channel}"\n3) (integer) 1\n` +
        `1) "message"\n2) "${channel}"\n3) "hello"\n`,
    );
    expect(subscriber.output.prompts.length).toBe(promptsBefore);

    await subscriber.interrupt();
    expect(subscriber.lastPrompt()).toBe(PROMPT);
    expect(await subscriber.run('PING')).toBe('PONG\n');
    // The old subscription is gone with its connection.
    expect(await publisher.run(`PUBLISH ${channel} again`)).toBe('(integer) 0\n');
  });

  it('streams MONITOR lines of another session until Ctrl-C', async () => {
    const monitor = await openTerm();
    const other = await openTerm();
    const k = key('mon');
    monitor.send('MONITOR');
    await monitor.output.until((o) => o.text.includes('OK\r\n'));
    await other.run(`set ${k} watched`);
    await monitor.output.until((o) => o.text.includes(`"set" "${k}" "watched"`));
    expect(monitor.output.text).toMatch(
      new RegExp(`^\\d+\\.\\d+ \\[0 127\\.0\\.0\\.1:\\d+\\] "set" "${k}" "watched"\\r$`, 'm'),
    );
    await monitor.interrupt();
    expect(await monitor.run('PING')).toBe('PONG\n');
  });

  it('interrupts a blocking BLPOP and keeps the selected database on the new connection', async () => {
    const t = await openTerm();
    const k = key('blpop');
    expect(await t.run('SELECT 2')).toBe('OK\n');
    expect(t.lastPrompt()).toBe(`127.0.0.1:${port}[2]> `);
    await t.run(`SET ${k}:db2 here`);
    const before = t.output.prompts.length;
    t.send(`BLPOP ${k} 0`);
    await new Promise((r) => setTimeout(r, 100));
    expect(t.output.prompts.length).toBe(before);
    await t.interrupt();
    expect(t.lastPrompt()).toBe(`127.0.0.1:${port}[2]> `);
    expect(await t.run(`GET ${k}:db2`)).toBe('"here"\n');
  });

  it('notes a command that took half a second or more, as redis-cli does', async () => {
    const t = await openTerm();
    expect(await t.run(`BLPOP ${key('slow')} 0.6`)).toMatch(/^\(nil\)\n\((0\.[6-9]|[1-9]\d*\.\d)\ds\)\n$/);
  });

  it('shows the database and transaction state in the prompt', async () => {
    const t = await openTerm();
    const k = key('tx');
    await t.run('MULTI');
    expect(t.lastPrompt()).toBe(`127.0.0.1:${port}(TX)> `);
    expect(await t.run(`INCR ${k}`)).toBe('QUEUED\n');
    expect(await t.run('SELECT 3')).toBe('QUEUED\n');
    expect(t.lastPrompt()).toBe(`127.0.0.1:${port}[3](TX)> `);
    expect(await t.run('EXEC')).toBe('1) (integer) 1\n2) OK\n');
    expect(t.lastPrompt()).toBe(`127.0.0.1:${port}[3]> `);
    await t.run('MULTI');
    await t.run('SELECT 5');
    await t.run('DISCARD');
    // The discarded SELECT never ran.
    expect(t.lastPrompt()).toBe(`127.0.0.1:${port}[3]> `);
    await t.run('SELECT 0');
    expect(t.lastPrompt()).toBe(PROMPT);
  });

  it('shows the raw bytes of the last reply with :raw, and after every reply with :raw on', async () => {
    const t = await openTerm();
    const k = key('raw');
    await t.run(`RPUSH ${k} foo bar`);
    await t.run(`LRANGE ${k} 0 -1`);
    const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
    expect(plain(await t.run(':raw'))).toBe('"*2\\r\\n"\n"$3\\r\\n"\n"foo\\r\\n"\n"$3\\r\\n"\n"bar\\r\\n"\n');
    await t.run(':raw on');
    expect(plain(await t.run('PING'))).toBe('PONG\n"+PONG\\r\\n"\n');
    await t.run(':raw off');
    expect(await t.run('PING')).toBe('PONG\n');
    expect(await t.run(':help')).toContain(':raw on');
    expect(await t.run(':nope')).toMatch(/Unknown terminal command/);
  });

  it('prints HELP for a command from the catalog', async () => {
    const t = await openTerm();
    const plain = (await t.run('HELP SET')).replace(/\x1b\[[0-9;]*m/g, '');
    expect(plain).toContain('SET key value [NX|XX]');
    expect(plain).toContain('summary: Set the string value of a key');
    expect(plain).toContain('group: string');
    expect(await t.run('help')).toContain('"help <command>"');
    expect(await t.run('HELP NOSUCHTHING')).toMatch(/No help for/);
  });

  it('prints INFO verbatim, as redis-cli does', async () => {
    const t = await openTerm();
    expect(await t.run('INFO server')).toMatch(/^# Server\nredis_version:\d/);
  });

  it('repeats a command given a count first', async () => {
    const t = await openTerm();
    const k = key('count');
    expect(await t.run(`3 INCR ${k}`)).toBe('(integer) 1\n(integer) 2\n(integer) 3\n');
    expect(await t.run('0 PING')).toBe('Invalid redis-cli repeat command option value.\n');
  });

  it('formats a long list with padded numbers and a large value intact', async () => {
    const t = await openTerm();
    const list = key('long');
    await t.run(`EVAL "for i=1,1000 do redis.call('RPUSH', KEYS[1], i) end" 1 ${list}`);
    const out = await t.run(`LRANGE ${list} 0 -1`);
    const lines = out.split('\n');
    expect(lines[0]).toBe('   1) "1"');
    expect(lines[999]).toBe('1000) "1000"');
    const big = key('big');
    await t.run(`EVAL "redis.call('SET', KEYS[1], string.rep('x', 1000000))" 1 ${big}`);
    expect(await t.run(`GET ${big}`)).toBe(`"${'x'.repeat(1_000_000)}"\n`);
  });

  it('formats RESP3 replies after HELLO 3', async () => {
    const t = await openTerm();
    const h = key('hash');
    await t.run(`HSET ${h} f v`);
    await t.run('HELLO 3');
    expect(await t.run(`HGETALL ${h}`)).toBe('1# "f" => "v"\n');
  });

  it('just prompts again on Ctrl-C at the prompt', async () => {
    const t = await openTerm();
    await t.interrupt();
    expect(t.output.take()).toBe('');
    expect(t.lastPrompt()).toBe(PROMPT);
    expect(await t.run('PING')).toBe('PONG\n');
  });

  it('stops reading replies while the host pauses the source, and goes on when it resumes', async () => {
    const t = await openTerm();
    const list = key('flow');
    await t.run(`EVAL "for i=1,20000 do redis.call('RPUSH', KEYS[1], i) end" 1 ${list}`);
    const source = t.output.source!;
    source.pause();
    const before = t.output.prompts.length;
    t.send(`LRANGE ${list} 0 -1`);
    await new Promise((r) => setTimeout(r, 200));
    expect(t.output.prompts.length).toBe(before);
    expect(t.output.text).toBe('');
    source.resume();
    await t.output.until((o) => o.prompts.length > before);
    const lines = t.output.take().split('\r\n');
    expect(lines[0]).toBe('    1) "1"');
    expect(lines[19999]).toBe('20000) "20000"');
  });

  it('stays usable after QUIT', async () => {
    const t = await openTerm();
    await t.run('SELECT 4');
    expect(await t.run('QUIT')).toMatch(/redis-cli would exit/);
    expect(t.lastPrompt()).toBe(PROMPT);
    expect(await t.run('PING')).toBe('PONG\n');
  });

  it('reports a blocked command whose connection the server closes, then carries on', async () => {
    const victim = await openTerm();
    const killer = await openTerm();
    const id = (await victim.run('CLIENT ID')).match(/\d+/)![0];
    victim.send(`BLPOP ${key('victim')} 0`);
    await new Promise((r) => setTimeout(r, 100));
    const before = victim.output.prompts.length;
    expect(await killer.run(`CLIENT KILL ID ${id}`)).toBe('(integer) 1\n');
    await victim.output.until((o) => o.prompts.length > before);
    expect(victim.output.take()).toContain('Error: Server closed the connection');
    expect(await victim.run('PING')).toBe('PONG\n');
    expect(victim.output.failed).toBeNull();
  });

  it('reconnects quietly when an idle connection is closed', async () => {
    const idle = await openTerm();
    const killer = await openTerm();
    const id = (await idle.run('CLIENT ID')).match(/\d+/)![0];
    await killer.run(`CLIENT KILL ID ${id}`);
    await new Promise((r) => setTimeout(r, 100));
    expect(await idle.run('PING')).toBe('PONG\n');
    expect(idle.output.failed).toBeNull();
  });
});

describe('redis adapter with an instance of its own', () => {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true });
  });

  /** Starts redis-server with the adapter's managed spawn spec (plus `extra`), waits until it answers. */
  async function startOwn(
    extra: string[] = [],
    auth = '',
  ): Promise<{ child: ChildProcess; endpoint: Endpoint; port: number }> {
    // `auth` goes into the URL the tests use; the readiness probe needs the right one.
    const password = extra[extra.indexOf('--requirepass') + 1];
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'redis-int-'));
    dirs.push(dir);
    const ctx = { dir, ports: [await freePort()], secret: 'unused', isRoot: process.getuid?.() === 0 };
    const spec = redis.managed.spawn(ctx);
    const child = spawn(spec.command, [...spec.args, ...extra], { stdio: 'ignore' });
    children.push(child);
    const managed = redis.managed.endpoint(ctx);
    const own = { ...managed, url: managed.url.replace('redis://', `redis://${auth}`) };
    const probeAt = {
      ...managed,
      url: extra.includes('--requirepass') ? managed.url.replace('redis://', `redis://:${password}@`) : managed.url,
    };
    const deadline = Date.now() + redis.managed.startTimeoutMs;
    for (;;) {
      try {
        await redis.probe(probeAt);
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    return { child, endpoint: own, port: ctx.ports[0] };
  }

  it('authenticates and selects the database from the URL, also after Ctrl-C', async () => {
    const own = await startOwn(['--requirepass', 'sesame'], ':sesame@');
    const t = await openTerm({ ...own.endpoint, url: `${own.endpoint.url}/3` });
    expect(t.lastPrompt()).toBe(`127.0.0.1:${own.port}[3]> `);
    expect(await t.run('SET k v')).toBe('OK\n');
    t.send('BLPOP list 0');
    await t.interrupt();
    expect(t.lastPrompt()).toBe(`127.0.0.1:${own.port}[3]> `);
    expect(await t.run('GET k')).toBe('"v"\n');
  });

  it('notes a refused AUTH as redis-cli does', async () => {
    const own = await startOwn(['--requirepass', 'sesame'], ':wrong@');
    const t = await openTerm({ ...own.endpoint });
    expect(t.output.take()).toMatch(/^AUTH failed: WRONGPASS/);
    expect(await t.run('PING')).toMatch(/^\(error\) NOAUTH/);
  });

  it('says it cannot connect and fails the session when the server dies', async () => {
    const own = await startOwn();
    const t = await openTerm(own.endpoint);
    expect(await t.run('PING')).toBe('PONG\n');
    own.child.kill('SIGKILL');
    await t.output.until((o) => o.failed !== null);
    expect(t.output.failed).toBe('not connected');
    expect(t.output.text).toContain(`Could not connect to Redis at 127.0.0.1:${own.port}: Connection refused`);
  });

  it('reports a server that does not speak RESP as redis-cli does, and carries on', async () => {
    // Not Redis at all: a server answering every connection like a web server.
    const server = net.createServer((socket) => {
      socket.on('data', () => socket.write('HTTP/1.1 400 Bad Request\r\n\r\n'));
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port: httpPort } = server.address() as net.AddressInfo;
      const t = await openTerm({ url: `redis://127.0.0.1:${httpPort}`, address: `127.0.0.1:${httpPort}` });
      expect(await t.run('PING')).toBe('Error: Protocol error, got "H" as reply type byte\n');
      expect(t.output.failed).toBeNull();
      expect(t.lastPrompt()).toBe(`127.0.0.1:${httpPort}> `);
    } finally {
      for (const s of sessions.splice(0)) s.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses to open a terminal on a server that is not there', async () => {
    const nobody = { url: `redis://127.0.0.1:${await freePort()}`, address: 'x' };
    await expect(redis.openTerminal(nobody, new CapturedOutput())).rejects.toThrow('Connection refused');
    await expect(redis.probe(nobody)).rejects.toThrow();
  });
});
