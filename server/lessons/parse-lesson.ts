// One lesson.md: front matter (YAML, one strict schema), then markdown. Text before the first `## `
// is the introduction; each `## ` heading starts a step. markdown-it parses the body once; its
// tokens carry source lines (token.map), so every problem names the line of its key or fence.
import MarkdownIt, { type Token } from 'markdown-it';
import type { LessonWorkspace } from '../../shared/lesson-api.ts';
import type { RunLanguage } from '../../shared/protocol.ts';
import { parseFenceInfo, type CheckAllowances, type FenceKind } from './fence-info.ts';
import { parseCheckBlock } from './parse-check.ts';
import type { ServiceSet } from '../services/service-set.ts';
import type { ServiceId } from '../services/endpoint.ts';
import { highlightCode } from './highlight.ts';
import { lessonSchemas, type CheckDef, type ResetSpec } from './schema.ts';
import type { LessonBlock, LessonFile, SnippetBlock, Step } from './types.ts';
import { YamlSource, type Report } from './yaml-source.ts';

/** What a fence token becomes, attached to it as token.meta while parsing. */
/** `hidden`: a check, or a snippet's alternative, drawn with the block it belongs to (or not at all). */
type FenceMeta = { hidden: true } | { hidden?: false; block: number; solution: boolean };

interface RenderEnv {
  /** placeholders: runnable blocks become `<div class="lesson-block">`; plain: they stay code. */
  mode: 'placeholders' | 'plain';
  [key: string]: unknown;
}

// Lesson text is our own content, so inline HTML (<kbd>, <details>) is allowed. Code shown as it
// is (```sh, ```python without a file) is coloured like the runnable blocks.
const markdown = new MarkdownIt({
  html: true,
  linkify: true,
  typographer: true,
  highlight: (code, language) => (language ? highlightCode(code, language) : ''),
});
const defaultFence = markdown.renderer.rules.fence!;
markdown.renderer.rules.fence = (tokens, idx, options, env, self) => {
  const meta = tokens[idx].meta as FenceMeta | null;
  if (!meta) return defaultFence(tokens, idx, options, env, self);
  if (meta.hidden) return '';
  if ((env as RenderEnv | undefined)?.mode === 'placeholders') return `<div class="lesson-block" data-block="${meta.block}"></div>\n`;
  const html = defaultFence(tokens, idx, options, env, self);
  return meta.solution ? `<details class="lesson-solution"><summary>Solution</summary>\n${html}</details>\n` : html;
};

export interface LessonSettings {
  services: ServiceId[];
  language: RunLanguage;
}

export interface ParsedLesson {
  title: string;
  summary?: string;
  services: ServiceId[];
  workspace: LessonWorkspace;
  reset: ResetSpec;
  introHtml: string;
  steps: Step[];
  plainHtml: string;
}

/** What a lesson of each `workspace:` has no pane for, and the word for it in the problem. */
const PANE_MISSING: Record<LessonWorkspace, { kind: LessonBlock['kind']; why: string } | null> = {
  all: null,
  terminals: { kind: 'snippet', why: 'the lesson\'s workspace is "terminals" (no editor): make it "all", or drop the snippet' },
  editor: { kind: 'terminal', why: 'the lesson\'s workspace is "editor" (no service terminals): make it "all", or drop the block' },
};

/** A snippet block from its fence and content. */
function snippet(kind: Extract<FenceKind, { kind: 'snippet' }>, code: string, line: number): SnippetBlock {
  const { language, file, background, expect, solution } = kind;
  const html = highlightCode(code, language);
  return { kind: 'snippet', language, file, code, html, background, expect, solution, alternatives: [], line };
}

/** The fence's first word (` ```mysql solution ` → "mysql"), which names the grammar. */
const fenceWord = (info: string) => info.trim().split(/\s+/)[0] ?? '';

/** "Push `three` jobs!" → "push-three-jobs"; empty when the title has no letters or digits. */
export function slugify(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function plainText(inline: Token | undefined): string {
  if (!inline) return '';
  if (!inline.children) return inline.content;
  return inline.children
    .map((t) => (t.type === 'text' || t.type === 'code_inline' ? t.content : t.type === 'softbreak' ? ' ' : ''))
    .join('')
    .trim();
}

/**
 * Parses the text of lesson.md. `files` are the files beside it (an empty snippet block takes its
 * content from the file of its name). Problems go to `report`; the answer is null when the lesson
 * cannot be built at all.
 */
export function parseLesson(
  source: string,
  settings: LessonSettings,
  files: LessonFile[],
  serviceSet: ServiceSet,
  report: Report,
): ParsedLesson | null {
  const text = source.replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  if (lines[0].trimEnd() !== '---') {
    report(1, 'lesson.md starts with front matter: a line "---", then "title: …", then "---"');
    return null;
  }
  const close = lines.findIndex((l, i) => i > 0 && (l.trimEnd() === '---' || l.trimEnd() === '...'));
  if (close < 0) {
    report(1, 'the front matter is not closed: add a line "---" after it');
    return null;
  }
  const yaml = YamlSource.parse(lines.slice(1, close).join('\n'), 2, report);
  if (!yaml) return null;
  const front = lessonSchemas(serviceSet).frontMatter.safeParse(yaml.value ?? {}, { reportInput: true });
  if (!front.success) {
    yaml.reportIssues(front.error, report);
    return null;
  }
  const services = front.data.services ?? settings.services;
  const workspace = front.data.workspace ?? 'all';
  const missing = PANE_MISSING[workspace];

  /** File line of body line 0. */
  const bodyLine = close + 2;
  const tokens = markdown.parse(lines.slice(close + 1).join('\n'), {});
  const lineOf = (token: Token) => bodyLine + (token.map?.[0] ?? 0);

  const headings = tokens.flatMap((t, i) => (t.type === 'heading_open' && t.tag === 'h2' && t.level === 0 ? [i] : []));
  if (headings.length === 0) {
    report(bodyLine, 'the lesson has no steps: each step starts with a "## " heading');
  }
  const fileByName = new Map(files.map((f) => [f.name, f.content]));

  // The introduction: prose only.
  const introEnd = headings[0] ?? tokens.length;
  for (const token of tokens.slice(0, introEnd)) {
    if (token.type !== 'fence') continue;
    const kind = parseFenceInfo(token.info, serviceSet);
    if ('error' in kind) report(lineOf(token), kind.error);
    else if (kind.kind !== 'shown') {
      report(lineOf(token), `a ${kind.kind} block belongs in a step, after a "## " heading, not in the introduction`);
    }
  }

  const steps: Step[] = [];
  const stepLines = new Map<string, number>();
  headings.forEach((start, n) => {
    const end = headings[n + 1] ?? tokens.length;
    const headingLine = lineOf(tokens[start]);
    const title = plainText(tokens[start + 1]);
    let id = slugify(title);
    if (!id) id = `step-${n + 1}`;
    const earlier = stepLines.get(id);
    if (earlier !== undefined) {
      report(headingLine, `a step titled like "${title}" already exists (line ${earlier}); step titles must differ`);
    }
    stepLines.set(id, headingLine);

    const blocks: LessonBlock[] = [];
    const checks: CheckDef[] = [];
    const allowed: CheckAllowances = {};
    // Past the heading's three tokens (open, inline, close).
    const body = tokens.slice(start + 3, end);
    for (const token of body) {
      if (token.type !== 'fence') continue;
      const line = lineOf(token);
      const kind = parseFenceInfo(token.info, serviceSet);
      if ('error' in kind) {
        report(line, kind.error);
        continue;
      }
      const code = token.content.replace(/\n$/, '');
      switch (kind.kind) {
        case 'shown':
          break;
        case 'check':
          checks.push(...parseCheckBlock(token.content, line + 1, line, serviceSet, report));
          Object.assign(allowed, kind.allowed);
          token.meta = { hidden: true } satisfies FenceMeta;
          break;
        case 'terminal':
          if (code.trim() === '') {
            report(line, `the ${kind.service} block is empty`);
            break;
          }
          if (!services.includes(kind.service)) {
            report(line, `a ${kind.service} terminal block, but the lesson's services are [${services.join(', ')}]; add ${kind.service} to "services"`);
          }
          if (missing?.kind === 'terminal') report(line, `a ${kind.service} terminal block, but ${missing.why}`);
          token.meta = { block: blocks.length, solution: kind.solution } satisfies FenceMeta;
          blocks.push({
            kind: 'terminal',
            service: kind.service,
            code,
            html: highlightCode(code, fenceWord(token.info)),
            lines: code.split('\n'),
            solution: kind.solution,
            line,
          });
          break;
        case 'snippet': {
          let content = code;
          if (content.trim() === '') {
            const beside = kind.file ? fileByName.get(kind.file) : undefined;
            if (beside === undefined) {
              report(line, kind.file ? `the ${kind.file} block is empty and there is no file ${kind.file} beside lesson.md` : 'the solution block is empty');
              break;
            }
            content = beside;
          }
          if (kind.alt) {
            // The same program in another language, shown as a tab of the block right before it.
            const main = blocks[blocks.length - 1];
            if (main?.kind !== 'snippet') {
              report(line, 'an "alt" block comes right after the snippet block it is another language of');
              break;
            }
            if ([main, ...main.alternatives].some((b) => b.language === kind.language)) {
              report(line, `the snippet before this "alt" block is ${kind.language} already; an alternative is in another language`);
              break;
            }
            main.alternatives.push(snippet(kind, content, line));
            token.meta = { hidden: true } satisfies FenceMeta;
            break;
          }
          if (missing?.kind === 'snippet') report(line, `a ${kind.language} snippet block, but ${missing.why}`);
          token.meta = { block: blocks.length, solution: kind.solution } satisfies FenceMeta;
          blocks.push(snippet(kind, content, line));
          break;
        }
      }
    }
    const html = markdown.renderer.render(body, markdown.options, { mode: 'placeholders' } satisfies RenderEnv);
    steps.push({ id, title, html, blocks, checks, allowed, line: headingLine });
  });

  return {
    title: front.data.title,
    summary: front.data.summary,
    services,
    workspace,
    reset: front.data.reset ?? {},
    introHtml: markdown.renderer.render(tokens.slice(0, introEnd), markdown.options, { mode: 'placeholders' } satisfies RenderEnv),
    steps,
    plainHtml: markdown.renderer.render(tokens, markdown.options, { mode: 'plain' } satisfies RenderEnv),
  };
}
