// Progress of the single-user playground: which steps each learner finished (and when) and the
// lesson they are on. Kept behind ProgressStore so that the classroom version can move it to a
// database without touching the routes; this one is a JSON file in the data directory, written
// atomically (a temp file renamed over the old one), so a crash mid-write never leaves half a file.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface LearnerProgress {
  /** "course/lesson/step" → when it was first done (ISO 8601). */
  done: Record<string, string>;
  /** "course/lesson", or null before the learner opened one. */
  current: string | null;
}

export interface ProgressStore {
  get(learner: string): Promise<LearnerProgress>;
  /** Records a finished step (the first time counts) and makes its lesson the current one. */
  markDone(learner: string, step: string, at: Date): Promise<LearnerProgress>;
  setCurrent(learner: string, lesson: string | null): Promise<LearnerProgress>;
}

interface FileShape {
  version: 1;
  learners: Record<string, LearnerProgress>;
}

const empty = (): LearnerProgress => ({ done: {}, current: null });

function copy(p: LearnerProgress): LearnerProgress {
  return { done: { ...p.done }, current: p.current };
}

/** Progress for as long as the process lives: for a server started without a data directory. */
export class MemoryProgressStore implements ProgressStore {
  private readonly learners = new Map<string, LearnerProgress>();

  async get(learner: string): Promise<LearnerProgress> {
    return copy(this.learners.get(learner) ?? empty());
  }

  async markDone(learner: string, step: string, at: Date): Promise<LearnerProgress> {
    const p = this.entry(learner);
    p.done[step] ??= at.toISOString();
    p.current = step.split('/').slice(0, 2).join('/');
    return copy(p);
  }

  async setCurrent(learner: string, lesson: string | null): Promise<LearnerProgress> {
    const p = this.entry(learner);
    p.current = lesson;
    return copy(p);
  }

  private entry(learner: string): LearnerProgress {
    let p = this.learners.get(learner);
    if (!p) {
      p = empty();
      this.learners.set(learner, p);
    }
    return p;
  }
}

export class JsonFileProgressStore implements ProgressStore {
  private data: FileShape | null = null;
  /** Writes go one after another, in order. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  async get(learner: string): Promise<LearnerProgress> {
    const data = await this.load();
    return copy(data.learners[learner] ?? empty());
  }

  markDone(learner: string, step: string, at: Date): Promise<LearnerProgress> {
    return this.update(learner, (p) => {
      p.done[step] ??= at.toISOString();
      p.current = step.split('/').slice(0, 2).join('/');
    });
  }

  setCurrent(learner: string, lesson: string | null): Promise<LearnerProgress> {
    return this.update(learner, (p) => {
      p.current = lesson;
    });
  }

  private update(learner: string, change: (p: LearnerProgress) => void): Promise<LearnerProgress> {
    const run = this.queue.then(async () => {
      const data = await this.load();
      const progress = (data.learners[learner] ??= empty());
      change(progress);
      await this.save(data);
      return copy(progress);
    });
    this.queue = run.catch(() => {});
    return run;
  }

  private async load(): Promise<FileShape> {
    if (this.data) return this.data;
    let text: string | null = null;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    let data: FileShape = { version: 1, learners: {} };
    if (text !== null) {
      try {
        const parsed = JSON.parse(text) as FileShape;
        if (parsed && parsed.version === 1 && parsed.learners && typeof parsed.learners === 'object') data = parsed;
        else throw new Error('not a progress file');
      } catch {
        // Keep the unreadable file for a person to look at; start afresh rather than fail every request.
        await fs.rename(this.file, `${this.file}.unreadable-${Date.now()}`).catch(() => {});
      }
    }
    this.data ??= data;
    return this.data;
  }

  private async save(data: FileShape): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await fs.writeFile(temp, JSON.stringify(data, null, 2) + '\n', { mode: 0o600 });
    try {
      await fs.rename(temp, this.file);
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw err;
    }
  }
}
