// Connections to the learner's live services, opened when a check (or a reset) first needs one and
// closed together afterwards. Each uses the service's own client library, as a learner's program
// would, and the same endpoint the learner's terminals use.
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { SERVICE_TITLES, type ServiceName } from '../../../shared/services.ts';
import { connectOptions } from '../../services/rabbitmq/amqp-url.ts';
import { parseMysqlUrl } from '../../services/mysql/mysql-url.ts';
import type { Endpoint } from '../../services/types.ts';
import type { BindingsInspector } from './bindings.ts';
import type { Binding } from './routing.ts';

/** Where each service answers now; null while it is not ready. */
export type EndpointOf = (service: ServiceName) => Endpoint | null;

/** Connecting to a service on loopback takes milliseconds; a server that is down answers at once. */
export const CONNECT_TIMEOUT_MS = 3_000;

/** The service is not there to ask; the check cannot pass, and no hint would help. */
export class ServiceUnavailable extends Error {}

export class ServiceClients {
  private redisClient: Promise<Redis> | null = null;
  private amqpConnection: Promise<ChannelModel> | null = null;
  private mysqlConnection: Promise<mysql.Connection> | null = null;
  private bindingList: Promise<Binding[]> | null = null;

  constructor(
    private readonly endpointOf: EndpointOf,
    private readonly inspector: BindingsInspector,
  ) {}

  /** The broker's bindings, read once for all the checks of one run (reading may take a second). */
  bindings(): Promise<Binding[]> {
    this.bindingList ??= this.inspector.bindings(this.endpoint('rabbitmq'));
    this.bindingList.catch(() => {
      this.bindingList = null;
    });
    return this.bindingList;
  }

  endpoint(service: ServiceName): Endpoint {
    const endpoint = this.endpointOf(service);
    if (!endpoint) throw new ServiceUnavailable(`${SERVICE_TITLES[service]} is not running right now, so it cannot be asked`);
    return endpoint;
  }

  redis(): Promise<Redis> {
    this.redisClient ??= (async () => {
      const client = new Redis(this.endpoint('redis').url, {
        lazyConnect: true,
        connectTimeout: CONNECT_TIMEOUT_MS,
        // Fail at once instead of retrying: a check answers now or says why not.
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        enableOfflineQueue: false,
        // RESP2, as redis-cli shows replies by default: ZRANGE … WITHSCORES is a flat list, and a
        // command check's `equals` is written the way the learner sees the answer.
        protocol: 2,
      });
      client.on('error', () => {
        /* the failed command reports it */
      });
      await client.connect();
      return client;
    })();
    return this.redisClient;
  }

  private amqp(): Promise<ChannelModel> {
    this.amqpConnection ??= (async () => {
      const options = { ...connectOptions(this.endpoint('rabbitmq')) };
      const connection = await amqp.connect(options, { timeout: CONNECT_TIMEOUT_MS });
      connection.on('error', () => {
        /* a closed connection fails the next call, which reports it */
      });
      return connection;
    })();
    return this.amqpConnection;
  }

  /**
   * Runs `fn` on a channel of its own. A passive declare of something missing (404) closes its
   * channel, so every question gets a fresh one and the answers stay independent.
   */
  async withChannel<T>(fn: (channel: Channel) => Promise<T>): Promise<T> {
    const channel = await (await this.amqp()).createChannel();
    let closed = false;
    channel.on('error', () => {
      /* the rejected call reports it */
    });
    channel.on('close', () => {
      closed = true;
    });
    try {
      return await fn(channel);
    } finally {
      if (!closed) await channel.close().catch(() => {});
    }
  }

  mysql(): Promise<mysql.Connection> {
    this.mysqlConnection ??= (async () => {
      const target = parseMysqlUrl(this.endpoint('mysql').url);
      const connection = await mysql.createConnection({
        host: target.host,
        port: target.port,
        user: target.user,
        password: target.password,
        database: target.database ?? undefined,
        connectTimeout: CONNECT_TIMEOUT_MS,
        // Values are compared as text: dates as the server writes them, big numbers whole.
        dateStrings: true,
        supportBigNumbers: true,
        bigNumberStrings: true,
        rowsAsArray: true,
      });
      connection.on('error', () => {
        /* the failed query reports it */
      });
      return connection;
    })();
    return this.mysqlConnection;
  }

  async close(): Promise<void> {
    const closing: Promise<unknown>[] = [];
    if (this.redisClient) closing.push(this.redisClient.then((c) => c.disconnect()));
    if (this.amqpConnection) closing.push(this.amqpConnection.then((c) => c.close()));
    if (this.mysqlConnection) closing.push(this.mysqlConnection.then((c) => c.destroy()));
    this.redisClient = this.amqpConnection = this.mysqlConnection = null;
    await Promise.allSettled(closing);
  }
}

/** An AMQP error's reply code (404 not found, 405 locked, 406 precondition failed), if any. */
export function amqpCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}
