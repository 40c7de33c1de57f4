import { describe, expect, test } from 'vitest';
import {
  clientHelpText,
  commandByChar,
  findNamedCommand,
  firstArgument,
  serverHelpStatement,
} from './client-commands.ts';
import { formatServerHelp } from './server-help.ts';
import { formatStatus } from './status-text.ts';

describe('findNamedCommand', () => {
  test('the first word names the command, in any case', () => {
    expect(findNamedCommand('  STATUS', ';')?.command.name).toBe('status');
    expect(findNamedCommand('use db', ';')).toMatchObject({ command: { name: 'use' }, arg: 'db' });
    expect(findNamedCommand('help  select  x', ';')).toMatchObject({ command: { name: 'help' }, arg: 'select  x' });
  });

  test('commands without arguments do not take any', () => {
    expect(findNamedCommand('status now', ';')).toBeNull();
    expect(findNamedCommand('quit', ';')?.command.name).toBe('quit');
  });

  test('a line with the delimiter or \\g is left to the statement parser, unless it sets the delimiter', () => {
    expect(findNamedCommand('use a; select 1;', ';')).toBeNull();
    expect(findNamedCommand('help\\g', ';')).toBeNull();
    expect(findNamedCommand('DELIMITER ;', ';')?.command.name).toBe('delimiter');
  });

  test('SQL is not a command', () => {
    expect(findNamedCommand('SELECT 1', ';')).toBeNull();
    expect(findNamedCommand('useful', ';')).toBeNull();
  });

  test('\\q is exit, the first with that letter, as in the client', () => {
    expect(commandByChar('q')?.name).toBe('exit');
    expect(commandByChar('G')?.name).toBe('ego');
    expect(commandByChar('x')).toBeUndefined();
  });
});

describe('firstArgument', () => {
  test('up to whitespace, or quoted', () => {
    expect(firstArgument(' db extra')).toBe('db');
    expect(firstArgument('`my db` x')).toBe('my db');
    expect(firstArgument("'it''s'")).toBe("it's");
    expect(firstArgument('"a\\"b"')).toBe('a"b');
    expect(firstArgument('//')).toBe('//');
    expect(firstArgument('')).toBe('');
  });
});

describe('help', () => {
  test('the client help lists the commands offered, in the client layout', () => {
    const help = clientHelpText();
    expect(help.startsWith('\nGeneral information about MariaDB can be found at\nhttp://mariadb.org\n\n')).toBe(true);
    expect(help).toContain("?         (\\?) Synonym for `help'.\n");
    expect(help).toContain('use       (\\u) Use another database. Takes database name as argument.\n');
    expect(help).not.toContain('pager');
    expect(help.endsWith("\nFor server side help, type 'help contents'\n\n")).toBe(true);
  });

  test('the HELP statement quotes the topic safely', () => {
    expect(serverHelpStatement('select ')).toBe("help 'select'");
    expect(serverHelpStatement("'data types'")).toBe("help 'data types'");
    expect(serverHelpStatement("it's")).toBe("help 'it\\'s'");
  });

  test('server help: one topic, a list of topics, nothing', () => {
    expect(formatServerHelp('select', 3, [['SELECT', 'Syntax\n', 'SELECT 1;\n']])).toBe(
      "Name: 'SELECT'\nDescription:\nSyntax\nExamples:\nSELECT 1;\n\n",
    );
    expect(
      formatServerHelp('sel%', 2, [
        ['SELECT', 'N'],
        ['SELECT INTO', 'N'],
      ]),
    ).toBe(
      'Many help items for your request exist.\n' +
        "To make a more specific request, please type 'help <item>',\nwhere <item> is one of the following\n" +
        'topics:\n   SELECT\n   SELECT INTO\n\n',
    );
    expect(
      formatServerHelp('contents', 3, [
        ['Contents', 'Account Management', 'Y'],
        ['Contents', 'DO', 'N'],
      ]),
    ).toBe(
      'You asked for help about help category: "Contents"\n' +
        "For more information, type 'help <item>', where <item> is one of the following\n" +
        'categories:\n   Account Management\ntopics:\n   DO\n\n',
    );
    expect(formatServerHelp('zzz', 3, [])).toBe(
      "\nNothing found\nPlease try to run 'help contents' for a list of all accessible topics\n\n",
    );
  });
});

describe('status', () => {
  test("lays facts out with the client's tabs", () => {
    const text = formatStatus({
      connectionId: 12,
      database: null,
      user: 'learner@127.0.0.1',
      delimiter: ';',
      serverName: 'MariaDB',
      serverVersion: '10.11.19-MariaDB Debian 12',
      protocolVersion: 10,
      host: '127.0.0.1',
      port: 3306,
      charsets: { server: 'utf8mb4', database: 'utf8mb4', client: 'utf8mb4', connection: 'utf8mb4' },
      uptimeSeconds: 989,
      threads: 2,
      questions: 69,
      slowQueries: 0,
      opens: 23,
      openTables: 15,
    });
    expect(text).toContain('Connection id:\t\t12\nCurrent database:\t\nCurrent user:\t\tlearner@127.0.0.1\n');
    expect(text).toContain('Uptime:\t\t\t16 min 29 sec\n\n');
    expect(text).toContain(
      'Threads: 2  Questions: 69  Slow queries: 0  Opens: 23  Open tables: 15  Queries per second avg: 0.070\n--------------\n\n',
    );
  });
});
