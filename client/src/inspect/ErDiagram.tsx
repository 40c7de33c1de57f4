// MySQL's diagram in the Inspect tab: a box per table with its columns (PK and FK marked), and an
// edge per foreign key from the referencing table to the one it points at, laid out by dagre.
import { Handle, Position, type Edge, type Node, type NodeProps } from '@xyflow/react';
import { useMemo } from 'react';
import type { MysqlInspectState } from '../../../shared/inspect.ts';
import { layoutGraph } from './graph-layout.ts';
import { GraphView } from './GraphView.tsx';

type Table = MysqlInspectState['tables'][number];

/** Tables drawn at most, and columns listed per box; the cards below show every one. */
const DIAGRAM_TABLES = 30;
const COLUMNS_SHOWN = 8;
const WIDTH = 200;
const HEADER = 26;
const LINE = 17;

function height(t: Table): number {
  const lines = Math.min(t.columns.length, COLUMNS_SHOWN) + (t.columns.length > COLUMNS_SHOWN ? 1 : 0);
  return HEADER + lines * LINE + 8;
}

function TableNode({ data }: NodeProps<Node<{ table: Table }>>) {
  const t = data.table;
  const fks = new Set(t.foreignKeys.map((f) => f.column));
  return (
    <div className="er-table" style={{ width: WIDTH, height: height(t) }} data-testid={`er-table-${t.name}`}>
      <div className="er-name mono">
        {t.name}
        <span className="muted"> · {t.rows === 1 ? '1 row' : `${t.rows} rows`}</span>
      </div>
      {t.columns.slice(0, COLUMNS_SHOWN).map((c) => (
        <div key={c.name} className="er-column mono">
          <span className="er-mark">{c.key === 'PRI' ? 'PK' : fks.has(c.name) ? 'FK' : ''}</span>
          <span className="er-col-name">{c.name}</span>
          <span className="muted">{c.type}</span>
        </div>
      ))}
      {t.columns.length > COLUMNS_SHOWN && (
        <div className="er-column muted">…{t.columns.length - COLUMNS_SHOWN} more</div>
      )}
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

const nodeTypes = { table: TableNode };

export function ErDiagram({ tables }: { tables: MysqlInspectState['tables'] }) {
  const graph = useMemo(() => {
    const drawn = tables.slice(0, DIAGRAM_TABLES);
    const names = new Set(drawn.map((t) => t.name));
    const links = drawn.flatMap((t) =>
      t.foreignKeys
        .filter((f) => names.has(f.references.table))
        .map((f) => ({ source: t.name, target: f.references.table, label: `${f.column} → ${f.references.column}` })),
    );
    // The referenced table (users) stands left of the tables that point at it (orders).
    const at = layoutGraph(
      drawn.map((t) => ({ id: t.name, width: WIDTH, height: height(t) })),
      links.map((l) => ({ source: l.target, target: l.source })),
    );
    const nodes: Node[] = drawn.map((table) => ({
      id: table.name,
      type: 'table',
      position: at.get(table.name)!,
      data: { table },
    }));
    const edges: Edge[] = links.map((l, i) => ({
      id: `fk${i}`,
      source: l.target,
      target: l.source,
      label: l.label,
      className: 'er-link',
    }));
    return { nodes, edges };
  }, [tables]);
  if (tables.length === 0) return null;
  return (
    <>
      <GraphView
        nodes={graph.nodes}
        edges={graph.edges}
        nodeTypes={nodeTypes}
        testId="er-diagram"
        label="The tables and the foreign keys between them"
      />
      {tables.length > DIAGRAM_TABLES && (
        <p className="inspect-more">
          The diagram shows {DIAGRAM_TABLES} of {tables.length} tables; the cards below list them all.
        </p>
      )}
    </>
  );
}
