// The Wire view of a terminal or run pane: what its connections exchanged with each service,
// decoded (trace-store.ts holds it). A header with the filters and the exports, the list of frames
// (TraceList.tsx), and the selected frame's fields and bytes (TraceDetail.tsx).
import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import type { TraceEvent } from '../../../shared/trace.ts';
import { downloadFile, exportFileName, traceJson, tracePcapngFile } from './trace-export.ts';
import { TraceDetail } from './TraceDetail.tsx';
import { TraceList } from './TraceList.tsx';
import { NO_FILTER, traceConnections, tracePairs, traceRows, traceServices, type TraceFilter } from './trace-rows.ts';
import { useTrace, type TraceStore } from './trace-store.ts';
import type { WireControl } from './WireToggle.tsx';

interface Props {
  store: TraceStore;
  /** What the trace is of, for the exports: "consumer.py #1", "Redis terminal". */
  title: string;
  /** A run's pane, or a service's terminal (then `service` names it). */
  subject: { kind: 'run'; live: boolean; started: boolean } | { kind: 'terminal'; service: string };
  wire: WireControl;
}

export function TraceView({ store, title, subject, wire }: Props) {
  const trace = useTrace(store);
  const listId = useId();
  const [filter, setFilter] = useState<TraceFilter>(NO_FILTER);
  const [selected, setSelected] = useState<number | null>(null);

  // Another run in the pane, or a terminal reconnected: its trace starts afresh.
  useEffect(() => {
    setSelected(null);
    setFilter((f) => (f.conn === null ? f : { ...f, conn: null }));
  }, [trace.channel]);

  const { events } = trace;
  const rows = useMemo(() => traceRows(events, filter), [events, filter]);
  const pairs = useMemo(() => tracePairs(events), [events]);
  const bySeq = useMemo(() => new Map(events.map((e) => [e.seq, e])), [events]);
  const services = useMemo(() => traceServices(events), [events]);
  const conns = useMemo(() => traceConnections(events), [events]);
  const frames = useMemo(() => events.filter((e) => e.kind === 'frame' || e.kind === 'undecoded').length, [events]);
  const shown = rows.filter((r) => r.type === 'packet').length;

  const titles = useMemo(() => new Map(wire.services.map((s) => [s.name, s.title])), [wire.services]);
  const serviceTitle = useCallback((name: string) => titles.get(name) ?? name, [titles]);

  const chosen = selected === null ? undefined : bySeq.get(selected);
  const partnerSeq = selected === null ? undefined : pairs.get(selected);
  const partner = partnerSeq === undefined ? null : (bySeq.get(partnerSeq) ?? null);
  const hints = useMemo(
    () => (chosen ? events.filter((e) => e.kind === 'hint' && e.ref === chosen.seq) : []),
    [events, chosen],
  );

  const jump = useCallback(
    (seq: number) => {
      // The partner may be filtered out: the filter gives way so the jump lands on a row.
      const target = bySeq.get(seq);
      if (target && !traceRows([target], filter).length) setFilter(NO_FILTER);
      setSelected(seq);
    },
    [bySeq, filter],
  );

  const exportAs = (kind: 'json' | 'pcapng') => {
    const now = new Date();
    if (kind === 'json') {
      downloadFile(exportFileName(title, 'json', now), traceJson(trace, title, now), 'application/json');
    } else {
      const file = tracePcapngFile(trace, wire.services, now);
      downloadFile(
        exportFileName(title, 'pcapng', now),
        file as Uint8Array<ArrayBuffer>,
        'application/vnd.tcpdump.pcap',
      );
    }
  };

  const filtered = filter.service !== '' || filter.conn !== null || filter.text.trim() !== '';
  const empty = emptyText(subject, trace.channel, trace.traced, events, serviceTitle);
  const listShown = !empty && !(shown === 0 && filtered);
  // Alt+W with no list to take the keyboard: it stays where it was, and the first frames do not take it later.
  const { autoFocus, onFocused } = wire;
  useEffect(() => {
    if (autoFocus && !listShown) onFocused();
  }, [autoFocus, listShown, onFocused]);
  return (
    <section className="wire" aria-label={`Wire: what ${title} exchanged with the services`} data-testid="wire-view">
      <header className="wire-header">
        <div className="wire-header-line">
          <h2 className="wire-title">Wire</h2>
          <span className="wire-count" data-testid="wire-count">
            {frames === 1 ? '1 frame' : `${frames} frames`}
            {filtered && ` · ${shown} shown`}
          </span>
          <span className="wire-actions">
            <button
              type="button"
              className="button button-small"
              disabled={events.length === 0}
              title="The events as the server sent them, as a JSON file"
              aria-label="Export JSON"
              data-testid="wire-export-json"
              onClick={() => exportAs('json')}
            >
              <span className="wire-export-word">Export</span>JSON
            </button>
            <button
              type="button"
              className="button button-small"
              disabled={events.length === 0}
              title="A capture file Wireshark opens and decodes (each service on its usual port)"
              aria-label="Export pcapng"
              data-testid="wire-export-pcapng"
              onClick={() => exportAs('pcapng')}
            >
              <span className="wire-export-word">Export</span>pcapng
            </button>
          </span>
        </div>
        <div className="wire-filters" role="group" aria-label="Filter the frames">
          <select
            aria-label="Service"
            value={filter.service}
            disabled={services.length === 0}
            onChange={(e) => setFilter({ ...filter, service: e.target.value })}
          >
            <option value="">All services</option>
            {services.map((s) => (
              <option key={s} value={s}>
                {serviceTitle(s)}
              </option>
            ))}
          </select>
          <select
            aria-label="Connection"
            value={filter.conn ?? ''}
            disabled={conns.length === 0}
            onChange={(e) => setFilter({ ...filter, conn: e.target.value === '' ? null : Number(e.target.value) })}
          >
            <option value="">All connections</option>
            {conns.map((c) => (
              <option key={c.conn} value={c.conn}>
                {c.conn} · {serviceTitle(c.service)}
              </option>
            ))}
          </select>
          <input
            type="search"
            className="wire-search"
            placeholder="Filter summaries"
            aria-label="Filter by summary"
            value={filter.text}
            onChange={(e) => setFilter({ ...filter, text: e.target.value })}
            onKeyDown={(e) => {
              if (e.key === 'Escape' && !filter.text) wire.onLeave();
            }}
          />
        </div>
      </header>
      {empty ? (
        <div className="wire-empty" data-testid="wire-empty">
          {empty}
        </div>
      ) : (
        <div className="wire-body">
          {!listShown ? (
            <div className="wire-empty">
              <p>No frame matches the filter.</p>
              <button type="button" className="button button-small" onClick={() => setFilter(NO_FILTER)}>
                Show every frame
              </button>
            </div>
          ) : (
            <TraceList
              listId={listId}
              rows={rows}
              selected={selected}
              partner={partnerSeq ?? null}
              serviceTitle={serviceTitle}
              overflow={trace.overflow}
              autoFocus={wire.autoFocus}
              onAutoFocused={wire.onFocused}
              onSelect={setSelected}
              onJump={() => partnerSeq !== undefined && jump(partnerSeq)}
              onLeave={wire.onLeave}
            />
          )}
          {chosen ? (
            <TraceDetail
              key={chosen.seq}
              event={chosen}
              partner={partner}
              hints={hints}
              serviceTitle={serviceTitle}
              onJump={jump}
            />
          ) : (
            <div className="wire-detail wire-detail-none">
              Select a frame to see its fields and its bytes; a frame and its reply are linked.
            </div>
          )}
        </div>
      )}
    </section>
  );
}

/** What the view says while it has no frame to show; null once it has. */
function emptyText(
  subject: Props['subject'],
  channel: string | null,
  traced: boolean,
  events: readonly TraceEvent[],
  serviceTitle: (name: string) => string,
): string | null {
  if (events.length > 0) return null;
  if (subject.kind === 'run') {
    if (channel !== null && !traced) {
      return 'Tracing is off for this run: it was started without it. Run it again to see what it sends.';
    }
    if (channel === null || !subject.started) return 'Run the program to see what it sends to each service.';
    if (subject.live) return 'Waiting for the program to connect to a service…';
    return 'This run connected to no service: there was nothing to trace.';
  }
  const name = serviceTitle(subject.service);
  if (channel !== null && !traced) {
    return `Tracing is off for this terminal: it was opened without it. Reconnect it to see its traffic.`;
  }
  if (channel === null) return `The ${name} terminal is not connected yet.`;
  return `Type a command to see the bytes it sends to ${name} and what comes back.`;
}
