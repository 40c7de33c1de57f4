// The Inspect tab: one view per service that has one (the server's catalog says which), each
// showing the learner's own service as the server pushes its state (inspect-store.ts).
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type {
  MemcachedInspectState,
  MysqlInspectState,
  RabbitmqInspectState,
  RedisInspectState,
} from '../../../shared/inspect.ts';
import type { Workspace } from '../workspace.ts';
import type { InspectSnapshot } from './inspect-store.ts';
import { MemcachedView } from './MemcachedView.tsx';
import { MysqlView } from './MysqlView.tsx';
import { RabbitmqView } from './RabbitmqView.tsx';
import { RedisView } from './RedisView.tsx';

export function InspectPanel({
  workspace,
  service,
  onService,
}: {
  workspace: Workspace;
  service: string;
  onService: (s: string) => void;
}) {
  const services = useSyncExternalStore(workspace.catalog.subscribe, workspace.catalog.getSnapshot).filter(
    (s) => s.inspect,
  );
  const snap = useSyncExternalStore(workspace.inspect.subscribe, workspace.inspect.getSnapshot);
  const tabs = useRef<HTMLDivElement>(null);
  useEffect(() => {
    workspace.inspect.show(service);
  }, [workspace, service]);
  useEffect(() => () => workspace.inspect.show(null), [workspace]);
  // The terminals underneath must not take what is typed next: the keyboard comes here.
  useEffect(() => {
    tabs.current?.querySelector<HTMLButtonElement>('[aria-selected="true"]')?.focus();
  }, []);
  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const i = services.findIndex((s) => s.name === service);
    const next = services[(i + (event.key === 'ArrowRight' ? 1 : services.length - 1)) % services.length];
    if (!next) return;
    event.preventDefault();
    onService(next.name);
    requestAnimationFrame(() =>
      tabs.current?.querySelector<HTMLButtonElement>(`[data-testid="inspect-tab-${next.name}"]`)?.focus(),
    );
  };
  return (
    <div className="inspect-panel" data-testid="inspect-panel">
      <div className="inspect-tabs" role="tablist" aria-label="Inspect a service" ref={tabs} onKeyDown={onKeyDown}>
        {services.map((s) => (
          <button
            key={s.name}
            type="button"
            role="tab"
            aria-selected={s.name === service}
            className={`inspect-tab${s.name === service ? ' active' : ''}`}
            data-testid={`inspect-tab-${s.name}`}
            onClick={() => onService(s.name)}
          >
            {s.title}
          </button>
        ))}
      </div>
      <div className="inspect-body" role="tabpanel" data-testid={`inspect-view-${service}`}>
        <InspectBody snap={snap} service={service} ask={(request) => workspace.inspect.ask(request)} />
      </div>
    </div>
  );
}

/** One service's view from a snapshot: the learner's own tab, and the instructor's watch drawer. */
export function InspectBody({
  snap,
  service,
  ask,
}: {
  snap: InspectSnapshot;
  service: string;
  ask: (request: object) => void;
}) {
  if (snap.error) return <p className="inspect-problem">{snap.error}</p>;
  if (!snap.state || snap.service !== service) return <p className="inspect-waiting">Looking inside…</p>;
  switch (service) {
    case 'redis':
      return (
        <RedisView
          state={snap.state as RedisInspectState}
          receivedAt={snap.receivedAt}
          onShow={(key) => ask({ show: key })}
          onMatch={(match) => ask({ match })}
        />
      );
    case 'memcached':
      return <MemcachedView state={snap.state as MemcachedInspectState} history={snap.history} />;
    case 'rabbitmq':
      return <RabbitmqView state={snap.state as RabbitmqInspectState} />;
    case 'mysql':
      return <MysqlView state={snap.state as MysqlInspectState} onShow={(table) => ask({ show: table })} />;
    default:
      return <pre className="inspect-raw">{JSON.stringify(snap.state, null, 2)}</pre>;
  }
}

/** Re-renders every `ms` while mounted: for times that count down between states. */
export function useTick(ms: number): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(performance.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return '—';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${Math.max(0, Math.floor(s))} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.floor(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
