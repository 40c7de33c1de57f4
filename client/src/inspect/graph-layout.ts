// Where the boxes of a drawn graph go (the RabbitMQ topology, the MySQL diagram): laid out by dagre,
// a layered layout for directed graphs, so sources stand left of what they feed.
import { Graph, layout } from '@dagrejs/dagre';

export interface LayoutNode {
  id: string;
  width: number;
  height: number;
}

/** Top-left corners by node id; `edges` may repeat a pair (two bindings, one exchange and queue). */
export function layoutGraph(
  nodes: readonly LayoutNode[],
  edges: ReadonlyArray<{ source: string; target: string }>,
  direction: 'LR' | 'TB' = 'LR',
): Map<string, { x: number; y: number }> {
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: direction, nodesep: 18, ranksep: 90, marginx: 10, marginy: 10 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: n.width, height: n.height });
  edges.forEach((e, i) => {
    if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target, {}, String(i));
  });
  layout(g);
  const at = new Map<string, { x: number; y: number }>();
  for (const n of nodes) {
    const placed = g.node(n.id);
    at.set(n.id, { x: placed.x - n.width / 2, y: placed.y - n.height / 2 });
  }
  return at;
}
