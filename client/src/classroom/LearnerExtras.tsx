// What a learner gets from the instructor: the dock under the workspace (InstructorDock.tsx) with
// shared snippets and the instructor's live screen. Nothing floats over the workspace.
import type { Workspace } from '../workspace.ts';
import type { BroadcastStore } from './broadcast-store.ts';
import { InstructorDock } from './InstructorDock.tsx';
import type { MirrorScreens } from './mirror-screens.ts';

export function LearnerExtras({ store, workspace }: { store: BroadcastStore<MirrorScreens>; workspace: Workspace }) {
  return <InstructorDock store={store} workspace={workspace} />;
}
