// Turns typed lines into statements the way the mariadb client's add_line() does: a statement
// ends at the delimiter (";" unless DELIMITER changed it), \g or \G, never inside '…', "…", `…` or
// a /* comment */; it may span lines, and one line may hold several. Comments are dropped as the
// client drops them (so the server's "near '…'" quotes the same text), except /*! … */ and
// /*M! … */, which the server executes. \c, DELIMITER, go and ego are handled here; every other
// client command is handed on in order with the statements around it.
import {
  commandByChar,
  findNamedCommand,
  firstArgument,
  isDelimiterCommand,
  type ClientCommand,
  type ClientCommandName,
} from './client-commands.ts';

export type SplitItem =
  /** A statement to send; empty text means "No query specified". */
  | { kind: 'sql'; sql: string; vertical: boolean }
  /** A client command; `arg` is everything after its name, `pending` the statement typed so far. */
  | { kind: 'command'; name: ClientCommandName; arg: string; pending: string }
  /** A message the client prints as "ERROR: …". */
  | { kind: 'error'; message: string };

type Quote = '' | "'" | '"' | '`';

/** Continuation prompts of the client, by what is still open. */
export const CONTINUATION_PROMPTS = {
  statement: '    -> ',
  "'": "    '> ",
  '"': '    "> ',
  '`': '    `> ',
  comment: '   /*> ',
} as const;

const isSpace = (ch: string | undefined) => ch !== undefined && /\s/.test(ch);

export class StatementSplitter {
  private delimiterText = ';';
  /** The statement so far, comments removed, lines joined by "\n". */
  private buffer = '';
  private inString: Quote = '';
  private inComment = false;
  /** Inside /*! … *\/: kept for the server, and its "*\/" does not end a plain comment. */
  private inServerComment = false;

  get delimiter(): string {
    return this.delimiterText;
  }

  /** The statement typed so far (what \p prints). */
  get pending(): string {
    return this.buffer;
  }

  /** The prompt for the next line: `main` when nothing is pending, else a continuation prompt. */
  prompt(main: string): string {
    if (this.inComment) return CONTINUATION_PROMPTS.comment;
    if (this.buffer === '') return main;
    return this.inString ? CONTINUATION_PROMPTS[this.inString] : CONTINUATION_PROMPTS.statement;
  }

  /** Forgets the half-typed statement (\c, Ctrl-C). */
  clear(): void {
    this.buffer = '';
    this.inString = '';
    this.inComment = false;
    this.inServerComment = false;
  }

  feed(line: string): SplitItem[] {
    const items: SplitItem[] = [];
    if (this.buffer === '' && !this.inString && !this.inComment) {
      const named = findNamedCommand(line, this.delimiterText);
      if (named) {
        this.runCommand(named.command, named.arg, items);
        return items;
      }
    }

    const delimiter = () => this.delimiterText;
    let out = '';
    let needSpace = false;
    const flush = () => {
      this.buffer += out;
      out = '';
    };

    for (let pos = 0; pos < line.length; pos++) {
      const ch = line[pos];
      if (isSpace(ch) && out === '' && this.buffer === '') continue;

      if (!this.inComment && ch === '\\' && this.inString !== '`') {
        // A trailing backslash is dropped, as readline leaves it.
        if (pos + 1 >= line.length) break;
        const letter = line[++pos];
        if (this.inString || letter === 'N') {
          out += '\\' + letter;
          continue;
        }
        const command = commandByChar(letter);
        if (!command) {
          items.push({ kind: 'error', message: `Unknown command '\\${letter}'.` });
          out += '\\' + letter;
          continue;
        }
        flush();
        let arg = '';
        if (command.takesParams) {
          // Its arguments run to the delimiter, which they consume, or to the end of the line.
          const end = line.indexOf(delimiter(), pos + 1);
          arg = line.slice(pos + 1, end < 0 ? line.length : end).trim();
          pos = end < 0 ? line.length : end + delimiter().length - 1;
        }
        this.runCommand(command, arg, items);
        continue;
      }

      if (!this.inComment && !this.inString && line.startsWith(delimiter(), pos)) {
        pos += delimiter().length - 1;
        flush();
        this.endStatement(items);
        continue;
      }

      if (
        !this.inComment &&
        !this.inString &&
        (ch === '#' || (ch === '-' && line[pos + 1] === '-' && (pos + 2 >= line.length || isSpace(line[pos + 2]))))
      ) {
        flush();
        break; // the rest of the line is a comment
      }

      if (!this.inString && ch === '/' && line[pos + 1] === '*' && !this.isServerComment(line, pos)) {
        pos++;
        this.inComment = true;
        flush();
        continue;
      }

      if (this.inComment && !this.inServerComment && ch === '*' && line[pos + 1] === '/') {
        pos++;
        this.inComment = false;
        flush();
        // "a/* x */b" is "a b" to the server, not "ab".
        needSpace = true;
        continue;
      }

      if (!this.inString && ch === '/' && line[pos + 1] === '*' && line[pos + 2] === '!') {
        this.inServerComment = true;
      } else if (!this.inString && this.inServerComment && ch === '*' && line[pos + 1] === '/') {
        this.inServerComment = false;
      }
      if (ch === this.inString) {
        this.inString = '';
      } else if (!this.inComment && !this.inString && (ch === "'" || ch === '"' || ch === '`')) {
        this.inString = ch;
      }
      if (!this.inComment) {
        if (needSpace && !isSpace(ch) && (out !== '' || this.buffer !== '')) out += ' ';
        needSpace = false;
        out += ch;
      }
    }

    if (out !== '' || this.buffer !== '') {
      if (!this.inComment) this.buffer += out + '\n';
    }
    // "select 1; delimiter //" leaves a DELIMITER command pending: it takes effect now, so the
    // next line already ends at the new delimiter.
    if (!this.inString && !this.inComment && isDelimiterCommand(this.buffer)) {
      const named = findNamedCommand(this.buffer.trim(), null);
      if (named?.command.name === 'delimiter') {
        this.buffer = '';
        this.runCommand(named.command, named.arg, items);
      }
    }
    return items;
  }

  private isServerComment(line: string, pos: number): boolean {
    return line[pos + 2] === '!' || (line[pos + 2] === 'M' && line[pos + 3] === '!');
  }

  /** The delimiter ended a statement: it is a client command ("use db;") or SQL for the server. */
  private endStatement(items: SplitItem[]): void {
    const text = this.buffer;
    this.buffer = '';
    const named = findNamedCommand(text.trimEnd(), null);
    if (named) this.runCommand(named.command, named.arg, items);
    else items.push({ kind: 'sql', sql: trimStatement(text), vertical: false });
  }

  private runCommand(command: ClientCommand, arg: string, items: SplitItem[]): void {
    switch (command.name) {
      case 'clear':
        this.clear();
        return;
      case 'go':
      case 'ego': {
        const sql = trimStatement(this.buffer);
        this.buffer = '';
        items.push({ kind: 'sql', sql, vertical: command.name === 'ego' });
        return;
      }
      case 'delimiter': {
        const value = firstArgument(arg);
        if (value === '') {
          items.push({ kind: 'error', message: "DELIMITER must be followed by a 'delimiter' character or string" });
        } else if (value.includes('\\')) {
          items.push({ kind: 'error', message: 'DELIMITER cannot contain a backslash character' });
        } else {
          this.delimiterText = value;
        }
        return;
      }
      default:
        items.push({ kind: 'command', name: command.name, arg, pending: this.buffer });
    }
  }
}

/** The client sends a statement without the line ends and blanks that trail it. */
function trimStatement(text: string): string {
  return text.replace(/[\s\x00-\x1f]+$/, '');
}
