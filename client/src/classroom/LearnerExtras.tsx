// What floats over a learner's workspace from the instructor: shared snippets and their live screen.
import { useSyncExternalStore } from 'react';
import type { Workspace } from '../workspace.ts';
import type { BroadcastStore } from './broadcast-store.ts';
import { MirrorPanel } from './MirrorPanel.tsx';
import type { MirrorScreens } from './mirror-screens.ts';
import { SharedSnippetCards } from './SharedSnippetCards.tsx';

/** What a learner sees of the instructor beside the workspace: shared snippets and their screen. */
export function LearnerExtras({ store, workspace }: { store: BroadcastStore<MirrorScreens>; workspace: Workspace }) {
  const { mirror } = useSyncExternalStore(store.subscribe, store.getSnapshot);
  return (
    <>
      <SharedSnippetCards store={store} workspace={workspace} />
      {mirror && <MirrorPanel screens={mirror} />}
    </>
  );
}
