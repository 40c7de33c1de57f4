// What `npm run lessons:check` does for each lesson, against a running playground: "Start this
// lesson fresh", then for each step its terminal, snippet and solution blocks in the order written
// (terminal lines typed through a real terminal over the WebSocket, one after each reply; snippets
// run in the sandbox), then the step's checks through the same code as the Check button.
//
// Around each step it proves two more things a learner relies on: the step's check FAILS before
// the step is done (a check that passes anyway teaches nothing), and the step done a second time
// still passes (learners repeat steps). A step that breaks either is a violation, reported with
// its lesson.md line, unless its check fence excuses it with a reason (`passes-before="…"`,
// `not-repeatable="…"`), which is listed instead. The second time, a snippet written in another
// language too (```javascript … alt) runs in that language, so both versions are proven.
import { MAX_RUN_FILES } from '../../shared/limits.ts';
import { DEFAULT_MAIN_FILE } from '../../shared/protocol.ts';
import { SERVICES } from '../services/registry.ts';
import type { ServiceSet } from '../services/service-set.ts';
import type { RawReplies } from '../services/types.ts';
import type { ServiceId } from '../services/endpoint.ts';
import { HINT_MARK } from '../runner/hints.ts';
import { errorText } from '../util/errors.ts';
import { PlaygroundClient } from '../ws/playground-client.ts';
import { resetLesson } from './reset.ts';
import { runChecks, type CheckOutcome, type LearnerTargets } from './run-checks.ts';
import type { Lesson, LessonBlock, SnippetBlock, Step, TerminalBlock } from './types.ts';

/** A terminal line's reply (the next prompt) within this, or the line counts as stuck. */
const LINE_TIMEOUT_MS = 10_000;
/**
 * A raw-pipe terminal (memcached) prompts at once; its reply has come when the output holds a whole
 * reply (RawReplies.complete), or stays quiet this long.
 */
const RAW_QUIET_MS = 100;
const RAW_REPLY_TIMEOUT_MS = 3_000;
/** `:restart` in a terminal block: the service is back within its start time (RabbitMQ's is the longest). */
const RESTART_TIMEOUT_MS = 90_000;
/** The terminal's own restart command (server/terminal/terminal-host.ts); it waits for the service to come back. */
const RESTART_LINE = /^\s*:restart\b/;
/** A foreground run must exit within this (the runner's own limit is 30 s). */
const RUN_TIMEOUT_MS = 40_000;
/**
 * A background run is given this long to print its first line ("waiting for messages") before
 * the next block goes on, as a person would wait to see it ready.
 */
const BACKGROUND_READY_MS = 8_000;
/** How long `expect` text may take to appear in a background run's output. */
const EXPECT_TIMEOUT_MS = 20_000;
/**
 * Checks that fail are asked again for this long: a message published from a terminal or a
 * consumer's ack reaches the broker's counters a moment after the prompt returns.
 */
const CHECK_SETTLE_MS = 3_000;
const CHECK_RETRY_MS = 200;
/** After Ctrl-C a background run has this long to exit (the runner kills it after 3 s). */
const INTERRUPT_WAIT_MS = 5_000;

export interface LessonCheckOptions {
  baseUrl: string;
  /** Where the playground's services answer, for the resets and checks (its Supervisor). */
  targets: LearnerTargets;
  /** The services the lessons were loaded with; the playground's own unless a test brings others. */
  services?: ServiceSet;
  /** Also prove each step: its check fails before it, and it passes done twice (see the top of the file). */
  prove?: boolean;
  /** Overrides LINE_TIMEOUT_MS (tests of a stuck line need not wait 10 s). */
  lineTimeoutMs?: number;
  /** Told each step as it passes, with what its checks found (for --verbose). */
  onStep?: (step: Step, outcomes: CheckOutcome[], ms: number) => void;
}

export interface LessonCheckResult {
  lesson: Lesson;
  /** Every step passed, and no step broke a proof. */
  ok: boolean;
  ms: number;
  /** What went wrong: the step, the block (with its line), and the output that shows it. */
  failure?: string;
  /** Steps whose check passes before them, or that break done twice, each with its lesson.md line. */
  violations: string[];
  /** The proofs skipped on purpose, each with its reason from the check fence. */
  allowed: string[];
}

class StepFailure extends Error {}

interface RunState {
  id: string;
  block: SnippetBlock;
  name: string;
}

function tail(text: string, max = 2000): string {
  const clean = text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r\n/g, '\n');
  return clean.length > max ? `…${clean.slice(-max)}` : clean;
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');
}

class LessonRun {
  readonly violations: string[] = [];
  readonly allowed: string[] = [];
  private readonly terminals = new Map<ServiceId, string>();
  private readonly background: RunState[] = [];
  private readonly files = new Map<string, string>();
  private counter = 0;

  constructor(
    private readonly lesson: Lesson,
    private readonly client: PlaygroundClient,
    private readonly options: LessonCheckOptions,
  ) {
    for (const f of lesson.files) this.files.set(f.name, f.content);
  }

  private where(step: Step, block?: LessonBlock): string {
    const line = block ? block.line : step.line;
    return `step "${step.title}" (lesson.md:${line})`;
  }

  async run(): Promise<void> {
    const reset = await resetLesson(this.lesson.reset, this.options);
    if (!reset.ok) throw new StepFailure(`"Start this lesson fresh" failed: ${reset.errors.join('; ')}`);
    try {
      for (const step of this.lesson.steps) await this.runStep(step);
    } finally {
      await this.stopBackground();
    }
  }

  private async runStep(step: Step): Promise<void> {
    const began = performance.now();
    if (this.options.prove) await this.proveFailsBefore(step);
    const outcomes = await this.doStep(step);
    this.options.onStep?.(step, outcomes, performance.now() - began);
    if (this.options.prove) await this.proveRepeatable(step);
  }

  /** Where a step's check is written: the line of its first check in lesson.md. */
  private checkLine(step: Step): string {
    return `step "${step.title}" (lesson.md:${step.checks[0]?.line ?? step.line})`;
  }

  /** The step's check, asked before the step is done, must not pass: the state has not the step's effect yet. */
  private async proveFailsBefore(step: Step): Promise<void> {
    if (step.checks.length === 0) return;
    if (step.allowed.passesBefore !== undefined) {
      this.allowed.push(`${this.checkLine(step)}: its check may pass before the step — ${step.allowed.passesBefore}`);
      return;
    }
    const outcomes = await runChecks(step.checks, this.options);
    if (outcomes.every((o) => o.ok)) {
      this.violations.push(
        `${this.checkLine(step)}: its check passes before the step is done (${outcomes.map((o) => o.message).join('; ')})`,
      );
    }
  }

  /** The step done a second time must still pass, as a learner who repeats it would expect. */
  private async proveRepeatable(step: Step): Promise<void> {
    if (step.blocks.length === 0) return;
    if (step.allowed.notRepeatable !== undefined) {
      this.allowed.push(`${this.checkLine(step)}: not repeatable — ${step.allowed.notRepeatable}`);
      return;
    }
    try {
      await this.doStep(step, true);
    } catch (err) {
      if (!(err instanceof StepFailure)) throw err;
      this.violations.push(`done a second time, ${err.message}`);
    }
  }

  /**
   * The step's blocks in order, then its checks, which must pass; background runs stop after.
   * `alternatives`: each snippet in its other language where it has one (the proof's second time).
   */
  private async doStep(step: Step, alternatives = false): Promise<CheckOutcome[]> {
    let outcomes: CheckOutcome[] = [];
    for (const block of step.blocks) {
      if (block.kind === 'terminal') await this.terminalBlock(step, block);
      else await this.snippetBlock(step, (alternatives && block.alternatives[0]) || block);
    }
    for (const run of this.background) await this.waitForExpect(step, run);
    if (step.checks.length > 0) {
      outcomes = await this.settledChecks(step);
      const failed = outcomes.filter((o) => !o.ok);
      if (failed.length > 0) {
        const lines = failed.map((o) => `    ✗ ${o.message}`).join('\n');
        throw new StepFailure(`${this.where(step)}: the check failed:\n${lines}${this.transcripts()}`);
      }
    }
    // Background programs run until the step's check passed, as a learner stops them then.
    await this.stopBackground();
    return outcomes;
  }

  private async settledChecks(step: Step): Promise<CheckOutcome[]> {
    const deadline = Date.now() + CHECK_SETTLE_MS;
    for (;;) {
      const outcomes = await runChecks(step.checks, this.options);
      if (outcomes.every((o) => o.ok) || Date.now() > deadline) return outcomes;
      await new Promise((r) => setTimeout(r, CHECK_RETRY_MS));
    }
  }

  private async terminal(service: ServiceId): Promise<string> {
    let id = this.terminals.get(service);
    if (!id) {
      id = `term-${service}`;
      const t = await this.client.open(id, service, LINE_TIMEOUT_MS);
      if (t.exited !== null || t.errors.length > 0) {
        throw new StepFailure(`the ${service} terminal did not open: ${t.errors.join('; ') || 'it closed'}`);
      }
      this.terminals.set(service, id);
    }
    return id;
  }

  private async terminalBlock(step: Step, block: TerminalBlock): Promise<void> {
    const id = await this.terminal(block.service);
    const transcript = this.client.terminal(id);
    const from = transcript.chunks.length;
    const timeout = this.options.lineTimeoutMs ?? LINE_TIMEOUT_MS;
    const raw = (this.options.services ?? SERVICES).get(block.service).rawReplies;
    for (const line of block.lines) {
      try {
        if (RESTART_LINE.test(line)) await this.restartLine(id, line);
        else if (raw) await this.rawLine(id, line, raw);
        else await this.client.run(id, line, timeout);
      } catch {
        throw new StepFailure(
          `${this.where(step, block)}: the ${block.service} line ${JSON.stringify(line)} got no reply (no prompt within ${timeout / 1000} s); output:\n${indent(tail(transcript.since(from)))}`,
        );
      }
      if (transcript.exited !== null) {
        throw new StepFailure(`${this.where(step, block)}: the ${block.service} terminal closed at ${JSON.stringify(line)}:\n${indent(tail(transcript.since(from)))}`);
      }
    }
  }

  /** `:restart`: the service goes down and comes back; the next line waits for the reconnected prompt. */
  private async restartLine(id: string, line: string): Promise<void> {
    const t = this.client.terminal(id);
    const from = t.output.length;
    // The line itself answers no prompt (the session goes down): the next one is the reconnected session's.
    const prompts = t.prompts.length;
    this.client.send({ type: 'input', id, data: `${line}\r` });
    await this.client.waitForOutput(id, /is back; reconnected/, from, RESTART_TIMEOUT_MS);
    await this.client.until(() => t.prompts.length > prompts, RESTART_TIMEOUT_MS);
  }

  /** A terminal that prompts at once: wait for its reply, which ends in a known line, or for quiet. */
  private async rawLine(id: string, line: string, raw: RawReplies): Promise<void> {
    const t = this.client.terminal(id);
    const from = t.chunks.length;
    this.client.send({ type: 'input', id, data: `${line}\r` });
    if (!raw.expectsReply(line)) return; // e.g. the data line comes next; the reply (if any) follows it
    const deadline = Date.now() + RAW_REPLY_TIMEOUT_MS;
    let seen = -1;
    while (Date.now() < deadline) {
      if (raw.complete(line, t.since(from))) return;
      const before = t.chunks.length;
      if (before === seen) return; // quiet for a whole interval: no (more) reply is coming
      seen = before;
      await this.client.until(() => t.chunks.length > before, RAW_QUIET_MS).catch(() => {});
    }
  }

  private runFiles(main: string): { name: string; content: string }[] {
    const files = [...this.files].filter(([name]) => name !== main).map(([name, content]) => ({ name, content }));
    return files.slice(-MAX_RUN_FILES);
  }

  private async snippetBlock(step: Step, block: SnippetBlock): Promise<void> {
    const name = block.file ?? DEFAULT_MAIN_FILE[block.language];
    const id = `run-${++this.counter}`;
    const files = this.runFiles(name);
    // Later blocks see this file as the editor would have it.
    this.files.delete(name);
    this.files.set(name, block.code);
    this.client.send({ type: 'open', id, kind: 'run', language: block.language, code: block.code, name, files });
    const t = this.client.terminal(id);
    const label = `${this.where(step, block)}: ${name}${block.solution ? ' (solution)' : ''}`;

    if (block.background) {
      const run = { id, block, name };
      this.background.push(run);
      await this.client.until(() => t.output.length > 0 || t.exited !== null, BACKGROUND_READY_MS).catch(() => {});
      if (t.exited !== null && t.exited !== 0) {
        throw new StepFailure(`${label} (background) exited with code ${t.exited}:\n${indent(tail(t.output))}`);
      }
      return;
    }

    try {
      await this.client.until(() => t.exited !== null, RUN_TIMEOUT_MS);
    } catch {
      throw new StepFailure(`${label} did not finish within ${RUN_TIMEOUT_MS / 1000} s; output:\n${indent(tail(t.output))}`);
    }
    if (t.exited !== 0) {
      const errors = t.errors.length > 0 ? `\n      (${t.errors.join('; ')})` : '';
      throw new StepFailure(`${label} exited with code ${t.exited}:\n${indent(tail(t.output))}${errors}`);
    }
    if (block.expect && !normalized(t.output).includes(block.expect)) {
      throw new StepFailure(`${label} did not print ${JSON.stringify(block.expect)}; output:\n${indent(tail(t.output))}`);
    }
    noHint(label, t.output);
  }

  private async waitForExpect(step: Step, run: RunState): Promise<void> {
    const t = this.client.terminal(run.id);
    const { expect } = run.block;
    if (expect) {
      try {
        await this.client.until(() => normalized(t.output).includes(expect) || t.exited !== null, EXPECT_TIMEOUT_MS);
      } catch {
        /* reported below */
      }
      if (!normalized(t.output).includes(expect)) {
        const state = t.exited !== null ? `it exited with code ${t.exited}` : `not within ${EXPECT_TIMEOUT_MS / 1000} s`;
        throw new StepFailure(`${this.where(step, run.block)}: ${run.name} (background) did not print ${JSON.stringify(expect)} (${state}); output:\n${indent(tail(t.output))}`);
      }
    }
    if (t.exited !== null && t.exited !== 0) {
      throw new StepFailure(`${this.where(step, run.block)}: ${run.name} (background) exited with code ${t.exited}:\n${indent(tail(t.output))}`);
    }
    noHint(`${this.where(step, run.block)}: ${run.name} (background)`, t.output);
  }

  private async stopBackground(): Promise<void> {
    const runs = this.background.splice(0);
    await Promise.all(
      runs.map(async (run) => {
        const t = this.client.terminal(run.id);
        if (t.exited === null) {
          this.client.send({ type: 'signal', id: run.id, signal: 'SIGINT' });
          await this.client.until(() => t.exited !== null, INTERRUPT_WAIT_MS).catch(() => {});
        }
        this.client.send({ type: 'close', id: run.id });
      }),
    );
  }

  /** The output of everything this lesson ran, for a failed check's report. */
  private transcripts(): string {
    const parts: string[] = [];
    for (const [service, id] of this.terminals) parts.push(`  ${service} terminal:\n${indent(tail(this.client.terminal(id).output))}`);
    for (const run of this.background) parts.push(`  ${run.name} (background):\n${indent(tail(this.client.terminal(run.id).output))}`);
    return parts.length ? `\n${parts.join('\n')}` : '';
  }
}

/** A lesson's snippet must run clean: a hint under its output means the playground thinks it is wrong. */
function noHint(label: string, output: string): void {
  if (output.includes(HINT_MARK)) {
    throw new StepFailure(`${label} printed a hint (the snippet fails or uses code that is wrong here):\n${indent(tail(output))}`);
  }
}

/** Run output with \r\n as \n, so `expect` text matches across lines as written. */
function normalized(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

/** Checks one lesson from a fresh start; never throws. */
export async function checkLesson(lesson: Lesson, options: LessonCheckOptions): Promise<LessonCheckResult> {
  const began = performance.now();
  let client: PlaygroundClient | null = null;
  let run: LessonRun | null = null;
  const proofs = () => ({ violations: run?.violations ?? [], allowed: run?.allowed ?? [] });
  try {
    client = await PlaygroundClient.connect(options.baseUrl);
    run = new LessonRun(lesson, client, options);
    await run.run();
    return { lesson, ok: run.violations.length === 0, ms: performance.now() - began, ...proofs() };
  } catch (err) {
    const failure = err instanceof StepFailure ? err.message : `unexpected error: ${errorText(err)}`;
    return { lesson, ok: false, ms: performance.now() - began, failure, ...proofs() };
  } finally {
    client?.close();
  }
}
