// The editor's side of foreign-addresses.ts: a warning marker under each hard-coded address that
// none of the learner's services answers on, and its quick fixes (Ctrl+. or the light bulb; F8
// goes from one marker to the next). Markers follow the code as it is typed and the services as
// the server lists them.
import * as monaco from 'monaco-editor/editor/editor.api';
import type { ServiceInfo } from '../../../shared/protocol.ts';
import { languageOf } from './file-names.ts';
import { findForeignAddresses, type ForeignAddress } from './foreign-addresses.ts';

const OWNER = 'playground-addresses';
/** Shown with the message, and how the quick fixes know their markers. */
const SOURCE = 'playground';
const found = new WeakMap<monaco.editor.ITextModel, ForeignAddress[]>();
let registered = false;

function rangeOf(model: monaco.editor.ITextModel, start: number, end: number): monaco.Range {
  const from = model.getPositionAt(start);
  const to = model.getPositionAt(end);
  return new monaco.Range(from.lineNumber, from.column, to.lineNumber, to.column);
}

/** Marks the model's foreign addresses again (after an edit, or a new list of services). */
export function markAddresses(model: monaco.editor.ITextModel, name: string, services: readonly ServiceInfo[]): void {
  if (model.isDisposed()) return;
  const language = languageOf(name);
  const addresses = language ? findForeignAddresses(model.getValue(), language, services) : [];
  found.set(model, addresses);
  monaco.editor.setModelMarkers(
    model,
    OWNER,
    addresses.map((a) => ({
      ...rangeOf(model, a.start, a.end),
      severity: monaco.MarkerSeverity.Warning,
      message: `${a.message} (Ctrl+. to fix)`,
      source: SOURCE,
    })),
  );
}

/** The quick fixes, once for the page (Monaco's providers are global). */
export function registerAddressFixes(): void {
  if (registered) return;
  registered = true;
  for (const language of ['python', 'javascript']) {
    monaco.languages.registerCodeActionProvider(language, {
      provideCodeActions(model, _range, context) {
        const actions: monaco.languages.CodeAction[] = [];
        for (const marker of context.markers) {
          if (marker.source !== SOURCE) continue;
          const address = (found.get(model) ?? []).find((a) => {
            const at = model.getPositionAt(a.start);
            return at.lineNumber === marker.startLineNumber && at.column === marker.startColumn;
          });
          address?.fixes.forEach((fix, i) => {
            const versionId = model.getVersionId();
            const edits: monaco.languages.IWorkspaceTextEdit[] = [
              {
                resource: model.uri,
                versionId,
                textEdit: { range: rangeOf(model, fix.start, fix.end), text: fix.text },
              },
            ];
            if (fix.prepend) {
              edits.unshift({
                resource: model.uri,
                versionId,
                textEdit: { range: new monaco.Range(1, 1, 1, 1), text: fix.prepend },
              });
            }
            actions.push({
              title: fix.title,
              kind: 'quickfix',
              diagnostics: [marker],
              isPreferred: i === 0,
              edit: { edits },
            });
          });
        }
        return { actions, dispose() {} };
      },
    });
  }
}
