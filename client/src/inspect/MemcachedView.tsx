// memcached in the Inspect tab: its counters with the hit ratio, a chart of hits and misses as they
// come, the slab classes, and the keys with size, expiry and last access.
import type { MemcachedInspectState } from '../../../shared/inspect.ts';
import { CounterChart } from './CounterChart.tsx';
import type { CounterPoint } from './inspect-store.ts';
import { formatBytes, formatSeconds } from './InspectPanel.tsx';

export function MemcachedView({ state, history }: { state: MemcachedInspectState; history: CounterPoint[] }) {
  const { stats } = state;
  const gets = stats.get_hits + stats.get_misses;
  const ratio = gets === 0 ? '—' : `${((100 * stats.get_hits) / gets).toFixed(1)} %`;
  const cards: Array<[string, string, string]> = [
    ['Items', String(stats.curr_items), 'items'],
    ['Memory', `${formatBytes(stats.bytes)} of ${formatBytes(stats.limit_maxbytes)}`, 'bytes'],
    ['Hits', String(stats.get_hits), 'hits'],
    ['Misses', String(stats.get_misses), 'misses'],
    ['Hit ratio', ratio, 'ratio'],
    ['Evictions', String(stats.evictions), 'evictions'],
  ];
  return (
    <div className="inspect-view">
      <div className="inspect-summary">
        <span>
          {stats.curr_connections} {stats.curr_connections === 1 ? 'connection' : 'connections'} open
        </span>
        <span className="inspect-live">
          {state.pushed
            ? 'pushed by memcached (watch)'
            : 'counters looked at every 2 s (memcached serves no more watchers: other tabs have them)'}
        </span>
      </div>
      <div className="inspect-cards">
        {cards.map(([label, value, id]) => (
          <div key={id} className="inspect-card" data-testid={`memcached-${id}`}>
            <span className="inspect-card-label">{label}</span>
            <span className="inspect-card-value">{value}</span>
          </div>
        ))}
      </div>
      <CounterChart history={history} />
      <h4>Keys</h4>
      {state.keys.length === 0 ? (
        <p className="inspect-empty">Nothing cached yet: set a key in the memcached terminal.</p>
      ) : (
        <table className="inspect-table" data-testid="memcached-keys">
          <thead>
            <tr>
              <th>Key</th>
              <th className="num">Size</th>
              <th>Expires</th>
              <th>Last access</th>
            </tr>
          </thead>
          <tbody>
            {state.keys.map((k) => (
              <tr key={k.key} data-key={k.key}>
                <td className="mono">{k.key}</td>
                <td className="num">{formatBytes(k.size)}</td>
                <td>{k.exp < 0 ? 'never' : `in ${formatSeconds(k.exp - state.time)}`}</td>
                <td>{formatSeconds(state.time - k.la)} ago</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h4>Slab classes</h4>
      <table className="inspect-table">
        <thead>
          <tr>
            <th className="num">Class</th>
            <th className="num">Chunk size</th>
            <th className="num">Pages</th>
            <th className="num">Items</th>
          </tr>
        </thead>
        <tbody>
          {state.slabs.map((s) => (
            <tr key={s.id}>
              <td className="num">{s.id}</td>
              <td className="num">{formatBytes(s.chunkSize)}</td>
              <td className="num">{s.pages}</td>
              <td className="num">{s.items}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Hits and misses over the last minutes, as two cumulative lines (SVG; a point per state). */
