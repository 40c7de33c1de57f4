// One `hint:` line under an error that pasted code often meets here (hint-types.ts has the why).
// The run's output goes through untouched; each complete line is tried against the table (the
// services' rows first, then hint-rows.ts). The row that matched first IN TABLE ORDER decides, so
// a library's row (which knows the address) wins over Python's bare socket error that the same
// traceback printed earlier; a row whose hint is null (the address was the learner's own) means no
// hint at all. The hint goes out at the run's exit, or HINT_AFTER_QUIET_MS after the matching line
// once the output pauses (at most HINT_AT_MOST_MS later: a client that retries forever), dimmed
// like the runner's other notices, and at most once a run.
import type { RunLanguage } from '../../shared/protocol.ts';
import type { HintContext, HintRow, HintService } from '../services/hint-types.ts';
import type { ServiceSet } from '../services/service-set.ts';
import { noticeLine } from './exit-notice.ts';
import { GENERIC_HINT_ROWS } from './hint-rows.ts';
import type { RunNetwork } from './run-network.ts';
import type { RunOutput } from './types.ts';

export const HINT_AFTER_QUIET_MS = 300;
/** How a hint line starts in the output (after the dim escape): lessons:check looks for it. */
export const HINT_MARK = '[hint: ';
export const HINT_AT_MOST_MS = 2_000;
/** A longer line is tried on its first this many characters only. */
const MAX_LINE_CHARS = 4_096;
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

/** The whole table: every service's rows, then the generic ones. */
export function hintTable(services: ServiceSet): HintRow[] {
  return [...services.adapters.flatMap((a) => a.hints ?? []), ...GENERIC_HINT_ROWS];
}

/** What the rows know of a run: its language, its variables, and where each service answers inside. */
export function hintContext(language: RunLanguage, network: RunNetwork, services: ServiceSet): HintContext {
  const list: HintService[] = (network.services ?? []).map((s) => {
    const adapter = services.get(s.name);
    return {
      name: s.name,
      title: adapter.title,
      conventionalPort: adapter.conventionalPort,
      insidePorts: [...new Set(s.ports)],
      variables: s.variables,
    };
  });
  return { language, env: network.env, services: list };
}

/** The first line of `lines` that a row matches, by the row's place in `table`. */
export function findHint(table: HintRow[], lines: string[], ctx: HintContext): string | null {
  for (const row of table) {
    for (const line of lines) {
      const match = row.line.exec(line);
      if (match) return row.hint(match, ctx);
    }
  }
  return null;
}

/** `output`, with the hint written before the exit (or once the program is quiet after the error). */
export function withHints(output: RunOutput, table: HintRow[], ctx: HintContext): RunOutput {
  let partial = '';
  /** The lines a row matched, kept until the hint goes out. */
  const matched: string[] = [];
  let done = false;
  let quiet: NodeJS.Timeout | null = null;
  let deadline: NodeJS.Timeout | null = null;
  const clear = () => {
    if (quiet) clearTimeout(quiet);
    if (deadline) clearTimeout(deadline);
    quiet = deadline = null;
  };
  const emit = () => {
    clear();
    if (done) return;
    done = true;
    const hint = matched.length ? findHint(table, matched, ctx) : null;
    if (hint) output.write(noticeLine(`${HINT_MARK.slice(1)}${hint}`));
  };
  const consider = (line: string) => {
    const text = line.replace(ANSI, '').slice(0, MAX_LINE_CHARS);
    if (table.some((row) => row.line.test(text))) matched.push(text);
  };
  return {
    write(text) {
      output.write(text);
      if (done) return;
      const lines = (partial + text).split(/\r?\n/);
      partial = (lines.pop() ?? '').slice(-MAX_LINE_CHARS);
      lines.forEach(consider);
      if (!matched.length) return;
      deadline ??= setTimeout(emit, HINT_AT_MOST_MS);
      if (quiet) clearTimeout(quiet);
      quiet = setTimeout(emit, HINT_AFTER_QUIET_MS);
    },
    exit(code) {
      if (!done && partial) consider(partial);
      emit();
      output.exit(code);
    },
    waiting: output.waiting && ((on) => output.waiting!(on)),
    wire: output.wire && ((chunks) => output.wire!(chunks)),
    queued: output.queued && ((ahead) => output.queued!(ahead)),
  };
}
