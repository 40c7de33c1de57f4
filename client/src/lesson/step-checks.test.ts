import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import type { CheckResponse } from '../../../shared/lesson-api.ts';
import {
  AUTO_CHECK_DELAY_MS,
  CHECKS_STORAGE_KEY,
  MAX_KEPT_CHECKS,
  StepChecks,
  parseStoredChecks,
  serializeChecks,
  type CheckRecord,
} from './step-checks.ts';

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem = (k: string) => this.items.get(k) ?? null;
  setItem = (k: string, v: string) => void this.items.set(k, v);
  removeItem = (k: string) => void this.items.delete(k);
}

const at = { course: 'redis', lesson: 'lists' };
const pass: CheckResponse = { ok: true, results: [{ ok: true, message: 'list "q" holds 3 items' }] };
const fail: CheckResponse = { ok: false, results: [{ ok: false, message: 'Redis has no key "q"' }] };

/** A check endpoint the test answers, counting the asks. */
function server(answer: () => CheckResponse) {
  const asked: string[] = [];
  const ask = (_: typeof at, step: string) => {
    asked.push(step);
    return Promise.resolve(answer());
  };
  return { asked, ask };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

test('the Check button: the answer is kept, a pass is announced once the server has recorded it', async () => {
  const { ask } = server(() => pass);
  const checks = new StepChecks(new MemoryStorage(), ask);
  const passed: string[] = [];
  checks.onPassed((key) => passed.push(key));
  const seen: string[] = [];
  checks.subscribe('redis/lists/push', () => seen.push(checks.get('redis/lists/push').kind));
  await checks.check(at, 'push', false);
  expect(seen).toEqual(['checking', 'answered']);
  expect(checks.get('redis/lists/push')).toMatchObject({ kind: 'answered', record: { ok: true, auto: false } });
  expect(passed).toEqual(['redis/lists/push']);
  // Unchanged state is the same object: React's useSyncExternalStore relies on it.
  expect(checks.get('redis/lists/push')).toBe(checks.get('redis/lists/push'));
  expect(checks.get('redis/lists/other')).toBe(checks.get('redis/lists/other'));
});

test('after the step’s blocks have run, its check runs by itself once, after a pause for more', async () => {
  const { asked, ask } = server(() => pass);
  const checks = new StepChecks(null, ask);
  const first = checks.blockStarted(at, 'push');
  const second = checks.blockStarted(at, 'push');
  first(true);
  await vi.advanceTimersByTimeAsync(AUTO_CHECK_DELAY_MS * 2);
  expect(asked).toEqual([]); // the second block is still typing
  second(true);
  await vi.advanceTimersByTimeAsync(AUTO_CHECK_DELAY_MS - 10);
  // Another Run within the pause: the check waits for it too.
  const third = checks.blockStarted(at, 'push');
  await vi.advanceTimersByTimeAsync(AUTO_CHECK_DELAY_MS * 2);
  expect(asked).toEqual([]);
  third(true);
  third(true); // a second call is ignored
  await vi.advanceTimersByTimeAsync(AUTO_CHECK_DELAY_MS);
  expect(asked).toEqual(['push']);
  expect(checks.get('redis/lists/push')).toMatchObject({ kind: 'answered', record: { auto: true } });
});

test('a block that did not run (stopped, refused) does not check; a failing check is kept as asked by itself', async () => {
  const { asked, ask } = server(() => fail);
  const checks = new StepChecks(null, ask);
  checks.blockStarted(at, 'push')(false);
  await vi.advanceTimersByTimeAsync(AUTO_CHECK_DELAY_MS * 2);
  expect(asked).toEqual([]);
  checks.blockStarted(at, 'push')(true);
  await vi.advanceTimersByTimeAsync(AUTO_CHECK_DELAY_MS);
  expect(checks.get('redis/lists/push')).toMatchObject({ kind: 'answered', record: { ok: false, auto: true } });
});

test('the answers come back after a reload of the tab; "start fresh" forgets the lesson’s', async () => {
  const storage = new MemoryStorage();
  const { ask } = server(() => fail);
  const before = new StepChecks(storage, ask);
  await before.check(at, 'push', false);
  await before.check({ course: 'redis', lesson: 'sets' }, 'add', false);
  const after = new StepChecks(storage, ask);
  expect(after.get('redis/lists/push')).toMatchObject({ kind: 'answered', record: { ok: false, auto: false } });
  after.forgetLesson(at);
  expect(after.get('redis/lists/push').kind).toBe('idle');
  expect(after.get('redis/sets/add').kind).toBe('answered');
  expect(new StepChecks(storage, ask).get('redis/lists/push').kind).toBe('idle');
});

test('a check that cannot run says why, and is not kept', async () => {
  const storage = new MemoryStorage();
  const checks = new StepChecks(storage, () => Promise.reject(new Error('the server did not answer')));
  await checks.check(at, 'push', false);
  expect(checks.get('redis/lists/push')).toEqual({ kind: 'failed', message: 'the server did not answer', auto: false });
  expect(parseStoredChecks(storage.getItem(CHECKS_STORAGE_KEY)).size).toBe(0);
});

test('only the newest answers are stored, and only well-formed ones are read', () => {
  const records = new Map<string, CheckRecord>();
  for (let i = 0; i < MAX_KEPT_CHECKS + 10; i++)
    records.set(`c/l/s${i}`, { ok: true, results: [], auto: false, at: i });
  const kept = parseStoredChecks(serializeChecks(records));
  expect(kept.size).toBe(MAX_KEPT_CHECKS);
  expect(kept.has('c/l/s0')).toBe(false);
  expect(kept.has(`c/l/s${MAX_KEPT_CHECKS + 9}`)).toBe(true);
  expect(
    parseStoredChecks('{"a/b/c": {"ok": "yes"}, "d/e/f": {"ok": true, "auto": false, "at": 1, "results": []}}').size,
  ).toBe(1);
  expect(parseStoredChecks('nonsense').size).toBe(0);
});
