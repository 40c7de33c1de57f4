// Redis in the Inspect tab: the keys with type, a TTL that counts down between states, encoding and
// size; a filter (a SCAN MATCH pattern the server applies to every key); the total; the pub/sub
// channels.
import { useEffect, useMemo, useState } from 'react';
import type { RedisInspectState, RedisShownValue } from '../../../shared/inspect.ts';
import { formatBytes, formatSeconds, useTick } from './InspectPanel.tsx';

/** What is typed in the filter as a SCAN MATCH pattern: a glob as it is, plain text as "*text*". */
export function matchPattern(text: string): string | null {
  const t = text.trim();
  if (!t) return null;
  return /[*?[]/.test(t) ? t : `*${t.replace(/[\\\]]/g, '\\$&')}*`;
}

const MATCH_DELAY_MS = 200;

export function RedisView({
  state,
  receivedAt,
  onShow,
  onMatch,
}: {
  state: RedisInspectState;
  receivedAt: number;
  onShow: (key: string | null) => void;
  /** The filter as a pattern for the server (null: every key); absent: the filter stays in the page. */
  onMatch?: (pattern: string | null) => void;
}) {
  const [filter, setFilter] = useState(() => state.match?.replace(/^\*(.*)\*$/, '$1') ?? '');
  const now = useTick(250);
  const elapsed = (now - receivedAt) / 1000;
  // The server finds the matching keys among all of them (SCAN MATCH); the page filters what it
  // has meanwhile, so typing never waits.
  useEffect(() => {
    if (!onMatch) return;
    const timer = setTimeout(() => onMatch(matchPattern(filter)), MATCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [filter]); // onMatch is a new function at every render
  const keys = useMemo(() => {
    const pattern = matchPattern(filter);
    if (!pattern || pattern === state.match) return state.keys;
    return state.keys.filter((k) => k.key.toLowerCase().includes(filter.trim().toLowerCase()));
  }, [state.keys, state.match, filter]);
  return (
    <div className="inspect-view">
      <div className="inspect-summary">
        <strong data-testid="redis-total">{state.total}</strong> {state.total === 1 ? 'key' : 'keys'}
        {state.total > state.keys.length ? ` (showing the first ${state.keys.length})` : ''}
        <span
          className="inspect-live"
          title={state.pushed ? 'Redis pushes every change (keyspace notifications)' : undefined}
        >
          {state.pushed
            ? 'live'
            : `refreshed every ${(state.refreshMs ?? 0) / 1000} s: keyspace notifications are off on this server`}
        </span>
      </div>
      <input
        className="inspect-filter"
        type="search"
        placeholder="Filter keys (text, or a pattern: user:*)"
        aria-label="Filter keys"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      {keys.length === 0 ? (
        <p className="inspect-empty">
          {state.total === 0 ? 'No keys yet: SET one in the Redis terminal.' : 'No key matches.'}
        </p>
      ) : (
        <table className="inspect-table" data-testid="redis-keys">
          <thead>
            <tr>
              <th>Key</th>
              <th>Type</th>
              <th>TTL</th>
              <th>Encoding</th>
              <th className="num">Size</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => {
              const left = k.ttl < 0 ? null : k.ttl - elapsed;
              return (
                <tr key={k.key} data-key={k.key}>
                  <td className="mono">
                    <button
                      type="button"
                      className={`key-button${state.shown?.key === k.key ? ' selected' : ''}`}
                      title="Show its value"
                      onClick={() => onShow(k.key)}
                    >
                      {k.key}
                    </button>
                  </td>
                  <td>
                    <span className={`type-badge type-${k.type}`}>{k.type}</span>
                  </td>
                  <td className={left !== null && left < 10 ? 'expiring' : undefined} data-testid="ttl">
                    {left === null ? '—' : left <= 0 ? 'expiring' : formatSeconds(left)}
                  </td>
                  <td>{k.encoding ?? '—'}</td>
                  <td className="num">{formatBytes(k.bytes)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {state.shown && <ShownValue value={state.shown} onClose={() => onShow(null)} />}
      {state.channels.length > 0 && (
        <>
          <h4>Pub/sub channels</h4>
          <table className="inspect-table">
            <tbody>
              {state.channels.map((c) => (
                <tr key={c.channel}>
                  <td className="mono">{c.channel}</td>
                  <td className="num">
                    {c.subscribers} {c.subscribers === 1 ? 'subscriber' : 'subscribers'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

/** The value of the key the learner clicked, per type, kept up to date with the key. */
function ShownValue({ value, onClose }: { value: RedisShownValue; onClose: () => void }) {
  const count =
    value.type === 'string'
      ? `${value.length} ${value.length === 1 ? 'byte' : 'bytes'}`
      : `${value.length} ${value.length === 1 ? 'element' : 'elements'}`;
  const headers: Record<string, [string, string]> = {
    hash: ['Field', 'Value'],
    zset: ['Member', 'Score'],
    stream: ['Id', 'Fields'],
  };
  return (
    <section className="inspect-value" data-testid="redis-value" aria-label={`The value of ${value.key}`}>
      <header>
        <span className="mono">{value.key}</span>
        <span className="muted">
          {value.type === 'none' ? 'gone' : `${value.type}, ${count}`}
          {value.truncated ? ` (the first ${value.type === 'string' ? 'part' : value.items.length} shown)` : ''}
        </span>
        <button type="button" className="inspect-close" onClick={onClose} aria-label="Close the value">
          ×
        </button>
      </header>
      {value.type === 'string' ? (
        <pre className="inspect-string">{value.items[0] as string}</pre>
      ) : value.items.length > 0 ? (
        <table className="inspect-table">
          {headers[value.type] && (
            <thead>
              <tr>
                <th>{headers[value.type][0]}</th>
                <th>{headers[value.type][1]}</th>
              </tr>
            </thead>
          )}
          <tbody>
            {value.items.map((item, i) =>
              Array.isArray(item) ? (
                <tr key={i}>
                  <td className="mono">{item[0]}</td>
                  <td className="mono">{item[1]}</td>
                </tr>
              ) : (
                <tr key={i}>
                  <td className="mono">
                    {value.type === 'list' ? <span className="muted">{i} </span> : null}
                    {item}
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
