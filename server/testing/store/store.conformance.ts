// The behaviour every ClassroomStore shares, as one suite that each implementation's test file runs
// against its own database: server/classroom/store/sqlite-store.test.ts and mysql-store.int.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import {
  DuplicateError,
  type ClassRecord,
  type ClassroomStore,
  type LearnerRecord,
} from '../../classroom/store/types.ts';

export interface StoreUnderTest {
  /** Empty, of its own. */
  store: ClassroomStore;
  /** Opens the same data again (the test closes `store` first). */
  reopen(): Promise<ClassroomStore>;
}

const T0 = '2025-03-01T09:00:00.000Z';
const at = (minute: number) => `2025-03-01T09:${String(minute).padStart(2, '0')}:00.000Z`;

function classRecord(n: number, code = `CODE${n}`): ClassRecord {
  return { id: `class-${n}`, name: `Class ${n}`, code, createdAt: at(n), archivedAt: null };
}

type NewLearner = Omit<LearnerRecord, 'lastActiveAt' | 'current' | 'removedAt'>;

let learnerCount = 0;
function learnerRecord(classId: string, name: string, id = `learner-${++learnerCount}`): NewLearner {
  return { id, classId, name, tokenHash: `hash-of-${id}`, workspaceId: `w${id.replace(/\D/g, '')}`, joinedAt: T0 };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

async function duplicateField(promise: Promise<unknown>): Promise<string> {
  const err = await rejection(promise);
  expect(err).toBeInstanceOf(DuplicateError);
  return (err as DuplicateError).field;
}

function expectPlain(value: object): void {
  expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
}

export function describeStoreConformance(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`ClassroomStore conformance: ${name}`, () => {
    const open: ClassroomStore[] = [];
    let store: ClassroomStore;
    let reopenIt: () => Promise<ClassroomStore>;

    async function fresh(): Promise<ClassroomStore> {
      const made = await makeStore();
      open.push(made.store);
      store = made.store;
      reopenIt = made.reopen;
      return store;
    }

    /** Closes the store and opens its data again, as a restarted server would. */
    async function reopen(): Promise<ClassroomStore> {
      await store.close();
      store = await reopenIt();
      open.push(store);
      return store;
    }

    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
    });

    async function withClass(n = 1): Promise<ClassRecord> {
      return store.createClass(classRecord(n));
    }

    describe('meta', () => {
      it('answers null for an unknown key, then the value set, then the value set last', async () => {
        await fresh();
        expect(await store.getMeta('instructor-secret')).toBeNull();
        await store.setMeta('instructor-secret', 'first');
        await store.setMeta('other', 'x');
        expect(await store.getMeta('instructor-secret')).toBe('first');
        await store.setMeta('instructor-secret', 'sëcond ✓');
        expect(await store.getMeta('instructor-secret')).toBe('sëcond ✓');
        expect(await store.getMeta('other')).toBe('x');
      });

      it('keeps an empty value apart from a missing one', async () => {
        await fresh();
        await store.setMeta('empty', '');
        expect(await store.getMeta('empty')).toBe('');
      });
    });

    describe('classes', () => {
      it('creates a class and finds it by id and by code', async () => {
        await fresh();
        const record = classRecord(1, 'K7QX2');
        const created = await store.createClass(record);
        expect(created).toStrictEqual(record);
        expectPlain(created);
        const byId = await store.classById('class-1');
        expect(byId).toStrictEqual(record);
        expectPlain(byId!);
        expect(await store.classByCode('K7QX2')).toStrictEqual(record);
        expect(await store.classById('class-2')).toBeNull();
        expect(await store.classByCode('NOPE')).toBeNull();
      });

      it('compares codes exactly (the caller normalizes them to upper case)', async () => {
        await fresh();
        await store.createClass(classRecord(1, 'K7QX2'));
        expect(await store.classByCode('k7qx2')).toBeNull();
      });

      it('lists classes in the order they were created', async () => {
        await fresh();
        for (const n of [3, 1, 2]) await store.createClass(classRecord(n));
        expect((await store.classes()).map((c) => c.id)).toEqual(['class-3', 'class-1', 'class-2']);
        expect(await store.classes()).toStrictEqual([classRecord(3), classRecord(1), classRecord(2)]);
      });

      it('refuses a taken join code with DuplicateError("code") and keeps the first class', async () => {
        await fresh();
        await store.createClass(classRecord(1, 'SAME'));
        expect(await duplicateField(store.createClass(classRecord(2, 'SAME')))).toBe('code');
        expect(await store.classes()).toStrictEqual([classRecord(1, 'SAME')]);
        expect(await store.classById('class-2')).toBeNull();
      });

      it('refuses a taken class id with DuplicateError("id")', async () => {
        await fresh();
        await store.createClass(classRecord(1, 'ONE'));
        expect(await duplicateField(store.createClass({ ...classRecord(1, 'TWO'), name: 'other' }))).toBe('id');
        expect(await store.classByCode('TWO')).toBeNull();
      });
    });

    describe('archiving and deleting a class', () => {
      it('archives a class and brings it back; lookups still find it', async () => {
        await fresh();
        await withClass(1);
        await withClass(2);
        expect(await store.setClassArchived('class-1', at(9))).toBe(true);
        const archived = { ...classRecord(1), archivedAt: at(9) };
        expect(await store.classById('class-1')).toStrictEqual(archived);
        expect(await store.classByCode('CODE1')).toStrictEqual(archived);
        expect(await store.classes()).toStrictEqual([archived, classRecord(2)]);
        // Again with the same time: still there, still archived.
        expect(await store.setClassArchived('class-1', at(9))).toBe(true);
        expect(await store.setClassArchived('class-1', null)).toBe(true);
        expect(await store.classById('class-1')).toStrictEqual(classRecord(1));
        expect(await store.setClassArchived('class-404', at(9))).toBe(false);
        expect(await store.classById('class-404')).toBeNull();
      });

      it('deletes a class with its learners, removed ones too, their steps and files; nothing else', async () => {
        await fresh();
        await withClass(1);
        await withClass(2);
        const ada = await store.addLearner(learnerRecord('class-1', 'Ada'));
        const gone = await store.addLearner(learnerRecord('class-1', 'Gone'));
        const other = await store.addLearner(learnerRecord('class-2', 'Other'));
        for (const l of [ada, gone, other]) {
          await store.recordCheck(l.id, 's/1/a', true, at(1));
          await store.saveFiles(l.id, 's/1', [{ name: 'a.py', content: 'print(1)' }], at(2));
        }
        await store.removeLearner(gone.id, at(3));
        await store.putWorkspace({ id: ada.workspaceId, learnerId: ada.id, secrets: {}, createdAt: at(0) });

        expect(await store.deleteClass('class-1')).toEqual({ learners: 2 });
        expect(await store.classById('class-1')).toBeNull();
        expect(await store.classByCode('CODE1')).toBeNull();
        expect((await store.classes()).map((c) => c.id)).toEqual(['class-2']);
        for (const l of [ada, gone]) {
          expect(await store.learnerById(l.id)).toBeNull();
          expect(await store.learnerByTokenHash(l.tokenHash)).toBeNull();
          expect(await store.stepsOf(l.id)).toEqual([]);
          expect(await store.filesOf(l.id, 's/1')).toBeNull();
        }
        expect(await store.learnersOf('class-1')).toEqual([]);
        // The other class is untouched; workspace records are the workspace manager's to delete.
        expect((await store.learnersOf('class-2')).map((l) => l.id)).toEqual([other.id]);
        expect(await store.stepsOf(other.id)).toHaveLength(1);
        expect(await store.filesOf(other.id, 's/1')).not.toBeNull();
        expect((await store.workspaces()).map((w) => w.id)).toEqual([ada.workspaceId]);

        // Its code and its learners' names are free again; a class that is not there is null.
        await store.createClass({ ...classRecord(3), code: 'CODE1' });
        expect(await store.deleteClass('class-1')).toBeNull();
        expect(await store.deleteClass('class-404')).toBeNull();
        await reopen();
        expect((await store.classes()).map((c) => c.id)).toEqual(['class-2', 'class-3']);
        expect(await store.learnerById(ada.id)).toBeNull();
      });
    });

    describe('learners', () => {
      it('adds a learner with nothing yet recorded and finds it by id and by token hash', async () => {
        await fresh();
        await withClass();
        const input = learnerRecord('class-1', 'Ada', 'learner-a');
        const expected: LearnerRecord = { ...input, lastActiveAt: null, current: null, removedAt: null };
        const added = await store.addLearner(input);
        expect(added).toStrictEqual(expected);
        expectPlain(added);
        const byId = await store.learnerById('learner-a');
        expect(byId).toStrictEqual(expected);
        expectPlain(byId!);
        expect(await store.learnerByTokenHash(input.tokenHash)).toStrictEqual(expected);
        expect(await store.learnerById('learner-b')).toBeNull();
        expect(await store.learnerByTokenHash('hash-of-nobody')).toBeNull();
      });

      it('lists a class in join order, not by name or id', async () => {
        await fresh();
        await withClass(1);
        await withClass(2);
        await store.addLearner(learnerRecord('class-1', 'zoe', 'learner-9'));
        await store.addLearner(learnerRecord('class-2', 'elsewhere', 'learner-5'));
        await store.addLearner(learnerRecord('class-1', 'Adam', 'learner-1'));
        await store.addLearner(learnerRecord('class-1', 'mia', 'learner-4'));
        const list = await store.learnersOf('class-1');
        expect(list.map((l) => l.name)).toEqual(['zoe', 'Adam', 'mia']);
        list.forEach(expectPlain);
        expect((await store.learnersOf('class-2')).map((l) => l.id)).toEqual(['learner-5']);
        expect(await store.learnersOf('class-3')).toEqual([]);
      });

      it('refuses a name taken in the class in any case with DuplicateError("name")', async () => {
        await fresh();
        await withClass();
        await store.addLearner(learnerRecord('class-1', 'Ada'));
        expect(await duplicateField(store.addLearner(learnerRecord('class-1', 'ada')))).toBe('name');
        expect(await duplicateField(store.addLearner(learnerRecord('class-1', 'ADA')))).toBe('name');
        expect(await duplicateField(store.addLearner(learnerRecord('class-1', 'Ada')))).toBe('name');
        expect((await store.learnersOf('class-1')).map((l) => l.name)).toEqual(['Ada']);
      });

      it('allows the same name in another class', async () => {
        await fresh();
        await withClass(1);
        await withClass(2);
        await store.addLearner(learnerRecord('class-1', 'Ada'));
        await store.addLearner(learnerRecord('class-2', 'ada'));
        expect((await store.learnersOf('class-2')).map((l) => l.name)).toEqual(['ada']);
      });

      it('folds case beyond ASCII, and only case', async () => {
        await fresh();
        await withClass();
        await store.addLearner(learnerRecord('class-1', 'Émile'));
        expect(await duplicateField(store.addLearner(learnerRecord('class-1', 'émile')))).toBe('name');
        // The same letters with the accent as a combining character.
        expect(await duplicateField(store.addLearner(learnerRecord('class-1', 'E\u0301MILE')))).toBe('name');
        // An accent is not a case: these are different names.
        await store.addLearner(learnerRecord('class-1', 'Rene'));
        await store.addLearner(learnerRecord('class-1', 'René'));
        await store.addLearner(learnerRecord('class-1', 'ΣΟΦΙΑ'));
        expect(await duplicateField(store.addLearner(learnerRecord('class-1', 'σοφια')))).toBe('name');
        expect((await store.learnersOf('class-1')).map((l) => l.name)).toEqual(['Émile', 'Rene', 'René', 'ΣΟΦΙΑ']);
      });

      it('keeps unicode names exactly as given', async () => {
        await fresh();
        await withClass();
        const names = ['李雷', 'Zoë 🚀', 'Ñandú', 'O\u0301scar'];
        for (const n of names) await store.addLearner(learnerRecord('class-1', n));
        expect((await store.learnersOf('class-1')).map((l) => l.name)).toEqual(names);
      });

      it('refuses a taken learner id with DuplicateError("id")', async () => {
        await fresh();
        await withClass();
        await store.addLearner(learnerRecord('class-1', 'Ada', 'learner-x'));
        expect(await duplicateField(store.addLearner(learnerRecord('class-1', 'Bea', 'learner-x')))).toBe('id');
      });

      it('refuses a learner in a class that does not exist', async () => {
        await fresh();
        const err = await rejection(store.addLearner(learnerRecord('class-404', 'Ada')));
        expect(err).not.toBeInstanceOf(DuplicateError);
        expect(await store.learnersOf('class-404')).toEqual([]);
      });

      it('hides a removed learner from lookups but not from learnerById', async () => {
        await fresh();
        await withClass();
        const ada = await store.addLearner(learnerRecord('class-1', 'Ada'));
        const bea = await store.addLearner(learnerRecord('class-1', 'Bea'));
        await store.removeLearner(ada.id, at(30));
        expect(await store.learnerById(ada.id)).toStrictEqual({ ...ada, removedAt: at(30) });
        expect(await store.learnerByTokenHash(ada.tokenHash)).toBeNull();
        expect((await store.learnersOf('class-1')).map((l) => l.id)).toEqual([bea.id]);
        expect(await store.learnerByTokenHash(bea.tokenHash)).toStrictEqual(bea);
      });

      it('keeps the first removal time', async () => {
        await fresh();
        await withClass();
        const ada = await store.addLearner(learnerRecord('class-1', 'Ada'));
        await store.removeLearner(ada.id, at(30));
        await store.removeLearner(ada.id, at(40));
        expect((await store.learnerById(ada.id))?.removedAt).toBe(at(30));
      });

      it('frees a removed learner’s name, for one learner at a time', async () => {
        await fresh();
        await withClass();
        const first = await store.addLearner(learnerRecord('class-1', 'Ada'));
        await store.removeLearner(first.id, at(30));
        const again = await store.addLearner(learnerRecord('class-1', 'ada'));
        expect(await duplicateField(store.addLearner(learnerRecord('class-1', 'ADA')))).toBe('name');
        await store.removeLearner(again.id, at(31));
        // Two removed learners with the same name may coexist, and a third can join.
        const third = await store.addLearner(learnerRecord('class-1', 'Ada'));
        expect((await store.learnersOf('class-1')).map((l) => l.id)).toEqual([third.id]);
        expect((await store.learnerById(first.id))?.name).toBe('Ada');
      });

      it('records activity and the current lesson', async () => {
        await fresh();
        await withClass();
        const ada = await store.addLearner(learnerRecord('class-1', 'Ada'));
        const bea = await store.addLearner(learnerRecord('class-1', 'Bea'));
        await store.touchLearner(ada.id, at(5));
        await store.touchLearner(ada.id, at(6));
        await store.setCurrent(ada.id, 'redis/01-strings');
        expect(await store.learnerById(ada.id)).toStrictEqual({
          ...ada,
          lastActiveAt: at(6),
          current: 'redis/01-strings',
        });
        expect(await store.learnerById(bea.id)).toStrictEqual(bea);
        await store.setCurrent(ada.id, null);
        expect((await store.learnerByTokenHash(ada.tokenHash))?.current).toBeNull();
      });

      it('ignores activity of an unknown learner', async () => {
        await fresh();
        await store.touchLearner('learner-404', at(5));
        await store.setCurrent('learner-404', 'redis/01-strings');
        await store.removeLearner('learner-404', at(5));
        expect(await store.learnerById('learner-404')).toBeNull();
      });
    });

    describe('step results', () => {
      async function withLearner(name = 'Ada'): Promise<LearnerRecord> {
        if (!(await store.classById('class-1'))) await withClass();
        return store.addLearner(learnerRecord('class-1', name));
      }

      it('counts attempts and sets doneAt once, at the first success', async () => {
        await fresh();
        const { id } = await withLearner();
        const step = 'redis/01-strings/set-a-key';
        expect(await store.recordCheck(id, step, false, at(1))).toStrictEqual({
          step,
          doneAt: null,
          attempts: 1,
          lastAttemptAt: at(1),
          lastOk: false,
        });
        expect(await store.recordCheck(id, step, true, at(2))).toStrictEqual({
          step,
          doneAt: at(2),
          attempts: 2,
          lastAttemptAt: at(2),
          lastOk: true,
        });
        expect(await store.recordCheck(id, step, false, at(3))).toStrictEqual({
          step,
          doneAt: at(2),
          attempts: 3,
          lastAttemptAt: at(3),
          lastOk: false,
        });
        const last = await store.recordCheck(id, step, true, at(4));
        expect(last).toStrictEqual({ step, doneAt: at(2), attempts: 4, lastAttemptAt: at(4), lastOk: true });
        expectPlain(last);
        expect(await store.stepsOf(id)).toStrictEqual([last]);
      });

      it('sets doneAt on a first attempt that succeeds', async () => {
        await fresh();
        const { id } = await withLearner();
        const record = await store.recordCheck(id, 'a/b/c', true, at(7));
        expect(record).toStrictEqual({ step: 'a/b/c', doneAt: at(7), attempts: 1, lastAttemptAt: at(7), lastOk: true });
      });

      it('keeps steps and learners apart, in the order of first attempt', async () => {
        await fresh();
        const ada = await withLearner('Ada');
        const bea = await withLearner('Bea');
        await store.recordCheck(ada.id, 'redis/02/z', false, at(1));
        await store.recordCheck(ada.id, 'redis/01/a', true, at(2));
        await store.recordCheck(bea.id, 'redis/02/z', true, at(3));
        await store.recordCheck(ada.id, 'redis/02/z', false, at(4));
        const adaSteps = await store.stepsOf(ada.id);
        expect(adaSteps).toStrictEqual([
          { step: 'redis/02/z', doneAt: null, attempts: 2, lastAttemptAt: at(4), lastOk: false },
          { step: 'redis/01/a', doneAt: at(2), attempts: 1, lastAttemptAt: at(2), lastOk: true },
        ]);
        adaSteps.forEach(expectPlain);
        expect(await store.stepsOf(bea.id)).toStrictEqual([
          { step: 'redis/02/z', doneAt: at(3), attempts: 1, lastAttemptAt: at(3), lastOk: true },
        ]);
        expect(await store.stepsOf('learner-404')).toEqual([]);
      });

      it('counts every one of many concurrent checks of one step', async () => {
        await fresh();
        const { id } = await withLearner();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.recordCheck(id, 'a/b/c', i === 7, at(10 + i))),
        );
        // Each call saw its own increment: the answers are 1..20, each once.
        expect(results.map((r) => r.attempts).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 20 }, (_, i) => i + 1),
        );
        const [final] = await store.stepsOf(id);
        expect(final.attempts).toBe(20);
        expect(final.doneAt).toBe(at(17));
      });

      it('refuses a check for a learner that does not exist', async () => {
        await fresh();
        await rejection(store.recordCheck('learner-404', 'a/b/c', true, at(1)));
        expect(await store.stepsOf('learner-404')).toEqual([]);
      });

      it('answers the class’s step records by learner, removed learners and other classes left out', async () => {
        await fresh();
        await withClass(1);
        await withClass(2);
        const ada = await store.addLearner(learnerRecord('class-1', 'Ada'));
        const gone = await store.addLearner(learnerRecord('class-1', 'Gone'));
        const idle = await store.addLearner(learnerRecord('class-1', 'Idle'));
        const other = await store.addLearner(learnerRecord('class-2', 'Other'));
        await store.recordCheck(ada.id, 's/1/a', true, at(1));
        await store.recordCheck(ada.id, 's/1/b', false, at(2));
        await store.recordCheck(gone.id, 's/1/a', true, at(3));
        await store.recordCheck(other.id, 's/1/a', true, at(4));
        await store.removeLearner(gone.id, at(5));

        const byLearner = await store.stepsOfClass('class-1');
        expect([...byLearner.keys()]).toEqual([ada.id, idle.id]);
        expect(byLearner.get(ada.id)).toStrictEqual([
          { step: 's/1/a', doneAt: at(1), attempts: 1, lastAttemptAt: at(1), lastOk: true },
          { step: 's/1/b', doneAt: null, attempts: 1, lastAttemptAt: at(2), lastOk: false },
        ]);
        expect(byLearner.get(idle.id)).toEqual([]);
        expect((await store.stepsOfClass('class-3')).size).toBe(0);
      });
    });

    describe('saved files', () => {
      it('answers null before a save, then the files and time of the last save', async () => {
        await fresh();
        await withClass();
        const { id } = await store.addLearner(learnerRecord('class-1', 'Ada'));
        expect(await store.filesOf(id, 'redis/01-strings')).toBeNull();
        const files = [
          { name: 'main.py', content: 'import redis\nr = redis.Redis()\n' },
          { name: 'notes.md', content: '# Ünïcödé ✓ 李雷 🚀\n' },
        ];
        await store.saveFiles(id, 'redis/01-strings', files, at(1));
        const saved = await store.filesOf(id, 'redis/01-strings');
        expect(saved).toStrictEqual({ files, savedAt: at(1) });
        expectPlain(saved!);
        saved!.files.forEach(expectPlain);
      });

      it('replaces the whole set of one lesson, and only that lesson', async () => {
        await fresh();
        await withClass();
        const ada = await store.addLearner(learnerRecord('class-1', 'Ada'));
        const bea = await store.addLearner(learnerRecord('class-1', 'Bea'));
        await store.saveFiles(
          ada.id,
          'l/1',
          [
            { name: 'a.py', content: 'a' },
            { name: 'b.py', content: 'b' },
          ],
          at(1),
        );
        await store.saveFiles(ada.id, 'l/2', [{ name: 'c.py', content: 'c' }], at(2));
        await store.saveFiles(bea.id, 'l/1', [{ name: 'bea.py', content: 'bea' }], at(3));
        await store.saveFiles(ada.id, 'l/1', [{ name: 'b.py', content: 'B!' }], at(4));
        expect(await store.filesOf(ada.id, 'l/1')).toStrictEqual({
          files: [{ name: 'b.py', content: 'B!' }],
          savedAt: at(4),
        });
        expect(await store.filesOf(ada.id, 'l/2')).toStrictEqual({
          files: [{ name: 'c.py', content: 'c' }],
          savedAt: at(2),
        });
        expect(await store.filesOf(bea.id, 'l/1')).toStrictEqual({
          files: [{ name: 'bea.py', content: 'bea' }],
          savedAt: at(3),
        });
        await store.saveFiles(ada.id, 'l/2', [], at(5));
        expect(await store.filesOf(ada.id, 'l/2')).toStrictEqual({ files: [], savedAt: at(5) });
      });

      it('keeps the order of the files and large contents byte for byte', async () => {
        await fresh();
        await withClass();
        const { id } = await store.addLearner(learnerRecord('class-1', 'Ada'));
        const big = 'x = "é€😀"\n'.repeat(20_000);
        const files = [
          { name: 'z.py', content: big },
          { name: 'a.py', content: '' },
          { name: 'm.py', content: '\u0000\r\n\t"\\\'' },
        ];
        await store.saveFiles(id, 'l/1', files, at(1));
        expect(await store.filesOf(id, 'l/1')).toStrictEqual({ files, savedAt: at(1) });
      });

      it('keeps each file’s lesson version where it has one, and adds none where it has not', async () => {
        await fresh();
        await withClass();
        const { id } = await store.addLearner(learnerRecord('class-1', 'Ada'));
        const files = [
          { name: 'run.py', content: 'print(2)\n', base: 'print(1)\n' },
          { name: 'empty.py', content: '', base: '' },
          { name: 'mine.py', content: 'x' },
        ];
        await store.saveFiles(id, 'l/1', files, at(1));
        const saved = await store.filesOf(id, 'l/1');
        expect(saved).toStrictEqual({ files, savedAt: at(1) });
        expect('base' in saved!.files[2]).toBe(false);
      });

      it('refuses files of a learner that does not exist', async () => {
        await fresh();
        await rejection(store.saveFiles('learner-404', 'l/1', [{ name: 'a', content: 'a' }], at(1)));
        expect(await store.filesOf('learner-404', 'l/1')).toBeNull();
      });
    });

    describe('workspaces', () => {
      it('puts, replaces and deletes workspace records', async () => {
        await fresh();
        const pooled = { id: 'w0001', learnerId: null, secrets: { rabbitmq: 'r-1', mysql: 'm/1+ü' }, createdAt: at(1) };
        const other = { id: 'w0002', learnerId: null, secrets: {}, createdAt: at(2) };
        expect(await store.workspaceById('w0001')).toBeNull();
        await store.putWorkspace(pooled);
        await store.putWorkspace(other);
        const byId = await store.workspaceById('w0001');
        expect(byId).toStrictEqual(pooled);
        expectPlain(byId!);
        expectPlain(byId!.secrets);

        const claimed = { ...pooled, learnerId: 'learner-1', secrets: { rabbitmq: 'r-2' } };
        await store.putWorkspace(claimed);
        expect(await store.workspaceById('w0001')).toStrictEqual(claimed);
        // Replacing keeps its place in the list.
        expect(await store.workspaces()).toStrictEqual([claimed, other]);

        await store.deleteWorkspace('w0001');
        expect(await store.workspaceById('w0001')).toBeNull();
        expect(await store.workspaces()).toStrictEqual([other]);
        await store.deleteWorkspace('w0404');
        expect(await store.workspaces()).toStrictEqual([other]);
      });

      it('lists workspaces in the order they were first put', async () => {
        await fresh();
        for (const id of ['w0009', 'w0001', 'w0005']) {
          await store.putWorkspace({ id, learnerId: null, secrets: { mysql: id }, createdAt: T0 });
        }
        expect((await store.workspaces()).map((w) => w.id)).toEqual(['w0009', 'w0001', 'w0005']);
      });
    });

    describe('persistence', () => {
      it('answers everything the same after a close and a reopen', async () => {
        await fresh();
        await store.setMeta('instructor-secret', 's3cret');
        await withClass(1);
        const ada = await store.addLearner(learnerRecord('class-1', 'Ada'));
        const gone = await store.addLearner(learnerRecord('class-1', 'Gone'));
        await store.touchLearner(ada.id, at(3));
        await store.setCurrent(ada.id, 'mysql/01-select');
        await store.removeLearner(gone.id, at(4));
        await store.recordCheck(ada.id, 'mysql/01-select/a', true, at(5));
        await store.saveFiles(ada.id, 'mysql/01-select', [{ name: 'q.sql', content: 'SELECT 1;' }], at(6));
        await store.putWorkspace({ id: 'w0001', learnerId: ada.id, secrets: { mysql: 'pw' }, createdAt: at(0) });
        await withClass(2);
        await store.setClassArchived('class-2', at(7));

        const before = {
          meta: await store.getMeta('instructor-secret'),
          classes: await store.classes(),
          learners: await store.learnersOf('class-1'),
          gone: await store.learnerById(gone.id),
          steps: await store.stepsOfClass('class-1'),
          files: await store.filesOf(ada.id, 'mysql/01-select'),
          workspaces: await store.workspaces(),
        };
        await reopen();
        expect({
          meta: await store.getMeta('instructor-secret'),
          classes: await store.classes(),
          learners: await store.learnersOf('class-1'),
          gone: await store.learnerById(gone.id),
          steps: await store.stepsOfClass('class-1'),
          files: await store.filesOf(ada.id, 'mysql/01-select'),
          workspaces: await store.workspaces(),
        }).toStrictEqual(before);
        expect(before.learners.map((l) => l.id)).toEqual([ada.id]);
        // The rules hold across a reopen too.
        expect(await duplicateField(store.addLearner(learnerRecord('class-1', 'ADA')))).toBe('name');
        await store.addLearner(learnerRecord('class-1', 'gone'));
      });

      it('closes twice without complaint', async () => {
        await fresh();
        await store.close();
        await store.close();
      });
    });
  });
}
