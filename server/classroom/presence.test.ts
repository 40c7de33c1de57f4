import { describe, expect, it } from 'vitest';
import type { ClassEvent } from '../../shared/classroom-api.ts';
import type { ServerMessage } from '../../shared/protocol.ts';
import { LocalBus } from './events/local-bus.ts';
import { ClassPresence, type ConnectedSocket } from './presence.ts';
import type { ClassroomStore, LearnerRecord, StepRecord } from './store/types.ts';
import type { Workspaces } from './workspaces/types.ts';

const ADA: LearnerRecord = {
  id: 'l1',
  classId: 'c1',
  name: 'Ada',
  tokenHash: 'x',
  workspaceId: 'w1',
  joinedAt: '2025-01-01T09:00:00.000Z',
  lastActiveAt: null,
  current: null,
  removedAt: null,
};

function socket(): ConnectedSocket & { got: ServerMessage[]; ended: Array<[number, string]> } {
  const got: ServerMessage[] = [];
  const ended: Array<[number, string]> = [];
  return { got, ended, push: (m) => got.push(m), end: (code, reason) => ended.push([code, reason]) };
}

/** Presence over a store that holds Ada and records what is written to it. */
function setup() {
  const learners = new Map([[ADA.id, { ...ADA }]]);
  const steps: StepRecord[] = [];
  const touched: string[] = [];
  const store = {
    learnerById: async (id: string) => learners.get(id) ?? null,
    stepsOf: async () => steps,
    touchLearner: async (id: string, at: string) => void (learners.get(id)!.lastActiveAt = at),
    recordCheck: async (_id: string, step: string, ok: boolean, at: string) =>
      void steps.push({ step, attempts: 1, doneAt: ok ? at : null, lastAttemptAt: at, lastOk: ok }),
    setCurrent: async (id: string, lesson: string | null) => void (learners.get(id)!.current = lesson),
  } as unknown as ClassroomStore;
  const workspaces = {
    state: () => 'ready',
    touch: (id: string) => touched.push(id),
  } as unknown as Workspaces;
  const presence = new ClassPresence({
    store,
    workspaces,
    limits: { commandsPerSecond: 1, runsPerMinute: 60 },
    bus: new LocalBus(),
  });
  const events: ClassEvent[] = [];
  presence.listen('c1', (e) => events.push(e));
  // The channel delivers on a later turn (setImmediate), after the store's promises.
  const settled = () => new Promise((r) => setTimeout(r, 5));
  return { presence, events, touched, settled };
}

const learnerEvents = (events: ClassEvent[]) =>
  events.flatMap((e) => (e.kind === 'learner' ? [{ online: e.learner.online, current: e.learner.current }] : []));

describe('ClassPresence', () => {
  it('tells the dashboard when a learner comes online and goes offline, not for every socket', async () => {
    const { presence, events, settled } = setup();
    // The dashboard's "who is online?" goes round before anyone connects.
    await settled();
    const [a, b] = [socket(), socket()];
    presence.connect(ADA, a);
    presence.connect(ADA, b);
    await settled();
    presence.disconnect(ADA, a);
    await settled();
    expect(learnerEvents(events)).toEqual([{ online: true, current: null }]);
    presence.disconnect(ADA, b);
    await settled();
    expect(learnerEvents(events)).toEqual([
      { online: true, current: null },
      { online: false, current: null },
    ]);
  });

  it('shares the rate limits among a learner’s sockets', () => {
    const { presence } = setup();
    const first = presence.connect(ADA, socket());
    const second = presence.connect(ADA, socket());
    for (let i = 0; i < 4; i++) expect(first.admitCommand()).toBeNull();
    expect(second.admitCommand()).toMatch(/^slow down: at most 1 commands a second/);
  });

  it('records checks and the current lesson, and the dashboard sees them', async () => {
    const { presence, events, touched, settled } = setup();
    await presence.recordCheck(ADA.id, 'redis/01/set', true);
    await presence.setCurrent(ADA.id, 'redis/02');
    await settled();
    expect(touched).toEqual([ADA.workspaceId]);
    const last = events.at(-1);
    expect(last?.kind === 'learner' && last.learner).toMatchObject({
      current: 'redis/02',
      steps: { 'redis/01/set': { attempts: 1, lastOk: true } },
      lastActiveAt: expect.any(String),
    });
  });

  it('ends a removed learner’s sockets and forgets them; ends every socket when the server stops', () => {
    const { presence } = setup();
    const a = socket();
    presence.connect(ADA, a);
    presence.pushTo(ADA.id, { type: 'notice', level: 'warning', message: 'hi' });
    expect(a.got).toHaveLength(1);
    presence.expel(ADA.id);
    expect(a.ended).toEqual([[4403, 'removed from the class by the instructor']]);
    expect(presence.knows(ADA.id)).toBe(false);
    expect(presence.socketsOf(ADA.id).size).toBe(0);

    const b = socket();
    const teacher = socket();
    presence.connect(ADA, b);
    presence.connectInstructor(teacher);
    presence.closeAll();
    expect([b.ended, teacher.ended]).toEqual([[[1001, 'the server is stopping']], [[1001, 'the server is stopping']]]);
  });
});
