// Everything that lives as long as the page, outside React: the connection and one terminal per
// service. React components borrow terminals; they never create or destroy them.
import { SERVICE_NAMES, type ServiceName } from '../../shared/services.ts';
import { Connection, socketUrl } from './connection.ts';
import { shortcutFor } from './shortcuts.ts';
import { TerminalSession } from './terminal/terminal-session.ts';

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export class Workspace {
  readonly connection: Connection;
  readonly sessions: Record<ServiceName, TerminalSession>;
  /**
   * Holds the four terminal elements for the life of the page; the terminal area adopts it once
   * and terminals are placed over their panes (see terminal-session.ts for why they never move).
   */
  readonly layer: HTMLElement;
  readonly storage = safeStorage();

  constructor() {
    this.layer = document.createElement('div');
    this.layer.className = 'terminal-layer';
    // Laid out from the start (xterm measures its font when it opens), out of sight until adopted.
    document.body.appendChild(this.layer);
    this.connection = new Connection({ url: socketUrl(window.location) });
    const isShortcut = (event: KeyboardEvent) => shortcutFor(event) !== null;
    this.sessions = Object.fromEntries(
      SERVICE_NAMES.map((service) => [
        service,
        new TerminalSession(service, this.connection, { storage: this.storage, layer: this.layer, isShortcut }),
      ]),
    ) as Record<ServiceName, TerminalSession>;
    window.addEventListener('online', () => this.connection.reconnectNow());
    this.connection.start();
  }
}
