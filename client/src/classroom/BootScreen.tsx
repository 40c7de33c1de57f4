// The bare pages around the workspace: the boot screen while the page finds out what to show, and
// the centred card the join page and the instructor's sign-in sit on.
import type { ReactNode } from 'react';

/** The page before it knows what to show, or when it cannot find out: the brand, a line, a way on. */
export function BootScreen({ children, busy = false }: { children: ReactNode; busy?: boolean }) {
  return (
    <main className={`boot-screen${busy ? ' boot-screen-busy' : ''}`} data-testid="boot-screen" aria-busy={busy}>
      <div className="boot-screen-inner">
        <span className="brand-mark page-card-mark" aria-hidden="true">
          &gt;_
        </span>
        {children}
      </div>
    </main>
  );
}

/** A centred card on the page's background: the join page, the instructor's sign-in. */
export function PageCard({ children, wide = false }: { children: ReactNode; wide?: boolean }) {
  return (
    <main className="card-page">
      <div className={`page-card${wide ? ' page-card-wide' : ''}`}>
        <div className="page-card-brand">
          <span className="brand-mark" aria-hidden="true">
            &gt;_
          </span>
          <span className="brand-name">Service Playground</span>
        </div>
        {children}
      </div>
    </main>
  );
}
