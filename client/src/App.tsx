import { Group, Panel, Separator, useDefaultLayout } from 'react-resizable-panels';
import { EditorPane } from './editor/EditorPane.tsx';
import { LessonPane } from './lesson/LessonPane.tsx';
import { NoticeToast } from './NoticeToast.tsx';
import { TerminalArea } from './terminal/TerminalArea.tsx';
import { TopBar } from './top-bar/TopBar.tsx';
import type { Workspace } from './workspace.ts';

export function App({ workspace }: { workspace: Workspace }) {
  const storage = workspace.storage ?? undefined;
  const main = useDefaultLayout({ id: 'playground-main', storage });
  const work = useDefaultLayout({ id: 'playground-work', storage });
  return (
    <div className="app">
      <TopBar connection={workspace.connection} />
      <Group
        orientation="horizontal"
        className="main"
        id="playground-main"
        defaultLayout={main.defaultLayout}
        onLayoutChanged={main.onLayoutChanged}
      >
        <Panel id="lesson" defaultSize="36%" minSize="18%" className="panel">
          <LessonPane />
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
              <EditorPane storage={workspace.storage} />
            </Panel>
            <Separator className="separator separator-horizontal" />
            <Panel id="terminals" minSize="20%" className="panel">
              <TerminalArea workspace={workspace} />
            </Panel>
          </Group>
        </Panel>
      </Group>
      <NoticeToast connection={workspace.connection} />
    </div>
  );
}
