// A page's Inspect channels (`open` with kind "inspect"): each one watches one of the learner's
// services through its adapter's inspector and sends `state` frames until the page closes it.
// Unlike terminals and runs they keep nothing for a reload: they end when the socket goes away
// (an inspector holds connections to the service), and the reloaded page opens them again.
import type { ServerMessage } from '../../shared/protocol.ts';
import type { ServiceId } from '../services/endpoint.ts';
import type { InspectSession } from '../services/inspect-types.ts';
import { errorText } from '../util/errors.ts';
import type { ServiceAccess } from './service-access.ts';

interface Channel {
  service: ServiceId;
  session: InspectSession | null;
  closed: boolean;
}

export class InspectChannels {
  private readonly channels = new Map<string, Channel>();

  constructor(
    private readonly services: ServiceAccess,
    /** Straight to the socket, when one is attached: states are not kept for a reload. */
    private readonly send: (message: ServerMessage) => void,
  ) {}

  has(id: string): boolean {
    return this.channels.has(id);
  }

  async open(id: string, service: ServiceId): Promise<void> {
    const fail = (message: string) => {
      this.send({ type: 'error', id, message });
      this.send({ type: 'exit', id, code: 1 });
    };
    if (!this.services.has(service)) return fail(`no service "${service}" on this server`);
    const adapter = this.services.adapter(service);
    if (!adapter.inspect) return fail(`${adapter.title} has no Inspect view`);
    const endpoint = this.services.endpoint(service);
    if (!endpoint) return fail(`${adapter.title} is not ready yet; open the view again once it is`);
    const channel: Channel = { service, session: null, closed: false };
    this.channels.set(id, channel);
    try {
      const session = await adapter.inspect(
        endpoint,
        {
          state: (state) => {
            if (!channel.closed) this.send({ type: 'state', id, service, state });
          },
          fail: (message) => {
            if (channel.closed) return;
            this.close(id);
            fail(`${adapter.title}: ${message}`);
          },
        },
        this.services.admin?.(service) ?? null,
      );
      if (channel.closed) session.close();
      else channel.session = session;
    } catch (err) {
      if (channel.closed) return;
      this.channels.delete(id);
      fail(`cannot inspect ${adapter.title}: ${errorText(err)}`);
    }
  }

  /** Ends one channel (the page closed it); false if there is none by that id. */
  close(id: string): boolean {
    const channel = this.channels.get(id);
    if (!channel) return false;
    channel.closed = true;
    channel.session?.close();
    this.channels.delete(id);
    return true;
  }

  /** A request of the page's view (Redis: the key to show the value of), passed to the inspector. */
  input(id: string, data: string): void {
    this.channels.get(id)?.session?.input?.(data);
  }

  /** A line typed into `service`'s terminal was answered (or, with none, a run ended): the views may look again. */
  nudge(service?: ServiceId): void {
    for (const channel of this.channels.values()) {
      if (service === undefined || channel.service === service) channel.session?.nudge?.();
    }
  }

  closeAll(): void {
    for (const id of [...this.channels.keys()]) this.close(id);
  }
}
