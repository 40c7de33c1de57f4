// One learner watched from the dashboard: their terminals, live and read-only, or what their
// Inspect views show of each service (the same views, from the server's inspect stream), with
// reset and remove.
import { useEffect, useState } from 'react';
import type { LearnerView } from '../../../shared/classroom-api.ts';
import { MirrorTerminals } from '../classroom/MirrorTerminals.tsx';
import { InspectBody } from '../inspect/InspectPanel.tsx';
import { fetchInspectable, inspectUrl, removeLearner, resetLearner, watchUrl } from './api.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { LiveStatus } from './LiveStatus.tsx';
import { timeAgo } from './relative-time.ts';
import { useInspectStream } from './use-inspect-stream.ts';
import { useMirrorStream } from './use-mirror-stream.ts';

type Action =
  { kind: 'idle' } | { kind: 'confirm'; what: 'reset' | 'remove' } | { kind: 'busy'; what: 'reset' | 'remove' };

const WORKSPACE_TEXT: Record<LearnerView['workspace'], string> = {
  provisioning: 'workspace starting',
  ready: 'workspace ready',
  reclaimed: 'workspace asleep (wakes when they come back)',
  failed: 'workspace failed',
};

interface Props {
  classId: string;
  learner: LearnerView;
  place: string | null;
  done: number;
  checked: number;
  now: number;
  onClose: () => void;
  /** The learner was removed: the page says so and the drawer closes. */
  onRemoved: (message: string) => void;
}

/** One learner's terminals, live and read-only, with the two things an instructor may do to them. */
export function WatchDrawer({ classId, learner, place, done, checked, now, onClose, onRemoved }: Props) {
  const { screens, status, reconnect } = useMirrorStream(watchUrl(classId, learner.id));
  /** null: the terminals; else the service whose Inspect view is shown. */
  const [view, setView] = useState<string | null>(null);
  const [inspectable, setInspectable] = useState<Array<{ name: string; title: string }>>([]);
  useEffect(() => {
    fetchInspectable(classId, learner.id).then(
      (r) => setInspectable(r.services),
      () => setInspectable([]),
    );
  }, [classId, learner.id]);
  const inspect = useInspectStream(view ? inspectUrl(classId, learner.id, view) : null, view);
  const [action, setAction] = useState<Action>({ kind: 'idle' });
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null);

  const run = (what: 'reset' | 'remove') => {
    setAction({ kind: 'busy', what });
    setResult(null);
    if (what === 'reset') {
      resetLearner(classId, learner.id).then(
        (r) => {
          setAction({ kind: 'idle' });
          setResult({
            ok: r.ok,
            message: r.message || (r.ok ? `${learner.name}'s workspace is empty again.` : 'The reset did not finish.'),
          });
        },
        (err: Error) => {
          setAction({ kind: 'idle' });
          setResult({ ok: false, message: `Not reset: ${err.message}` });
        },
      );
    } else {
      removeLearner(classId, learner.id).then(
        () => onRemoved(`${learner.name} was removed from the class.`),
        (err: Error) => {
          setAction({ kind: 'idle' });
          setResult({ ok: false, message: `Not removed: ${err.message}` });
        },
      );
    }
  };

  return (
    <aside
      className="watch-drawer"
      role="dialog"
      aria-modal="false"
      aria-labelledby="watch-title"
      data-testid="watch-drawer"
      data-learner={learner.id}
    >
      <header className="watch-header">
        <span className={`online-dot${learner.online ? ' online' : ''}`} aria-hidden="true" />
        <h2 id="watch-title">
          Watching {learner.name} <span className="watch-readonly">(read-only)</span>
        </h2>
        <LiveStatus status={status} onReconnect={reconnect} testId="watch-status" />
        <button
          type="button"
          className="icon-button watch-close"
          aria-label="Close (Esc)"
          title="Close (Esc)"
          onClick={onClose}
          data-testid="watch-close"
        >
          ×
        </button>
      </header>
      <p className="watch-meta">
        {learner.online ? 'online' : 'offline'} · last active {timeAgo(learner.lastActiveAt, now)}
        {place && <> · on {place}</>} · {done} of {checked} checks done · {WORKSPACE_TEXT[learner.workspace]}
      </p>
      {inspectable.length > 0 && (
        <div className="inspect-tabs watch-views" role="tablist" aria-label="What to watch">
          {[{ name: null, title: 'Terminals' }, ...inspectable].map((v) => (
            <button
              key={v.name ?? 'terminals'}
              type="button"
              role="tab"
              aria-selected={view === v.name}
              className={`inspect-tab${view === v.name ? ' active' : ''}`}
              data-testid={`watch-view-${v.name ?? 'terminals'}`}
              onClick={() => setView(v.name)}
            >
              {v.name ? `Inspect ${v.title}` : v.title}
            </button>
          ))}
        </div>
      )}
      {view && (
        <div className="watch-inspect" role="tabpanel" data-testid={`watch-inspect-${view}`}>
          <InspectBody snap={inspect.snap} service={view} ask={() => {}} />
        </div>
      )}
      <div className="watch-screens" hidden={view !== null}>
        {screens && (
          <MirrorTerminals
            screens={screens}
            empty={
              learner.online
                ? `${learner.name} has no terminal or run open right now.`
                : `${learner.name} is offline: their terminals show up here when they come back.`
            }
          />
        )}
      </div>
      <footer className="watch-actions">
        <button
          type="button"
          className="button"
          disabled={action.kind === 'busy'}
          data-testid="learner-reset"
          onClick={() => setAction({ kind: 'confirm', what: 'reset' })}
        >
          {action.kind === 'busy' && action.what === 'reset' ? 'Resetting…' : 'Reset workspace'}
        </button>
        <button
          type="button"
          className="button button-danger-quiet"
          disabled={action.kind === 'busy'}
          data-testid="learner-remove"
          onClick={() => setAction({ kind: 'confirm', what: 'remove' })}
        >
          {action.kind === 'busy' && action.what === 'remove' ? 'Removing…' : 'Remove from class'}
        </button>
        {result && (
          <p
            className={`result-line${result.ok ? '' : ' result-bad'}`}
            role="status"
            data-testid="learner-action-result"
          >
            {result.message}
          </p>
        )}
      </footer>
      {action.kind === 'confirm' && action.what === 'reset' && (
        <ConfirmDialog
          title={`Reset ${learner.name}'s workspace?`}
          confirmLabel="Reset workspace"
          danger
          onCancel={() => setAction({ kind: 'idle' })}
          onConfirm={() => run('reset')}
        >
          <p>
            This empties their own services: every memcached and Redis key, their RabbitMQ queues and exchanges, and the
            tables in their MySQL database. It cannot be undone.
          </p>
          <p>Their lesson progress and editor files stay. They get a notice that you reset it.</p>
        </ConfirmDialog>
      )}
      {action.kind === 'confirm' && action.what === 'remove' && (
        <ConfirmDialog
          title={`Remove ${learner.name} from the class?`}
          confirmLabel="Remove from class"
          danger
          onCancel={() => setAction({ kind: 'idle' })}
          onConfirm={() => run('remove')}
        >
          <p>
            Their terminals close at once and their page says they were removed. They leave this grid; to come back they
            join again with the code.
          </p>
        </ConfirmDialog>
      )}
    </aside>
  );
}
