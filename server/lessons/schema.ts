// The one schema of lesson content (docs/lesson-format.md): course.yaml and a lesson's front matter.
// Every object is strict: an unknown key is an error, so a typo never silently turns a setting off.
// Which services a course may name, and what each one's `reset:` entry holds, come from the
// services' own folders (ServiceAdapter.reset.schema), so the schemas are made for a ServiceSet.
import { z } from 'zod';
import { LESSON_WORKSPACES, type LessonWorkspace } from '../../shared/lesson-api.ts';
import { RUN_LANGUAGES } from '../../shared/protocol.ts';
import type { ServiceSet } from '../services/service-set.ts';
import type { ServiceId } from '../services/endpoint.ts';

const text = z.string().min(1);

/** What each service's `reset:` entry asked for, by service (each shaped as its own schema says). */
export type ResetSpec = Partial<Record<ServiceId, unknown>>;

export interface CourseSettings {
  title: string;
  summary?: string;
  services: ServiceId[];
  language: (typeof RUN_LANGUAGES)[number];
}

export interface FrontMatter {
  title: string;
  summary?: string;
  services?: ServiceId[];
  /** The panes the lesson uses; the page lays itself out for them. */
  workspace?: LessonWorkspace;
  reset?: ResetSpec;
}

/** One check of a step: which service asks it, and that service's parsed form of it. */
export interface CheckDef {
  service: ServiceId;
  spec: unknown;
  /** Added to the failure message. */
  hint?: string;
  /** Line in lesson.md, for lessons:check's report. */
  line: number;
}

export interface LessonSchemas {
  course: z.ZodType<CourseSettings>;
  frontMatter: z.ZodType<FrontMatter>;
}

const made = new WeakMap<ServiceSet, LessonSchemas>();

/** The schemas for lessons about these services (made once per set). */
export function lessonSchemas(services: ServiceSet): LessonSchemas {
  let schemas = made.get(services);
  if (schemas) return schemas;
  const names = z.enum(services.names as [string, ...string[]]);
  const reset = z.strictObject(Object.fromEntries(services.adapters.map((a) => [a.name, a.reset.schema.optional()])));
  schemas = {
    course: z.strictObject({
      title: text,
      summary: text.optional(),
      services: z.array(names).min(1),
      language: z.enum(RUN_LANGUAGES).default('python'),
    }),
    frontMatter: z.strictObject({
      title: text,
      summary: text.optional(),
      services: z.array(names).min(1).optional(),
      workspace: z.enum(LESSON_WORKSPACES).optional(),
      reset: reset.optional(),
    }),
  };
  made.set(services, schemas);
  return schemas;
}
