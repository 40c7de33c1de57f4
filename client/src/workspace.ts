// Everything that lives as long as the page, outside React: the connection, one terminal per
// service, the editor's files, and the runs. React components borrow terminals and run panes;
// they never create or destroy them.
import { SERVICE_NAMES, type ServiceName } from '../../shared/services.ts';
import { Connection, socketUrl } from './connection.ts';
import { FileStore } from './editor/file-store.ts';
import type { RemoteFilePersistence } from './editor/remote-files.ts';
import { starterFilesFor } from './editor/starter-files.ts';
import { RunEnvironment } from './runs/run-env.ts';
import { RunManager } from './runs/run-manager.ts';
import { shortcutFor } from './shortcuts.ts';
import { TerminalSession } from './terminal/terminal-session.ts';

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export interface WorkspaceOptions {
  /** Classroom mode: the editor's files are kept on the server too. */
  remoteFiles?: RemoteFilePersistence;
  /** Classroom mode: socket close codes that end the session (not joined, removed) rather than retry. */
  finalCloseCodes?: readonly number[];
}

export class Workspace {
  readonly connection: Connection;
  readonly sessions: Record<ServiceName, TerminalSession>;
  /**
   * Holds the terminal elements (services and runs) for the life of the page; the terminal area
   * adopts it once and terminals are placed over their panes (layer-terminal.ts says why they never move).
   */
  readonly layer: HTMLElement;
  readonly storage = safeStorage();
  readonly files: FileStore;
  readonly env: RunEnvironment;
  readonly runs: RunManager;
  /** Classroom mode only; its state is shown beside the file tabs. */
  readonly remoteFiles: RemoteFilePersistence | null;
  private readonly terminalRequests = new Set<(service: ServiceName) => void>();

  constructor(options: WorkspaceOptions = {}) {
    this.layer = document.createElement('div');
    this.layer.className = 'terminal-layer';
    // Laid out from the start (xterm measures its font when it opens), out of sight until adopted.
    document.body.appendChild(this.layer);
    this.connection = new Connection({ url: socketUrl(window.location), finalCloseCodes: options.finalCloseCodes });
    const isShortcut = (event: KeyboardEvent) => shortcutFor(event) !== null;
    this.sessions = Object.fromEntries(
      SERVICE_NAMES.map((service) => [
        service,
        new TerminalSession(service, this.connection, { storage: this.storage, layer: this.layer, isShortcut }),
      ]),
    ) as Record<ServiceName, TerminalSession>;
    this.remoteFiles = options.remoteFiles ?? null;
    this.files = new FileStore(this.storage, starterFilesFor, this.remoteFiles);
    this.env = new RunEnvironment(this.storage);
    this.runs = new RunManager(this.connection, this.files, this.env, { layer: this.layer, isShortcut });
    // Edits are saved shortly after typing stops; a page that goes away first saves them at once.
    window.addEventListener('pagehide', () => this.files.flush());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') this.files.flush();
    });
    window.addEventListener('online', () => this.connection.reconnectNow());
    this.connection.start();
  }

  /** Brings a service's terminal on screen with the keyboard (a lesson block is about to type into it). */
  showTerminal(service: ServiceName): void {
    for (const l of this.terminalRequests) l(service);
  }

  /** The terminal area listens: it owns the layout. */
  onShowTerminal(listener: (service: ServiceName) => void): () => void {
    this.terminalRequests.add(listener);
    return () => this.terminalRequests.delete(listener);
  }
}
