// The Monaco editor, loaded lazily (see EditorPane). Only the editor API, the features a learner
// uses (find, comments, brackets, word suggestions…) and two languages are bundled: the full
// monaco-editor entry would add every language and the TypeScript worker.
import { useEffect, useRef, useSyncExternalStore } from 'react';
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/codeAction/register';
import 'monaco-editor/features/comment/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/cursorUndo/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/folding/register';
import 'monaco-editor/features/gotoError/register';
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
import { registerEditorFocus } from '../show-editor.ts';
import { currentTheme, onThemeChange, type Theme } from '../theme.ts';
import type { ServiceCatalog } from '../service-catalog.ts';
import { markAddresses, registerAddressFixes } from './address-markers.ts';
import { findFile } from './editor-files.ts';
import { editorLanguageOf } from './file-names.ts';
import type { FileStore } from './file-store.ts';

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

monaco.editor.defineTheme('playground-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: [],
  colors: { 'editor.background': '#0f141b', 'editorGutter.background': '#0f141b' },
});
monaco.editor.defineTheme('playground-light', {
  base: 'vs',
  inherit: true,
  rules: [],
  colors: { 'editor.background': '#ffffff', 'editorGutter.background': '#ffffff' },
});
/** After typing stops this long, the hard-coded addresses are marked again. */
const MARK_AFTER_MS = 250;

/** Monaco's theme for the page's (theme.ts); Monaco's theme is global, so one switch does every editor. */
const MONACO_THEMES: Record<Theme, string> = { dark: 'playground-dark', light: 'playground-light' };

/**
 * One Monaco model per file, kept while the file exists, so that each tab keeps its undo history
 * and cursor. Every change goes straight into the file store (which saves it); a change made in
 * the store (reset, rename, delete) is brought into the models.
 */
export default function MonacoEditor({ files, catalog }: { files: FileStore; catalog: ServiceCatalog }) {
  const { state } = useSyncExternalStore(files.subscribe, files.getSnapshot);
  const services = useSyncExternalStore(catalog.subscribe, catalog.getSnapshot);
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const models = useRef(new Map<string, monaco.editor.ITextModel>());
  const viewStates = useRef(new Map<string, monaco.editor.ICodeEditorViewState | null>());

  useEffect(() => {
    const editor = monaco.editor.create(host.current!, {
      theme: MONACO_THEMES[currentTheme()],
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
    registerAddressFixes();
    const owned = models.current;
    const offTheme = onThemeChange(() => monaco.editor.setTheme(MONACO_THEMES[currentTheme()]));
    const offFocus = registerEditorFocus(() => editor.focus());
    return () => {
      offTheme();
      offFocus();
      editor.dispose();
      for (const model of owned.values()) model.dispose();
      owned.clear();
      editorRef.current = null;
    };
  }, []);

  useEffect(() => {
    const editor = editorRef.current;
    if (!editor) return;
    const owned = models.current;
    for (const [name, model] of owned) {
      const file = findFile(state, name);
      if (!file) {
        // Deleted or renamed away.
        if (editor.getModel() === model) editor.setModel(null);
        model.dispose();
        owned.delete(name);
        viewStates.current.delete(name);
      } else if (model.getValue() !== file.content) {
        // Changed outside the editor: "reset to the lesson's version".
        model.pushEditOperations([], [{ range: model.getFullModelRange(), text: file.content }], () => null);
      }
    }
    const active = findFile(state, state.active);
    if (!active) {
      // No file at all (a lesson without files, or the last one deleted): EditorPane says what to do.
      editor.setModel(null);
      return;
    }
    let model = owned.get(active.name);
    if (!model) {
      const name = active.name;
      const created = monaco.editor.createModel(active.content, editorLanguageOf(name), monaco.Uri.file(`/${name}`));
      // The learner's typing (a change the store made arrives here too, and is then no change).
      let marking: ReturnType<typeof setTimeout> | undefined;
      created.onDidChangeContent(() => {
        files.edit(name, created.getValue());
        clearTimeout(marking);
        marking = setTimeout(() => markAddresses(created, name, catalog.getSnapshot()), MARK_AFTER_MS);
      });
      created.onWillDispose(() => clearTimeout(marking));
      markAddresses(created, name, services);
      owned.set(name, created);
      model = created;
    }
    const current = editor.getModel();
    if (current !== model) {
      const leaving = [...owned].find(([, m]) => m === current)?.[0];
      if (leaving) viewStates.current.set(leaving, editor.saveViewState());
      editor.setModel(model);
      const view = viewStates.current.get(active.name);
      if (view) editor.restoreViewState(view);
    }
  }, [state, files]);

  // The server's list of services came (or changed): every file is marked against it.
  useEffect(() => {
    for (const [name, model] of models.current) markAddresses(model, name, services);
  }, [services]);

  return <div className="monaco-host" ref={host} data-testid="editor" />;
}
