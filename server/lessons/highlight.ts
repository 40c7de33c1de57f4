// Syntax highlighting of a lesson's code, on the server when the course loads: the page gets the
// coloured html with the lesson and downloads no highlighter (the first bundle stays small), and
// every block is coloured once, not in every browser. highlight.js's core with only the grammars
// lessons use; the colours are the page's (lesson-view.css, one set per theme), by class name.
import { createRequire } from 'node:module';

/**
 * The part of highlight.js used here. Loaded with require and typed by hand: the package's own
 * types reference the DOM library, which would leak browser types into the server's program (the
 * compiler keeps the layers apart: server/ sees Node's types only).
 */
interface HighlightJs {
  registerLanguage(name: string, language: unknown): void;
  registerAliases(aliases: string[], options: { languageName: string }): void;
  getLanguage(name: string): unknown;
  highlight(code: string, options: { language: string; ignoreIllegals: boolean }): { value: string };
}

const require = createRequire(import.meta.url);
const hljs = require('highlight.js/lib/core') as HighlightJs;
/** The grammars lessons use, by their highlight.js names. */
const GRAMMARS = ['python', 'javascript', 'sql', 'bash', 'json', 'yaml'];
for (const name of GRAMMARS) hljs.registerLanguage(name, require(`highlight.js/lib/languages/${name}`));
// A fence word that is a dialect of a grammar above. `mysql` is the MySQL terminal's fence tag:
// its blocks are SQL. The other terminals' languages (redis-cli, memcached's text protocol, the
// amqp shell) have no grammar worth the name, so their blocks, like any word not known here, are
// shown plain; a fifth service's blocks are too until a word is added.
hljs.registerAliases(['mysql', 'mariadb'], { languageName: 'sql' });
hljs.registerAliases(['sh', 'shell', 'console'], { languageName: 'bash' });

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => ESCAPES[c]);

/** Whether `language` (a fence's first word) is coloured. */
export function isHighlighted(language: string): boolean {
  return hljs.getLanguage(language.toLowerCase()) !== undefined;
}

/**
 * The code as html for inside `<code>`: spans with `hljs-*` classes, or only escaped when the
 * language has no grammar here. Never throws: a grammar that fails shows the code plain.
 */
export function highlightCode(code: string, language: string): string {
  const name = language.toLowerCase();
  if (!isHighlighted(name)) return escapeHtml(code);
  try {
    return hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
  } catch {
    return escapeHtml(code);
  }
}
