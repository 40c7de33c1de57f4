// The class's progress grid: learners down, steps across, each cell the state of a learner's step
// (done, working, stuck, idle), and its legend.
import { memo, useMemo, type KeyboardEvent } from 'react';
import {
  STUCK_FAILED_ATTEMPTS,
  cellState,
  type CellState,
  type LearnerView,
  type StepColumn,
} from '../../../shared/classroom-api.ts';
import { lessonHeading, lessonHeadingLines, lessonPlace, stepHeading, type CourseGroup } from './grid-columns.ts';
import { doneCount } from './learner-order.ts';
import { timeAgo } from './relative-time.ts';

export const CELL_STATE_TITLES: Record<CellState, string> = {
  done: 'Done',
  working: 'Working on it',
  stuck: 'Stuck',
  idle: 'Idle',
  none: 'Not started',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** A cell's tooltip: the step, then what the learner did there. */
function cellTitle(learner: LearnerView, column: StepColumn, state: CellState, now: number): string {
  const head = `${column.title} — ${column.lessonTitle}`;
  if (!column.hasCheck) return `${head}\nNo check in this step`;
  const p = learner.steps[column.key];
  const attempts = p?.attempts ?? 0;
  let line: string;
  switch (state) {
    case 'done':
      line = `Done at ${clock(p!.doneAt!)} (${timeAgo(p!.doneAt!, now)})${attempts > 0 ? ` · ${plural(attempts, 'attempt')}` : ''}`;
      break;
    case 'stuck':
      line =
        attempts >= STUCK_FAILED_ATTEMPTS
          ? `Stuck: ${plural(attempts, 'attempt')}, none passed`
          : `Stuck: not passed since ${timeAgo(p?.lastAttemptAt ?? learner.lastActiveAt, now)}`;
      break;
    case 'working':
      line =
        attempts > 0
          ? `Working on it · ${plural(attempts, 'attempt')}, last ${timeAgo(p!.lastAttemptAt ?? null, now)}`
          : 'Working on it';
      break;
    case 'idle':
      line = learner.online ? `Idle: last active ${timeAgo(learner.lastActiveAt, now)}` : 'Idle: offline';
      break;
    case 'none':
      line =
        attempts > 0
          ? `${plural(attempts, 'attempt')}, the last one ${p!.lastOk ? 'passed' : 'failed'}`
          : 'Not started';
      break;
  }
  return `${head}\n${line}`;
}

interface RowProps {
  learner: LearnerView;
  columns: StepColumn[];
  groups: CourseGroup[];
  /** Where lessons and courses start: their first cells get a divider. */
  starts: Map<string, 'course' | 'lesson'>;
  checked: number;
  now: number;
  selected: boolean;
  onOpen: (learnerId: string) => void;
}

// One row per learner, redrawn only when that learner changes (an event) or the clock ticks.
const LearnerRow = memo(function LearnerRow({
  learner,
  columns,
  groups,
  starts,
  checked,
  now,
  selected,
  onOpen,
}: RowProps) {
  const place = lessonPlace(groups, learner.current);
  const done = doneCount(learner, columns);
  const active = timeAgo(learner.lastActiveAt, now);
  const summary = [
    learner.name,
    `${done} of ${checked} checked steps done`,
    learner.online ? 'online' : 'offline',
    `last active ${active}`,
    place && `on ${place.full}`,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <tr
      className={`grid-row${selected ? ' selected' : ''}${learner.online ? '' : ' offline'}`}
      data-testid={`learner-row-${learner.id}`}
      data-learner={learner.id}
      onClick={() => onOpen(learner.id)}
    >
      <th scope="row" className="grid-learner">
        <button
          type="button"
          className="learner-button"
          title={`${summary}\nClick to watch their terminals`}
          aria-label={`Watch ${summary}`}
        >
          <span className={`online-dot${learner.online ? ' online' : ''}`} aria-hidden="true" />
          <span className="learner-name">{learner.name}</span>
          {place && <span className="learner-place">{place.short}</span>}
          <span className="learner-done" aria-hidden="true">
            {done}
          </span>
          <span className="learner-active" aria-hidden="true">
            {active === 'just now' ? 'now' : active.replace(/ ago$/, '')}
          </span>
        </button>
      </th>
      {columns.map((c) => {
        const state = cellState(learner, c, columns, now);
        const start = starts.get(c.key);
        const current = learner.current === `${c.course}/${c.lesson}`;
        return (
          <td
            key={c.key}
            className={`cell cell-${state}${c.hasCheck ? '' : ' cell-nocheck'}${start ? ` start-${start}` : ''}${current ? ' current' : ''}`}
            data-testid={`cell-${learner.id}-${c.key}`}
            data-state={state}
            title={cellTitle(learner, c, state, now)}
          />
        );
      })}
    </tr>
  );
});

interface Props {
  /** In display order. */
  learners: LearnerView[];
  columns: StepColumn[];
  groups: CourseGroup[];
  now: number;
  selected: string | null;
  onOpen: (learnerId: string) => void;
}

/**
 * Learners down, steps across, grouped under lessons and courses. Three header rows: the course,
 * the lesson's whole title written up its columns (a step column is 15 px, too narrow for a title
 * written across), and each step's number in its lesson with the step's title as its tooltip. The
 * names and the headers stay put while the rest scrolls; the names are buttons (Up/Down move
 * between them, Enter watches).
 */
export function ProgressGrid({ learners, columns, groups, now, selected, onOpen }: Props) {
  const checked = useMemo(() => columns.filter((c) => c.hasCheck).length, [columns]);
  const starts = useMemo(() => {
    const map = new Map<string, 'course' | 'lesson'>();
    for (const course of groups) {
      course.lessons.forEach((lesson, i) => map.set(lesson.columns[0].key, i === 0 ? 'course' : 'lesson'));
    }
    return map;
  }, [groups]);

  const onKeyDown = (e: KeyboardEvent<HTMLTableSectionElement>) => {
    const target = e.target as HTMLElement;
    if (!target.classList.contains('learner-button')) return;
    const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('.learner-button')];
    const at = buttons.indexOf(target as HTMLButtonElement);
    const next =
      e.key === 'ArrowDown'
        ? at + 1
        : e.key === 'ArrowUp'
          ? at - 1
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? buttons.length - 1
              : null;
    if (next === null || !buttons[next]) return;
    e.preventDefault();
    buttons[next].focus();
  };

  return (
    <div className="grid-scroll" data-testid="grid" role="region" aria-label="Progress of every learner, step by step">
      <table className="progress-grid">
        <thead>
          <tr className="grid-head-courses">
            <th className="grid-corner" rowSpan={3} scope="col">
              <span>Learner</span>
              <span className="grid-corner-note" title="Steps done (of those with a check) · last active">
                done · active
              </span>
            </th>
            {groups.map((course) => (
              <th
                key={course.course}
                colSpan={course.span}
                className="grid-course start-course"
                scope="colgroup"
                title={course.title}
              >
                <span className="grid-head-text">{course.title}</span>
              </th>
            ))}
          </tr>
          <tr className="grid-head-lessons">
            {groups.flatMap((course) =>
              course.lessons.map((lesson, i) => (
                <th
                  key={lesson.key}
                  colSpan={lesson.columns.length}
                  className={`grid-lesson ${i === 0 ? 'start-course' : 'start-lesson'}`}
                  scope="colgroup"
                  title={`${course.title} · ${lessonHeading(lesson)} (${plural(lesson.columns.length, 'step')})`}
                  data-testid={`lesson-head-${lesson.key}`}
                >
                  <span className="grid-lesson-text">{lessonHeadingLines(lesson).join('\n')}</span>
                </th>
              )),
            )}
          </tr>
          <tr className="grid-head-steps">
            {groups.flatMap((course) =>
              course.lessons.flatMap((lesson, l) =>
                lesson.columns.map((column, i) => {
                  const { label, title } = stepHeading(course, lesson, i);
                  const start = i > 0 ? '' : l === 0 ? ' start-course' : ' start-lesson';
                  return (
                    <th
                      key={column.key}
                      scope="col"
                      className={`grid-step${column.hasCheck ? '' : ' grid-step-nocheck'}${start}`}
                      title={title}
                      aria-label={title.replace('\n', ': ')}
                      data-testid={`step-head-${column.key}`}
                    >
                      {label}
                    </th>
                  );
                }),
              ),
            )}
          </tr>
        </thead>
        <tbody onKeyDown={onKeyDown}>
          {learners.map((l) => (
            <LearnerRow
              key={l.id}
              learner={l}
              columns={columns}
              groups={groups}
              starts={starts}
              checked={checked}
              now={now}
              selected={l.id === selected}
              onOpen={onOpen}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function GridLegend() {
  const states: CellState[] = ['done', 'working', 'stuck', 'idle', 'none'];
  return (
    <ul className="grid-legend" aria-label="Legend">
      {states.map((s) => (
        <li key={s}>
          <span className={`legend-swatch cell-${s}`} aria-hidden="true" />
          {CELL_STATE_TITLES[s]}
        </li>
      ))}
      <li>
        <span className="legend-swatch cell-none cell-nocheck" aria-hidden="true" />
        No check
      </li>
    </ul>
  );
}
