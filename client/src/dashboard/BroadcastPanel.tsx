// The dashboard's broadcast panel: share a snippet with the class, or show them your terminals live.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { MAX_SAVED_FILE_BYTES } from '../../../shared/classroom-api.ts';
import type { RunLanguage } from '../../../shared/protocol.ts';
import { utf8Length } from '../../../shared/char-width.ts';
import { fileNameProblem, languageOf } from '../editor/file-names.ts';
import { broadcast } from './api.ts';
import { currentEditorFile } from './current-editor-file.ts';

// Not RUN_LANGUAGES from shared/protocol.ts: that module brings zod along.
const LANGUAGES: Record<RunLanguage, string> = { python: 'Python', javascript: 'JavaScript' };

type Result =
  { kind: 'idle' } | { kind: 'busy' } | { kind: 'done'; message: string } | { kind: 'failed'; message: string };

const learnersText = (n: number) => `${n} ${n === 1 ? 'learner' : 'learners'}`;

/**
 * Sharing with the whole class: a snippet they can open in their editor, or your terminals live.
 * While the terminals are shown, the panel says to how many learners from the class's live
 * presence (`online`, the same count as the join panel's and the "Now" card's), not from the
 * answer to the switch, which goes stale as learners come and go.
 */
export function BroadcastPanel({
  classId,
  broadcasting,
  online,
}: {
  classId: string;
  broadcasting: boolean;
  online: number;
}) {
  const [terminalsOn, setTerminalsOn] = useState(broadcasting);
  const [toggle, setToggle] = useState<Result>({ kind: 'idle' });
  const [formOpen, setFormOpen] = useState(false);

  // The class's own word wins when it changes (another tab of the dashboard switched it).
  useEffect(() => setTerminalsOn(broadcasting), [broadcasting]);

  const switchTerminals = (on: boolean) => {
    setTerminalsOn(on);
    setToggle({ kind: 'busy' });
    broadcast(classId, { kind: 'terminals', on }).then(
      () =>
        setToggle({
          kind: 'done',
          message: on ? '' : 'Your terminals are no longer shown',
        }),
      (err: Error) => {
        setTerminalsOn(!on);
        setToggle({ kind: 'failed', message: `Not switched: ${err.message}` });
      },
    );
  };

  return (
    <section className="card broadcast-panel" aria-label="Share with the class">
      <div className="card-title">Share with the class</div>
      <label className={`switch${terminalsOn ? ' on' : ''}`}>
        <input
          type="checkbox"
          role="switch"
          checked={terminalsOn}
          disabled={toggle.kind === 'busy'}
          data-testid="broadcast-terminals"
          onChange={(e) => switchTerminals(e.target.checked)}
        />
        <span className="switch-track" aria-hidden="true">
          <span className="switch-thumb" />
        </span>
        <span className="switch-label">
          Broadcast my terminals
          <span className="switch-note">
            Learners see your terminals and runs live, read-only, in a dock under their workspace.
          </span>
        </span>
      </label>
      {terminalsOn && toggle.kind !== 'failed' && toggle.kind !== 'busy' ? (
        <p className="result-line" role="status" data-testid="broadcast-terminals-result">
          {online === 0
            ? 'Shown live to every learner who comes online'
            : `Shown live to ${learnersText(online)} online now`}
        </p>
      ) : (
        (toggle.kind === 'failed' || (toggle.kind === 'done' && toggle.message)) && (
          <p
            className={`result-line${toggle.kind === 'failed' ? ' result-bad' : ''}`}
            role="status"
            data-testid="broadcast-terminals-result"
          >
            {toggle.message}
          </p>
        )
      )}
      {formOpen ? (
        <SnippetForm classId={classId} onClose={() => setFormOpen(false)} />
      ) : (
        <button type="button" className="button" onClick={() => setFormOpen(true)} data-testid="snippet-open">
          Share a snippet…
        </button>
      )}
    </section>
  );
}

function SnippetForm({ classId, onClose }: { classId: string; onClose: () => void }) {
  const [name, setName] = useState('snippet.py');
  const [language, setLanguage] = useState<RunLanguage>('python');
  const [code, setCode] = useState('');
  const [result, setResult] = useState<Result>({ kind: 'idle' });
  const [fromEditor, setFromEditor] = useState<Result>({ kind: 'idle' });
  const id = useId();

  const nameIssue = fileNameProblem(name.trim(), []);
  const bytes = utf8Length(code);
  const codeIssue =
    code.trim() === ''
      ? 'Paste or type the code to share'
      : bytes > MAX_SAVED_FILE_BYTES
        ? `${Math.ceil(bytes / 1024)} KB is more than learners can keep (${MAX_SAVED_FILE_BYTES / 1024} KB per file)`
        : null;

  const rename = (next: string) => {
    setName(next);
    const lang = languageOf(next.trim());
    if (lang) setLanguage(lang);
  };

  const useEditorFile = () => {
    setFromEditor({ kind: 'busy' });
    currentEditorFile().then(
      (file) => {
        if (!file) {
          setFromEditor({ kind: 'failed', message: 'Your workspace has no file open yet: open a lesson there first.' });
          return;
        }
        rename(file.name);
        setCode(file.content);
        setFromEditor({ kind: 'done', message: `Took ${file.name} from your workspace` });
      },
      (err: Error) => setFromEditor({ kind: 'failed', message: `Your editor file could not be read: ${err.message}` }),
    );
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (nameIssue || codeIssue) {
      setResult({ kind: 'failed', message: nameIssue ?? codeIssue! });
      return;
    }
    const fileName = name.trim();
    setResult({ kind: 'busy' });
    broadcast(classId, { kind: 'snippet', name: fileName, language, code }).then(
      ({ learners }) => setResult({ kind: 'done', message: `Sent ${fileName} to ${learnersText(learners)} online` }),
      (err: Error) => setResult({ kind: 'failed', message: `Not sent: ${err.message}` }),
    );
  };

  return (
    <form className="snippet-form" onSubmit={onSubmit} noValidate>
      <div className="snippet-form-row">
        <div className="field field-grow">
          <label htmlFor={`${id}-name`}>File name</label>
          <input
            id={`${id}-name`}
            className="input input-mono"
            value={name}
            spellCheck={false}
            aria-invalid={nameIssue !== null}
            data-testid="snippet-name"
            onChange={(e) => rename(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-lang`}>Language</label>
          <select
            id={`${id}-lang`}
            className="input"
            value={language}
            data-testid="snippet-language"
            onChange={(e) => setLanguage(e.target.value as RunLanguage)}
          >
            {(Object.keys(LANGUAGES) as RunLanguage[]).map((l) => (
              <option key={l} value={l}>
                {LANGUAGES[l]}
              </option>
            ))}
          </select>
        </div>
      </div>
      {nameIssue && <p className="field-note field-problem">{nameIssue}</p>}
      <div className="field">
        <label htmlFor={`${id}-code`}>Code</label>
        <textarea
          id={`${id}-code`}
          className="input input-mono snippet-code"
          value={code}
          rows={9}
          spellCheck={false}
          placeholder={'import os\nprint(os.environ["REDIS_URL"])'}
          data-testid="snippet-code"
          onChange={(e) => setCode(e.target.value)}
        />
      </div>
      <div className="snippet-form-actions">
        <button
          type="button"
          className="button button-quiet"
          onClick={useEditorFile}
          disabled={fromEditor.kind === 'busy'}
        >
          {fromEditor.kind === 'busy' ? 'Reading…' : 'Use my current editor file'}
        </button>
        <span className="spacer" />
        <button type="button" className="button button-quiet" onClick={onClose}>
          Close
        </button>
        <button
          type="submit"
          className="button button-primary"
          disabled={result.kind === 'busy'}
          data-testid="snippet-send"
        >
          {result.kind === 'busy' ? 'Sending…' : 'Send to the class'}
        </button>
      </div>
      {(fromEditor.kind === 'done' || fromEditor.kind === 'failed') && (
        <p className={`result-line${fromEditor.kind === 'failed' ? ' result-bad' : ''}`}>{fromEditor.message}</p>
      )}
      {(result.kind === 'done' || result.kind === 'failed') && (
        <p
          className={`result-line${result.kind === 'failed' ? ' result-bad' : ''}`}
          role="status"
          data-testid="broadcast-result"
        >
          {result.message}
        </p>
      )}
    </form>
  );
}
