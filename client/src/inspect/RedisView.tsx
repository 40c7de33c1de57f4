// Redis in the Inspect tab: the keys with type, a TTL that counts down between states, encoding and
// size; a filter; the total; the pub/sub channels.
import { useMemo, useState } from 'react';
import type { RedisInspectState } from '../../../shared/inspect.ts';
import { formatBytes, formatSeconds, useTick } from './InspectPanel.tsx';

export function RedisView({ state, receivedAt }: { state: RedisInspectState; receivedAt: number }) {
  const [filter, setFilter] = useState('');
  const now = useTick(250);
  const elapsed = (now - receivedAt) / 1000;
  const keys = useMemo(
    () => (filter ? state.keys.filter((k) => k.key.toLowerCase().includes(filter.toLowerCase())) : state.keys),
    [state.keys, filter],
  );
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
        placeholder="Filter keys"
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
                  <td className="mono">{k.key}</td>
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
