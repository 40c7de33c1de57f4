// Opens the classroom's event channel from CLASSROOM_EVENTS_URL: none (one instance) keeps it in
// the process; redis:// (or rediss://) shares it through Redis pub/sub (redis-bus.ts says why that
// and not RabbitMQ).
import { LocalBus } from './local-bus.ts';
import { RedisBus } from './redis-bus.ts';
import type { ClassBus } from './types.ts';

export type { BusMessage, ClassBus } from './types.ts';

export class EventsUrlError extends Error {}

/** What CLASSROOM_EVENTS_URL may be, checked before anything starts. */
export function checkEventsUrl(url: string | undefined): void {
  if (!url) return;
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new EventsUrlError(`CLASSROOM_EVENTS_URL is not a URL: ${JSON.stringify(url)}`);
  }
  if (protocol === 'redis:' || protocol === 'rediss:') return;
  if (protocol === 'amqp:' || protocol === 'amqps:') {
    throw new EventsUrlError(
      'CLASSROOM_EVENTS_URL takes a redis:// URL: the classroom shares its live events through Redis pub/sub, not RabbitMQ (docs/deploy.md says why)',
    );
  }
  throw new EventsUrlError(`CLASSROOM_EVENTS_URL takes a redis:// URL, not ${protocol}//…`);
}

export async function openClassBus(url: string | undefined, log?: (line: string) => void): Promise<ClassBus> {
  checkEventsUrl(url);
  if (!url) return new LocalBus();
  try {
    return await RedisBus.open(url, log);
  } catch (err) {
    throw new EventsUrlError(
      `CLASSROOM_EVENTS_URL (${new URL(url).host}) does not answer: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
