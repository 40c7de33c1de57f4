// The Monaco editor, loaded lazily (see EditorPane). Only the editor API, the features a learner
// uses (find, comments, brackets, word suggestions…) and two languages are bundled: the full
// monaco-editor entry would add every language and the TypeScript worker.
import { useEffect, useRef } from 'react';
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/comment/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/cursorUndo/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/folding/register';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/indentation/register';
import 'monaco-editor/features/linesOperations/register';
import 'monaco-editor/features/multicursor/register';
import 'monaco-editor/features/suggest/register';
import 'monaco-editor/features/wordHighlighter/register';
import 'monaco-editor/features/wordOperations/register';
import 'monaco-editor/languages/definitions/python/register';
import 'monaco-editor/languages/definitions/javascript/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { TERMINAL_FONT_FAMILY } from '../terminal/theme.ts';
import type { StarterFile } from './starter-files.ts';

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

/** Typing is saved after this pause, not on every key: localStorage writes are synchronous. */
const SAVE_DELAY_MS = 400;

monaco.editor.defineTheme('playground-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: [],
  colors: { 'editor.background': '#0f141b', 'editorGutter.background': '#0f141b' },
});

interface Props {
  file: StarterFile;
  storage: Storage | null;
  storageKey: string;
}

export default function MonacoEditor({ file, storage, storageKey }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);

  useEffect(() => {
    const editor = monaco.editor.create(host.current!, {
      theme: 'playground-dark',
      automaticLayout: true,
      fontFamily: TERMINAL_FONT_FAMILY,
      fontSize: 13,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      renderLineHighlight: 'line',
      tabSize: 4,
      padding: { top: 8 },
    });
    editorRef.current = editor;
    return () => {
      editor.getModel()?.dispose();
      editor.dispose();
      editorRef.current = null;
    };
  }, []);

  useEffect(() => {
    const editor = editorRef.current;
    if (!editor) return;
    const saved = storage?.getItem(storageKey);
    const model = monaco.editor.createModel(saved ?? file.content, file.language);
    const previous = editor.getModel();
    editor.setModel(model);
    previous?.dispose();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const save = () => {
      timer = null;
      try {
        storage?.setItem(storageKey, model.getValue());
      } catch {
        // Storage full or disabled: the text stays in the editor for this page.
      }
    };
    const change = model.onDidChangeContent(() => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(save, SAVE_DELAY_MS);
    });
    return () => {
      change.dispose();
      if (timer) {
        clearTimeout(timer);
        save();
      }
    };
  }, [file, storage, storageKey]);

  return <div className="monaco-host" ref={host} data-testid="editor" />;
}
