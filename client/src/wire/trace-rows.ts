// The Wire view's packet list as plain data: which rows a trace shows under a filter and in what
// order (a hint under the error it explains, the `dropped` notices last), which frames went out in
// one write, which request a reply answers, and how times and latencies read. TraceList.tsx draws them.
import type { TraceEvent } from '../../../shared/trace.ts';

/** What the list shows: a service ('' for all), a connection (null for all), text in the summary. */
export interface TraceFilter {
  service: string;
  conn: number | null;
  text: string;
}

export const NO_FILTER: TraceFilter = { service: '', conn: null, text: '' };

/** Where a frame sits among the frames that went in one write (or came in one read) with it. */
export type WriteMark = 'first' | 'middle' | 'last';

export type TraceRow =
  /** A frame or undecoded bytes: selectable. */
  | { type: 'packet'; event: TraceEvent; write: WriteMark | null }
  /** A connection opened or closed: a separator line. */
  | { type: 'connection'; event: TraceEvent }
  /** A line explaining the error frame just above. */
  | { type: 'hint'; event: TraceEvent }
  /** The trace reached a limit: a notice at the end. */
  | { type: 'dropped'; event: TraceEvent };

function isPacket(e: TraceEvent): boolean {
  return e.kind === 'frame' || e.kind === 'undecoded';
}

function matches(e: TraceEvent, filter: TraceFilter, text: string): boolean {
  if (filter.service && e.service !== filter.service) return false;
  if (filter.conn !== null && e.conn !== filter.conn) return false;
  return !text || e.summary.toLowerCase().includes(text);
}

/** The rows of `events` (in seq order) that `filter` lets through. */
export function traceRows(events: readonly TraceEvent[], filter: TraceFilter = NO_FILTER): TraceRow[] {
  const text = filter.text.trim().toLowerCase();
  const shown = new Set(events.filter(isPacket).map((e) => e.seq));
  const hints = new Map<number, TraceEvent[]>();
  for (const e of events) {
    if (e.kind === 'hint' && e.ref !== undefined && shown.has(e.ref))
      hints.set(e.ref, [...(hints.get(e.ref) ?? []), e]);
  }
  const rows: TraceRow[] = [];
  const dropped: TraceRow[] = [];
  for (const e of events) {
    switch (e.kind) {
      case 'frame':
      case 'undecoded':
        if (!matches(e, filter, text)) continue;
        rows.push({ type: 'packet', event: e, write: null });
        for (const hint of hints.get(e.seq) ?? []) rows.push({ type: 'hint', event: hint });
        break;
      case 'open':
      case 'close':
        if (matches(e, filter, text)) rows.push({ type: 'connection', event: e });
        break;
      case 'hint':
        // Under its frame, placed above; one whose frame the trace does not have stands where it came.
        if ((e.ref === undefined || !shown.has(e.ref)) && matches(e, filter, text))
          rows.push({ type: 'hint', event: e });
        break;
      case 'dropped':
        dropped.push({ type: 'dropped', event: e });
        break;
    }
  }
  markWrites(rows);
  return [...rows, ...dropped];
}

/**
 * Marks the runs of adjacent packet rows that one write carried (same connection, direction and
 * `write`): a pipeline's commands, or its replies read at once. Hint rows do not break a run.
 */
function markWrites(rows: TraceRow[]): void {
  let run: Extract<TraceRow, { type: 'packet' }>[] = [];
  const close = () => {
    if (run.length > 1) run.forEach((r, i) => (r.write = i === 0 ? 'first' : i === run.length - 1 ? 'last' : 'middle'));
    run = [];
  };
  for (const row of rows) {
    if (row.type === 'hint') continue;
    if (row.type !== 'packet' || row.event.write === undefined) {
      close();
      continue;
    }
    const prev = run[run.length - 1]?.event;
    if (prev && !(prev.conn === row.event.conn && prev.dir === row.event.dir && prev.write === row.event.write)) {
      close();
    }
    run.push(row);
  }
  close();
}

/** Each request's reply and each reply's request, by seq. */
export function tracePairs(events: readonly TraceEvent[]): Map<number, number> {
  const pairs = new Map<number, number>();
  for (const e of events) {
    if (e.pair === undefined) continue;
    pairs.set(e.seq, e.pair);
    pairs.set(e.pair, e.seq);
  }
  return pairs;
}

/** The connections a trace saw, in order, with their service: the connection filter's choices. */
export function traceConnections(events: readonly TraceEvent[]): { conn: number; service: string }[] {
  const seen = new Map<number, string>();
  for (const e of events) if (e.conn > 0 && !seen.has(e.conn)) seen.set(e.conn, e.service);
  return [...seen].map(([conn, service]) => ({ conn, service }));
}

/** The services a trace saw, in the order they first appear. */
export function traceServices(events: readonly TraceEvent[]): string[] {
  return [...new Set(events.filter((e) => e.service).map((e) => e.service))];
}

/** The seq of the selectable row `step` rows away from `current` (or the first/last: `home`/`end`). */
export function moveSelection(
  rows: readonly TraceRow[],
  current: number | null,
  step: number | 'home' | 'end',
): number | null {
  const seqs = rows.filter((r) => r.type === 'packet').map((r) => r.event.seq);
  if (seqs.length === 0) return null;
  if (step === 'home') return seqs[0];
  if (step === 'end') return seqs[seqs.length - 1];
  const at = current === null ? -1 : seqs.indexOf(current);
  if (at === -1) return step > 0 ? seqs[0] : seqs[seqs.length - 1];
  return seqs[Math.max(0, Math.min(seqs.length - 1, at + step))];
}

/** Time since the channel opened: `+12.3 ms`, `+2.41 s` past ten seconds. */
export function formatOffset(ms: number): string {
  // Compared rounded, so 999.96 ms reads +1.000 s rather than +1000.0 ms; never wider than its column.
  return Number(ms.toFixed(1)) < 1_000 ? `+${ms.toFixed(1)} ms` : `+${(ms / 1000).toFixed(3)} s`;
}

/** A reply's latency: `0.35 ms`, `1.2 ms`, `250 ms`, `3.1 s`. */
export function formatLatency(ms: number): string {
  if (Number(ms.toFixed(2)) < 1) return `${ms.toFixed(2)} ms`;
  if (Number(ms.toFixed(1)) < 100) return `${ms.toFixed(1)} ms`;
  if (Math.round(ms) < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** → the bytes went to the service; ← they came back from it. */
export function dirArrow(dir: TraceEvent['dir']): string {
  return dir === 'send' ? '→' : '←';
}

/** The size of an event's bytes: the whole frame's when the trace kept only its first bytes. */
export function eventSize(e: Pick<TraceEvent, 'bytes' | 'size'>): number {
  if (e.size !== undefined) return e.size;
  const padding = e.bytes.endsWith('==') ? 2 : e.bytes.endsWith('=') ? 1 : 0;
  return Math.floor((e.bytes.length * 3) / 4) - padding;
}

/** "1 byte", "34 bytes", "1,024 bytes". */
export function byteCount(n: number): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? 'byte' : 'bytes'}`;
}

/** A separator's words when the server gave none: "connection 2 opened", "connection 2 closed by the client". */
export function connectionLine(e: TraceEvent): string {
  if (e.summary) return e.summary;
  if (e.kind === 'open') return `connection ${e.conn} opened`;
  return `connection ${e.conn} closed by ${e.dir === 'send' ? 'the client' : `the ${e.service} server`}`;
}
