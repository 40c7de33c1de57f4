// Administrator access to the shared RabbitMQ and MariaDB, for the workspace manager.
//
// Private instances (the usual case): read from the supervisor's contexts — RabbitMQ's `playground`
// administrator over the management API (the supervisor must run with { classroom: true },
// which turns the plugin on), MariaDB's root over its unix socket. Both passwords derive from the
// installation's secret.
//
// Servers given by URL (AMQP_URL, MYSQL_URL): the learner-facing host and port come from those,
// and the administrator from two more variables:
//   CLASSROOM_RABBITMQ_MANAGEMENT_URL  http://ADMIN:PASSWORD@HOST:15672 — a user tagged
//                                      administrator, management plugin enabled on that broker
//   CLASSROOM_MYSQL_ADMIN_URL          mysql://root:PASSWORD@HOST:3306 — an account that may
//                                      CREATE USER, CREATE DATABASE and GRANT
import { parseAmqpTarget } from '../../services/rabbitmq/amqp-url.ts';
import { managementUrl, managedPassword, MANAGED_USER } from '../../services/rabbitmq/managed.ts';
import { rootPassword, socketPath } from '../../services/mysql/managed.ts';
import { parseMysqlUrl } from '../../services/mysql/mysql-url.ts';
import type { Supervisor } from '../../services/supervisor.ts';
import type { SharedAdmin } from './types.ts';

export const RABBITMQ_MANAGEMENT_URL_ENV = 'CLASSROOM_RABBITMQ_MANAGEMENT_URL';
export const MYSQL_ADMIN_URL_ENV = 'CLASSROOM_MYSQL_ADMIN_URL';

export class SharedAdminError extends Error {}

function runningEndpoint(supervisor: Supervisor, service: 'rabbitmq' | 'mysql') {
  const endpoint = supervisor.endpoint(service);
  if (!endpoint) {
    const status = supervisor.status(service);
    throw new SharedAdminError(
      `classroom mode needs ${service}, which is ${status.state}${status.message ? `: ${status.message}` : ''}`,
    );
  }
  return endpoint;
}

function rabbitmqAdmin(supervisor: Supervisor, env: NodeJS.ProcessEnv): SharedAdmin['rabbitmq'] {
  const target = parseAmqpTarget(runningEndpoint(supervisor, 'rabbitmq').url);
  const amqp = { amqpHost: target.hostname, amqpPort: target.port };
  const ctx = supervisor.managedContext('rabbitmq');
  if (ctx) {
    if (!ctx.classroom) {
      throw new SharedAdminError(
        'the private RabbitMQ was started without its management API, which classroom mode needs to make ' +
          "learners' vhosts and users: start the supervisor with { classroom: true }",
      );
    }
    return { ...amqp, managementUrl: managementUrl(ctx), user: MANAGED_USER, password: managedPassword(ctx.secret) };
  }
  const raw = env[RABBITMQ_MANAGEMENT_URL_ENV]?.trim();
  if (!raw) {
    throw new SharedAdminError(
      `RabbitMQ comes from AMQP_URL: classroom mode also needs ${RABBITMQ_MANAGEMENT_URL_ENV}=http://ADMIN:PASSWORD@HOST:15672 ` +
        '(an administrator of that broker; its management plugin enabled)',
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SharedAdminError(`${RABBITMQ_MANAGEMENT_URL_ENV}: expected http://ADMIN:PASSWORD@HOST:PORT`);
  }
  if (!/^https?:$/.test(url.protocol) || !url.username) {
    throw new SharedAdminError(
      `${RABBITMQ_MANAGEMENT_URL_ENV}: expected http://ADMIN:PASSWORD@HOST:PORT (with the administrator's name and password)`,
    );
  }
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  return { ...amqp, managementUrl: `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`, user, password };
}

function mysqlAdmin(supervisor: Supervisor, env: NodeJS.ProcessEnv): SharedAdmin['mysql'] {
  const target = parseMysqlUrl(runningEndpoint(supervisor, 'mysql').url);
  const ctx = supervisor.managedContext('mysql');
  if (ctx) {
    return {
      host: target.host,
      port: target.port,
      admin: { socketPath: socketPath(ctx), user: 'root', password: rootPassword(ctx.secret) },
    };
  }
  const raw = env[MYSQL_ADMIN_URL_ENV]?.trim();
  if (!raw) {
    throw new SharedAdminError(
      `MySQL comes from MYSQL_URL: classroom mode also needs ${MYSQL_ADMIN_URL_ENV}=mysql://root:PASSWORD@HOST:3306 ` +
        '(an account that may create users and databases and grant on them)',
    );
  }
  let admin;
  try {
    admin = parseMysqlUrl(raw);
  } catch (err) {
    // The parser names MYSQL_URL; the value here came from the other variable.
    throw new SharedAdminError(`${MYSQL_ADMIN_URL_ENV}: ${(err as Error).message.replace(/^MYSQL_URL: /, '')}`);
  }
  return {
    host: target.host,
    port: target.port,
    admin: { host: admin.host, port: admin.port, user: admin.user, password: admin.password },
  };
}

/** Throws SharedAdminError, saying what to set or change, when the administrator access is missing. */
export function sharedAdminFromSupervisor(supervisor: Supervisor, env: NodeJS.ProcessEnv = process.env): SharedAdmin {
  return { rabbitmq: rabbitmqAdmin(supervisor, env), mysql: mysqlAdmin(supervisor, env) };
}
