// The mariadb client's own commands (help, use, status, \G …), recognised the way client/mysql.cc
// recognises them: a named command is a whole line typed when no statement is pending, or a whole
// statement before the delimiter ("use db;"); the one-letter forms (\g, \G, \c …) work anywhere
// outside quotes and comments.

export type ClientCommandName =
  | '?'
  | 'charset'
  | 'clear'
  | 'connect'
  | 'delimiter'
  | 'edit'
  | 'ego'
  | 'exit'
  | 'go'
  | 'help'
  | 'nopager'
  | 'notee'
  | 'nowarning'
  | 'pager'
  | 'print'
  | 'prompt'
  | 'quit'
  | 'rehash'
  | 'sandbox'
  | 'source'
  | 'status'
  | 'system'
  | 'tee'
  | 'use'
  | 'warnings';

export interface ClientCommand {
  name: ClientCommandName;
  /** The letter after the backslash: \h, \G … */
  char: string;
  /** Whether the command reads arguments (the rest, up to the delimiter). */
  takesParams: boolean;
  /** The client's own help line; null for commands the playground does not offer. */
  doc: string | null;
}

// In the client's order, which is also the order `help` lists them in.
export const CLIENT_COMMANDS: readonly ClientCommand[] = [
  { name: '?', char: '?', takesParams: true, doc: "Synonym for `help'." },
  { name: 'charset', char: 'C', takesParams: true, doc: null },
  { name: 'clear', char: 'c', takesParams: false, doc: 'Clear the current input statement.' },
  { name: 'connect', char: 'r', takesParams: true, doc: 'Reconnect to the server. Optional argument is db.' },
  { name: 'delimiter', char: 'd', takesParams: true, doc: 'Set statement delimiter.' },
  { name: 'edit', char: 'e', takesParams: false, doc: null },
  { name: 'ego', char: 'G', takesParams: false, doc: 'Send command to MariaDB server, display result vertically.' },
  { name: 'exit', char: 'q', takesParams: false, doc: 'Exit mysql. Same as quit.' },
  { name: 'go', char: 'g', takesParams: false, doc: 'Send command to MariaDB server.' },
  { name: 'help', char: 'h', takesParams: true, doc: 'Display this help.' },
  { name: 'nopager', char: 'n', takesParams: false, doc: null },
  { name: 'notee', char: 't', takesParams: false, doc: null },
  { name: 'nowarning', char: 'w', takesParams: false, doc: "Don't show warnings after every statement." },
  { name: 'pager', char: 'P', takesParams: true, doc: null },
  { name: 'print', char: 'p', takesParams: false, doc: 'Print current command.' },
  { name: 'prompt', char: 'R', takesParams: true, doc: null },
  { name: 'quit', char: 'q', takesParams: false, doc: 'Quit mysql.' },
  { name: 'rehash', char: '#', takesParams: false, doc: null },
  { name: 'sandbox', char: '-', takesParams: false, doc: null },
  { name: 'source', char: '.', takesParams: true, doc: null },
  { name: 'status', char: 's', takesParams: false, doc: 'Get status information from the server.' },
  { name: 'system', char: '!', takesParams: true, doc: null },
  { name: 'tee', char: 'T', takesParams: true, doc: null },
  { name: 'use', char: 'u', takesParams: true, doc: 'Use another database. Takes database name as argument.' },
  { name: 'warnings', char: 'W', takesParams: false, doc: 'Show warnings after every statement.' },
];

/** The command a backslash letter names; the first match wins, as in the client (\q is exit). */
export function commandByChar(char: string): ClientCommand | undefined {
  return CLIENT_COMMANDS.find((c) => c.char === char);
}

const DELIMITER_NAME = 'delimiter';

/** A line (or statement) that starts with "delimiter" sets the delimiter, whatever it contains. */
export function isDelimiterCommand(text: string): boolean {
  return text.trimStart().slice(0, DELIMITER_NAME.length).toLowerCase() === DELIMITER_NAME;
}

export interface NamedCommand {
  command: ClientCommand;
  /** Everything after the command word, as typed. */
  arg: string;
}

/**
 * The client's find_command(): `text` names a command if its first word (up to a space or tab) is
 * a command name, in any case, and it either has nothing after it or takes arguments. A line
 * holding the delimiter or \g is left to the statement parser ("use db; select 1" runs both), unless
 * it is a delimiter command.
 */
export function findNamedCommand(text: string, delimiter: string | null): NamedCommand | null {
  const name = text.replace(/^\s+/, '');
  if (name.includes('\\g') || (delimiter !== null && name.includes(delimiter) && !isDelimiterCommand(name))) {
    return null;
  }
  const gap = name.search(/[ \t]/);
  const word = gap < 0 ? name : name.slice(0, gap);
  const arg = gap < 0 ? '' : name.slice(gap).replace(/^\s+/, '');
  const command = CLIENT_COMMANDS.find((c) => c.name === word.toLowerCase());
  if (!command) return null;
  if (arg !== '' && !command.takesParams) return null;
  return { command, arg };
}

/**
 * The first argument of a command, as the client's get_arg() reads it: up to whitespace, or
 * quoted with ' " or ` (a doubled quote or a backslash escapes inside; not backslash in `…`).
 */
export function firstArgument(arg: string): string {
  const text = arg.replace(/^\s+/, '');
  const quote = text[0] === "'" || text[0] === '"' || text[0] === '`' ? text[0] : '';
  let out = '';
  for (let i = quote ? 1 : 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length && quote !== '`') {
      out += text[++i];
    } else if (quote && ch === quote && text[i + 1] === quote) {
      out += ch;
      i++;
    } else if (quote ? ch === quote : /\s/.test(ch)) {
      break;
    } else {
      out += ch;
    }
  }
  return out;
}

/** What `help` prints without a topic (the client's com_help, for the commands offered here). */
export function clientHelpText(): string {
  const lines = [
    '',
    'General information about MariaDB can be found at',
    'http://mariadb.org',
    '',
    'List of all client commands:',
    "Note that all text commands must be first on line and end with ';'",
  ];
  for (const c of CLIENT_COMMANDS) {
    if (c.doc !== null) lines.push(`${c.name.padEnd(10)}(\\${c.char}) ${c.doc}`);
  }
  lines.push('', "For server side help, type 'help contents'", '', '');
  return lines.join('\n');
}

/** The HELP statement the client sends for `help <topic>`. */
export function serverHelpStatement(topic: string): string {
  const t = topic.trim();
  if (t.startsWith("'")) return `help ${t}`;
  return `help '${t.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
