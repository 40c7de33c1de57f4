// One workspace as the manager keeps it in memory: its record, its own processes, and the state of
// its lifecycle. The manager (manager.ts), its warm pool (warm-pool.ts) and its idle clock
// (idle-reclaim.ts) all work on these.
import type { WorkspaceState } from '../../../shared/classroom-api.ts';
import type { SupervisedProcess } from '../../services/process/supervised-process.ts';
import type { ServiceId } from '../../services/endpoint.ts';
import type { WorkspaceRecord } from '../store/types.ts';

export interface Entry {
  record: WorkspaceRecord;
  /** `<dataDir>/workspaces/<id>/`: its instances' files and log. */
  dir: string;
  state: WorkspaceState;
  /** The learner's own processes, by service (the services whose classroom kind is 'instance'). */
  instances: Map<ServiceId, SupervisedProcess>;
  /** The accounts and their spaces exist on the shared servers (for this run of the server). */
  accountsReady: boolean;
  /** Instances started and not stopped since (one of them may be restarting after a crash). */
  running: boolean;
  /** Sockets (and other users) holding it: while any does, it is never reclaimed. */
  holds: number;
  idleTimer: NodeJS.Timeout | null;
  /** An idle reclaim waits its turn; activity before it runs calls it off. */
  reclaimQueued: boolean;
  /** The start in progress; concurrent ensure() calls share it. */
  starting: Promise<void> | null;
  /** The tail of this workspace's lifecycle operations, which run one after another. */
  chain: Promise<unknown>;
  /**
   * Provisioned by this process. With several instances, an unassigned workspace made by another
   * is that instance's warm one, never this one's to hand out.
   */
  local: boolean;
  /** A warm workspace taken by claim() (its record may not say so yet). */
  claimed: boolean;
  destroyed: boolean;
}

/** Runs `operation` after every lifecycle operation queued on the workspace before it. */
export function serial<T>(entry: Entry, operation: () => Promise<T>): Promise<T> {
  const result = entry.chain.then(operation, operation);
  entry.chain = result.catch(() => {});
  return result;
}
