// The rewrites a run's forward can apply to what its client sends (ServiceAdapter.conventionalFilter
// names one as plain data; the host forwarder, in the executor, makes the stream here). A filter
// lives in its service's folder; this table is all the executor loads of the services' code.
import type { Transform } from 'node:stream';
import { GuestLogin } from './rabbitmq/guest-login.ts';
import type { ForwardFilter } from './types.ts';

const FILTERS: Record<string, (options: Record<string, string>) => Transform> = {
  'amqp-guest-login': (o) => new GuestLogin({ user: o.user ?? '', password: o.password ?? '', vhost: o.vhost ?? '/' }),
};

export function isForwardFilter(kind: string): boolean {
  return Object.hasOwn(FILTERS, kind);
}

/** A fresh stream for one connection; an unknown kind is the caller's error. */
export function forwardFilter(filter: ForwardFilter): Transform {
  const make = FILTERS[filter.kind];
  if (!make) throw new Error(`no forward filter named ${JSON.stringify(filter.kind)}`);
  return make(filter.options);
}
