// The run environment popover: the service URLs a program sees, to copy one by one or as exports.
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { Floating } from '../Floating.tsx';
import { copyText } from '../terminal/clipboard.ts';
import { envEntries, exportLines, type RunEnvironment } from './run-env.ts';

/** How long "Copied" stays on a copy button. */
const COPIED_FEEDBACK_MS = 1500;

/**
 * The service variables a run's program sees (REDIS_URL, AMQP_URL…), each with a copy button, and
 * all of them as `export` lines for a shell: the same program then runs outside the playground.
 */
export function EnvPopover({ env }: { env: RunEnvironment }) {
  const snapshot = useSyncExternalStore(env.subscribe, env.getSnapshot);
  const [open, setOpen] = useState(false);
  const [copied, setCopied] = useState<string | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const popover = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      const target = e.target as Node;
      if (!button.current?.contains(target) && !popover.current?.contains(target)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(null), COPIED_FEEDBACK_MS);
    return () => clearTimeout(timer);
  }, [copied]);

  const copy = (what: string, text: string) => {
    void copyText(text).then(() => setCopied(what));
  };

  const entries = snapshot.env ? envEntries(snapshot.env) : [];
  return (
    <>
      <button
        ref={button}
        type="button"
        className={`button button-quiet${open ? ' active' : ''}`}
        aria-expanded={open}
        aria-haspopup="dialog"
        title="The service variables your program sees (REDIS_URL, AMQP_URL…)"
        data-testid="env-button"
        onClick={() => setOpen((o) => !o)}
      >
        <span className="env-icon" aria-hidden="true">
          $
        </span>
        Environment
      </button>
      {open && (
        <Floating
          anchor={button}
          align="right"
          className="env-popover"
          role="dialog"
          aria-label="Environment"
          data-testid="env-popover"
        >
          <div ref={popover}>
            <h2>Environment of a run</h2>
            {entries.length === 0 ? (
              <p className="env-note">
                Run a program once to see the variables it gets: one per service (REDIS_URL, AMQP_URL, MYSQL_URL,
                MEMCACHED_SERVERS), read with <code>os.environ["REDIS_URL"]</code> or <code>process.env.REDIS_URL</code>
                .
              </p>
            ) : (
              <>
                <dl className="env-list">
                  {entries.map(([name, value]) => (
                    <div key={name} className="env-row" data-testid="env-row" data-name={name}>
                      <dt>{name}</dt>
                      <dd>
                        <code title={value}>{value}</code>
                        <button
                          type="button"
                          className="icon-button env-copy"
                          aria-label={`Copy ${name}`}
                          title={`Copy the value of ${name}`}
                          onClick={() => copy(name, value)}
                        >
                          {copied === name ? '✓' : <CopyIcon />}
                        </button>
                      </dd>
                    </div>
                  ))}
                </dl>
                <div className="env-footer">
                  <span className="env-note">
                    {snapshot.current
                      ? 'As of the latest run.'
                      : 'From an earlier visit; a run shows the current ones.'}
                  </span>
                  <button
                    type="button"
                    className="button"
                    title="Copy all as export lines for a shell"
                    data-testid="env-copy-all"
                    onClick={() => copy('*', exportLines(snapshot.env!))}
                  >
                    {copied === '*' ? 'Copied' : 'Copy as export lines'}
                  </button>
                </div>
              </>
            )}
          </div>
        </Floating>
      )}
    </>
  );
}

function CopyIcon() {
  return (
    <svg
      viewBox="0 0 16 16"
      width="13"
      height="13"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.4"
      aria-hidden="true"
    >
      <rect x="5.5" y="5.5" width="8" height="8" rx="1.5" />
      <path d="M10.5 3.5v-.5A1.5 1.5 0 0 0 9 1.5H3A1.5 1.5 0 0 0 1.5 3v6A1.5 1.5 0 0 0 3 10.5h.5" />
    </svg>
  );
}
