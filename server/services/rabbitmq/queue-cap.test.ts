import { describe, expect, it } from 'vitest';
import { accountDefinitions, queueCap } from './classroom.ts';
import { capText, fullQueueHint, nackHint, OVERFLOW_POLICY, QUEUE_CAP_POLICY } from './queue-cap.ts';

const LIMITS = { maxQueues: 20, maxConnections: 20, queueMessages: 1000, queueMb: 1 };

describe('the queue cap', () => {
  it('is written, for every restored workspace, as an operator policy and an overflow policy', () => {
    const defs = accountDefinitions([{ id: 'w1', password: 'p' }], LIMITS) as {
      parameters: Array<{ component: string; name: string; value: unknown }>;
      policies: Array<Record<string, unknown>>;
    };
    expect(defs.parameters).toContainEqual({
      vhost: 'w1',
      component: 'operator_policy',
      name: QUEUE_CAP_POLICY,
      value: {
        pattern: '.*',
        'apply-to': 'queues',
        priority: 0,
        definition: { 'max-length': 1000, 'max-length-bytes': 1024 * 1024 },
      },
    });
    expect(defs.policies).toEqual([
      {
        vhost: 'w1',
        name: OVERFLOW_POLICY,
        pattern: '.*',
        'apply-to': 'queues',
        priority: 0,
        definition: { overflow: 'reject-publish' },
      },
    ]);
  });

  it('is worded with its figures', () => {
    expect(capText(queueCap(LIMITS))).toBe('the classroom caps each queue at 1,000 messages / 1 MB');
    expect(capText({ ...queueCap(LIMITS), bytes: 512 * 1024 })).toMatch(/ \/ 0\.5 MB$/);
    expect(nackHint(queueCap(LIMITS))).toContain('a queue it routes to is full (the classroom caps each queue at');
    // Without a classroom cap (the single-user broker), what else makes a broker refuse.
    expect(nackHint(null)).toContain('x-overflow=reject-publish');
    expect(fullQueueHint(['a', 'b c'], queueCap(LIMITS))).toMatch(/^queues "a", "b c" are full \(the classroom/);
  });
});
