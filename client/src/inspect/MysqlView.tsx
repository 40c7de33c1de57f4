// MySQL in the Inspect tab: the learner's database, a card per table with its columns, keys, row
// count and foreign keys (each naming the table and column it points at).
import type { MysqlInspectState } from '../../../shared/inspect.ts';

export function MysqlView({ state }: { state: MysqlInspectState }) {
  return (
    <div className="inspect-view">
      <div className="inspect-summary">
        <span>
          Database <strong className="mono">{state.database}</strong>
          {`: ${state.tables.length} ${state.tables.length === 1 ? 'table' : 'tables'}`}
        </span>
        <span className="inspect-live">looked at every {state.refreshMs / 1000} s</span>
      </div>
      {state.tables.length === 0 && <p className="inspect-empty">No tables yet: CREATE TABLE in the MySQL terminal.</p>}
      <div className="inspect-tables">
        {state.tables.map((t) => (
          <section key={t.name} className="inspect-db-table" data-table={t.name}>
            <header>
              <span className="mono">{t.name}</span>
              <span className="inspect-rows" data-testid="rows">
                {t.rows} {t.rows === 1 ? 'row' : 'rows'}
              </span>
            </header>
            <table className="inspect-table">
              <tbody>
                {t.columns.map((c) => {
                  const fk = t.foreignKeys.find((f) => f.column === c.name);
                  return (
                    <tr key={c.name}>
                      <td className="mono">
                        {c.key === 'PRI' ? <span title="primary key">🔑 </span> : null}
                        {c.name}
                      </td>
                      <td className="mono muted">
                        {c.type}
                        {c.nullable ? '' : ' not null'}
                      </td>
                      <td className="muted">
                        {fk ? `→ ${fk.references.table}.${fk.references.column}` : c.key === 'UNI' ? 'unique' : ''}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>
        ))}
      </div>
    </div>
  );
}
