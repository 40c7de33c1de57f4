// The RabbitMQ terminal against the private broker of the test run (testEndpoint): real AMQP methods
// through the adapter's own sessions, a second session playing the other side (publisher or
// consumer), and the broker's own replies and errors checked as the learner sees them.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { CapturedOutput } from '../../testing/capture-output.ts';
import { testEndpoint } from '../../testing/endpoints.ts';
import type { TerminalSession } from '../types.ts';
import { rabbitmq } from './index.ts';
import { PROMPT } from './terminal.ts';

const endpoint = testEndpoint('rabbitmq');

/** Queue and exchange names of this run, so tests never meet each other's (or anyone's). */
const prefix = `int.${randomUUID()}.`;
let nameCount = 0;
const name = (what: string) => `${prefix}${what}.${++nameCount}`;

/** How long a test waits to be sure something does NOT arrive. */
const QUIET_MS = 300;

const ANSI = /\x1b\[[0-9;]*m/g;

interface Term {
  output: CapturedOutput;
  session: TerminalSession;
  /** Sends a line, waits for the next prompt, answers the output without colours and with "\n" line ends. */
  run(line: string): Promise<string>;
  /** Sends a line that streams (no prompt follows). */
  send(line: string): void;
  /** Ctrl-C; waits for the prompt that follows and answers the output. */
  interrupt(): Promise<string>;
  /** Output since the last run/take, plain. */
  take(): string;
}

const sessions: TerminalSession[] = [];
const plain = (text: string) => text.replace(ANSI, '').replace(/\r\n/g, '\n');

async function openTerm(): Promise<Term> {
  const output = new CapturedOutput();
  const session = await rabbitmq.openTerminal(endpoint, output);
  sessions.push(session);
  await output.until((o) => o.prompts.length > 0);
  return {
    output,
    session,
    run: async (line) => plain(await output.run((l) => session.line(l), line)),
    send: (line) => {
      output.take();
      session.line(line);
    },
    interrupt: async () => {
      const before = output.prompts.length;
      session.interrupt();
      await output.until((o) => o.prompts.length > before);
      return plain(output.take());
    },
    take: () => plain(output.take()),
  };
}

/** The hint under a 404 that closed the terminal's channel (wire-explain.ts), and the channel it opened instead. */
const reopened = (kind: string, missing: string) =>
  `[hint: no ${kind} ${JSON.stringify(missing)} in vhost "/": declare it first, or check the name; the server closed channel 1 after this error; the terminal opened channel 1 again for your next command]\n`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterAll(() => {
  for (const s of sessions) s.close();
});

describe('the RabbitMQ adapter', () => {
  it('probes the broker version', async () => {
    const { version } = await rabbitmq.probe(endpoint);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('opens a terminal with a banner and the amqp> prompt', async () => {
    const output = new CapturedOutput();
    const session = await rabbitmq.openTerminal(endpoint, output);
    sessions.push(session);
    await output.until((o) => o.prompts.length > 0);
    expect(output.prompts).toEqual([PROMPT]);
    expect(PROMPT).toBe('amqp> ');
    expect(plain(output.text)).toMatch(
      /^Connected to RabbitMQ \d+\.\d+\.\d+, vhost \/: one connection, one channel\. Type help\.\n$/,
    );
    expect(output.source).not.toBeNull();
  });
});

describe('connecting', () => {
  const variant = (change: (url: URL) => void) => {
    const url = new URL(endpoint.url);
    change(url);
    return rabbitmq.parseUrl(url.toString());
  };

  it("refuses a wrong password in the broker's words", async () => {
    const wrong = variant((u) => (u.password = 'wrong'));
    await expect(rabbitmq.openTerminal(wrong, new CapturedOutput())).rejects.toThrow(
      /^403 ACCESS_REFUSED - Login was refused/,
    );
    await expect(rabbitmq.probe(wrong)).rejects.toThrow(/^403 ACCESS_REFUSED/);
  });

  it('names a vhost the broker refuses', async () => {
    const missing = variant((u) => (u.pathname = '/no-such-vhost'));
    await expect(rabbitmq.openTerminal(missing, new CapturedOutput())).rejects.toThrow(
      'the broker refused vhost "no-such-vhost": it does not exist, or this user may not use it',
    );
  });
});

describe('queues and messages', () => {
  it('declares a queue and shows the declare-ok fields', async () => {
    const t = await openTerm();
    const q = name('hello');
    expect(await t.run(`queue.declare queue=${q} durable=true`)).toBe(
      `queue.declare-ok queue=${q} message_count=0 consumer_count=0\n`,
    );
    // A server-named queue: the broker picks the name and says it.
    expect(await t.run('queue.declare exclusive=true')).toMatch(
      /^queue\.declare-ok queue=amq\.gen-\S+ message_count=0 consumer_count=0\n$/,
    );
  });

  it('publishes, then gets the message with its properties and body, then get-empty', async () => {
    const t = await openTerm();
    const q = name('hello');
    await t.run(`queue.declare queue=${q}`);
    expect(
      await t.run(
        `basic.publish exchange= routing_key=${q} body="Hello World!" delivery_mode=2 content_type=text/plain headers={"n":1}`,
      ),
    ).toBe('(basic.publish has no reply)\n');
    expect(await t.run(`queue.declare queue=${q} passive=true`)).toBe(
      `queue.declare-ok queue=${q} message_count=1 consumer_count=0\n`,
    );
    expect(await t.run(`basic.get queue=${q}`)).toBe(
      `basic.get-ok delivery_tag=1 redelivered=false exchange= routing_key=${q} message_count=0\n` +
        '  content_type=text/plain headers={"n":1} delivery_mode=2 body="Hello World!"\n',
    );
    expect(await t.run(`basic.get queue=${q}`)).toBe('basic.get-empty\n');
  });

  it('carries binary bodies byte for byte and shows them escaped', async () => {
    const t = await openTerm();
    const q = name('bin');
    await t.run(`queue.declare queue=${q}`);
    await t.run(`basic.publish routing_key=${q} body="\\xff\\x00\\x1b[2J é"`);
    const got = await t.run(`basic.get queue=${q} no_ack=true`);
    expect(got).toContain('body="\\xff\\0\\x1b[2J é"');
    expect(got).not.toContain('\x1b');
  });

  it('purges and deletes, reporting message counts', async () => {
    const t = await openTerm();
    const q = name('purge');
    await t.run(`queue.declare queue=${q}`);
    await t.run(`basic.publish routing_key=${q} body=a`);
    await t.run(`basic.publish routing_key=${q} body=b`);
    expect(await t.run(`queue.purge queue=${q}`)).toBe('queue.purge-ok message_count=2\n');
    await t.run(`basic.publish routing_key=${q} body=c`);
    expect(await t.run(`queue.delete queue=${q}`)).toBe('queue.delete-ok message_count=1\n');
    expect(await t.run(`queue.declare queue=${q} passive=true`)).toContain(
      `404 NOT_FOUND - no queue '${q}' in vhost '/'`,
    );
  });

  it('takes queue arguments as JSON and the broker enforces them', async () => {
    const t = await openTerm();
    const q = name('capped');
    await t.run(`queue.declare queue=${q} arguments={"x-max-length": 1}`);
    await t.run(`basic.publish routing_key=${q} body=old`);
    await t.run(`basic.publish routing_key=${q} body=new`);
    expect(await t.run(`basic.get queue=${q} no_ack=true`)).toContain('body="new"');
    // A queue redeclared with other arguments is refused by the broker: 406, and the shell goes on.
    expect(await t.run(`queue.declare queue=${q}`)).toMatch(
      /^406 PRECONDITION_FAILED - inequivalent arg 'x-max-length'/,
    );
  });
});

describe('consuming', () => {
  it('streams deliveries published from another session until Ctrl-C, which cancels', async () => {
    const consumer = await openTerm();
    const publisher = await openTerm();
    const q = name('work');
    await consumer.run(`queue.declare queue=${q}`);
    const prompts = consumer.output.prompts.length;
    consumer.send(`basic.consume queue=${q}`);
    await consumer.output.until((o) => o.text.includes('basic.consume-ok'));
    const tag = /consumer_tag=(\S+)/.exec(consumer.take())![1];
    expect(tag).toMatch(/^amq\.ctag-/);

    await publisher.run(`basic.publish routing_key=${q} body="task 1" correlation_id=c1`);
    await consumer.output.until((o) => o.text.includes('task 1'));
    await publisher.run(`basic.publish routing_key=${q} body="task 2"`);
    await consumer.output.until((o) => o.text.includes('task 2'));
    expect(consumer.take()).toBe(
      `basic.deliver consumer_tag=${tag} delivery_tag=1 redelivered=false exchange= routing_key=${q}\n` +
        '  correlation_id=c1 body="task 1"\n' +
        `basic.deliver consumer_tag=${tag} delivery_tag=2 redelivered=false exchange= routing_key=${q}\n` +
        '  body="task 2"\n',
    );
    // No prompt while the stream runs.
    expect(consumer.output.prompts.length).toBe(prompts);

    expect(await consumer.interrupt()).toBe(`basic.cancel-ok consumer_tag=${tag}\n`);
    expect(consumer.output.prompts.at(-1)).toBe(PROMPT);
    // The consumer is gone: a new message stays in the queue.
    await publisher.run(`basic.publish routing_key=${q} body="task 3"`);
    await sleep(QUIET_MS);
    expect(consumer.take()).toBe('');
    expect(await publisher.run(`queue.declare queue=${q} passive=true`)).toBe(
      `queue.declare-ok queue=${q} message_count=1 consumer_count=0\n`,
    );
  });

  it('keeps deliveries unacked until basic.ack, on the same channel after Ctrl-C', async () => {
    const consumer = await openTerm();
    const other = await openTerm();
    const q = name('acks');
    await consumer.run(`queue.declare queue=${q}`);
    await consumer.run(`basic.publish routing_key=${q} body=one`);
    await consumer.run(`basic.publish routing_key=${q} body=two`);
    consumer.send(`basic.consume queue=${q}`);
    await consumer.output.until((o) => o.text.includes('body="two"'));
    await consumer.interrupt();
    expect(await other.run(`queue.declare queue=${q} passive=true`)).toContain('message_count=0 consumer_count=0');

    expect(await consumer.run('basic.ack delivery_tag=1')).toBe('(basic.ack has no reply)\n');
    // A tag the channel never saw: the broker closes the channel; the shell says so and reopens it.
    expect(await consumer.run('basic.ack delivery_tag=99')).toBe(
      '406 PRECONDITION_FAILED - unknown delivery tag 99\n' +
        '[hint: no unacknowledged delivery on this channel has tag 99: a tag is acked once, on the channel that received the message; the server closed channel 1 after this error; the terminal opened channel 1 again for your next command]\n',
    );
    // The reopened channel works; the broker returned the unacked "two" when the old one closed.
    expect(await consumer.run(`basic.get queue=${q}`)).toBe(
      `basic.get-ok delivery_tag=1 redelivered=true exchange= routing_key=${q} message_count=0\n  body="two"\n`,
    );
    await consumer.run('basic.ack delivery_tag=1');
    consumer.session.close();
    await sleep(QUIET_MS);
    // Both were acked: nothing comes back when the consumer's connection goes.
    expect(await other.run(`queue.declare queue=${q} passive=true`)).toContain('message_count=0');
  });

  it('returns unacked deliveries to the queue when the consumer goes away', async () => {
    const consumer = await openTerm();
    const other = await openTerm();
    const q = name('requeue');
    await other.run(`queue.declare queue=${q}`);
    await other.run(`basic.publish routing_key=${q} body=kept`);
    consumer.send(`basic.consume queue=${q}`);
    await consumer.output.until((o) => o.text.includes('body="kept"'));
    consumer.session.close();
    await sleep(QUIET_MS);
    expect(await other.run(`queue.declare queue=${q} passive=true`)).toContain('message_count=1');
  });

  it('limits unacked deliveries with basic.qos prefetch_count', async () => {
    const t = await openTerm();
    const q = name('qos');
    await t.run(`queue.declare queue=${q}`);
    for (const body of ['m1', 'm2', 'm3']) await t.run(`basic.publish routing_key=${q} body=${body}`);
    expect(await t.run('basic.qos prefetch_count=1')).toBe('basic.qos-ok\n');
    t.send(`basic.consume queue=${q}`);
    await t.output.until((o) => o.text.includes('body="m1"'));
    await sleep(QUIET_MS);
    expect(t.output.text).not.toContain('m2');
    await t.interrupt();
    // m2 was never delivered: it is still ready for anyone.
    expect(await t.run(`basic.get queue=${q} no_ack=true`)).toContain('body="m2"');
  });

  it('with no_ack=true, deliveries need no ack', async () => {
    const t = await openTerm();
    const other = await openTerm();
    const q = name('noack');
    await t.run(`queue.declare queue=${q}`);
    await t.run(`basic.publish routing_key=${q} body=x`);
    t.send(`basic.consume queue=${q} no_ack=true consumer_tag=mine`);
    await t.output.until((o) => o.text.includes('body="x"'));
    expect(t.take()).toContain('basic.consume-ok consumer_tag=mine\nbasic.deliver consumer_tag=mine delivery_tag=1');
    expect(await t.interrupt()).toBe('basic.cancel-ok consumer_tag=mine\n');
    t.session.close();
    await sleep(QUIET_MS);
    expect(await other.run(`queue.declare queue=${q} passive=true`)).toContain('message_count=0');
  });

  it('ends the stream when the broker cancels the consumer (its queue deleted)', async () => {
    const consumer = await openTerm();
    const other = await openTerm();
    const q = name('doomed');
    await consumer.run(`queue.declare queue=${q}`);
    const prompts = consumer.output.prompts.length;
    consumer.send(`basic.consume queue=${q}`);
    await consumer.output.until((o) => o.text.includes('basic.consume-ok'));
    await other.run(`queue.delete queue=${q}`);
    await consumer.output.until((o) => o.prompts.length > prompts);
    expect(consumer.take()).toMatch(/basic\.cancel consumer_tag=amq\.ctag-\S+\n\(the broker cancelled the consumer/);
    expect(await consumer.run('queue.declare exclusive=true')).toMatch(/^queue\.declare-ok/);
  });

  it('holds deliveries while the output is paused (flow control) and shows them on resume', async () => {
    const consumer = await openTerm();
    const publisher = await openTerm();
    const q = name('flow');
    await consumer.run(`queue.declare queue=${q}`);
    consumer.send(`basic.consume queue=${q} no_ack=true`);
    await consumer.output.until((o) => o.text.includes('basic.consume-ok'));
    consumer.take();
    consumer.output.source!.pause();
    await publisher.run(`basic.publish routing_key=${q} body=held`);
    await sleep(QUIET_MS);
    expect(consumer.take()).toBe('');
    consumer.output.source!.resume();
    await consumer.output.until((o) => o.text.includes('body="held"'));
    await consumer.interrupt();
  });
});

describe('errors', () => {
  it('prints a 404 as the broker words it, reopens the channel, and the next command works', async () => {
    const t = await openTerm();
    const missing = name('missing');
    expect(await t.run(`queue.declare queue=${missing} passive=true`)).toBe(
      `404 NOT_FOUND - no queue '${missing}' in vhost '/'\n${reopened('queue', missing)}`,
    );
    expect(t.output.prompts.at(-1)).toBe(PROMPT);
    expect(await t.run(`basic.get queue=${missing}`)).toBe(
      `404 NOT_FOUND - no queue '${missing}' in vhost '/'\n${reopened('queue', missing)}`,
    );
    const q = name('after');
    expect(await t.run(`queue.declare queue=${q}`)).toBe(
      `queue.declare-ok queue=${q} message_count=0 consumer_count=0\n`,
    );
  });

  it('reports a consume on a missing queue and prompts, without streaming', async () => {
    const t = await openTerm();
    const missing = name('nothing');
    expect(await t.run(`basic.consume queue=${missing}`)).toBe(
      `404 NOT_FOUND - no queue '${missing}' in vhost '/'\n${reopened('queue', missing)}`,
    );
    expect(await t.run('basic.qos prefetch_count=5')).toBe('basic.qos-ok\n');
  });

  it('shows a publish to a missing exchange before the next prompt', async () => {
    const t = await openTerm();
    const x = name('nox');
    expect(await t.run(`basic.publish exchange=${x} routing_key=a body=x`)).toBe(
      `404 NOT_FOUND - no exchange '${x}' in vhost '/'\n${reopened('exchange', x)}`,
    );
  });

  it('shows a mandatory message the broker could not route as basic.return', async () => {
    const t = await openTerm();
    expect(await t.run('basic.publish exchange=amq.direct routing_key=nobody mandatory=true body=lost')).toBe(
      'basic.return reply_code=312 reply_text=NO_ROUTE exchange=amq.direct routing_key=nobody\n  body="lost"\n(basic.publish has no reply)\n',
    );
  });

  it('refuses bad lines locally with one line and a prompt, binary junk included', async () => {
    const t = await openTerm();
    expect(await t.run('queue.declare durable=maybe')).toBe(
      'durable= expects a boolean (true/false, 1/0, yes/no), got "maybe"\n',
    );
    expect(await t.run('queue.declare queue="open')).toBe('unbalanced ": the closing quote is missing\n');
    expect(await t.run('queue.declare no_wait=true')).toMatch(/^no_wait=true cannot be used here/);
    expect(await t.run('nope.nope')).toMatch(/^unknown method "nope\.nope"/);
    expect(await t.run('\x00\xff\x1b[2J')).toMatch(/^unknown method "\\0ÿ\\x1b\[2J"/);
    expect(await t.run('')).toBe('');
  });

  it("ends the session with the broker's reason on a connection error", async () => {
    const t = await openTerm();
    t.send(`exchange.declare exchange=${name('x')} type=bogus`);
    await t.output.until((o) => o.failed !== null);
    expect(t.output.failed).toBe("503 COMMAND_INVALID - unknown exchange type 'bogus'");
    // Nothing follows a failure: no prompt, no output.
    await sleep(QUIET_MS);
    expect(t.output.prompts.length).toBe(1);
  });
});

describe('exchanges and routing', () => {
  it('fanout: one publish reaches every bound queue', async () => {
    const t = await openTerm();
    const x = name('logs');
    const [a, b] = [name('a'), name('b')];
    expect(await t.run(`exchange.declare exchange=${x} type=fanout`)).toBe('exchange.declare-ok\n');
    for (const q of [a, b]) {
      await t.run(`queue.declare queue=${q}`);
      expect(await t.run(`queue.bind queue=${q} exchange=${x}`)).toBe('queue.bind-ok\n');
    }
    await t.run(`basic.publish exchange=${x} routing_key=ignored body=broadcast`);
    for (const q of [a, b]) {
      expect(await t.run(`basic.get queue=${q} no_ack=true`)).toBe(
        `basic.get-ok delivery_tag=${q === a ? 1 : 2} redelivered=false exchange=${x} routing_key=ignored message_count=0\n  body="broadcast"\n`,
      );
    }
    expect(await t.run(`exchange.delete exchange=${x}`)).toBe('exchange.delete-ok\n');
  });

  it('direct: a message goes where its routing key is bound, and nowhere else', async () => {
    const t = await openTerm();
    const x = name('direct');
    const [errors, infos] = [name('errors'), name('infos')];
    await t.run(`exchange.declare exchange=${x} type=direct`);
    await t.run(`queue.declare queue=${errors}`);
    await t.run(`queue.declare queue=${infos}`);
    await t.run(`queue.bind queue=${errors} exchange=${x} routing_key=error`);
    await t.run(`queue.bind queue=${infos} exchange=${x} routing_key=info`);
    await t.run(`basic.publish exchange=${x} routing_key=error body=disk-full`);
    await t.run(`basic.publish exchange=${x} routing_key=debug body=dropped`);
    expect(await t.run(`basic.get queue=${errors} no_ack=true`)).toContain(
      'routing_key=error message_count=0\n  body="disk-full"',
    );
    expect(await t.run(`basic.get queue=${infos} no_ack=true`)).toBe('basic.get-empty\n');
    expect(await t.run(`queue.unbind queue=${errors} exchange=${x} routing_key=error`)).toBe('queue.unbind-ok\n');
    await t.run(`basic.publish exchange=${x} routing_key=error body=unbound`);
    expect(await t.run(`basic.get queue=${errors}`)).toBe('basic.get-empty\n');
  });

  it('topic: patterns with * and # pick the messages', async () => {
    const t = await openTerm();
    const x = name('topic');
    const [errors, kern] = [name('errors'), name('kern')];
    await t.run(`exchange.declare exchange=${x} type=topic`);
    await t.run(`queue.declare queue=${errors}`);
    await t.run(`queue.declare queue=${kern}`);
    await t.run(`queue.bind queue=${errors} exchange=${x} routing_key=*.error`);
    await t.run(`queue.bind queue=${kern} exchange=${x} routing_key=kern.#`);
    await t.run(`basic.publish exchange=${x} routing_key=kern.error body=both`);
    await t.run(`basic.publish exchange=${x} routing_key=app.error body=errors-only`);
    await t.run(`basic.publish exchange=${x} routing_key=kern.disk.full body=kern-only`);
    expect(await t.run(`queue.declare queue=${errors} passive=true`)).toContain('message_count=2');
    expect(await t.run(`queue.declare queue=${kern} passive=true`)).toContain('message_count=2');
    expect(await t.run(`basic.get queue=${errors} no_ack=true`)).toContain('body="both"');
    expect(await t.run(`basic.get queue=${errors} no_ack=true`)).toContain('body="errors-only"');
    expect(await t.run(`basic.get queue=${kern} no_ack=true`)).toContain('body="both"');
    expect(await t.run(`basic.get queue=${kern} no_ack=true`)).toContain('body="kern-only"');
  });

  it('exchange-to-exchange bindings route through', async () => {
    const t = await openTerm();
    const [up, down] = [name('up'), name('down')];
    const q = name('q');
    await t.run(`exchange.declare exchange=${up} type=fanout`);
    await t.run(`exchange.declare exchange=${down} type=fanout`);
    expect(await t.run(`exchange.bind destination=${down} source=${up}`)).toBe('exchange.bind-ok\n');
    await t.run(`queue.declare queue=${q}`);
    await t.run(`queue.bind queue=${q} exchange=${down}`);
    await t.run(`basic.publish exchange=${up} body=hop`);
    expect(await t.run(`basic.get queue=${q} no_ack=true`)).toContain('body="hop"');
  });
});

describe('confirms and transactions', () => {
  it("in confirm mode, each publish is followed by the broker's basic.ack", async () => {
    const t = await openTerm();
    const q = name('confirm');
    await t.run(`queue.declare queue=${q}`);
    expect(await t.run('confirm.select')).toBe('confirm.select-ok\n');
    expect(await t.run(`basic.publish routing_key=${q} body=one`)).toBe('basic.ack delivery_tag=1 multiple=false\n');
    expect(await t.run(`basic.publish routing_key=${q} body=two`)).toBe('basic.ack delivery_tag=2 multiple=false\n');
  });

  it('a transaction publishes nothing until tx.commit', async () => {
    const t = await openTerm();
    const other = await openTerm();
    const q = name('tx');
    await t.run(`queue.declare queue=${q}`);
    expect(await t.run('tx.select')).toBe('tx.select-ok\n');
    await t.run(`basic.publish routing_key=${q} body=pending`);
    expect(await other.run(`queue.declare queue=${q} passive=true`)).toContain('message_count=0');
    expect(await t.run('tx.commit')).toBe('tx.commit-ok\n');
    expect(await other.run(`queue.declare queue=${q} passive=true`)).toContain('message_count=1');
    await t.run(`basic.publish routing_key=${q} body=undone`);
    expect(await t.run('tx.rollback')).toBe('tx.rollback-ok\n');
    expect(await other.run(`queue.declare queue=${q} passive=true`)).toContain('message_count=1');
  });
});

describe('help and the prompt', () => {
  it('lists the methods and shows one in detail', async () => {
    const t = await openTerm();
    const all = await t.run('help');
    expect(all).toMatch(/^queue\.declare +queue= passive= durable= exclusive= auto_delete= no_wait= arguments=$/m);
    expect(all).toMatch(/^basic\.consume +queue= consumer_tag= no_local= no_ack= exclusive= no_wait= arguments=$/m);
    const one = await t.run('help queue.declare');
    expect(one).toMatch(/^queue\.declare {2}→ queue\.declare-ok$/m);
    expect(one).toMatch(/^ {2}durable +bit +default false/m);
    expect(await t.run('help nothing')).toBe('no help for "nothing"; type help for the list of methods\n');
  });

  it('answers Ctrl-C at the prompt with a prompt', async () => {
    const t = await openTerm();
    t.take();
    const before = t.output.prompts.length;
    expect(await t.interrupt()).toBe('');
    expect(t.output.prompts.length).toBe(before + 1);
  });

  it('Ctrl-C during a method prompts at once and drops its late reply; the channel goes on', async () => {
    const t = await openTerm();
    const q = name('late');
    t.send(`queue.declare queue=${q}`);
    expect(await t.interrupt()).toBe(
      '(interrupted: the reply will not be shown, but the broker may still carry the method out)\n',
    );
    await sleep(QUIET_MS);
    expect(t.take()).toBe('');
    // The broker did carry it out.
    expect(await t.run(`queue.declare queue=${q} passive=true`)).toBe(
      `queue.declare-ok queue=${q} message_count=0 consumer_count=0\n`,
    );
  });

  it('Ctrl-C before consume-ok leaves no consumer behind', async () => {
    const t = await openTerm();
    const other = await openTerm();
    const q = name('abandoned');
    await other.run(`queue.declare queue=${q}`);
    await other.run(`basic.publish routing_key=${q} body=waiting`);
    t.send(`basic.consume queue=${q}`);
    await t.interrupt();
    await sleep(QUIET_MS);
    expect(t.take()).toBe('');
    // The message the abandoned consumer may have received went back to the queue.
    expect(await other.run(`queue.declare queue=${q} passive=true`)).toBe(
      `queue.declare-ok queue=${q} message_count=1 consumer_count=0\n`,
    );
    expect(await t.run(`basic.get queue=${q} no_ack=true`)).toContain('body="waiting"');
  });

  it('offers every method for completion', async () => {
    const commands = await rabbitmq.commands(endpoint);
    expect(commands.find((c) => c.name === 'queue.declare')?.syntax).toBe(
      'queue= passive= durable= exclusive= auto_delete= no_wait= arguments=',
    );
    expect(commands.map((c) => c.name)).toContain('help');
  });
});
