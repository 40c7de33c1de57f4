// How learners join, on the dashboard: the class code and link to copy, or shown big to the room.
// The link is built on the address learners can reach (JoinAddress from the server), not on the
// address the instructor happened to open the dashboard at.
import { useEffect, useState } from 'react';
import type { ClassSummary, JoinAddress } from '../../../shared/classroom-api.ts';

/** "Copied" shows this long. */
const COPIED_MS = 1500;

/** How learners get in: the code, big enough to read from the back of a room, and the link. */
export function JoinPanel({
  summary,
  online,
  address,
}: {
  summary: ClassSummary;
  online: number;
  address: JoinAddress;
}) {
  const link = `${address.base}${summary.joinPath}`;
  const [copied, setCopied] = useState<'idle' | 'copied' | 'refused'>('idle');
  const [presenting, setPresenting] = useState(false);

  useEffect(() => {
    if (copied === 'idle') return;
    const t = setTimeout(() => setCopied('idle'), COPIED_MS);
    return () => clearTimeout(t);
  }, [copied]);

  useEffect(() => {
    if (!presenting) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setPresenting(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [presenting]);

  const copy = () => {
    if (!navigator.clipboard) {
      setCopied('refused');
      return;
    }
    navigator.clipboard.writeText(link).then(
      () => setCopied('copied'),
      () => setCopied('refused'),
    );
  };

  return (
    <section className="card join-panel" aria-label="How learners join">
      <div className="card-title">Join code</div>
      <div className="join-code" data-testid="class-code">
        {summary.code}
      </div>
      <div className="join-link">
        <code className="join-link-url" data-testid="class-join-link">
          {link}
        </code>
        <button type="button" className="button button-small" onClick={copy} data-testid="class-copy-link">
          {copied === 'copied' ? 'Copied' : copied === 'refused' ? 'Select and copy' : 'Copy'}
        </button>
      </div>
      {address.note && (
        <p className="join-note" data-testid="class-join-note" data-source={address.source}>
          {address.note}
        </p>
      )}
      <div className="join-footer">
        <span className="join-count" data-testid="class-learner-count">
          <strong>{summary.learners}</strong> {summary.learners === 1 ? 'learner' : 'learners'} ·{' '}
          <strong>{online}</strong> online
        </span>
        <button type="button" className="button button-small button-quiet" onClick={() => setPresenting(true)}>
          Show full screen
        </button>
      </div>
      {presenting && (
        <div
          className="projector"
          role="dialog"
          aria-label="Join code, full screen"
          onClick={() => setPresenting(false)}
        >
          <p className="projector-lead">Join {summary.name}</p>
          <p className="projector-code">{summary.code}</p>
          <p className="projector-link" data-testid="projector-link">
            {link}
          </p>
          <p className="projector-hint">Click or press Esc to close</p>
        </div>
      )}
    </section>
  );
}
