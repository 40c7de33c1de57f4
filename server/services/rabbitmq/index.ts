// RabbitMQ: a terminal that speaks AMQP 0-9-1 methods as text (`queue.declare queue=hello`;
// terminal.ts), a private broker for the playground (managed.ts), queue and exchange checks and
// resets (checks.ts, with bindings read by bindings.ts and routed by routing.ts), and a vhost and
// user per learner on the shared broker in classroom mode (classroom.ts), and its AMQP 0-9-1 decoded
// for the trace (wire.ts).
import type { ServiceAdapter } from '../types.ts';
import { rabbitmqHints } from './hints.ts';
import { AMQP_URL_ENV, parseAmqpTarget, parseAmqpUrl } from './amqp-url.ts';
import { rabbitmqAdmin } from './admin.ts';
import { inspectRabbitmq } from './inspect.ts';
import { rabbitmqRunWatch } from './run-watch.ts';
import { rabbitmqChecks, rabbitmqReset } from './checks.ts';
import { rabbitmqLearners } from './classroom.ts';
import { COMMAND_INFOS } from './help-text.ts';
import { managedRabbitmq } from './managed.ts';
import { connectAmqp, openAmqpTerminal } from './terminal.ts';
import { rabbitmqWire } from './wire.ts';

/** Shows up in the broker's connection list. */
const PROBE_CLIENT_NAME = 'playground health probe';

export const rabbitmq: ServiceAdapter = {
  name: 'rabbitmq',
  title: 'RabbitMQ',
  // Lessons tag AMQP method blocks ```amqp: the terminal speaks the protocol, not a rabbitmq CLI.
  fenceTag: 'amqp',
  conventionalPort: 5672,
  urlEnv: AMQP_URL_ENV,
  // AMQP method names are lower-case (queue.declare), as the spec and every client library write them.
  caseInsensitive: false,
  parseUrl: parseAmqpUrl,
  managed: managedRabbitmq,
  async probe(endpoint) {
    const model = await connectAmqp(endpoint, PROBE_CLIENT_NAME);
    // An unhandled 'error' event would throw; close() below reports nothing we need.
    model.on('error', () => {});
    try {
      return { version: String(model.connection.serverProperties.version) };
    } finally {
      await model.close().catch(() => {});
    }
  },
  async commands() {
    return COMMAND_INFOS;
  },
  openTerminal: openAmqpTerminal,
  snippetEnv: (endpoint, forward) => ({ [AMQP_URL_ENV]: forward.url(endpoint.url, rabbitmq.conventionalPort) }),
  // Tutorials log in as guest/guest on "/": on localhost:5672 in a run, that is the learner's own login.
  conventionalFilter(endpoint) {
    const target = parseAmqpTarget(endpoint.url);
    const vhost = target.vhostPath === '' ? '/' : decodeURIComponent(target.vhostPath);
    return {
      kind: 'amqp-guest-login',
      options: { user: target.username ?? 'guest', password: target.password ?? 'guest', vhost },
    };
  },
  admin: rabbitmqAdmin,
  inspect: inspectRabbitmq,
  runWatch: rabbitmqRunWatch,
  checks: rabbitmqChecks,
  reset: rabbitmqReset,
  classroom: rabbitmqLearners,
  hints: rabbitmqHints,
  decode: rabbitmqWire,
};
