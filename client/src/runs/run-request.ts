// What Run sends: the active file as the main program, and the editor's other files of the same
// language (plus data files such as a .json) beside it, so that `import helper` or
// `import './helper.js'` finds them. Checked against the protocol's limits here, so that a file too
// big is explained in words in the run's pane instead of being refused by the server.
import type { ClientMessage, RunLanguage } from '../../../shared/protocol.ts';
import { MAX_ID_LENGTH, MAX_MESSAGE_BYTES, MAX_RUN_CODE_BYTES, MAX_RUN_FILES } from '../../../shared/limits.ts';
import { utf8Length } from '../../../shared/char-width.ts';
import type { EditorFile } from '../editor/editor-files.ts';
import { languageOf } from '../editor/file-names.ts';

export type OpenRun = Extract<ClientMessage, { type: 'open'; kind: 'run' }>;

/** The run's part of an `open` message: everything but the id. */
export type RunSpec = Omit<OpenRun, 'type' | 'id' | 'kind'> & { name: string };

export type BuiltRun = { ok: true; spec: RunSpec } | { ok: false; problem: string };

/** The command a shell would use, shown as the first line of a run's pane. */
export function commandLine(language: RunLanguage, name: string): string {
  return `${language === 'python' ? 'python3' : 'node'} ${name}`;
}

function kilobytes(bytes: number): string {
  return `${Math.ceil(bytes / 1024)} KB`;
}

export function buildRun(files: readonly EditorFile[], main: string): BuiltRun {
  const file = files.find((f) => f.name === main);
  if (!file) return { ok: false, problem: `${main} is no longer in the editor` };
  const language = languageOf(main);
  if (!language) {
    return { ok: false, problem: `${main} cannot be run: only .py (Python) and .js (JavaScript) files run` };
  }
  const companions = files.filter((f) => f !== file && (languageOf(f.name) ?? language) === language);
  if (companions.length > MAX_RUN_FILES) {
    return { ok: false, problem: `a run takes at most ${MAX_RUN_FILES} files beside the main one` };
  }
  for (const f of [file, ...companions]) {
    const bytes = utf8Length(f.content);
    if (bytes > MAX_RUN_CODE_BYTES) {
      return {
        ok: false,
        problem: `${f.name} is ${kilobytes(bytes)}; a run takes files of up to ${kilobytes(MAX_RUN_CODE_BYTES)}`,
      };
    }
  }
  const spec: RunSpec = {
    language,
    code: file.content,
    name: file.name,
    ...(companions.length > 0 ? { files: companions.map((f) => ({ name: f.name, content: f.content })) } : {}),
    // What the program exchanges with the services, for the pane's Wire view (client/src/wire/).
    trace: true,
  };
  // The whole message, with the longest id there can be, must fit what the server parses.
  const size = utf8Length(JSON.stringify({ type: 'open', id: 'x'.repeat(MAX_ID_LENGTH), kind: 'run', ...spec }));
  if (size > MAX_MESSAGE_BYTES) {
    return {
      ok: false,
      problem: `the files of this run add up to ${kilobytes(size)}; a run takes ${kilobytes(MAX_MESSAGE_BYTES)} in all`,
    };
  }
  return { ok: true, spec };
}
