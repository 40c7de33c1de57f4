// The selected frame in the Wire view: what it is (direction, connection, time, size) with a link
// to its reply or request, its decoded fields as a tree, and its bytes as a hex dump. A tree node
// that covers bytes lights them up in the dump while the pointer or the keyboard is on it, and
// keeps them lit once clicked.
import { useMemo, useState } from 'react';
import { base64Bytes } from '../../../shared/pcapng.ts';
import type { TraceEvent, TraceNode } from '../../../shared/trace.ts';
import { hexDump, inRanges } from './hex-dump.ts';
import { byteCount, dirArrow, eventSize, formatLatency, formatOffset } from './trace-rows.ts';

/** Tree levels shown open at first; deeper ones wait for a click (a result set's rows, say). */
const OPEN_DEPTH = 2;

type Range = readonly [number, number];

interface Props {
  event: TraceEvent;
  /** Its request (for a reply) or its reply (for a request), when the trace paired them. */
  partner: TraceEvent | null;
  hints: readonly TraceEvent[];
  serviceTitle: (service: string) => string;
  onJump: (seq: number) => void;
}

export function TraceDetail({ event: e, partner, hints, serviceTitle, onJump }: Props) {
  const [hover, setHover] = useState<Range | null>(null);
  const [pinned, setPinned] = useState<Range | null>(null);
  const lit = hover ?? pinned;
  const service = serviceTitle(e.service);
  const size = eventSize(e);
  return (
    <div className="wire-detail" data-testid="wire-detail" data-seq={e.seq}>
      <div className="wire-detail-head">
        <span className="wire-detail-what">
          #{e.seq} <span className={`wire-dir-${e.dir}`}>{dirArrow(e.dir)}</span>{' '}
          {e.dir === 'send' ? `to ${service}` : `from ${service}`} · connection {e.conn} · {formatOffset(e.t)} ·{' '}
          {byteCount(size)}
        </span>
        {partner && (
          <button
            type="button"
            className="wire-jump"
            data-testid="wire-jump"
            title={`Select #${partner.seq} (Enter in the list)`}
            onClick={() => onJump(partner.seq)}
          >
            {e.pair === partner.seq
              ? `answers #${partner.seq} ↑`
              : `reply in ${partner.latency !== undefined ? formatLatency(partner.latency) : '?'} ↓`}
          </button>
        )}
      </div>
      <div
        className={`wire-detail-summary${e.error ? ' wire-error' : ''}${e.kind === 'undecoded' ? ' wire-undecoded' : ''}`}
      >
        {e.kind === 'undecoded' ? `Not decoded: ${e.summary}` : e.summary}
      </div>
      {hints.map((h) => (
        <div key={h.seq} className="wire-detail-hint">
          <span className="wire-hint-label">hint</span> <HintText text={h.summary} />
        </div>
      ))}
      {e.tree && e.tree.length > 0 && (
        <ul className="wire-tree" role="tree" aria-label="Decoded fields">
          {e.tree.map((node, i) => (
            <TreeItem
              key={i}
              node={node}
              depth={0}
              pinned={pinned}
              onHover={setHover}
              onPin={(at) => setPinned((p) => (p && at && p[0] === at[0] && p[1] === at[1] ? null : at))}
            />
          ))}
        </ul>
      )}
      <HexView event={e} lit={lit} />
    </div>
  );
}

function TreeItem({
  node,
  depth,
  pinned,
  onHover,
  onPin,
}: {
  node: TraceNode;
  depth: number;
  pinned: Range | null;
  onHover: (at: Range | null) => void;
  onPin: (at: Range | null) => void;
}) {
  const parent = node.children !== undefined && node.children.length > 0;
  const [open, setOpen] = useState(depth < OPEN_DEPTH);
  const at = node.at ?? null;
  const isPinned = at !== null && pinned !== null && pinned[0] === at[0] && pinned[1] === at[1];
  return (
    <li role="treeitem" aria-expanded={parent ? open : undefined} aria-selected={isPinned}>
      <button
        type="button"
        className={`wire-node${isPinned ? ' pinned' : ''}`}
        style={{ paddingLeft: `${depth * 14 + 4}px` }}
        title={at ? `bytes ${at[0]}–${at[1] - 1}` : undefined}
        onMouseEnter={() => onHover(at)}
        onMouseLeave={() => onHover(null)}
        onFocus={() => onHover(at)}
        onBlur={() => onHover(null)}
        onClick={() => {
          if (parent) setOpen((o) => !o);
          if (at) onPin(at);
        }}
      >
        <span className="wire-twisty" aria-hidden="true">
          {parent ? (open ? '▾' : '▸') : ''}
        </span>
        <span className="wire-node-label">{node.label}</span>
        {node.secret ? (
          <span className="wire-secret" title="A secret: never sent to the page, its bytes overwritten">
            hidden
          </span>
        ) : (
          node.value !== undefined && <span className="wire-node-value">{node.value}</span>
        )}
        {at && <span className="wire-node-at">{at[1] - at[0]} B</span>}
      </button>
      {parent && open && (
        <ul role="group">
          {node.children!.map((child, i) => (
            <TreeItem key={i} node={child} depth={depth + 1} pinned={pinned} onHover={onHover} onPin={onPin} />
          ))}
        </ul>
      )}
    </li>
  );
}

function HexView({ event: e, lit }: { event: TraceEvent; lit: Range | null }) {
  const dump = useMemo(() => hexDump(base64Bytes(e.bytes), e.masked ?? [], undefined, eventSize(e)), [e]);
  if (dump.rows.length === 0) return <div className="wire-hex-none">No bytes.</div>;
  const on = (at: number) => lit !== null && inRanges(at, [lit]);
  return (
    <div className="wire-hex" aria-label="Bytes, in hex and as text" data-testid="wire-hex">
      {dump.rows.map((row) => (
        <div key={row.offset} className="wire-hex-row">
          <span className="wire-hex-offset">{row.label}</span>
          <span className="wire-hex-bytes">
            {row.cells.map((c) => (
              <span key={c.at} className={`${c.masked ? 'masked' : ''}${on(c.at) ? ' lit' : ''}`}>
                {c.hex}
              </span>
            ))}
          </span>
          <span className="wire-hex-ascii">
            {row.cells.map((c) => (
              <span key={c.at} className={`${c.masked ? 'masked' : ''}${on(c.at) ? ' lit' : ''}`}>
                {c.ascii}
              </span>
            ))}
          </span>
        </div>
      ))}
      {dump.more > 0 && (
        <div className="wire-hex-more">
          … {dump.more.toLocaleString('en-US')} more {dump.more === 1 ? 'byte' : 'bytes'}
        </div>
      )}
    </div>
  );
}

/**
 * A hint's text. A hint of several lines (MySQL's 1064: the statement, then a caret under the
 * spot the server names) is shown in monospace, as written, so the caret stands under its column.
 */
export function HintText({ text }: { text: string }) {
  if (!text.includes('\n')) return <>{text}</>;
  return <pre className="wire-hint-pre">{text}</pre>;
}
