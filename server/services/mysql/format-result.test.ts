// Expected texts are copied from the mariadb 10.11 client in a terminal, except where the client
// counts bytes instead of cells (noted below).
import { describe, expect, test } from 'vitest';
import type { Column } from './columns.ts';
import {
  formatElapsed,
  formatTable,
  formatUptime,
  formatVertical,
  MAX_COLUMN_WIDTH,
  okPacketText,
  rowsInSetLine,
  serverErrorLine,
  clientErrorLine,
  truncationNote,
} from './format-result.ts';

const NOT_NULL = 1;
const col = (name: string, type: number, flags = 0, charset = 63): Column => ({ name, type, flags, charset });
const LONG = 3;
const LONGLONG = 8;
const NULL_TYPE = 6;
const NEWDECIMAL = 246;
const VAR_STRING = 253;
const DATETIME = 12;
const text = (name: string, flags = 0) => col(name, VAR_STRING, flags, 45);

describe('formatTable', () => {
  test('SELECT 1', () => {
    expect(formatTable([col('1', LONG, NOT_NULL)], [['1']])).toBe('+---+\n| 1 |\n+---+\n| 1 |\n+---+\n');
  });

  test('nullable columns are at least as wide as NULL; numbers right, text left', () => {
    // SELECT NULL, 1 AS n, NULL AS nu, 'ab' AS s, CAST(NULL AS CHAR) AS c;
    const columns = [
      col('NULL', NULL_TYPE),
      col('n', LONG, NOT_NULL),
      col('nu', NULL_TYPE),
      text('s', NOT_NULL),
      text('c'),
    ];
    expect(formatTable(columns, [[null, '1', null, 'ab', null]])).toBe(
      [
        '+------+---+------+----+------+',
        '| NULL | n | nu   | s  | c    |',
        '+------+---+------+----+------+',
        '| NULL | 1 | NULL | ab | NULL |',
        '+------+---+------+----+------+',
        '',
      ].join('\n'),
    );
  });

  test('numbers are right-aligned; headers are always left-aligned', () => {
    // SELECT 1/0, CAST('abc' AS INT);
    const columns = [col('1/0', NEWDECIMAL), col("CAST('abc' AS INT)", LONGLONG, NOT_NULL)];
    expect(formatTable(columns, [[null, '0']])).toBe(
      [
        '+------+--------------------+',
        "| 1/0  | CAST('abc' AS INT) |",
        '+------+--------------------+',
        '| NULL |                  0 |',
        '+------+--------------------+',
        '',
      ].join('\n'),
    );
  });

  test('dates are text: left-aligned', () => {
    const columns = [col('d', DATETIME, NOT_NULL), col('n', LONG, NOT_NULL)];
    expect(
      formatTable(columns, [
        ['2026-01-02 03:04:05', '7'],
        ['2026-01-02 03:04:06', '12345'],
      ]),
    ).toBe(
      [
        '+---------------------+-------+',
        '| d                   | n     |',
        '+---------------------+-------+',
        '| 2026-01-02 03:04:05 |     7 |',
        '| 2026-01-02 03:04:06 | 12345 |',
        '+---------------------+-------+',
        '',
      ].join('\n'),
    );
  });

  test('wide characters count two cells, accents one (the client counts bytes here)', () => {
    const columns = [text('word'), text('x')];
    expect(formatTable(columns, [['日本語', 'é']])).toBe(
      [
        '+--------+------+',
        '| word   | x    |',
        '+--------+------+',
        '| 日本語 | é    |',
        '+--------+------+',
        '',
      ].join('\n'),
    );
  });

  test('a newline in a value is printed raw, as the client does', () => {
    expect(formatTable([text('v', NOT_NULL)], [['a\nb']])).toBe('+-----+\n| v   |\n+-----+\n| a\nb |\n+-----+\n');
  });

  test('a value wider than the column cap is printed whole without widening other rows', () => {
    const long = 'x'.repeat(MAX_COLUMN_WIDTH + 10);
    const out = formatTable([text('v', NOT_NULL)], [[long], ['y']]);
    const lines = out.split('\n');
    expect(lines[0]).toHaveLength(MAX_COLUMN_WIDTH + 4);
    expect(lines[3]).toBe(`| ${long} |`);
    expect(lines[4]).toBe(`| y${' '.repeat(MAX_COLUMN_WIDTH - 1)} |`);
  });

  test('control characters in names never reach the terminal raw', () => {
    expect(formatTable([text('a\x1b[2Jb', NOT_NULL)], [['v']])).toContain('| a\\x1b[2Jb |');
  });
});

describe('formatVertical', () => {
  test('rows with star lines; names right-aligned', () => {
    const columns = [col('id', LONG, NOT_NULL), text('name'), text('b')];
    expect(
      formatVertical(columns, [
        ['1', 'b', 'x'],
        ['2', null, ''],
      ]),
    ).toBe(
      [
        '*************************** 1. row ***************************',
        '  id: 1',
        'name: b',
        '   b: x',
        '*************************** 2. row ***************************',
        '  id: 2',
        'name: NULL',
        '   b: ',
        '',
      ].join('\n'),
    );
  });

  test('numbers the rows from where the result is', () => {
    expect(formatVertical([text('a')], [['x']], 7)).toBe(
      '*************************** 7. row ***************************\na: x\n',
    );
  });
});

describe('summary lines', () => {
  test('rows in set, with the right plural and warnings', () => {
    expect(rowsInSetLine(1, 0, 0)).toBe('1 row in set (0.000 sec)');
    expect(rowsInSetLine(2, 0, 0.0004)).toBe('2 rows in set (0.000 sec)');
    expect(rowsInSetLine(1, 2, 0)).toBe('1 row in set, 2 warnings (0.000 sec)');
    expect(rowsInSetLine(0, 0, 0.0123)).toBe('Empty set (0.012 sec)');
    expect(rowsInSetLine(0, 1, 0)).toBe('Empty set, 1 warning (0.000 sec)');
  });

  test('Query OK with the info line and the blank line after it', () => {
    expect(okPacketText(2, 0, 'Records: 2  Duplicates: 0  Warnings: 0', 0.004)).toBe(
      'Query OK, 2 rows affected (0.004 sec)\nRecords: 2  Duplicates: 0  Warnings: 0\n\n',
    );
    expect(okPacketText(1, 0, '', 0.002)).toBe('Query OK, 1 row affected (0.002 sec)\n\n');
    expect(okPacketText(0, 1, '', 1.013)).toBe('Query OK, 0 rows affected, 1 warning (1.013 sec)\n\n');
  });

  test('errors', () => {
    expect(serverErrorLine(1146, '42S02', "Table 'playground.nope' doesn't exist")).toBe(
      "ERROR 1146 (42S02): Table 'playground.nope' doesn't exist\n",
    );
    expect(serverErrorLine(1105, undefined, 'odd')).toBe('ERROR 1105: odd\n');
    expect(clientErrorLine('No query specified')).toBe('ERROR: No query specified\n');
  });

  test('elapsed time as nice_time writes it', () => {
    expect(formatElapsed(0.0015)).toBe('0.002 sec');
    expect(formatElapsed(65.25)).toBe('1 min 5.250 sec');
    expect(formatElapsed(3600)).toBe('1 hour 0.000 sec');
    expect(formatElapsed(7322)).toBe('2 hours 2 min 2.000 sec');
    expect(formatElapsed(90061.5)).toBe('1 day 1 hour 1 min 1.500 sec');
    expect(formatUptime(989)).toBe('16 min 29 sec');
  });

  test('the truncation note names the limit that cut the result', () => {
    expect(truncationNote(250000, 'rows', 1000, 2 * 1024 * 1024)).toBe(
      '… 250000 more rows not shown (the playground shows at most 1000 rows of a result; add LIMIT)\n',
    );
    expect(truncationNote(1, 'size', 1000, 2 * 1024 * 1024)).toBe(
      '… 1 more row not shown (the playground shows at most 2 MiB of a result; add LIMIT or select fewer or shorter columns)\n',
    );
  });
});
