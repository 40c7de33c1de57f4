// Classroom bits of the top bar: the learner's name and class, and the instructor's dashboard link.
/** The learner's name and class in the top bar: who the instructor sees, and where. */
export function ClassIdentity({ name, className, code }: { name: string; className: string; code: string }) {
  return (
    <span
      className="class-identity"
      title={`You joined ${className} (code ${code}) as ${name}`}
      data-testid="class-identity"
    >
      <span className="class-identity-name">{name}</span>
      <span className="class-identity-sep" aria-hidden="true">
        ·
      </span>
      <span className="class-identity-class">{className}</span>
    </span>
  );
}

/** The instructor's way back from their own workspace to the dashboard. */
export function DashboardLink() {
  return (
    <a className="button button-small top-bar-link" href="/instructor" data-testid="dashboard-link">
      Dashboard
    </a>
  );
}
