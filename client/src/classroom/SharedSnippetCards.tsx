// Cards for the snippets the instructor shared: a preview of each, "Open in editor" and dismiss.
import { useState, useSyncExternalStore } from 'react';
import type { Workspace } from '../workspace.ts';
import type { BroadcastStore, SharedSnippet } from './broadcast-store.ts';

/** Lines of a shared snippet shown on its card before "Open in editor". */
const PREVIEW_LINES = 6;

/**
 * Puts the instructor's snippet into the open lesson's files (a new file, or the learner's file of
 * that name replaced after asking) and shows it. Not opened: why (null when the learner said no).
 */
function openInEditor(
  workspace: Workspace,
  snippet: SharedSnippet,
): { opened: true } | { opened: false; problem: string | null } {
  const { files } = workspace;
  const existing = files.file(snippet.name);
  if (!existing) {
    const problem = files.add(snippet.name, snippet.code);
    if (problem) return { opened: false, problem: `${snippet.name} could not be added: ${problem}` };
  } else if (existing.content !== snippet.code) {
    if (!window.confirm(`Replace your ${snippet.name} with the instructor's version?`)) {
      return { opened: false, problem: null };
    }
    files.setContent(snippet.name, snippet.code);
  }
  files.setActive(snippet.name);
  // Monaco takes the keyboard through its hidden textarea; it exists once the tab is drawn.
  requestAnimationFrame(() => document.querySelector<HTMLElement>('.editor-pane .monaco-editor textarea')?.focus());
  return { opened: true };
}

const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

export function SharedSnippetCards({ store, workspace }: { store: BroadcastStore; workspace: Workspace }) {
  const { snippets } = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const [problems, setProblems] = useState<Record<string, string>>({});
  if (snippets.length === 0) return null;
  return (
    <div className="shared-cards" aria-live="polite">
      {snippets.map((s) => {
        const lines = s.code.split('\n');
        const preview = lines.slice(0, PREVIEW_LINES).join('\n');
        const more = lines.length - PREVIEW_LINES;
        return (
          <article key={s.id} className="shared-card" data-testid="broadcast-card" data-file={s.name}>
            <header className="shared-card-header">
              <span className={`file-icon file-icon-${s.language}`} aria-hidden="true" />
              <h2>
                Your instructor shared <code>{s.name}</code>
              </h2>
              <time dateTime={s.at}>{clock(s.at)}</time>
            </header>
            <pre className="shared-card-code">
              <code>{preview}</code>
              {more > 0 && <span className="shared-card-more">{`\n… ${more} more line${more === 1 ? '' : 's'}`}</span>}
            </pre>
            {problems[s.id] && (
              <p className="shared-card-problem" role="alert">
                {problems[s.id]}
              </p>
            )}
            <div className="shared-card-actions">
              <button
                type="button"
                className="button button-small button-run"
                data-testid="broadcast-open"
                onClick={() => {
                  const result = openInEditor(workspace, s);
                  if (result.opened) store.dismiss(s.id);
                  else if (result.problem) setProblems((p) => ({ ...p, [s.id]: result.problem! }));
                }}
              >
                Open in editor
              </button>
              <button
                type="button"
                className="button button-small button-quiet"
                data-testid="broadcast-dismiss"
                onClick={() => store.dismiss(s.id)}
              >
                Dismiss
              </button>
            </div>
          </article>
        );
      })}
    </div>
  );
}
