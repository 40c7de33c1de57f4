// Where a service answers, and what a service is called: the words every other module of the
// services layer (and the layers above) shares.

/** A service's id, as the registry, the protocol and lessons name it ("redis"). */
export type ServiceId = string;

/** Where a running instance answers. Each adapter reads its own URL format. */
export interface Endpoint {
  /** What a client library connects to, e.g. "redis://127.0.0.1:40123", "127.0.0.1:40124". */
  url: string;
  /** host:port, for display. */
  address: string;
}
