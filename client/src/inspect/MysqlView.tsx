// MySQL in the Inspect tab: the learner's database, its diagram (ErDiagram.tsx), a card per table with its columns, keys, row
// count and foreign keys (each naming the table and column it points at).
import type { MysqlInspectState, MysqlShownRows } from '../../../shared/inspect.ts';
import { ErDiagram } from './ErDiagram.tsx';

export function MysqlView({ state, onShow }: { state: MysqlInspectState; onShow: (table: string | null) => void }) {
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
      <ErDiagram tables={state.tables} />
      {state.shown && <ShownRows shown={state.shown} onClose={() => onShow(null)} />}
      <div className="inspect-tables">
        {state.tables.map((t) => (
          <section key={t.name} className="inspect-db-table" data-table={t.name}>
            <header>
              <button
                type="button"
                className={`key-button mono${state.shown?.table === t.name ? ' selected' : ''}`}
                title="Show its first rows"
                onClick={() => onShow(t.name)}
              >
                {t.name}
              </button>
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
                        {c.key === 'PRI' ? (
                          <abbr className="pk" title="primary key">
                            PK
                          </abbr>
                        ) : null}
                        {c.name}
                      </td>
                      <td className="mono muted nowrap">
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

/** The first rows of the table the learner clicked, kept up to date. */
function ShownRows({ shown, onClose }: { shown: MysqlShownRows; onClose: () => void }) {
  return (
    <section className="inspect-value" data-testid="mysql-rows" aria-label={`The rows of ${shown.table}`}>
      <header>
        <span className="mono">{shown.table}</span>
        <span className="muted">
          {shown.missing
            ? 'gone'
            : `${shown.total} ${shown.total === 1 ? 'row' : 'rows'}${shown.total > shown.rows.length ? `, the first ${shown.rows.length} shown` : ''}`}
        </span>
        <button type="button" className="inspect-close" onClick={onClose} aria-label="Close the rows">
          ×
        </button>
      </header>
      {shown.rows.length > 0 && (
        <div className="inspect-scroll">
          <table className="inspect-table">
            <thead>
              <tr>
                {shown.columns.map((c) => (
                  <th key={c}>{c}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {shown.rows.map((row, i) => (
                <tr key={i}>
                  {row.map((v, j) => (
                    <td key={j} className={v === null ? 'muted' : 'mono'}>
                      {v ?? 'NULL'}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
