// The commands a terminal knows (sent by the server in `opened`), for Tab completion of the
// command name and the one-line syntax hint shown while typing, as redis-cli does.
import type { CommandInfo } from '../../../shared/protocol.ts';

export class CommandCatalog {
  /** First words of all command names, unique, in catalog case. */
  private readonly firstWords: string[];
  /** Commands by their normalised name, longest names first (so "CLIENT LIST" beats "CLIENT"). */
  private readonly byName: Array<{ words: string[]; info: CommandInfo }>;

  constructor(
    commands: readonly CommandInfo[] = [],
    readonly caseInsensitive = false,
  ) {
    const seen = new Set<string>();
    this.firstWords = [];
    for (const c of commands) {
      const first = c.name.split(/\s+/)[0];
      if (!first) continue;
      const key = this.norm(first);
      if (seen.has(key)) continue;
      seen.add(key);
      this.firstWords.push(first);
    }
    this.firstWords.sort((a, b) => this.norm(a).localeCompare(this.norm(b)));
    this.byName = commands
      .map((info) => ({
        words: info.name
          .split(/\s+/)
          .filter(Boolean)
          .map((w) => this.norm(w)),
        info,
      }))
      .filter((c) => c.words.length > 0)
      .sort((a, b) => b.words.length - a.words.length);
  }

  get size(): number {
    return this.firstWords.length;
  }

  private norm(word: string): string {
    return this.caseInsensitive ? word.toLowerCase() : word;
  }

  /**
   * Command names that start with `prefix`. When case does not matter and the learner types in
   * lower case, completions follow the learner (redis-cli accepts both; "set" should not turn
   * into "SET" under their fingers).
   */
  complete(prefix: string): string[] {
    const p = this.norm(prefix);
    const lower =
      this.caseInsensitive && prefix !== '' && prefix === prefix.toLowerCase() && prefix !== prefix.toUpperCase();
    return this.firstWords.filter((w) => this.norm(w).startsWith(p)).map((w) => (lower ? w.toLowerCase() : w));
  }

  /** The longest prefix shared by all candidates (compared the way the catalog compares). */
  commonPrefix(candidates: readonly string[]): string {
    if (candidates.length === 0) return '';
    let prefix = candidates[0];
    for (const c of candidates.slice(1)) {
      let i = 0;
      while (i < prefix.length && i < c.length && this.norm(prefix[i]) === this.norm(c[i])) i++;
      prefix = prefix.slice(0, i);
    }
    return prefix;
  }

  /** The command a typed line starts with, if any: the one matching the most leading words. */
  lookup(line: string): { info: CommandInfo; nameWords: number } | null {
    const words = splitArgs(line).map((w) => this.norm(w));
    if (words.length === 0) return null;
    for (const c of this.byName) {
      if (c.words.length <= words.length && c.words.every((w, i) => w === words[i])) {
        return { info: c.info, nameWords: c.words.length };
      }
    }
    return null;
  }

  /**
   * What is left to type, e.g. " value [NX|XX]" after "SET k". Arguments already typed are dropped
   * from the front of the syntax, stopping at the first optional one (we cannot tell which options
   * the learner chose). Empty when there is nothing useful to show.
   */
  hint(line: string): string {
    const found = this.lookup(line);
    if (!found || !found.info.syntax.trim()) return '';
    const typedArgs = splitArgs(line).length - found.nameWords;
    const tokens = splitSyntax(found.info.syntax);
    let drop = typedArgs;
    while (drop > 0 && tokens.length > 0 && !tokens[0].startsWith('[')) {
      tokens.shift();
      drop--;
    }
    if (tokens.length === 0) return '';
    const rest = tokens.join(' ');
    return /\s$/.test(line) ? rest : ` ${rest}`;
  }
}

/** Words of a typed line; quoted strings ("a b", 'a b') count as one word, as in redis-cli. */
export function splitArgs(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: string | null = null;
  for (const ch of line) {
    if (quote) {
      current += ch;
      if (ch === quote) quote = null;
      continue;
    }
    if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    current += ch;
    inWord = true;
  }
  if (inWord) words.push(current);
  return words;
}

const OPENERS: Record<string, string> = { '[': ']', '<': '>', '{': '}', '(': ')' };

/** Splits a syntax string into arguments; a bracketed group ("[EX seconds]") is one argument. */
export function splitSyntax(syntax: string): string[] {
  const tokens: string[] = [];
  let current = '';
  const closers: string[] = [];
  for (const ch of syntax.trim()) {
    if (OPENERS[ch]) closers.push(OPENERS[ch]);
    else if (closers.length && ch === closers[closers.length - 1]) closers.pop();
    if (/\s/.test(ch) && closers.length === 0) {
      if (current) tokens.push(current);
      current = '';
    } else current += ch;
  }
  if (current) tokens.push(current);
  return tokens;
}
