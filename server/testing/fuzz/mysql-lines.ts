// The MySQL terminal's statement splitter (server/services/mysql/statement-splitter.ts) and the
// client's own commands (client-commands.ts), fuzzed: any lines are split without a throw and leave
// a prompt the client knows; statements joined by a delimiter, quotes holding that delimiter, and
// cut into lines anywhere come back one piece per statement; a quoted argument reads back as typed.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { findNamedCommand, firstArgument } from '../../services/mysql/client-commands.ts';
import { CONTINUATION_PROMPTS, StatementSplitter, type SplitItem } from '../../services/mysql/statement-splitter.ts';
import { fuzzProperty, type FuzzBoundary } from '../fuzz.ts';
import { anyText } from './json-text.ts';

const MAIN = 'MariaDB [(none)]> ';
const PROMPTS = new Set<string>([MAIN, ...Object.values(CONTINUATION_PROMPTS)]);

/** Pieces the splitter reads specially, mixed with any text. */
const sqlPiece = fc.oneof(
  fc.constantFrom(
    ';',
    "'",
    '"',
    '`',
    '\\',
    '\\g',
    '\\G',
    '\\c',
    '\\p',
    '\\u db',
    '\\d //',
    '\\N',
    '\\x',
    '/*',
    '*/',
    '/*!',
    '/*M!',
    '-- ',
    '--',
    '#',
    ' ',
    '\t',
    'SELECT ',
    'use ',
    'help',
    'status',
    'DELIMITER ',
    'delimiter //',
    'delimiter ;',
    '//',
    '$$',
  ),
  anyText(6),
);
const lines = fc.array(
  fc.array(sqlPiece, { maxLength: 12 }).map((p) => p.join('')),
  { minLength: 1, maxLength: 6 },
);

function checkItem(item: SplitItem): void {
  if (item.kind === 'sql') assert.equal(typeof item.sql, 'string');
  else if (item.kind === 'command') assert.ok(typeof item.arg === 'string' && typeof item.pending === 'string');
  else assert.ok(item.kind === 'error' && item.message.length > 0);
}

// Statements that are plain SQL to the splitter: words without its special characters, and quoted
// strings (which may hold anything but a backslash, the delimiter included).
const word = fc.stringMatching(/^[A-Za-z0-9_,()+*=<>.]{1,8}$/);
const quoted = fc
  .tuple(fc.constantFrom("'", '"', '`'), anyText(10))
  .map(([q, s]) => q + s.replace(/\\/g, '').replaceAll(q, q + q) + q);
const statement = fc
  .array(fc.oneof(word, quoted, fc.constantFrom(' ', '  ', '\t')), { maxLength: 8 })
  .map((parts) => `SELECT ${parts.join(' ')}`);
const delimiter = fc.constantFrom(';', '//', '$$', ';;', '@');

/** The statement as the client sends it: its own leading and trailing blanks gone. */
const trimmed = (s: string) => s.replace(/^\s+/, '').replace(/[\s\x00-\x1f]+$/, '');

/** Where a text may be cut into lines: not inside a delimiter, which must stay whole to count. */
function cutPoints(text: string, delimiterText: string, statementEnds: number[]): number[] {
  const inside = new Set<number>();
  for (const end of statementEnds) for (let i = 1; i < delimiterText.length; i++) inside.add(end + i);
  return Array.from({ length: text.length + 1 }, (_, i) => i).filter((i) => !inside.has(i));
}

/** The text of a quoted argument in each of the client's quotes (get_arg()'s escapes). */
function quoteArgument(text: string, q: "'" | '"' | '`'): string {
  const inner = q === '`' ? text.replaceAll('`', '``') : text.replace(/\\/g, '\\\\').replaceAll(q, q + q);
  return q + inner + q;
}

export const mysqlLines: FuzzBoundary = {
  name: 'mysql statement splitter',
  properties: [
    fuzzProperty('any lines are split without a throw and leave a known prompt', lines, (typed) => {
      const splitter = new StatementSplitter();
      for (const line of typed) {
        for (const item of splitter.feed(line)) checkItem(item);
        assert.ok(PROMPTS.has(splitter.prompt(MAIN)), `prompt ${JSON.stringify(splitter.prompt(MAIN))}`);
        assert.ok(splitter.delimiter.length > 0 && !splitter.delimiter.includes('\\'));
      }
      splitter.clear();
      assert.equal(splitter.prompt(MAIN), MAIN);
    }),
    fuzzProperty(
      'statements joined by the delimiter, cut into lines anywhere, come back one piece each',
      fc.tuple(fc.array(statement, { minLength: 1, maxLength: 5 }), delimiter, fc.array(fc.nat(), { maxLength: 6 })),
      ([statements, d, cuts]) => {
        const ends: number[] = [];
        let text = '';
        for (const s of statements) {
          text += s;
          ends.push(text.length);
          text += d;
        }
        const points = cutPoints(text, d, ends);
        const at = [...new Set(cuts.map((c) => points[c % points.length]))].sort((a, b) => a - b);
        const typed = at.reduce<{ lines: string[]; from: number }>(
          (acc, i) => ({ lines: [...acc.lines, text.slice(acc.from, i)], from: i }),
          { lines: [], from: 0 },
        );
        typed.lines.push(text.slice(typed.from));
        // A cut is a line end: inside a statement the client joins its lines with "\n".
        const expected = statements.map((s, n) => {
          const start = n === 0 ? 0 : ends[n - 1] + d.length;
          let withCuts = '';
          for (let i = start; i <= ends[n]; i++) {
            if (at.includes(i) && i > start && i < ends[n]) withCuts += '\n';
            if (i < ends[n]) withCuts += text[i];
          }
          return trimmed(withCuts);
        });
        const splitter = new StatementSplitter();
        const items = d === ';' ? [] : splitter.feed(`DELIMITER ${d}`);
        for (const line of typed.lines) items.push(...splitter.feed(line));
        assert.deepEqual(
          items,
          expected.map((sql) => ({ kind: 'sql', sql, vertical: false })),
        );
        assert.equal(splitter.prompt(MAIN), MAIN);
      },
    ),
    fuzzProperty(
      "a command's quoted argument reads back as typed, whatever it holds",
      fc.tuple(anyText(20), fc.constantFrom("'", '"', '`') as fc.Arbitrary<"'" | '"' | '`'>, anyText(8)),
      ([text, q, rest]) => {
        assert.equal(firstArgument(`  ${quoteArgument(text, q)} ${rest}`), text);
        // A line holding \g is a statement to the client, not a command (find_command()).
        const line = `use ${quoteArgument(text, q)}`;
        if (line.includes('\\g')) return;
        const named = findNamedCommand(line, null);
        assert.equal(named?.command.name, 'use');
        assert.equal(firstArgument(named!.arg), text);
      },
    ),
  ],
};
