// RabbitMQ in the Inspect tab: the learner's vhost drawn as the broker reports it — exchanges →
// bindings → queues, laid out by dagre and drawn by React Flow — with each queue's depth,
// consumers and rates; a new publish lights up the route it took (the firehose names the queues it
// reached), and one that reached no queue is called out. Below: the latest publishes and a table
// of the queues, which also serves the keyboard and screen readers.
import { Handle, Position, type Edge, type Node, type NodeProps } from '@xyflow/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { RabbitmqInspectState, RabbitmqPublish } from '../../../shared/inspect.ts';
import { layoutGraph } from './graph-layout.ts';
import { GraphView } from './GraphView.tsx';

type Exchange = RabbitmqInspectState['exchanges'][number];
type Queue = RabbitmqInspectState['queues'][number];

/** Boxes drawn at most; the table below lists every queue the state holds. */
const GRAPH_QUEUES = 40;
const GRAPH_EXCHANGES = 20;
/** How long a publish's route stays lit. */
const FLASH_MS = 1_600;
const RECENT_MS = 15_000;
const EXCHANGE_SIZE = { width: 176, height: 50 };
const QUEUE_SIZE = { width: 196, height: 64 };

export const exchangeLabel = (name: string) => (name === '' ? '(default)' : name);

/** One line saying why a publish reached no queue. */
export function unroutableText(p: RabbitmqPublish): string {
  return p.exchange === ''
    ? `unroutable: no queue is named "${p.routingKey}" (the default exchange routes by queue name)`
    : `unroutable: no binding of exchange "${p.exchange}" matches routing key "${p.routingKey}"`;
}

type ExchangeData = { exchange: Exchange; flash: 'routed' | 'unroutable' | null };
type QueueData = { queue: Queue; flash: boolean };

function ExchangeNode({ data }: NodeProps<Node<ExchangeData>>) {
  const { exchange, flash } = data;
  return (
    <div
      className={`topo-node topo-exchange${flash ? ` flash-${flash}` : ''}`}
      data-testid={`topo-exchange-${exchange.name || '(default)'}`}
      title={`exchange ${exchangeLabel(exchange.name)}: ${exchange.type}${exchange.durable ? ', durable' : ''}`}
    >
      <div className="topo-name mono">{exchangeLabel(exchange.name)}</div>
      <div className="topo-meta">
        {exchange.type} exchange{exchange.durable ? ' · durable' : ''}
        {exchange.autoDelete ? ' · auto-delete' : ''}
      </div>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

function QueueNode({ data }: NodeProps<Node<QueueData>>) {
  const { queue, flash } = data;
  const flags = [
    queue.durable ? 'durable' : 'transient',
    queue.exclusive && 'exclusive',
    queue.autoDelete && 'auto-delete',
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <div
      className={`topo-node topo-queue${flash ? ' flash-routed' : ''}`}
      data-testid={`topo-queue-${queue.name}`}
      title={`queue ${queue.name}: ${flags}`}
    >
      <div className="topo-name mono">{queue.name}</div>
      <div className="topo-meta">
        <strong data-testid="depth">{queue.ready}</strong> ready · {queue.unacked} unacked
      </div>
      <div className="topo-meta">
        {queue.consumers} {queue.consumers === 1 ? 'consumer' : 'consumers'} · {flags}
      </div>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

const nodeTypes = { exchange: ExchangeNode, queue: QueueNode };

/**
 * The route of the newest publish, lit for FLASH_MS after it arrives; on opening the view, that of
 * one made in the last RECENT_MS (in a terminal, while the view was hidden).
 */
function useFlash(publishes: RabbitmqPublish[]): RabbitmqPublish | null {
  const newest = publishes.at(-1) ?? null;
  const [lit, setLit] = useState<RabbitmqPublish | null>(null);
  const seen = useRef<number | null>(null);
  useEffect(() => {
    const first = seen.current === null;
    seen.current = newest?.seq ?? 0;
    if (!newest || (first && Date.now() - newest.at > RECENT_MS)) return;
    setLit(newest);
    const timer = setTimeout(() => setLit(null), FLASH_MS);
    return () => clearTimeout(timer);
  }, [newest?.seq]);
  return lit;
}

function graphOf(state: RabbitmqInspectState, flash: RabbitmqPublish | null): { nodes: Node[]; edges: Edge[] } {
  const queues = state.queues.slice(0, GRAPH_QUEUES);
  const queueNames = new Set(queues.map((q) => q.name));
  // Declared exchanges, and the built-in ones only when something binds or was published to them.
  const used = new Set([
    ...state.bindings.filter((b) => b.source !== '' || queueNames.has(b.destination)).map((b) => b.source),
    ...state.bindings.filter((b) => b.destinationType === 'exchange').map((b) => b.destination),
    ...state.publishes.map((p) => p.exchange),
  ]);
  const exchanges = state.exchanges
    .filter((e) => (e.name !== '' && !e.name.startsWith('amq.')) || used.has(e.name))
    .slice(0, GRAPH_EXCHANGES);
  const exchangeNames = new Set(exchanges.map((e) => e.name));
  const bindings = state.bindings.filter(
    (b) =>
      exchangeNames.has(b.source) &&
      (b.destinationType === 'queue' ? queueNames.has(b.destination) : exchangeNames.has(b.destination)),
  );
  const id = (kind: 'x' | 'q', name: string) => `${kind}:${name}`;
  const at = layoutGraph(
    [
      ...exchanges.map((e) => ({ id: id('x', e.name), ...EXCHANGE_SIZE })),
      ...queues.map((q) => ({ id: id('q', q.name), ...QUEUE_SIZE })),
    ],
    bindings.map((b) => ({
      source: id('x', b.source),
      target: id(b.destinationType === 'queue' ? 'q' : 'x', b.destination),
    })),
  );
  const lit = new Set(flash?.routedQueues ?? []);
  const nodes: Node[] = [
    ...exchanges.map((exchange) => ({
      id: id('x', exchange.name),
      type: 'exchange',
      position: at.get(id('x', exchange.name))!,
      data: {
        exchange,
        flash: flash?.exchange === exchange.name ? (lit.size ? 'routed' : 'unroutable') : null,
      } satisfies ExchangeData,
    })),
    ...queues.map((queue) => ({
      id: id('q', queue.name),
      type: 'queue',
      position: at.get(id('q', queue.name))!,
      data: { queue, flash: lit.has(queue.name) } satisfies QueueData,
    })),
  ];
  const edges: Edge[] = bindings.map((b, i) => {
    const onRoute = flash?.exchange === b.source && b.destinationType === 'queue' && lit.has(b.destination);
    const implicit = b.source === '';
    return {
      id: `b${i}`,
      source: id('x', b.source),
      target: id(b.destinationType === 'queue' ? 'q' : 'x', b.destination),
      label: implicit ? undefined : bindingLabel(b),
      animated: onRoute,
      className: `${implicit ? 'topo-implicit' : ''}${onRoute ? ' topo-route' : ''}`,
    };
  });
  return { nodes, edges };
}

function bindingLabel(b: RabbitmqInspectState['bindings'][number]): string {
  const args = Object.entries(b.arguments);
  if (args.length) return args.map(([k, v]) => `${k}=${String(v)}`).join(', ');
  return b.routing_key === '' ? '' : b.routing_key;
}

export function RabbitmqView({ state }: { state: RabbitmqInspectState }) {
  const flash = useFlash(state.publishes);
  const graph = useMemo(() => graphOf(state, flash), [state, flash]);
  const newest = state.publishes.at(-1);
  return (
    <div className="inspect-view">
      <div className="inspect-summary">
        <span>
          vhost <strong className="mono">{state.vhost}</strong>: {count(state.totals.exchanges, 'exchange')},{' '}
          {count(state.totals.queues, 'queue')}, {count(state.totals.bindings, 'binding')}
        </span>
        <span className="inspect-live">
          {state.pushed ? 'pushed by the broker' : `looked at every ${(state.refreshMs ?? 0) / 1000} s`}
        </span>
      </div>
      {newest && newest.routedQueues.length === 0 && (
        <p className="inspect-callout" role="status" data-testid="unroutable">
          {unroutableText(newest)}
        </p>
      )}
      <GraphView
        nodes={graph.nodes}
        edges={graph.edges}
        nodeTypes={nodeTypes}
        testId="topology"
        label="Exchanges, their bindings and the queues they feed"
      />
      {!state.bindingsRead && <p className="inspect-more">Reading the bindings…</p>}
      {state.queues.length > GRAPH_QUEUES && (
        <p className="inspect-more">
          The drawing shows {GRAPH_QUEUES} of {state.totals.queues} queues; the table lists {state.queues.length}.
        </p>
      )}
      <Publishes state={state} />
      <QueueTable queues={state.queues} total={state.totals.queues} />
    </div>
  );
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function Publishes({ state }: { state: RabbitmqInspectState }) {
  if (!state.traced) {
    return <p className="inspect-empty">Publishes are not shown: the firehose tracer is off on this broker.</p>;
  }
  const latest = state.publishes.slice(-6).reverse();
  return (
    <section className="topo-publishes" aria-label="Latest publishes">
      <h4>Latest publishes</h4>
      {latest.length === 0 && <p className="inspect-empty">None yet: publish a message and watch its route.</p>}
      <ul>
        {latest.map((p) => (
          <li key={p.seq} className={p.routedQueues.length ? '' : 'unroutable'} data-testid="publish">
            <span className="muted">{new Date(p.at).toLocaleTimeString()}</span>{' '}
            <span className="mono">{exchangeLabel(p.exchange)}</span> key{' '}
            <span className="mono">{JSON.stringify(p.routingKey)}</span> →{' '}
            {p.routedQueues.length ? (
              <span className="mono">{p.routedQueues.join(', ')}</span>
            ) : (
              <strong>no queue</strong>
            )}{' '}
            <span className="muted">({p.bytes} B)</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function QueueTable({ queues, total }: { queues: Queue[]; total: number }) {
  if (queues.length === 0) return <p className="inspect-empty">No queues yet: declare one in the RabbitMQ terminal.</p>;
  return (
    <table className="inspect-table topo-queues">
      <caption className="visually-hidden">Queues ({total})</caption>
      <thead>
        <tr>
          <th>queue</th>
          <th>ready</th>
          <th>unacked</th>
          <th>consumers</th>
          <th>in/s</th>
          <th>out/s</th>
          <th>kind</th>
        </tr>
      </thead>
      <tbody>
        {queues.map((q) => (
          <tr key={q.name}>
            <td className="mono">{q.name}</td>
            <td>{q.ready}</td>
            <td>{q.unacked}</td>
            <td>{q.consumers}</td>
            <td>{q.publishRate}</td>
            <td>{q.deliverRate}</td>
            <td className="muted">
              {[q.durable ? 'durable' : 'transient', q.exclusive && 'exclusive', q.autoDelete && 'auto-delete']
                .filter(Boolean)
                .join(', ')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
