// What a run did, told after it ends (`summary` after `exit`): a Python snippet writes to each
// service, and the summary names what it added, where its messages went and what its reads hit —
// as each service itself reports it. A run that touches no service gets no summary.
import { afterAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../shared/protocol.ts';
import { testBaseUrl } from '../testing/endpoints.ts';
import { controlsIn } from '../testing/hostile-text.ts';
import { PlaygroundClient } from './playground-client.ts';

const tag = `w${Date.now().toString(36)}`;
const clients: PlaygroundClient[] = [];
afterAll(() => {
  for (const c of clients) c.close();
});

async function runToSummary(
  code: string[],
  waitMs = 5_000,
): Promise<{ c: PlaygroundClient; summary: RunSummary[] | null }> {
  const c = await PlaygroundClient.connect(testBaseUrl());
  clients.push(c);
  c.send({ type: 'open', id: 'run', kind: 'run', language: 'python', code: code.join('\n') });
  await c.until(() => c.terminal('run').exited !== null, 30_000);
  const found = () => c.messages.find((m) => m.type === 'summary' && m.id === 'run');
  await c.until(() => !!found(), waitMs).catch(() => {});
  const m = found();
  return { c, summary: m?.type === 'summary' ? m.services : null };
}

describe('the summary of a run', () => {
  it('says what a run did to each service it used', async () => {
    const { c, summary } = await runToSummary([
      'import os, redis, memcache, pika, sqlalchemy',
      'r = redis.Redis.from_url(os.environ["REDIS_URL"])',
      `r.set("${tag}:a", "1"); r.set("${tag}:b", "2", px=100)`,
      `r.get("${tag}:a"); r.get("${tag}:nothing")`,
      'import time; time.sleep(0.3); r.get("' + tag + ':b")',
      'mc = memcache.Client([os.environ["MEMCACHED_SERVERS"]])',
      `mc.set("${tag}_k", "v"); mc.get("${tag}_k"); mc.get("${tag}_k"); mc.get("${tag}_none")`,
      'conn = pika.BlockingConnection(pika.URLParameters(os.environ["AMQP_URL"]))',
      'ch = conn.channel()',
      `ch.exchange_declare("${tag}.logs", "direct")`,
      `ch.queue_declare("${tag}.errors")`,
      `ch.queue_bind("${tag}.errors", "${tag}.logs", "error")`,
      `ch.basic_publish("${tag}.logs", "error", b"disk full")`,
      `ch.basic_publish("${tag}.logs", "error", b"again")`,
      `ch.basic_publish("${tag}.logs", "debug", b"lost")`,
      `ch.queue_delete("${tag}.errors"); ch.exchange_delete("${tag}.logs")`,
      'conn.close()',
      'engine = sqlalchemy.create_engine(os.environ["SQLALCHEMY_URL"])',
      'with engine.begin() as db:',
      `    db.exec_driver_sql("CREATE TABLE ${tag}_users (id INT PRIMARY KEY, name TEXT)")`,
      `    db.exec_driver_sql("INSERT INTO ${tag}_users VALUES (1, 'Ada'), (2, 'Alan')")`,
      'print("done")',
    ]);
    expect(c.terminal('run').output).toContain('done');
    const of = (service: string) => summary?.find((s) => s.service === service)?.lines ?? [];
    expect(of('redis')).toContain(`1 key added: ${tag}:a`);
    expect(of('redis')).toContain(`1 key expired: ${tag}:b`);
    expect(of('redis')).toContain('reads of keys: 1 hit, 2 misses');
    expect(of('memcached')).toContain(`1 key added: ${tag}_k`);
    expect(of('memcached')).toContain('gets: 2 hits, 1 miss (hit ratio 67%)');
    expect(of('rabbitmq')).toEqual([
      `published 2 to exchange ${tag}.logs, key "error" → ${tag}.errors`,
      `published 1 to exchange ${tag}.logs, key "debug" → no queue (unroutable)`,
    ]);
    expect(of('mysql')).toEqual([`1 table created: ${tag}_users`, `${tag}_users: 0 → 2 rows (+2)`]);
  });

  it('escapes control characters in the names it tells (the page writes them into a terminal)', async () => {
    const { summary } = await runToSummary([
      'import os, redis',
      'r = redis.Redis.from_url(os.environ["REDIS_URL"])',
      `r.set("${tag}:<\\x1b]52;c;aGk=\\x07|\\x1b[2J|\\u009b31m>", "1")`,
    ]);
    const lines = summary?.find((s) => s.service === 'redis')?.lines ?? [];
    expect(lines).toContain(`1 key added: ${tag}:<\\x1b]52;c;aGk=\\x07|\\x1b[2J|\\xc2\\x9b31m>`);
    expect(controlsIn(lines.join('\n'))).toEqual([]);
  });

  it('sends none for a run that uses no service', async () => {
    // The summary would come right after the exit, as it does above within a few milliseconds.
    const { summary } = await runToSummary(['print(6 * 7)'], 1_000);
    expect(summary).toBeNull();
  });
});
