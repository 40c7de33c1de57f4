// The info string of a fenced block decides what the block is (docs/lesson-format.md, "Steps"):
//   ```redis            a terminal block (each service's fence tag: memcached, redis, amqp, mysql)
//   ```python file=x.py [background] [expect="text"]   a snippet block (python, javascript)
//   ```javascript file=x.js alt                        the same snippet in another language: the
//                       page shows the two as one block with a tab per language
//   ```check            the step's check (YAML); `passes-before="why"` or `not-repeatable="why"`
//                       excuse a step from one of lessons:check's proofs (docs/lesson-format.md)
//   ... plus `solution` on a terminal or snippet block: hidden behind "Show solution".
// Anything else is shown as code. Words that only make sense on runnable blocks are refused
// elsewhere, since a typo there would quietly turn a runnable block into a shown one.
import { isFileName } from '../../shared/file-names.ts';
import { RUN_LANGUAGES, type RunLanguage } from '../../shared/protocol.ts';
import type { ServiceSet } from '../services/service-set.ts';
import type { ServiceId } from '../services/endpoint.ts';

/** The file extensions a snippet of each language may have. */
const EXTENSIONS: Record<RunLanguage, RegExp> = {
  python: /\.py$/,
  javascript: /\.m?js$/,
};

export type FenceKind =
  | { kind: 'terminal'; service: ServiceId; solution: boolean }
  | {
      kind: 'snippet';
      language: RunLanguage;
      file?: string;
      background: boolean;
      expect?: string;
      solution: boolean;
      /** The same program as the snippet block before it, in another language. */
      alt: boolean;
    }
  | { kind: 'check'; allowed: CheckAllowances }
  | { kind: 'shown' };

/**
 * What lessons:check is told not to prove of a step, each with the reason a reader sees: that its
 * check fails before the step is done (`passesBefore`), or that the step passes done twice
 * (`notRepeatable`).
 */
export interface CheckAllowances {
  passesBefore?: string;
  notRepeatable?: string;
}

const ALLOWANCES: Record<string, keyof CheckAllowances> = {
  'passes-before': 'passesBefore',
  'not-repeatable': 'notRepeatable',
};

interface Word {
  name: string;
  value?: string;
}

const RUN_WORDS = ['file', 'background', 'expect', 'solution', 'alt'];

/** Splits `python file=a.py expect="hello world"` into words; answers an error text if it cannot. */
export function splitInfo(info: string): Word[] | string {
  const words: Word[] = [];
  const re = /\s*([^\s="]+)(?:=("((?:[^"\\]|\\.)*)"|[^\s"]*))?/y;
  let at = 0;
  const text = info.trim();
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m || m[0].length === 0) {
      return `cannot read the fence's words after ${JSON.stringify(text.slice(0, at))}; quote values like expect="some text"`;
    }
    const quoted = m[3];
    const value = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : m[2];
    words.push({ name: m[1], value });
    at = re.lastIndex;
    if (at < text.length && !/\s/.test(text[at])) {
      return `cannot read the fence's words near ${JSON.stringify(text.slice(at, at + 20))}; quote values like expect="some text"`;
    }
  }
  return words;
}

export function parseFenceInfo(info: string, services: ServiceSet): FenceKind | { error: string } {
  const words = splitInfo(info);
  if (typeof words === 'string') return { error: words };
  if (words.length === 0) return { kind: 'shown' };
  const [tag, ...rest] = words;
  if (tag.value !== undefined) {
    return RUN_WORDS.includes(tag.name)
      ? { error: `the fence starts with ${tag.name}=…; put the language first, e.g. \`\`\`python file=app.py` }
      : { kind: 'shown' };
  }
  const seen = new Set<string>();
  for (const w of rest) {
    if (seen.has(w.name) && RUN_WORDS.includes(w.name)) return { error: `"${w.name}" appears twice in the fence` };
    seen.add(w.name);
  }

  if (tag.name === 'check') {
    const allowed: CheckAllowances = {};
    for (const w of rest) {
      const key = ALLOWANCES[w.name];
      if (!key) {
        return {
          error: `a check fence takes only ${Object.keys(ALLOWANCES).map((k) => `${k}="why"`).join(' or ')} after "check" (found "${w.name}")`,
        };
      }
      if (!w.value?.trim()) return { error: `${w.name}= needs the reason, e.g. ${w.name}="the queue is made in step 1"` };
      if (allowed[key] !== undefined) return { error: `"${w.name}" appears twice in the fence` };
      allowed[key] = w.value.trim();
    }
    return { kind: 'check', allowed };
  }

  const service = services.byFenceTag(tag.name)?.name;
  if (service) {
    let solution = false;
    for (const w of rest) {
      if (w.name === 'solution' && w.value === undefined) solution = true;
      else if (w.name === 'file' || w.name === 'background' || w.name === 'expect') {
        return { error: `"${w.name}" belongs on snippet blocks (python, javascript), not on a ${tag.name} terminal block` };
      } else return { error: `unknown word "${w.name}" in a ${tag.name} fence; it takes only "solution"` };
    }
    return { kind: 'terminal', service, solution };
  }

  if ((RUN_LANGUAGES as readonly string[]).includes(tag.name)) {
    const language = tag.name as RunLanguage;
    const runnable = rest.some((w) => RUN_WORDS.includes(w.name));
    if (!runnable) return { kind: 'shown' };
    let file: string | undefined;
    let background = false;
    let expect: string | undefined;
    let solution = false;
    let alt = false;
    for (const w of rest) {
      switch (w.name) {
        case 'file':
          if (!w.value) return { error: 'file= needs a name, e.g. file=producer.py' };
          if (!isFileName(w.value)) {
            return { error: `file=${w.value}: a plain file name (letters, digits, _ . -, up to 64 characters, no folders)` };
          }
          if (!EXTENSIONS[language].test(w.value)) {
            return { error: `file=${w.value}: a ${language} file name ends in ${language === 'python' ? '.py' : '.js'}` };
          }
          file = w.value;
          break;
        case 'background':
          if (w.value !== undefined) return { error: '"background" takes no value' };
          background = true;
          break;
        case 'expect':
          if (!w.value) return { error: 'expect= needs the text the run prints, e.g. expect="Received hello"' };
          expect = w.value;
          break;
        case 'solution':
          if (w.value !== undefined) return { error: '"solution" takes no value' };
          solution = true;
          break;
        case 'alt':
          if (w.value !== undefined) return { error: '"alt" takes no value' };
          alt = true;
          break;
        default:
          return {
            error: `unknown word "${w.name}" in a ${language} fence; it takes file=NAME, background, expect="text", solution, alt`,
          };
      }
    }
    if (!file && !solution) return { error: `a runnable ${language} block needs file=NAME (e.g. file=app${language === 'python' ? '.py' : '.js'})` };
    return { kind: 'snippet', language, file, background, expect, solution, alt };
  }

  const named = services.has(tag.name) ? services.get(tag.name) : undefined;
  if (named) {
    return { error: `the ${named.title} terminal block is tagged \`\`\`${named.fenceTag} (\`\`\`${tag.name} would only be shown)` };
  }
  const runWord = rest.find((w) => RUN_WORDS.includes(w.name));
  if (runWord) {
    return {
      error: `"${runWord.name}" on a ${tag.name} block: only python and javascript snippets and the ${services.adapters.map((a) => a.fenceTag).join(', ')} terminal blocks run`,
    };
  }
  return { kind: 'shown' };
}
