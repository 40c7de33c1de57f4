// The Wire view's packet list: one row a frame (time, connection, direction, service, summary,
// latency), separators where connections open and close, hints under their errors, the limits'
// notices last. It takes the keyboard like a list box: ↑ ↓ Home End PageUp PageDown select, Enter
// goes to the selected frame's partner, Esc back to the output. New rows keep it at the bottom
// when it was there, as a terminal does.
import { HintText } from './TraceDetail.tsx';
import { memo, useEffect, useLayoutEffect, useRef, type KeyboardEvent } from 'react';
import type { TraceEvent } from '../../../shared/trace.ts';
import {
  byteCount,
  connectionLine,
  dirArrow,
  eventSize,
  formatLatency,
  formatOffset,
  moveSelection,
  type TraceRow,
  type WriteMark,
} from './trace-rows.ts';

/** Rows PageUp and PageDown move by. */
const PAGE_ROWS = 10;
/** Within this many pixels of the end the list counts as at the bottom, and follows new rows. */
const STICK_PX = 24;

interface Props {
  /** For the rows' ids (aria-activedescendant). */
  listId: string;
  rows: readonly TraceRow[];
  selected: number | null;
  /** The selected frame's request or reply. */
  partner: number | null;
  serviceTitle: (service: string) => string;
  /** Events past what the page keeps (trace-store.ts): said in a notice at the end. */
  overflow: number;
  autoFocus: boolean;
  onAutoFocused: () => void;
  onSelect: (seq: number) => void;
  onJump: () => void;
  onLeave: () => void;
}

export const rowId = (listId: string, seq: number) => `${listId}-${seq}`;

export function TraceList(props: Props) {
  const {
    listId,
    rows,
    selected,
    partner,
    serviceTitle,
    overflow,
    autoFocus,
    onAutoFocused,
    onSelect,
    onJump,
    onLeave,
  } = props;
  const list = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);

  useEffect(() => {
    if (!autoFocus) return;
    list.current?.focus({ preventScroll: true });
    onAutoFocused();
  }, [autoFocus, onAutoFocused]);

  useLayoutEffect(() => {
    const el = list.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [rows]);

  useEffect(() => {
    if (selected === null) return;
    document.getElementById(rowId(listId, selected))?.scrollIntoView({ block: 'nearest' });
  }, [listId, selected]);

  const onKeyDown = (event: KeyboardEvent) => {
    const steps: Record<string, number | 'home' | 'end'> = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: PAGE_ROWS,
      PageUp: -PAGE_ROWS,
      Home: 'home',
      End: 'end',
    };
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key in steps) {
      event.preventDefault();
      const next = moveSelection(rows, selected, steps[event.key]);
      if (next !== null) onSelect(next);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      onJump();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      onLeave();
    }
  };

  const selectedShown = selected !== null && rows.some((r) => r.type === 'packet' && r.event.seq === selected);
  return (
    <div
      ref={list}
      className="wire-list"
      role="listbox"
      tabIndex={0}
      aria-label="Frames, in the order they went"
      aria-activedescendant={selectedShown ? rowId(listId, selected) : undefined}
      data-testid="wire-list"
      onKeyDown={onKeyDown}
      onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
      }}
    >
      <div className="wire-row wire-list-head" aria-hidden="true">
        <span className="wire-mark" />
        <span className="wire-seq">#</span>
        <span className="wire-time">time</span>
        <span className="wire-conn" title="Connection">
          conn
        </span>
        <span className="wire-dir" />
        <span className="wire-service">service</span>
        <span className="wire-summary">summary</span>
        <span className="wire-latency">latency</span>
      </div>
      {rows.map((row) => {
        const e = row.event;
        switch (row.type) {
          case 'packet':
            return (
              <PacketRow
                key={e.seq}
                id={rowId(listId, e.seq)}
                event={e}
                write={row.write}
                selected={e.seq === selected}
                partner={e.seq === partner}
                service={serviceTitle(e.service)}
                onSelect={onSelect}
              />
            );
          case 'connection':
            return (
              <div key={e.seq} className={`wire-row wire-separator wire-${e.kind}`} role="presentation">
                <span className="wire-mark" />
                <span className="wire-seq">{e.seq}</span>
                <span className="wire-time">{formatOffset(e.t)}</span>
                <span className="wire-separator-text">{connectionLine(e)}</span>
              </div>
            );
          case 'hint':
            return (
              <div key={e.seq} className="wire-row wire-hint" role="presentation" data-testid="wire-hint">
                <span className="wire-hint-text">
                  <span className="wire-hint-label">hint</span> <HintText text={e.summary} />
                </span>
              </div>
            );
          case 'dropped':
            return (
              <div key={e.seq} className="wire-notice" role="presentation" data-testid="wire-dropped">
                {e.summary}
              </div>
            );
        }
      })}
      {overflow > 0 && (
        <div className="wire-notice" role="presentation">
          {overflow} more events came than the page keeps; they are not shown.
        </div>
      )}
    </div>
  );
}

const WRITE_TITLES: Record<'send' | 'recv', string> = {
  send: 'sent in one write with the frames beside it (pipelined)',
  recv: 'came in one read with the frames beside it',
};

const PacketRow = memo(function PacketRow({
  id,
  event: e,
  write,
  selected,
  partner,
  service,
  onSelect,
}: {
  id: string;
  event: TraceEvent;
  write: WriteMark | null;
  selected: boolean;
  partner: boolean;
  service: string;
  onSelect: (seq: number) => void;
}) {
  const undecoded = e.kind === 'undecoded';
  const classes = [
    'wire-row',
    'wire-packet',
    selected && 'selected',
    partner && 'paired',
    e.error && 'wire-error',
    undecoded && 'wire-undecoded',
  ].filter(Boolean);
  const summary = undecoded ? `${e.summary} · ${byteCount(eventSize(e))}` : e.summary;
  return (
    <div
      id={id}
      className={classes.join(' ')}
      role="option"
      aria-selected={selected}
      data-seq={e.seq}
      data-testid="wire-row"
      onMouseDown={(event) => event.preventDefault()}
      onClick={(event) => {
        onSelect(e.seq);
        // The list takes the keyboard (mousedown kept it from the row, which is not focusable).
        (event.currentTarget.parentElement as HTMLElement | null)?.focus({ preventScroll: true });
      }}
    >
      <span
        className={`wire-mark${write ? ` wire-mark-${write}` : ''}`}
        title={write ? WRITE_TITLES[e.dir] : undefined}
        aria-label={write === 'first' ? 'same write as the next frames' : undefined}
      />
      <span className="wire-seq">{e.seq}</span>
      <span className="wire-time">{formatOffset(e.t)}</span>
      <span className="wire-conn">{e.conn}</span>
      <span className={`wire-dir wire-dir-${e.dir}`} title={e.dir === 'send' ? `to ${service}` : `from ${service}`}>
        {dirArrow(e.dir)}
      </span>
      <span className="wire-service">{service}</span>
      <span className="wire-summary" title={summary}>
        {undecoded && (
          <span className="wire-warn-icon" aria-hidden="true">
            ⚠{' '}
          </span>
        )}
        {summary}
      </span>
      <span className="wire-latency">{e.latency !== undefined ? formatLatency(e.latency) : ''}</span>
    </div>
  );
});
