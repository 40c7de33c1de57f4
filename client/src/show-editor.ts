// "Bring the editor on screen": a lesson block opens a snippet in the editor while the editor is
// folded away (a terminals lesson, or the learner folded it) or, in a narrow window, while the
// lesson's tab is the one shown. The block asks here; the page's layout (App, WorkArea) listens.
// Alt+0 asks the same and also wants the keyboard in the editor, which may not exist yet (folded
// away, or Monaco still loading): the editor takes it when it registers, if that is soon.
const listeners = new Set<() => void>();
const focusers = new Set<() => void>();
/** How long a focus request waits for an editor to appear. */
const FOCUS_WAIT_MS = 5000;
let focusWanted = 0;

export function requestEditor(options: { focus?: boolean } = {}): void {
  for (const l of listeners) l();
  if (!options.focus) return;
  focusWanted = Date.now() + FOCUS_WAIT_MS;
  // After the layout has shown the editor: a hidden element cannot take the keyboard.
  requestAnimationFrame(() => requestAnimationFrame(focusIfWanted));
}

export function onEditorRequest(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The editor, once mounted, says how to give it the keyboard. */
export function registerEditorFocus(focus: () => void): () => void {
  focusers.add(focus);
  focusIfWanted();
  return () => focusers.delete(focus);
}

function focusIfWanted(): void {
  const focus = [...focusers].at(-1);
  if (!focus || Date.now() > focusWanted) return;
  focusWanted = 0;
  focus();
}
