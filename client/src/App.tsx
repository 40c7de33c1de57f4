// The workspace: the top bar, then the lesson beside the editor and the terminals, in resizable
// panels whose sizes are remembered; the editor's files follow the lesson being shown.
import { useEffect, type ReactNode } from 'react';
import { Group, Panel, Separator, useDefaultLayout } from 'react-resizable-panels';
import { EditorPane } from './editor/EditorPane.tsx';
import { LessonPane } from './lesson/LessonPane.tsx';
import { useCourse } from './lesson/use-course.ts';
import { NoticeToast } from './NoticeToast.tsx';
import { TerminalArea } from './terminal/TerminalArea.tsx';
import { TopBar } from './top-bar/TopBar.tsx';
import type { Workspace } from './workspace.ts';

interface Props {
  workspace: Workspace;
  /** Classroom mode: who and where, in the top bar (the learner's name and class, the dashboard link). */
  topBarExtra?: ReactNode;
  /** Classroom mode: what floats over the workspace (shared snippets, the instructor's screen). */
  children?: ReactNode;
}

export function App({ workspace, topBarExtra, children }: Props) {
  const storage = workspace.storage ?? undefined;
  const main = useDefaultLayout({ id: 'playground-main', storage });
  const work = useDefaultLayout({ id: 'playground-work', storage });
  const course = useCourse();
  const { lesson } = course;
  // The editor keeps its files per lesson; with no lesson to go by, under a fallback key.
  // The slug is qualified with the course: two courses may each have a lesson "start-here".
  const lessonId = lesson.kind === 'ready' ? `${lesson.value.course}/${lesson.value.slug}` : null;
  const lessonKnown = lesson.kind !== 'loading';
  useEffect(() => {
    if (lessonKnown) workspace.files.open(lessonId);
  }, [workspace, lessonId, lessonKnown]);
  return (
    <div className="app">
      <TopBar connection={workspace.connection} catalog={workspace.catalog} extra={topBarExtra} />
      <Group
        orientation="horizontal"
        className="main"
        id="playground-main"
        defaultLayout={main.defaultLayout}
        onLayoutChanged={main.onLayoutChanged}
      >
        <Panel id="lesson" defaultSize="36%" minSize="18%" className="panel">
          <LessonPane course={course} workspace={workspace} />
        </Panel>
        <Separator className="separator separator-vertical" />
        <Panel id="work" minSize="30%" className="panel">
          <Group
            orientation="vertical"
            id="playground-work"
            defaultLayout={work.defaultLayout}
            onLayoutChanged={work.onLayoutChanged}
          >
            <Panel id="editor" defaultSize="38%" minSize="10%" className="panel">
              <EditorPane workspace={workspace} />
            </Panel>
            <Separator className="separator separator-horizontal" />
            <Panel id="terminals" minSize="20%" className="panel">
              <TerminalArea workspace={workspace} />
            </Panel>
          </Group>
        </Panel>
      </Group>
      <NoticeToast connection={workspace.connection} />
      {children}
    </div>
  );
}
