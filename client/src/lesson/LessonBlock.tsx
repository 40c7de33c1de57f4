// One runnable block of a step, drawn where the step's html has its placeholder: the code (coloured
// by the server), and the buttons that do what the block says — type it into a terminal, or
// open/run it in the editor. A block whose step has a check reports when what it started is over,
// so the check can run by itself (step-checks.ts).
import { useEffect, useRef, useState } from 'react';
import type { BlockView } from '../../../shared/lesson-api.ts';
import { ConfirmDialog } from '../dashboard/ConfirmDialog.tsx';
import { requestEditor } from '../show-editor.ts';
import type { Workspace } from '../workspace.ts';
import { TypingError, typeLines } from './block-typist.ts';
import { whenRunSettles } from './run-watch.ts';
import { LANGUAGE_TITLES, setSnippetLanguage, useSnippetLanguage } from './snippet-language.ts';

/** "Copied" shows this long. */
const COPIED_MS = 1500;

/** Tells the step a block started; the answer is called when it has finished (see StepChecks.blockStarted). */
export type BlockTracker = () => (ran: boolean) => void;

/** The editor name of a snippet: its file=, or main.py / main.js for a solution without one. */
export function snippetFile(block: BlockView): string {
  return block.file ?? (block.language === 'javascript' ? 'main.js' : 'main.py');
}

export type OpenResult =
  | { kind: 'opened' }
  /** The editor refused the name (the problem says why). */
  | { kind: 'refused'; problem: string }
  /** A solution over a file the learner has changed: ask before replacing it (then `replace`). */
  | { kind: 'ask-replace'; file: string };

/**
 * Puts a snippet into the editor's files for the open lesson, or shows it if it is there already
 * (the learner's edits stand). A solution replaces the file's text, once the learner has said yes
 * (`replace`).
 */
export function openSnippet(workspace: Workspace, block: BlockView, replace = false): OpenResult {
  const { files } = workspace;
  const name = snippetFile(block);
  const existing = files.file(name);
  if (!existing) {
    const problem = files.add(name, block.code);
    if (problem) return { kind: 'refused', problem: `${name} could not be added to the editor: ${problem}` };
  } else if (block.solution && existing.content !== block.code) {
    if (!replace) return { kind: 'ask-replace', file: name };
    files.setContent(name, block.code);
  }
  files.setActive(name);
  requestEditor();
  return { kind: 'opened' };
}

function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'refused'>('idle');
  useEffect(() => {
    if (copied !== 'copied') return;
    const t = setTimeout(() => setCopied('idle'), COPIED_MS);
    return () => clearTimeout(t);
  }, [copied]);
  return (
    <>
      <button
        type="button"
        className="button button-small button-quiet"
        onClick={() => {
          if (!navigator.clipboard) return setCopied('refused');
          navigator.clipboard.writeText(text).then(
            () => setCopied('copied'),
            () => setCopied('refused'),
          );
        }}
      >
        {copied === 'copied' ? 'Copied' : 'Copy'}
      </button>
      {copied === 'refused' && (
        <span className="block-problem" role="status">
          The browser refused the clipboard: select the text and copy it instead.
        </span>
      )}
    </>
  );
}

/** The block's code, coloured: the server sends it as escaped html (server/lessons/highlight.ts). */
function Code({ block }: { block: BlockView }) {
  return (
    <pre>
      <code dangerouslySetInnerHTML={{ __html: block.html }} />
    </pre>
  );
}

type Typing = { kind: 'idle' } | { kind: 'typing' } | { kind: 'failed'; message: string };

function TerminalBlock({ block, workspace, track }: Props) {
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
    const finished = track?.();
    typeLines(session, block.lines ?? block.code.split('\n'), {
      promptsAtOnce: session.promptsBeforeReply,
      signal: controller.signal,
    }).then(
      () => {
        finished?.(true);
        if (!controller.signal.aborted) setTyping({ kind: 'idle' });
      },
      (err: Error) => {
        finished?.(false);
        if (controller.signal.aborted) return;
        setTyping({ kind: 'failed', message: err instanceof TypingError ? err.message : String(err) });
      },
    );
  };

  return (
    <div className="block block-terminal" data-testid="terminal-block" data-service={service}>
      <Code block={block} />
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
function SnippetBlock({ block: first, workspace, track }: Props) {
  const variants = [first, ...(first.alternatives ?? [])];
  const picked = useSnippetLanguage();
  const block = variants.find((v) => v.language === picked) ?? first;
  const name = snippetFile(block);
  const [problem, setProblem] = useState<string | null>(null);
  /** Waiting for the learner's yes before a solution replaces their file; then run it or only open it. */
  const [asking, setAsking] = useState<{ file: string; thenRun: boolean } | null>(null);

  const start = () => {
    const key = workspace.runs.run(name);
    const finished = track?.();
    if (finished) void whenRunSettles(workspace.runs, key, block.background ?? false).then(finished);
  };

  const open = (thenRun: boolean, replace = false) => {
    if (thenRun && !workspace.connection.isOpen) {
      setProblem('Not run: not connected to the playground server; try again when it reconnects');
      return;
    }
    const result = openSnippet(workspace, block, replace);
    if (result.kind === 'refused') return setProblem(result.problem);
    if (result.kind === 'ask-replace') return setAsking({ file: result.file, thenRun });
    setProblem(null);
    if (thenRun) start();
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
      <Code block={block} />
      <div className="block-actions">
        <button
          type="button"
          className="button button-small button-run"
          data-testid="block-run"
          onClick={() => open(true)}
        >
          ▶ Run
        </button>
        <button type="button" className="button button-small" data-testid="block-open" onClick={() => open(false)}>
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
            {problem}.
          </span>
        )}
      </div>
      {asking && (
        <ConfirmDialog
          title={`Replace your ${asking.file} with the solution?`}
          confirmLabel={asking.thenRun ? 'Replace and run' : 'Replace'}
          danger
          onCancel={() => setAsking(null)}
          onConfirm={() => {
            const { thenRun } = asking;
            setAsking(null);
            open(thenRun, true);
          }}
        >
          <p>
            You have changed {asking.file}. Your version is replaced by the solution&apos;s in the editor; the other
            files stay as they are.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

interface Props {
  block: BlockView;
  workspace: Workspace;
  /** Present when the block's step has a check that may run by itself once the block is done. */
  track?: BlockTracker;
}

export function LessonBlock(props: Props) {
  return props.block.kind === 'terminal' ? <TerminalBlock {...props} /> : <SnippetBlock {...props} />;
}
