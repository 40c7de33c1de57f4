// What an Inspect view shows of a learner's service: the `state` of an `inspect` channel
// (docs/protocol.md). Each service's inspector (server/services/<name>/inspect.ts) sends its whole
// state at once and again on every change; these are the fields scripts can rely on.

export interface RedisInspectState {
  /** DBSIZE: every key of the database, however many are listed. */
  total: number;
  /** The first keys SCAN found (at most `limit`), sorted by name. */
  keys: Array<{
    key: string;
    type: string;
    /** Seconds left (PTTL / 1000), -1 for none. */
    ttl: number;
    encoding: string | null;
    /** MEMORY USAGE, bytes. */
    bytes: number | null;
  }>;
  limit: number;
  /** The SCAN MATCH pattern the view asked for (`input` {"match": glob}); null: every key. */
  match: string | null;
  /** Pub/sub channels with subscribers. */
  channels: Array<{ channel: string; subscribers: number }>;
  /** Keyspace notifications push changes; otherwise the view is refreshed every `refreshMs`. */
  pushed: boolean;
  refreshMs: number | null;
  /** The key the page asked to see (`input` {"show": key}), with its value, kept up to date. */
  shown: RedisShownValue | null;
}

export interface RedisShownValue {
  key: string;
  /** "none" once the key is gone. */
  type: string;
  /** Elements in all (characters for a string). */
  length: number;
  /** A string's text; a list's, set's or stream's entries; a hash's fields and a sorted set's
   * members with their values or scores, as pairs. At most REDIS_VALUE_LIMIT of them. */
  items: Array<string | [string, string]>;
  truncated: boolean;
}

/** Elements of a shown Redis value at most (characters of a string: 64 times that). */
export const REDIS_VALUE_LIMIT = 100;

export interface MemcachedInspectState {
  stats: {
    get_hits: number;
    get_misses: number;
    curr_items: number;
    bytes: number;
    limit_maxbytes: number;
    evictions: number;
    curr_connections: number;
    cmd_get: number;
    cmd_set: number;
  };
  slabs: Array<{ id: number; chunkSize: number; pages: number; items: number }>;
  /** From `lru_crawler metadump all`: size in bytes, exp as a Unix time (-1: never), la: last access. */
  keys: Array<{ key: string; size: number; exp: number; la: number }>;
  limit: number;
  /** Server time (Unix seconds) the state was read at, for exp and la. */
  time: number;
  pushed: boolean;
}

export interface MysqlInspectState {
  database: string;
  tables: Array<{
    name: string;
    /** Exact (COUNT(*)) up to the first `countLimit` tables, else the server's estimate. */
    rows: number;
    columns: Array<{ name: string; type: string; nullable: boolean; default: string | null; key: string }>;
    indexes: Array<{ name: string; columns: string[]; unique: boolean }>;
    foreignKeys: Array<{ name: string; column: string; references: { table: string; column: string } }>;
  }>;
  /** The view is refreshed when the database's tables change, looked at every `refreshMs`. */
  refreshMs: number;
  /** The table the page asked to see (`input` {"show": table}): its first MYSQL_ROWS_LIMIT rows. */
  shown: MysqlShownRows | null;
}

export interface MysqlShownRows {
  table: string;
  columns: string[];
  /** Values as MySQL writes them (dates and big numbers as text); null for NULL. */
  rows: Array<Array<string | null>>;
  /** Rows in all; more than `rows` holds when the table is longer. */
  total: number;
  /** The table is gone (or never was). */
  missing: boolean;
}

export const MYSQL_ROWS_LIMIT = 20;

export interface RabbitmqInspectState {
  vhost: string;
  /** The vhost's exchanges but the broker's own amq.rabbitmq.* ones; "" is the default exchange. */
  exchanges: Array<{ name: string; type: string; durable: boolean; autoDelete: boolean; internal: boolean }>;
  /** `messages` = ready + unacked; rates are messages a second, as the broker measures them. */
  queues: Array<{
    name: string;
    messages: number;
    ready: number;
    unacked: number;
    consumers: number;
    durable: boolean;
    exclusive: boolean;
    autoDelete: boolean;
    publishRate: number;
    deliverRate: number;
  }>;
  /** Every binding, the default exchange's implicit ones included (source ""). */
  bindings: Array<{
    source: string;
    destination: string;
    destinationType: 'queue' | 'exchange';
    routing_key: string;
    arguments: Record<string, unknown>;
  }>;
  /** How many the vhost has in all: the lists stop at RABBITMQ_LIST_LIMIT. */
  totals: { exchanges: number; queues: number; bindings: number };
  /**
   * False in a first state sent before a long vhost's bindings came (they take the broker a few
   * hundred ms for thousands): `bindings` is empty then, and the next state has them.
   */
  bindingsRead: boolean;
  /** The latest publishes (newest last), from the broker's firehose; empty when tracing is off. */
  publishes: RabbitmqPublish[];
  /** The broker pushes changes (event exchange, firehose); otherwise refreshed every `refreshMs`. */
  pushed: boolean;
  traced: boolean;
  refreshMs: number | null;
}

export interface RabbitmqPublish {
  /** A number that grows with each publish the view saw, so the page can tell new ones. */
  seq: number;
  /** Unix milliseconds. */
  at: number;
  exchange: string;
  routingKey: string;
  /** The queues the broker routed it to; empty: unroutable (it reached no queue). */
  routedQueues: string[];
  bytes: number;
}

export const RABBITMQ_LIST_LIMIT = 100;
export const RABBITMQ_PUBLISH_LIMIT = 20;

export type InspectState =
  RedisInspectState | MemcachedInspectState | MysqlInspectState | RabbitmqInspectState | Record<string, unknown>;
