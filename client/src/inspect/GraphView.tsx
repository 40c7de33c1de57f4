// A drawn graph in an Inspect view (RabbitMQ's topology, MySQL's diagram): React Flow, read-only
// (no dragging, connecting or selecting), fitted to its box whenever its set of nodes changes —
// new counts in the same boxes keep the learner's pan and zoom.
import { ReactFlow, type Edge, type Node, type NodeTypes } from '@xyflow/react';
import '@xyflow/react/dist/style.css';

export function GraphView({
  nodes,
  edges,
  nodeTypes,
  testId,
  label,
}: {
  nodes: Node[];
  edges: Edge[];
  nodeTypes: NodeTypes;
  testId: string;
  label: string;
}) {
  const shape = nodes.map((n) => n.id).join('\n');
  return (
    <div className="graph-view" data-testid={testId} role="figure" aria-label={label}>
      <ReactFlow
        key={shape}
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        fitViewOptions={{ padding: 0.1, maxZoom: 1 }}
        minZoom={0.2}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        zoomOnScroll={false}
        preventScrolling={false}
      />
    </div>
  );
}
