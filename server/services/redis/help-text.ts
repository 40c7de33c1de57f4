// What HELP and the terminal's own colon commands print. HELP <command> is laid out exactly as
// redis-cli prints it (cliOutputCommandHelp), colours included; the text comes from the catalog.
import { BOLD, GREY, RESET, YELLOW } from '../../../shared/ansi.ts';
import { visibleText } from '../visible-text.ts';
import type { CommandDoc } from './command-docs.ts';

/** The catalog's text is the server's (COMMAND DOCS): shown with its control characters escaped. */
function commandHelp(doc: CommandDoc, withGroup: boolean): string {
  const text = (value: string | undefined) => visibleText(value ?? '', 'none');
  let out = `\r\n  ${BOLD}${text(doc.name)}${RESET} ${GREY}${text(doc.syntax)}${RESET}\r\n`;
  out += `  ${YELLOW}summary:${RESET} ${text(doc.summary)}\r\n`;
  out += `  ${YELLOW}since:${RESET} ${text(doc.since)}\r\n`;
  if (withGroup) out += `  ${YELLOW}group:${RESET} ${text(doc.group)}\r\n`;
  return out;
}

/**
 * `HELP <words>`: every command whose name starts with those words (so `HELP CONFIG` shows the
 * container and all its subcommands), or `HELP @group`: the group's commands. Arguments as typed.
 */
export function helpFor(words: string[], catalog: CommandDoc[]): string {
  if (words.length === 0) return GENERIC_HELP;
  const wanted = words.map((w) => w.toUpperCase());
  let out = '';
  if (wanted[0].startsWith('@')) {
    const group = wanted[0].slice(1).toLowerCase();
    for (const doc of catalog) if (doc.group === group && !doc.name.includes(' ')) out += commandHelp(doc, false);
  } else {
    for (const doc of catalog) {
      const name = doc.name.split(' ');
      if (wanted.length <= name.length && wanted.every((w, i) => w === name[i])) out += commandHelp(doc, true);
    }
  }
  if (!out) {
    // redis-cli prints only a blank line here; a learner gets a pointer instead.
    // JSON quotes C0 controls but leaves DEL and C1 ones as they are.
    const asked = visibleText(JSON.stringify(words.join(' ')), 'none');
    return `No help for ${asked}. Type "help" to see how help works.\r\n`;
  }
  return out + '\r\n';
}

/** `HELP` alone: redis-cli's usage text, adapted to this terminal. */
export const GENERIC_HELP = [
  'To get help about Redis commands type:',
  '      "help @<group>" to get a list of commands in <group>',
  '      "help <command>" for help on <command>',
  '      (the hint beside the cursor and Tab completion show the syntax too)',
  '',
  'This terminal also knows a few commands of its own, starting with a colon:',
  '      ":help" lists them',
  '',
].join('\r\n');

/** `:help`: the terminal's own commands. */
export const META_HELP = [
  'Commands of this terminal (handled here, never sent to Redis):',
  '  :raw          show the exact bytes of the last reply, as Redis sent them (RESP)',
  '  :raw on       show the raw bytes after every reply from now on',
  '  :raw off      stop showing them',
  '  :restart      stop Redis cleanly (it saves a snapshot) and start it again',
  '  :restart crash  kill it with SIGKILL, as a crash would (what changed since the last snapshot is lost)',
  '  :help         this list',
  'The Wire view (Alt+W, or the Wire button) shows every command and reply of this',
  'terminal the same way, decoded and paired, with their bytes.',
  'Like redis-cli, a number before a command repeats it ("3 INCR counter"),',
  'and CLEAR clears the screen.',
  '',
].join('\r\n');
