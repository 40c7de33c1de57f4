import { describe, expect, it } from 'vitest';
import { looksLongRunning, runSlotsFrom } from './run-limits.ts';

describe('looksLongRunning', () => {
  it.each([
    'channel.start_consuming()',
    'ch.basic_consume(queue="q", on_message_callback=cb)',
    "await ch.consume('q', (m) => {})",
    'p = r.pubsub()\np.subscribe("news")',
    'for m in p.listen():',
    "await sub.subscribe('news', (m) => console.log(m))",
    'r.psubscribe("a*")',
    'r.blpop("jobs")',
    'await redis.brpop("jobs", 0)',
    'r.xread({"s": "$"}, block=0)',
  ])('%s → long-running', (code) => {
    expect(looksLongRunning([code])).toBe(true);
  });

  it.each([
    'print("hello")',
    'r.set("k", 1)\nr.lpop("jobs")',
    'ch.basic_publish(exchange="", routing_key="q", body=b"x")',
    'consumer = 1',
  ])('%s → not', (code) => {
    expect(looksLongRunning([code])).toBe(false);
  });

  it('looks at every file of the run', () => {
    expect(looksLongRunning(['import worker', 'def run(ch):\n    ch.start_consuming()'])).toBe(true);
  });
});

describe('PLAYGROUND_RUN_SLOTS', () => {
  it('is a whole number of slots, or unset for two per core', () => {
    expect(runSlotsFrom({})).toBeUndefined();
    expect(runSlotsFrom({ PLAYGROUND_RUN_SLOTS: '' })).toBeUndefined();
    expect(runSlotsFrom({ PLAYGROUND_RUN_SLOTS: '6' })).toBe(6);
    for (const bad of ['0', '-2', '1.5', 'many', '5000']) {
      expect(() => runSlotsFrom({ PLAYGROUND_RUN_SLOTS: bad })).toThrow(/PLAYGROUND_RUN_SLOTS must be a whole number/);
    }
  });
});
