// Snippet runs through the public socket API: `open` kind "run" → `started` (with the service
// variables) → `output` → `exit`, with stdin, Ctrl-C and `close`, against the real services.
import { afterEach, describe, expect, it } from 'vitest';
import { testBaseUrl, testEndpoint } from '../testing/endpoints.ts';
import { PlaygroundClient } from './playground-client.ts';
import { processesOfUid } from '../runner/proc-scan.ts';

const clients: PlaygroundClient[] = [];
async function connect(): Promise<PlaygroundClient> {
  const c = await PlaygroundClient.connect(testBaseUrl());
  clients.push(c);
  return c;
}
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

function started(c: PlaygroundClient, id: string) {
  const m = c.messages.find((m) => m.type === 'started' && m.id === id);
  return m?.type === 'started' ? m : undefined;
}

describe('runs over /ws', () => {
  it('runs Python against the learner’s Redis and reports the environment it had', async () => {
    const c = await connect();
    const key = `run:${Date.now()}`;
    c.send({
      type: 'open',
      id: 'py',
      kind: 'run',
      language: 'python',
      code: [
        'import os, redis',
        'r = redis.Redis.from_url(os.environ["REDIS_URL"])',
        `r.set("${key}", "from a snippet")`,
        `print(r.get("${key}").decode())`,
      ].join('\n'),
    });
    await c.until(() => c.terminal('py').exited !== null, 20_000);
    expect(c.terminal('py').output).toContain('from a snippet');
    expect(c.terminal('py').exited).toBe(0);
    expect(started(c, 'py')?.env).toMatchObject({
      REDIS_URL: testEndpoint('redis').url,
      MEMCACHED_SERVERS: expect.any(String),
      AMQP_URL: expect.stringMatching(/^amqp:\/\//),
      MYSQL_URL: expect.stringMatching(/^mysql:\/\//),
      SQLALCHEMY_URL: expect.stringMatching(/^mysql\+pymysql:\/\//),
    });
  });

  it('feeds typed lines to stdin and runs JavaScript with a module beside it', async () => {
    const c = await connect();
    c.send({
      type: 'open',
      id: 'js',
      kind: 'run',
      language: 'javascript',
      code: [
        "const { shout } = require('./helper.js');",
        "process.stdin.once('data', (d) => { console.log(shout(String(d).trim())); process.exit(0); });",
      ].join('\n'),
      files: [{ name: 'helper.js', content: 'exports.shout = (s) => s.toUpperCase() + "!";' }],
    });
    await c.until(() => started(c, 'js') !== undefined, 20_000);
    c.send({ type: 'input', id: 'js', data: 'hello\r' });
    await c.until(() => c.terminal('js').exited !== null, 20_000);
    expect(c.terminal('js').output).toContain('HELLO!');
    expect(c.terminal('js').exited).toBe(0);
  });

  it('stops a program on Ctrl-C and on close, with a non-zero exit', async () => {
    const c = await connect();
    for (const id of ['a', 'b']) {
      c.send({
        type: 'open',
        id,
        kind: 'run',
        language: 'python',
        code: 'import time\nprint("waiting", flush=True)\ntime.sleep(60)',
      });
    }
    await c.waitForOutput('a', /waiting/, 0, 20_000);
    await c.waitForOutput('b', /waiting/, 0, 20_000);
    c.send({ type: 'signal', id: 'a', signal: 'SIGINT' });
    c.send({ type: 'close', id: 'b' });
    await c.until(() => c.terminal('a').exited !== null && c.terminal('b').exited !== null, 20_000);
    expect(c.terminal('a').output).toContain('KeyboardInterrupt');
    expect(c.terminal('a').exited).not.toBe(0);
    expect(c.terminal('b').exited).not.toBe(0);
  });

  it('refuses a run with a bad file name or language, saying which', async () => {
    const c = await connect();
    c.send({ type: 'open', id: 'r1', kind: 'run', language: 'ruby', code: 'puts 1' });
    c.send({
      type: 'open',
      id: 'r2',
      kind: 'run',
      language: 'python',
      code: 'x',
      files: [{ name: '../etc/passwd', content: '' }],
    });
    await c.until(() => c.terminal('r1').errors.length > 0 && c.terminal('r2').errors.length > 0);
    expect(c.terminal('r1').errors[0]).toMatch(/^bad open message: "language"/);
    expect(c.terminal('r2').errors[0]).toMatch(/^bad open message: "files\.0\.name": a plain file name/);
  });

  it('cleans up a run when the browser goes away mid-run: no process is left', async () => {
    const c = await connect();
    c.send({
      type: 'open',
      id: 'orphan',
      kind: 'run',
      language: 'python',
      code: 'import os, time\nprint("uid", os.getuid(), flush=True)\ntime.sleep(60)',
    });
    const out = await c.waitForOutput('orphan', /uid \d+/, 0, 20_000);
    const uid = Number(/uid (\d+)/.exec(out)![1]);
    expect(await processesOfUid(uid)).not.toEqual([]);
    c.close();
    const deadline = Date.now() + 10_000;
    while ((await processesOfUid(uid)).length > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(await processesOfUid(uid)).toEqual([]);
  });

  it('shows a program’s colours but none of its OSC sequences (clipboard, link, title)', async () => {
    const c = await connect();
    c.send({
      type: 'open',
      id: 'osc',
      kind: 'run',
      language: 'python',
      code: [
        'import sys',
        'sys.stdout.write("\\x1b]52;c;aGVsbG8=\\x07\\x1b]0;title\\x07\\x1b[31mred\\x1b[0m ")',
        'sys.stdout.flush()',
        'sys.stdout.write("\\x1b]8;;https://example.invalid\\x1b\\\\link\\x1b]8;;\\x1b\\\\\\n")',
      ].join('\n'),
    });
    await c.until(() => c.terminal('osc').exited !== null, 20_000);
    const out = c.terminal('osc').output;
    expect(out).toContain('\x1b[31mred\x1b[0m link');
    expect(out).not.toContain('\x1b]');
  });
});
