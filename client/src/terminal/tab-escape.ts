// Esc then Tab (or Shift+Tab) takes the keyboard out of a terminal, as VS Code's terminal and
// every editor that keeps Tab for itself do: Tab alone completes a command (or goes to the program),
// so without a way out a keyboard user would be trapped in the pane.
const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'Meta']);

export class TabEscape {
  private armed = false;

  /**
   * Sees every keydown of a terminal. True for the Tab right after Escape: the terminal must let it
   * through, and the browser then moves the focus. Shift pressed in between keeps Escape's effect.
   */
  leaves(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey'>): boolean {
    if (MODIFIERS.has(event.key)) return false;
    const leave = this.armed && event.key === 'Tab' && !event.ctrlKey && !event.altKey && !event.metaKey;
    this.armed = event.key === 'Escape';
    return leave;
  }
}
