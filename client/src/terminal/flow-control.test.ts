import { expect, test } from 'vitest';
import { WriteFlowControl } from './flow-control.ts';

test('pauses above the high watermark and resumes below the low one, once each', () => {
  const events: string[] = [];
  const flow = new WriteFlowControl(
    () => events.push('pause'),
    () => events.push('resume'),
    100,
    20,
  );
  flow.queued(60);
  flow.queued(60);
  expect(events).toEqual(['pause']);
  flow.queued(60);
  expect(events).toEqual(['pause']);
  flow.written(60);
  flow.written(60);
  expect(events).toEqual(['pause']);
  expect(flow.pendingBytes).toBe(60);
  flow.written(50);
  expect(events).toEqual(['pause', 'resume']);
  flow.written(10);
  expect(events).toEqual(['pause', 'resume']);
  expect(flow.isPaused).toBe(false);
});
