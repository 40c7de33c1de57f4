// The workspace: the top bar, then the lesson beside the editor and the terminals. A wide window
// shows them side by side in resizable panels whose sizes are remembered; below
// SIDE_BY_SIDE_MIN_PX the lesson and the workspace are two tabs of the whole window, so neither is
// squeezed to a word a line. The editor's files follow the lesson being shown.
import {
  useEffect,
  useState,
  type KeyboardEvent as ReactKeyboardEvent,
  type MouseEvent as ReactMouseEvent,
  type ReactNode,
} from 'react';
import { Group, Panel, Separator, useDefaultLayout } from 'react-resizable-panels';
import type { LessonWorkspace } from '../../shared/lesson-api.ts';
import { LessonPane, LESSON_MAIN_ID } from './lesson/LessonPane.tsx';
import { lessonProgress } from './lesson/progress.ts';
import { useCourse, type CourseState } from './lesson/use-course.ts';
import { NoticeToast } from './NoticeToast.tsx';
import { shortcutFor } from './shortcuts.ts';
import { onEditorRequest } from './show-editor.ts';
import { TopBar } from './top-bar/TopBar.tsx';
import { useMediaQuery } from './use-media-query.ts';
import { WorkArea } from './WorkArea.tsx';
import {
  LAST_KIND_KEY,
  LESSON_DEFAULT_PERCENT,
  MAIN_LAYOUT_ID,
  NARROW_QUERY,
  parseLessonWorkspace,
} from './work-layout.ts';
import type { Workspace } from './workspace.ts';

interface Props {
  workspace: Workspace;
  /** Classroom mode: who and where, in the top bar (the learner's name and class, the dashboard link). */
  topBarExtra?: ReactNode;
  /** Classroom mode: what floats over the workspace (shared snippets, the instructor's screen). */
  children?: ReactNode;
}

type View = 'lesson' | 'work';

/** The tab a narrow window shows, kept across a reload of this tab (not for the next visit). */
const VIEW_KEY = 'playground.view';

function readSession(key: string): string | null {
  try {
    return window.sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeSession(key: string, value: string): void {
  try {
    window.sessionStorage.setItem(key, value);
  } catch {
    // Kept for this page only.
  }
}

/** The panes the lesson uses; while a lesson loads, those of the last one (a reload keeps its layout). */
function useLessonKind(course: CourseState, storage: Storage | null): LessonWorkspace {
  const [last] = useState<LessonWorkspace>(() => {
    try {
      return parseLessonWorkspace(storage?.getItem(LAST_KIND_KEY) ?? null) ?? 'all';
    } catch {
      return 'all';
    }
  });
  const kind = course.lesson.kind === 'ready' ? course.lesson.value.workspace : null;
  const [shown, setShown] = useState<LessonWorkspace>(last);
  useEffect(() => {
    if (!kind) return;
    setShown(kind);
    try {
      storage?.setItem(LAST_KIND_KEY, kind);
    } catch {
      // The next reload starts from the usual layout.
    }
  }, [kind, storage]);
  return kind ?? shown;
}

export function App({ workspace, topBarExtra, children }: Props) {
  const storage = workspace.storage ?? undefined;
  const main = useDefaultLayout({ id: MAIN_LAYOUT_ID, storage });
  const course = useCourse();
  const { lesson } = course;
  const kind = useLessonKind(course, workspace.storage);
  const narrow = useMediaQuery(NARROW_QUERY);
  const [view, setView] = useState<View>(() => (readSession(VIEW_KEY) === 'work' ? 'work' : 'lesson'));
  useEffect(() => writeSession(VIEW_KEY, view), [view]);

  // The editor keeps its files per lesson; with no lesson to go by, under a fallback key.
  // The slug is qualified with the course: two courses may each have a lesson "start-here".
  const lessonId = lesson.kind === 'ready' ? `${lesson.value.course}/${lesson.value.slug}` : null;
  const lessonKnown = lesson.kind !== 'loading';
  useEffect(() => {
    if (!lessonKnown) return;
    workspace.files.open(lessonId);
    workspace.runs.setLesson(lessonId);
  }, [workspace, lessonId, lessonKnown]);

  // In tabs, whatever brings a terminal, a run or the editor forward brings the workspace's tab
  // forward with it: a lesson's Run shows what it typed, Alt+1…4 the terminal it names.
  useEffect(() => {
    if (!narrow) return;
    const toWork = () => setView('work');
    const offs = [workspace.onShowTerminal(toWork), workspace.runs.onShow(toWork), onEditorRequest(toWork)];
    const onKey = (event: KeyboardEvent) => {
      const action = shortcutFor(event, workspace.catalog.names.length)?.kind;
      if (action === 'focus-service' || action === 'cycle-layout' || action === 'focus-editor') toWork();
      else if (action === 'prev-lesson' || action === 'next-lesson') setView('lesson');
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      offs.forEach((off) => off());
      window.removeEventListener('keydown', onKey, true);
    };
  }, [narrow, workspace]);

  const skipToLesson = (event: ReactMouseEvent) => {
    event.preventDefault();
    setView('lesson');
    // After the tab is shown (a hidden element cannot take the keyboard).
    requestAnimationFrame(() => document.getElementById(LESSON_MAIN_ID)?.focus());
  };

  const lessonPane = <LessonPane course={course} workspace={workspace} />;
  const workArea = <WorkArea workspace={workspace} kind={kind} />;

  return (
    <div className="app" data-layout={narrow ? 'tabs' : 'side-by-side'}>
      <a className="skip-link" href={`#${LESSON_MAIN_ID}`} data-testid="skip-link" onClick={skipToLesson}>
        Skip to the lesson
      </a>
      <TopBar connection={workspace.connection} catalog={workspace.catalog} extra={topBarExtra} />
      {narrow ? (
        <div className="main main-tabs">
          <ViewTabs view={view} onView={setView} course={course} />
          <div className="view-stage">
            {(
              [
                ['lesson', lessonPane],
                ['work', workArea],
              ] as const
            ).map(([id, content]) => (
              <div
                key={id}
                id={`view-${id}`}
                role="tabpanel"
                aria-labelledby={`view-tab-${id}`}
                className="view"
                data-shown={view === id}
                inert={view !== id}
              >
                {content}
              </div>
            ))}
          </div>
        </div>
      ) : (
        <Group
          orientation="horizontal"
          className="main"
          id={MAIN_LAYOUT_ID}
          defaultLayout={main.defaultLayout}
          onLayoutChanged={main.onLayoutChanged}
        >
          <Panel id="lesson" defaultSize={`${LESSON_DEFAULT_PERCENT}%`} minSize="300px" className="panel">
            {lessonPane}
          </Panel>
          <Separator className="separator separator-vertical" />
          <Panel id="work" minSize="30%" className="panel">
            {workArea}
          </Panel>
        </Group>
      )}
      <NoticeToast connection={workspace.connection} />
      {children}
    </div>
  );
}

/** The two tabs of a narrow window; the lesson's says how far the learner is. */
function ViewTabs({ view, onView, course }: { view: View; onView: (v: View) => void; course: CourseState }) {
  const { listing, address } = course;
  let progress: string | null = null;
  if (listing.kind === 'ready' && address) {
    const listed = listing.value.courses
      .find((c) => c.slug === address.course)
      ?.lessons.find((l) => l.slug === address.lesson);
    if (listed) {
      const p = lessonProgress(address.course, listed, listing.value.progress.done);
      if (p.total > 0) progress = `${p.done}/${p.total}`;
    }
  }
  const tabs: Array<{ id: View; label: ReactNode }> = [
    {
      id: 'lesson',
      label: (
        <>
          Lesson
          {progress && (
            <span className="view-tab-count" aria-label={`, ${progress} checks done`}>
              {progress}
            </span>
          )}
        </>
      ),
    },
    { id: 'work', label: 'Editor and terminals' },
  ];
  // Arrow keys move between the tabs, as in every tab list.
  const onKeyDown = (event: ReactKeyboardEvent) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    event.preventDefault();
    const next: View = view === 'lesson' ? 'work' : 'lesson';
    onView(next);
    document.getElementById(`view-tab-${next}`)?.focus();
  };
  return (
    <div className="view-tabs" role="tablist" aria-label="Show" onKeyDown={onKeyDown}>
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          id={`view-tab-${t.id}`}
          aria-selected={view === t.id}
          aria-controls={`view-${t.id}`}
          tabIndex={view === t.id ? 0 : -1}
          className={`view-tab${view === t.id ? ' selected' : ''}`}
          data-testid={`view-tab-${t.id}`}
          onClick={() => onView(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
