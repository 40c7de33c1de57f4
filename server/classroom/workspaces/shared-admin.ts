// Administrator access to the shared servers, for the workspace manager: for every service whose
// learners get an account on the one shared server (RabbitMQ, MySQL), its folder reads the access
// from the supervisor's private instance (its context: passwords derive from the installation's
// secret) or, for a server given by URL, from an environment variable of its own
// (LearnerAccounts.adminAccess; docs/classroom.md names them).
import type { Supervisor } from '../../services/supervisor.ts';
import { errorText } from '../../util/errors.ts';
import type { SharedAdmin } from './types.ts';

export class SharedAdminError extends Error {}

/** Throws SharedAdminError, saying what to set or change, when an administrator access is missing. */
export function sharedAdminFromSupervisor(supervisor: Supervisor, env: NodeJS.ProcessEnv = process.env): SharedAdmin {
  const admin: SharedAdmin = {};
  for (const adapter of supervisor.adapters) {
    if (adapter.classroom.kind !== 'account') continue;
    const endpoint = supervisor.endpoint(adapter.name);
    if (!endpoint) {
      const status = supervisor.status(adapter.name);
      throw new SharedAdminError(
        `classroom mode needs ${adapter.name}, which is ${status.state}${status.message ? `: ${status.message}` : ''}`,
      );
    }
    try {
      admin[adapter.name] = adapter.classroom.adminAccess(endpoint, supervisor.managedContext(adapter.name), env);
    } catch (err) {
      throw new SharedAdminError(errorText(err));
    }
  }
  return admin;
}
