// One runnable block of a step, drawn where the step's html has its placeholder: the code, and
// the buttons that do what the block says — type it into a terminal, or open/run it in the editor.
import { useEffect, useRef, useState } from 'react';
import type { BlockView } from '../../../shared/lesson-api.ts';
import type { Workspace } from '../workspace.ts';
import { TypingError, typeLines } from './block-typist.ts';
import { LANGUAGE_TITLES, setSnippetLanguage, useSnippetLanguage } from './snippet-language.ts';

/** "Copied" shows this long. */
const COPIED_MS = 1500;

/** The editor name of a snippet: its file=, or main.py / main.js for a solution without one. */
export function snippetFile(block: BlockView): string {
  return block.file ?? (block.language === 'javascript' ? 'main.js' : 'main.py');
}

/**
 * Puts a snippet into the editor's files for the open lesson, or shows it if it is there already
 * (the learner's edits stand). A solution replaces the file's text, after asking if it was edited.
 * False when the learner said no or the name was refused.
 */
export function openSnippet(workspace: Workspace, block: BlockView): boolean {
  const { files } = workspace;
  const name = snippetFile(block);
  const existing = files.file(name);
  if (!existing) {
    const problem = files.add(name, block.code);
    if (problem) {
      window.alert(`${name} could not be added to the editor: ${problem}`);
      return false;
    }
  } else if (block.solution && existing.content !== block.code) {
    if (!window.confirm(`Replace your ${name} with the solution?`)) return false;
    files.setContent(name, block.code);
  }
  files.setActive(name);
  return true;
}

function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), COPIED_MS);
    return () => clearTimeout(t);
  }, [copied]);
  return (
    <button
      type="button"
      className="button button-small button-quiet"
      onClick={() => {
        navigator.clipboard?.writeText(text).then(
          () => setCopied(true),
          () => window.alert('The browser refused the clipboard: select the text and copy it instead.'),
        );
      }}
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

type Typing = { kind: 'idle' } | { kind: 'typing' } | { kind: 'failed'; message: string };

function TerminalBlock({ block, workspace }: { block: BlockView; workspace: Workspace }) {
  const service = block.service!;
  const [typing, setTyping] = useState<Typing>({ kind: 'idle' });
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  const run = () => {
    const session = workspace.session(service);
    if (!session) {
      setTyping({ kind: 'failed', message: `this server has no ${service} terminal` });
      return;
    }
    workspace.showTerminal(service);
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setTyping({ kind: 'typing' });
    typeLines(session, block.lines ?? block.code.split('\n'), {
      promptsAtOnce: session.promptsBeforeReply,
      signal: controller.signal,
    }).then(
      () => setTyping({ kind: 'idle' }),
      (err: Error) => {
        if (controller.signal.aborted) return;
        setTyping({ kind: 'failed', message: err instanceof TypingError ? err.message : String(err) });
      },
    );
  };

  return (
    <div className="block block-terminal" data-testid="terminal-block" data-service={service}>
      <pre>
        <code>{block.code}</code>
      </pre>
      <div className="block-actions">
        <button
          type="button"
          className="button button-small button-run"
          disabled={typing.kind === 'typing'}
          data-testid="block-run"
          onClick={run}
        >
          ▶ {typing.kind === 'typing' ? 'Typing…' : `Run in ${workspace.catalog.title(service)}`}
        </button>
        {typing.kind === 'typing' && (
          <button type="button" className="button button-small button-quiet" onClick={() => abort.current?.abort()}>
            Stop typing
          </button>
        )}
        <CopyButton text={block.code} />
        {typing.kind === 'failed' && (
          <span className="block-problem" role="status">
            Stopped: {typing.message}.
          </span>
        )}
      </div>
    </div>
  );
}

/** A snippet, or the same program in the languages it comes in: a tab each, the learner's pick shown. */
function SnippetBlock({ block: first, workspace }: { block: BlockView; workspace: Workspace }) {
  const variants = [first, ...(first.alternatives ?? [])];
  const picked = useSnippetLanguage();
  const block = variants.find((v) => v.language === picked) ?? first;
  const name = snippetFile(block);
  const [problem, setProblem] = useState<string | null>(null);
  const run = () => {
    if (!workspace.connection.isOpen) {
      setProblem('not connected to the playground server; try again when it reconnects');
      return;
    }
    if (!openSnippet(workspace, block)) return;
    setProblem(null);
    workspace.runs.run(name);
  };
  return (
    <div className="block block-snippet" data-testid="snippet-block" data-file={name}>
      <div className="block-file">
        {variants.length > 1 && (
          <span className="block-languages" role="tablist" aria-label="Language">
            {variants.map((v) => (
              <button
                key={v.language}
                type="button"
                role="tab"
                aria-selected={v === block}
                className={`block-language${v === block ? ' selected' : ''}`}
                data-testid="block-language"
                data-language={v.language}
                title={`Show the ${LANGUAGE_TITLES[v.language!]} version (every snippet that has one)`}
                onClick={() => setSnippetLanguage(v.language!)}
              >
                {LANGUAGE_TITLES[v.language!]}
              </button>
            ))}
          </span>
        )}
        {name}
        {block.background && <span className="block-tag">keeps running</span>}
      </div>
      <pre>
        <code>{block.code}</code>
      </pre>
      <div className="block-actions">
        <button type="button" className="button button-small button-run" data-testid="block-run" onClick={run}>
          ▶ Run
        </button>
        <button
          type="button"
          className="button button-small"
          data-testid="block-open"
          onClick={() => openSnippet(workspace, block)}
        >
          Open in editor
        </button>
        <CopyButton text={block.code} />
        {block.expect && (
          <span className="block-expect">
            Prints <code>{block.expect}</code>
          </span>
        )}
        {problem && (
          <span className="block-problem" role="status">
            Not run: {problem}.
          </span>
        )}
      </div>
    </div>
  );
}

export function LessonBlock({ block, workspace }: { block: BlockView; workspace: Workspace }) {
  return block.kind === 'terminal' ? (
    <TerminalBlock block={block} workspace={workspace} />
  ) : (
    <SnippetBlock block={block} workspace={workspace} />
  );
}
