// YAML with positions: front matter, course.yaml and check blocks are parsed with the `yaml`
// library's document API, so that a problem the schema finds (an unknown key, a wrong type) can
// name the line of the key or value at fault, not just the file.
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';

export type Report = (line: number | undefined, message: string) => void;

export class YamlSource {
  private constructor(
    readonly value: unknown,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    /** File line of the text's first line. */
    private readonly firstLine: number,
  ) {}

  /**
   * Parses `text`, whose first line is line `firstLine` of its file. Syntax errors go to `report`
   * (with their line) and the answer is null.
   */
  static parse(text: string, firstLine: number, report: Report): YamlSource | null {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        const line = lines.linePos(err.pos[0]).line;
        report(firstLine + Math.max(line, 1) - 1, `YAML: ${firstSentence(err.message)}`);
      }
      return null;
    }
    let value: unknown;
    try {
      value = doc.toJS();
    } catch (err) {
      // toJS() resolves aliases and throws, rather than reports, on one it cannot resolve: an alias
      // before (or without) its anchor, or more expansions than the library allows (a "billion
      // laughs" document). The text is at fault, so it is a problem like any other, at its first alias.
      report(firstAliasLine(doc, lines, firstLine), `YAML: ${firstSentence((err as Error).message)}`);
      return null;
    }
    return new YamlSource(value, doc, lines, firstLine);
  }

  /** File line of the value at `path`; for a mapping entry, the line of its key. */
  lineOf(path: readonly PropertyKey[]): number {
    let node: unknown = this.doc.contents;
    let line = this.nodeLine(node) ?? this.firstLine;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) return line;
        line = this.nodeLine(pair.key) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (!item) return line;
        line = this.nodeLine(item) ?? line;
        node = item;
      } else {
        return line;
      }
    }
    return line;
  }

  /** File line of the key `key` inside the mapping at `path`. */
  keyLine(path: readonly PropertyKey[], key: string): number {
    return this.lineOf([...path, key]);
  }

  /** Reports each zod issue at the line of what it is about, in plain words. */
  reportIssues(error: z.ZodError, report: Report, basePath: readonly PropertyKey[] = []): void {
    for (const issue of error.issues) {
      const path = [...basePath, ...issue.path];
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) report(this.keyLine(path, key), `unknown key "${key}"`);
        continue;
      }
      report(this.lineOf(path), describeIssue(issue, path));
    }
  }

  private nodeLine(node: unknown): number | undefined {
    const range = (node as Node | null)?.range;
    if (!range) return undefined;
    return this.firstLine + Math.max(this.lines.linePos(range[0]).line, 1) - 1;
  }
}

/** File line of the document's first alias (`*name`), or of its first line when it has none. */
function firstAliasLine(doc: Document.Parsed, lines: LineCounter, firstLine: number): number {
  let offset: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset === undefined ? firstLine : firstLine + Math.max(lines.linePos(offset).line, 1) - 1;
}

function firstSentence(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/** `reset.rabbitmq.queues[1]` */
export function pathText(path: readonly PropertyKey[]): string {
  let text = '';
  // A leading index is the position in a list of checks, which the line already tells.
  const start = path.findIndex((s) => typeof s !== 'number');
  for (const segment of start < 0 ? [] : path.slice(start)) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += (text ? '.' : '') + String(segment);
  }
  return text;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value lines)',
  tuple: 'a list',
  record: 'a mapping (key: value lines)',
};

export function describeValue(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text ${JSON.stringify(value)}`;
  return `${typeof value === 'number' ? 'the number' : ''} ${String(value)}`.trim();
}

function describeIssue(issue: z.core.$ZodIssue, path: readonly PropertyKey[]): string {
  const name = pathText(path) ? `"${pathText(path)}"` : 'this';
  switch (issue.code) {
    case 'invalid_type': {
      const expected = TYPE_WORDS[issue.expected] ?? issue.expected;
      if (issue.input === undefined) return `${name} is missing`;
      return `${name} should be ${expected}, not ${describeValue(issue.input)}`;
    }
    case 'invalid_value':
      return `${name} is ${describeValue(issue.input)}; expected one of ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'too_small':
      if (issue.origin === 'array') return `${name} is empty; list at least ${String(issue.minimum)}`;
      if (issue.origin === 'string') return `${name} is empty`;
      return `${name} must be at least ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'string') return `${name} is too long (at most ${String(issue.maximum)} characters)`;
      return `${name} must be at most ${String(issue.maximum)}`;
    case 'invalid_format':
      return `${name}: ${issue.message}`;
    case 'custom':
      // Our own refinements are written as whole sentences.
      return issue.message;
    default:
      return pathText(path) ? `${name}: ${issue.message}` : issue.message;
  }
}
