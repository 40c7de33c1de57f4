// The run panes as plain data: one pane per run of a file, numbered per file (consumer.py #1,
// consumer.py #2 while both are live), its status, and the rules of Stop, reuse and clean-up.
// run-manager.ts keeps the live objects; these functions decide.
import type { RunLanguage } from '../../../shared/protocol.ts';

/**
 * starting: `open` sent, `started` not yet back. running: the program runs. interrupting: Ctrl-C
 * sent, the program has not ended yet (a second Stop kills it). exited: `exit` came. failed: the
 * run could not start (the server said why). lost: the connection dropped, which stops a run.
 */
export type RunStatus = 'starting' | 'running' | 'interrupting' | 'exited' | 'failed' | 'lost';

export interface RunPaneInfo {
  /** Stable for the pane's life; also its key in the terminal area's layout. */
  key: string;
  file: string;
  /** The lesson open when the pane was made: the tab strip groups runs by lesson. */
  lesson: string | null;
  language: RunLanguage | null;
  /** Shown as `#n`: the lowest number no other pane of the same file has. */
  number: number;
  status: RunStatus;
  /** The exit code, once known. */
  code: number | null;
  /** A line about how the run ended when there is more to say than the code. */
  message: string | null;
  /** Runs this pane has shown (a finished pane is reused by the next run of its file). */
  runs: number;
  /** The program is asleep reading its input: what is typed in the pane goes to it. */
  waiting: boolean;
  /** While it starts: runs ahead of it in the server's queue; null when it is not queued. */
  ahead: number | null;
}

/** Run panes kept at most; past this the oldest finished ones are closed to make room. */
export const MAX_RUN_PANES = 10;

export const RUN_PANE_PREFIX = 'run-pane-';

export function isRunPaneKey(key: string): boolean {
  return key.startsWith(RUN_PANE_PREFIX);
}

export function isLive(status: RunStatus): boolean {
  return status === 'starting' || status === 'running' || status === 'interrupting';
}

export function nextPaneNumber(panes: readonly RunPaneInfo[], file: string): number {
  const used = new Set(panes.filter((p) => p.file === file).map((p) => p.number));
  let n = 1;
  while (used.has(n)) n++;
  return n;
}

/**
 * The pane a new run of `file` goes to: the newest finished pane of that file in this lesson, so
 * re-running does not pile up panes; null while every such pane is live (a second consumer beside
 * the first gets a pane of its own). Another lesson's hello.py keeps its own pane and output.
 */
export function paneToReuse(panes: readonly RunPaneInfo[], file: string, lesson: string | null): string | null {
  for (let i = panes.length - 1; i >= 0; i--) {
    const p = panes[i];
    if (p.file === file && p.lesson === lesson && !isLive(p.status)) return p.key;
  }
  return null;
}

/** What Stop does now: the first interrupts (Ctrl-C), the next kills (close). */
export function stopStep(status: RunStatus): 'interrupt' | 'kill' | null {
  if (status === 'starting' || status === 'running') return 'interrupt';
  if (status === 'interrupting') return 'kill';
  return null;
}

export function paneTitle(pane: Pick<RunPaneInfo, 'file' | 'number'>): string {
  return `▶ ${pane.file} #${pane.number}`;
}

export function statusText(
  pane: Pick<RunPaneInfo, 'status' | 'code'> & { waiting?: boolean; ahead?: number | null },
): string {
  switch (pane.status) {
    case 'starting':
      if (pane.ahead === null || pane.ahead === undefined) return 'starting…';
      return pane.ahead === 0 ? 'queued — next' : `queued — ${pane.ahead} ahead`;
    case 'running':
      return pane.waiting ? 'waiting for input' : 'running';
    case 'interrupting':
      return 'stopping…';
    case 'exited':
      return `exit ${pane.code ?? '?'}`;
    case 'failed':
      return 'did not start';
    case 'lost':
      return 'disconnected';
    default: {
      const _exhaustive: never = pane.status;
      return _exhaustive;
    }
  }
}

/** Whether the run ended well (exit 0), badly, or not at all: for the pane's coloured dot. */
export function outcome(pane: Pick<RunPaneInfo, 'status' | 'code'>): 'live' | 'ok' | 'failed' {
  if (isLive(pane.status)) return 'live';
  return pane.status === 'exited' && pane.code === 0 ? 'ok' : 'failed';
}

/** Finished panes to close, oldest first, so that one more pane keeps the total at `max`. */
export function panesToEvict(panes: readonly RunPaneInfo[], max = MAX_RUN_PANES): string[] {
  const excess = panes.length + 1 - max;
  if (excess <= 0) return [];
  return panes
    .filter((p) => !isLive(p.status))
    .slice(0, excess)
    .map((p) => p.key);
}
