// Everything that lives as long as the page, outside React: the connection, the services the
// server runs and one terminal per service, the editor's files, and the runs. React components borrow terminals and run panes;
// they never create or destroy them.
import type { ServiceName } from '../../shared/protocol.ts';
import { Connection, socketUrl } from './connection.ts';
import { FileStore } from './editor/file-store.ts';
import type { RemoteFilePersistence } from './editor/remote-files.ts';
import { starterFilesFor } from './editor/starter-files.ts';
import { RunEnvironment } from './runs/run-env.ts';
import { RunManager } from './runs/run-manager.ts';
import { InspectStore } from './inspect/inspect-store.ts';
import { ServiceCatalog } from './service-catalog.ts';
import { shortcutFor } from './shortcuts.ts';
import { TerminalSession } from './terminal/terminal-session.ts';

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** This tab's storage: what must survive a reload but not reach another tab (the session id, a half-typed line). */
function safeSessionStorage(): Storage | null {
  try {
    return window.sessionStorage;
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
  /** The services the server runs (from its `hello`, or the last visit's until then). */
  readonly catalog: ServiceCatalog;
  private readonly sessions = new Map<ServiceName, TerminalSession>();
  private readonly isShortcut = (event: KeyboardEvent) => shortcutFor(event, this.catalog.names.length) !== null;
  /**
   * Holds the terminal elements (services and runs) for the life of the page; the terminal area
   * adopts it once and terminals are placed over their panes (layer-terminal.ts says why they never move).
   */
  readonly layer: HTMLElement;
  readonly storage = safeStorage();
  readonly tabStorage = safeSessionStorage();
  readonly files: FileStore;
  readonly env: RunEnvironment;
  readonly runs: RunManager;
  /** The Inspect tab's view of one service (inspect/inspect-store.ts). */
  readonly inspect: InspectStore;
  /** Classroom mode only; its state is shown beside the file tabs. */
  readonly remoteFiles: RemoteFilePersistence | null;
  private readonly terminalRequests = new Set<(service: ServiceName) => void>();

  constructor(options: WorkspaceOptions = {}) {
    this.layer = document.createElement('div');
    this.layer.className = 'terminal-layer';
    // Laid out from the start (xterm measures its font when it opens), out of sight until adopted.
    document.body.appendChild(this.layer);
    this.connection = new Connection({
      url: socketUrl(window.location),
      finalCloseCodes: options.finalCloseCodes,
      sessionStore: this.tabStorage,
    });
    this.catalog = new ServiceCatalog(this.storage);
    this.inspect = new InspectStore(this.connection);
    // A terminal for every service the server runs, made as soon as the page knows of it (and kept:
    // a service that goes away keeps its scrollback until the page is reloaded).
    const makeSessions = () => {
      for (const { name } of this.catalog.getSnapshot()) this.session(name);
    };
    this.catalog.subscribe(makeSessions);
    this.connection.onCatalog((list) => this.catalog.set(list));
    makeSessions();
    this.remoteFiles = options.remoteFiles ?? null;
    this.files = new FileStore(this.storage, starterFilesFor, this.remoteFiles);
    this.env = new RunEnvironment(this.storage);
    this.runs = new RunManager(this.connection, this.files, this.env, {
      layer: this.layer,
      isShortcut: this.isShortcut,
    });
    // Edits are saved shortly after typing stops; a page that goes away first saves them at once.
    window.addEventListener('pagehide', () => this.files.flush());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') this.files.flush();
    });
    window.addEventListener('online', () => this.connection.reconnectNow());
    this.connection.start();
  }

  /** The terminal of a service the server runs; undefined for one it does not. */
  session(service: ServiceName): TerminalSession | undefined {
    let session = this.sessions.get(service);
    if (!session && this.catalog.info(service)) {
      session = new TerminalSession(service, this.connection, {
        catalog: this.catalog,
        storage: this.storage,
        lineStore: this.tabStorage,
        layer: this.layer,
        isShortcut: this.isShortcut,
      });
      this.sessions.set(service, session);
    }
    return session;
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
