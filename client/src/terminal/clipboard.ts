// Copy and paste keys shared by the service terminals and the run panes: they belong to the
// browser's clipboard, not to the program on the other end.
import type { Terminal } from '@xterm/xterm';

/**
 * Handles Ctrl-Shift-C / Ctrl-C-with-a-selection (copy) and Ctrl/Cmd-V (left to the browser's
 * paste, which xterm turns into input). True when the key was one of those: xterm must not see it.
 */
export function handleClipboardKey(event: KeyboardEvent, term: Terminal): boolean {
  const key = event.key.toLowerCase();
  if (event.ctrlKey && !event.altKey && key === 'c' && (event.shiftKey || term.hasSelection())) {
    // Ctrl-Shift-C always copies (it would open the browser's inspector); plain Ctrl-C copies
    // only when something is selected, and otherwise interrupts, as in any terminal.
    event.preventDefault();
    if (term.hasSelection()) {
      void copyText(term.getSelection());
      if (!event.shiftKey) term.clearSelection();
    }
    return true;
  }
  // Let the browser paste: xterm reads the paste event and hands the text to onData.
  return (event.ctrlKey || event.metaKey) && !event.altKey && key === 'v';
}

export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No async clipboard (plain http on another host, or permission denied): the copy command
    // fires a copy event, which xterm answers with its selection.
    document.execCommand('copy');
  }
}
