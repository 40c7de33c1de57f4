import { describe, expect, test } from 'vitest';
import { StatementSplitter, type SplitItem } from './statement-splitter.ts';

const MAIN = 'MariaDB [(none)]> ';

/** Feeds lines; answers every item and the prompt after each line. */
function feed(lines: string[], splitter = new StatementSplitter()) {
  const items: SplitItem[] = [];
  const prompts: string[] = [];
  for (const line of lines) {
    items.push(...splitter.feed(line));
    prompts.push(splitter.prompt(MAIN));
  }
  return { items, prompts, splitter };
}

const sql = (text: string, vertical = false): SplitItem => ({ kind: 'sql', sql: text, vertical });

describe('statements', () => {
  test('a statement ends at ;', () => {
    const { items, prompts } = feed(['SELECT 1;']);
    expect(items).toEqual([sql('SELECT 1')]);
    expect(prompts).toEqual([MAIN]);
  });

  test('a statement may span lines, joined by newlines, with -> prompts', () => {
    const { items, prompts } = feed(['SELECT 1 +', '  2', ';']);
    expect(items).toEqual([sql('SELECT 1 +\n  2')]);
    expect(prompts).toEqual(['    -> ', '    -> ', MAIN]);
  });

  test('several statements on one line run in order', () => {
    const { items } = feed([`SELECT 1; SELECT 'a''b', "c\\"d", \`x\` FROM t;   SELECT 3;`]);
    expect(items).toEqual([sql('SELECT 1'), sql(`SELECT 'a''b', "c\\"d", \`x\` FROM t`), sql('SELECT 3')]);
  });

  test('an empty statement is passed on (the client says "No query specified")', () => {
    expect(feed([';']).items).toEqual([sql('')]);
    expect(feed(['SELECT 1;;']).items).toEqual([sql('SELECT 1'), sql('')]);
  });

  test('\\g and \\G end a statement; \\G asks for vertical output; the line goes on after them', () => {
    const { items, prompts } = feed(['SELECT 1\\G SELECT 2\\g', 'SELECT', '3\\G']);
    expect(items).toEqual([sql('SELECT 1', true), sql('SELECT 2'), sql('SELECT\n3', true)]);
    expect(prompts).toEqual([MAIN, '    -> ', MAIN]);
  });
});

describe('quotes', () => {
  test('a delimiter inside quotes does not end the statement; each quote has its prompt', () => {
    const { items, prompts } = feed(["SELECT 'multi;", 'line\', "dq;', '", `b;', '`;']);
    expect(prompts).toEqual(["    '> ", '    "> ', '    `> ', MAIN]);
    expect(items).toEqual([sql('SELECT \'multi;\nline\', "dq;\n", `b;\n`')]);
  });

  test('backslash escapes a quote inside \'…\' and "…", not inside `…`', () => {
    expect(feed(["SELECT 'it\\'s;';"]).items).toEqual([sql("SELECT 'it\\'s;'")]);
    expect(feed(['SELECT "say \\"hi;\\"";']).items).toEqual([sql('SELECT "say \\"hi;\\""')]);
    expect(feed(['SELECT `a\\`;']).items).toEqual([sql('SELECT `a\\`')]);
  });

  test('doubled quotes stay inside the string', () => {
    expect(feed([`SELECT 'a'';b', "c"";d";`]).items).toEqual([sql(`SELECT 'a'';b', "c"";d"`)]);
  });

  test('backslash commands are not commands inside strings', () => {
    const { items, prompts } = feed(["SELECT 'a\\g\\c\\G", "';"]);
    expect(items).toEqual([sql("SELECT 'a\\g\\c\\G\n'")]);
    expect(prompts).toEqual(["    '> ", MAIN]);
  });

  test('\\N outside a string is kept for the server', () => {
    expect(feed(['SELECT \\N;']).items).toEqual([sql('SELECT \\N')]);
  });
});

describe('comments', () => {
  test('-- and # comments end the line and are dropped, even when they hold ;', () => {
    const { items, prompts } = feed(['-- just a comment', '# another; one', 'SELECT 5 -- not the end;', ';']);
    expect(items).toEqual([sql('SELECT 5')]);
    expect(prompts).toEqual([MAIN, MAIN, '    -> ', MAIN]);
  });

  test('-- needs a space after it to be a comment', () => {
    expect(feed(['SELECT 1 --1;']).items).toEqual([sql('SELECT 1 --1')]);
  });

  test('a /* comment */ may span lines, has its own prompt, and leaves a space', () => {
    const { items, prompts } = feed(['/* comment; still', '*/ SELECT 4;', 'SELECT 1/* x; */+1;']);
    expect(prompts).toEqual(['   /*> ', MAIN, MAIN]);
    expect(items).toEqual([sql('SELECT 4'), sql('SELECT 1 +1')]);
  });

  test('/*! executable comments */ are kept for the server', () => {
    expect(feed(['SELECT /*!40101 1 + */ 1;']).items).toEqual([sql('SELECT /*!40101 1 + */ 1')]);
    expect(feed(['SELECT /*M!100100 2 */;']).items).toEqual([sql('SELECT /*M!100100 2 */')]);
  });

  test('a comment mark inside a string is text', () => {
    expect(feed(["SELECT '-- x', '# y', '/* z';"]).items).toEqual([sql("SELECT '-- x', '# y', '/* z'")]);
  });
});

describe('client commands', () => {
  test('\\c clears what was typed', () => {
    const { items, prompts } = feed(['SELECT 1 +', '2 \\c', 'SELECT 3;']);
    expect(items).toEqual([sql('SELECT 3')]);
    expect(prompts).toEqual(['    -> ', MAIN, MAIN]);
  });

  test('use works without ; as a whole line, and as a statement', () => {
    expect(feed(['use playground']).items).toEqual([{ kind: 'command', name: 'use', arg: 'playground', pending: '' }]);
    expect(feed(['  USE `my db`;']).items).toEqual([{ kind: 'command', name: 'use', arg: '`my db`', pending: '' }]);
    expect(feed(['use a; SELECT 1;']).items).toEqual([
      { kind: 'command', name: 'use', arg: 'a', pending: '' },
      sql('SELECT 1'),
    ]);
  });

  test('named commands only count at the start of a statement', () => {
    const { items, prompts } = feed(['SELECT', 'status', ';']);
    expect(items).toEqual([sql('SELECT\nstatus')]);
    expect(prompts).toEqual(['    -> ', '    -> ', MAIN]);
  });

  test('a command that takes no arguments is SQL when it has some', () => {
    const { items, prompts } = feed(['status now']);
    expect(items).toEqual([]);
    expect(prompts).toEqual(['    -> ']);
  });

  test('help, status, quit and exit, in any case, with or without ;', () => {
    const { items } = feed(['help', 'HELP select', '\\h', 'status;', '\\s', 'quit', 'Exit;', '\\q', '?']);
    expect(items.map((i) => (i.kind === 'command' ? `${i.name}:${i.arg}` : i.kind))).toEqual([
      'help:',
      'help:select',
      'help:',
      'status:',
      'status:',
      'quit:',
      'exit:',
      'exit:',
      '?:',
    ]);
  });

  test('commands and statements on one line keep their order', () => {
    const { items } = feed(['SELECT 1; status; SELECT 2\\G']);
    expect(items).toEqual([
      sql('SELECT 1'),
      { kind: 'command', name: 'status', arg: '', pending: '' },
      sql('SELECT 2', true),
    ]);
  });

  test('a backslash command with arguments takes them up to the delimiter', () => {
    const { items } = feed(['\\u other; SELECT 1;']);
    expect(items).toEqual([{ kind: 'command', name: 'use', arg: 'other', pending: '' }, sql('SELECT 1')]);
  });

  test('\\p sees the statement typed so far', () => {
    const { items } = feed(['SELECT 1', '\\p']);
    expect(items).toEqual([{ kind: 'command', name: 'print', arg: '', pending: 'SELECT 1\n' }]);
  });

  test('an unknown backslash command is reported and kept in the statement', () => {
    const { items, prompts } = feed(['\\x']);
    expect(items).toEqual([{ kind: 'error', message: "Unknown command '\\x'." }]);
    expect(prompts).toEqual(['    -> ']);
  });

  test('a trailing backslash is dropped', () => {
    expect(feed(['SELECT 1 \\', ';']).items).toEqual([sql('SELECT 1')]);
  });
});

describe('DELIMITER', () => {
  test('changes what ends a statement, so a procedure body may hold ;', () => {
    const { items, prompts, splitter } = feed([
      'DELIMITER //',
      'CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END //',
      'SELECT 3;',
      '//',
      'DELIMITER ;',
      'SELECT 4;',
    ]);
    expect(items).toEqual([
      sql('CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END'),
      sql('SELECT 3;'),
      sql('SELECT 4'),
    ]);
    expect(prompts).toEqual([MAIN, MAIN, '    -> ', MAIN, MAIN, MAIN]);
    expect(splitter.delimiter).toBe(';');
  });

  test('takes effect at the end of a line that starts with a statement', () => {
    const { items, splitter } = feed(['SELECT 1; delimiter $$', 'SELECT 2$$']);
    expect(items).toEqual([sql('SELECT 1'), sql('SELECT 2')]);
    expect(splitter.delimiter).toBe('$$');
  });

  test('refuses an empty delimiter and one with a backslash', () => {
    expect(feed(['delimiter']).items).toEqual([
      { kind: 'error', message: "DELIMITER must be followed by a 'delimiter' character or string" },
    ]);
    const { items, splitter } = feed(['DELIMITER \\\\']);
    expect(items).toEqual([{ kind: 'error', message: 'DELIMITER cannot contain a backslash character' }]);
    expect(splitter.delimiter).toBe(';');
  });
});

describe('robustness', () => {
  test('clear() forgets an open string, comment and statement', () => {
    const s = new StatementSplitter();
    s.feed("SELECT 'abc");
    expect(s.prompt(MAIN)).toBe("    '> ");
    s.clear();
    expect(s.prompt(MAIN)).toBe(MAIN);
    s.feed('/* x');
    s.clear();
    expect(s.feed('SELECT 1;')).toEqual([sql('SELECT 1')]);
  });

  test('binary junk never throws and ends up in the statement', () => {
    const s = new StatementSplitter();
    const junk = '\x00\xff\ud800\x1b[2J\x07x';
    expect(() => s.feed(junk)).not.toThrow();
    expect(s.feed(';')).toEqual([sql(junk)]);
  });
});
