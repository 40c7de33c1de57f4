// Lesson checks about routes need a vhost's bindings, which AMQP cannot list. In classroom mode they
// come from the management API with the broker administrator's credentials; the endpoint passed in
// is the learner's, and only its vhost is read from it.
import { CannotInspectBindings, type BindingsInspector } from '../../lessons/checks/bindings.ts';
import { parseAmqpTarget, vhostOf } from '../../services/rabbitmq/amqp-url.ts';
import { errorText } from '../../services/supervisor.ts';
import type { RabbitmqAccounts } from './rabbitmq-accounts.ts';

export function managementInspector(accounts: RabbitmqAccounts): BindingsInspector {
  return {
    async bindings(endpoint) {
      const vhost = vhostOf(parseAmqpTarget(endpoint.url));
      try {
        return await accounts.bindings(vhost);
      } catch (err) {
        throw new CannotInspectBindings(`cannot inspect bindings of vhost "${vhost}": ${errorText(err)}`);
      }
    },
  };
}
