// The RabbitMQ terminal against the test run's broker, with data that would drive a terminal if it
// were written raw: a queue name, a body, properties and headers full of escape sequences, read
// back with basic.get and basic.consume, and the errors and hints that quote them. Everything
// must arrive as visible text in the terminal's own `field="…"` syntax.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { CapturedOutput } from '../../testing/capture-output.ts';
import { testEndpoint, testTargets } from '../../testing/endpoints.ts';
import { HOSTILE_VALUE, controlsIn } from '../../testing/hostile-text.ts';
import type { TerminalSession } from '../types.ts';
import { quote } from './format-reply.ts';
import { rabbitmq } from './index.ts';

const endpoint = testEndpoint('rabbitmq');
const prefix = `int.${randomUUID()}.`;

const sessions: TerminalSession[] = [];
afterAll(() => {
  for (const s of sessions) s.close();
});

/** A terminal as the page opens it (with the management API, so a 404's hint lists the queues there are). */
async function openTerm(): Promise<{
  output: CapturedOutput;
  session: TerminalSession;
  run(line: string): Promise<string>;
}> {
  const output = new CapturedOutput();
  const session = await rabbitmq.openTerminal(endpoint, output, testTargets().admin?.('rabbitmq'));
  sessions.push(session);
  await output.until((o) => o.prompts.length > 0);
  return { output, session, run: (line) => output.run((l) => session.line(l), line) };
}

/** HOSTILE_VALUE as the terminal quotes it: \xNN below 0x80, \uNNNN above (format-reply.ts). */
const SHOWN = '<\\x1b]52;c;aGk=\\x07|\\x1b]8;;http://x\\x07link|\\x1b]0;title\\x07|\\x1b[2J|\\x1b[H|\\u009b31m|\\x07>';

describe('service data in the RabbitMQ terminal', () => {
  it('shows escape sequences in names, bodies, properties, headers and errors as visible text', async () => {
    const t = await openTerm();
    const publisher = await openTerm();
    const seen: string[] = [];
    const run = async (line: string) => {
      const out = await t.run(line);
      seen.push(out);
      return out;
    };
    // As the learner types them: quoted, with the line parser's escapes (\x1b, \u009b).
    const q = quote(`${prefix}hostile${HOSTILE_VALUE}`);
    const v = quote(HOSTILE_VALUE);
    const header = JSON.stringify({ h: HOSTILE_VALUE });

    expect(await run(`queue.declare queue=${q}`)).toContain(`queue=${q} message_count=0`);
    await publisher.run(
      `basic.publish routing_key=${q} body=${v} content_type=${v} correlation_id=${v} headers=${header}`,
    );
    const got = await run(`basic.get queue=${q} no_ack=true`);
    expect(got).toContain(`routing_key=${q}`);
    expect(got).toContain(`content_type="${SHOWN}"`);
    expect(got).toContain(`correlation_id="${SHOWN}"`);
    expect(got).toContain(`headers={"h":"<\\u001b]52;c;aGk=\\u0007|`);
    expect(got).toContain(`body="${SHOWN}"`);

    // A delivery while consuming.
    t.session.line(`basic.consume queue=${q} no_ack=true`);
    await t.output.until((o) => o.text.includes('basic.consume-ok'));
    await publisher.run(`basic.publish routing_key=${q} body=${v}`);
    await t.output.until((o) => o.text.includes('basic.deliver'));
    const prompts = t.output.prompts.length;
    t.session.interrupt();
    await t.output.until((o) => o.prompts.length > prompts);
    const delivered = t.output.take();
    seen.push(delivered);
    expect(delivered).toContain(`body="${SHOWN}"`);

    // The broker's 404 quotes the name; the hint under it lists the queues there are.
    const missing = await run(`basic.get queue=${quote(`${prefix}missing${HOSTILE_VALUE}`)}`);
    expect(missing).toMatch(/^\x1b\[31m404 NOT_FOUND - no queue '[^']*<\\x1b\]52;c;aGk=\\x07\|/);
    expect(missing).toMatch(/\[hint: no queue "[^\n]*; it has: [^\n]*hostile<\\x1b\]52;c;aGk=\\x07\|/);
    // JavaScript's own JSON error quotes what was typed.
    expect(await run('queue.declare arguments=[1,\x9b31m\x07\x1b]')).toContain('\\u009b31m\\x07\\x1b');

    expect(seen.join('')).toContain('\\x1b]52');
    for (const out of seen) expect(controlsIn(out)).toEqual([]);
    await run(`queue.delete queue=${q}`);
  });
});
