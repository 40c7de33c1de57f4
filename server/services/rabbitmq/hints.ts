// What to change when pasted RabbitMQ code fails here (see ../hint-types.ts): pika 0.x calls on
// the pika 1.x that is installed, a broker address from a tutorial, a login other than the two
// that work here (guest/guest on localhost, and the one in AMQP_URL), and a publish the broker
// refused (in the classroom, a queue at its cap: server/services/rabbitmq/queue-cap.ts).
import { readVariable } from '../../../shared/constants.ts';
import type { HintContext, HintRow } from '../hint-types.ts';

const PIKA_1_CONSUME = "basic_consume(queue='hello', on_message_callback=callback, auto_ack=True)";

function amqpUrl(ctx: HintContext): string {
  return ctx.language === 'javascript'
    ? `amqp.connect(${readVariable(ctx.language, 'AMQP_URL')})`
    : `pika.URLParameters(${readVariable(ctx.language, 'AMQP_URL')})`;
}

export const rabbitmqHints: HintRow[] = [
  {
    id: 'pika-0x-exchange-type',
    line: /exchange_declare\(\) got an unexpected keyword argument 'type'/,
    hint: () =>
      "this is pika 0.x code; pika 1.x (installed here) calls it exchange_type: exchange_declare(exchange='logs', exchange_type='fanout')",
    fixture: {
      language: 'python',
      output: [
        '  File "/home/learner/main.py", line 4, in <module>',
        "    ch.exchange_declare(exchange='logs', type='fanout')",
        "TypeError: BlockingChannel.exchange_declare() got an unexpected keyword argument 'type'",
      ].join('\n'),
      says: 'exchange_type=',
    },
  },
  {
    id: 'pika-0x-basic-consume',
    line: /basic_consume\(\) got multiple values for argument 'queue'/,
    hint: () =>
      `this is pika 0.x code; in pika 1.x (installed here) the queue comes first and the callback is named: ${PIKA_1_CONSUME}`,
    fixture: {
      language: 'python',
      output: [
        '  File "/home/learner/main.py", line 6, in <module>',
        "    ch.basic_consume(callback, queue='hello', no_ack=True)",
        "TypeError: BlockingChannel.basic_consume() got multiple values for argument 'queue'",
      ].join('\n'),
      says: 'on_message_callback=callback',
    },
  },
  {
    id: 'pika-0x-no-ack',
    line: /got an unexpected keyword argument 'no_ack'/,
    hint: () => `no_ack is pika 0.x; pika 1.x (installed here) calls it auto_ack: ${PIKA_1_CONSUME}`,
    fixture: {
      language: 'python',
      output: [
        "    ch.basic_consume(queue='hello', on_message_callback=callback, no_ack=True)",
        "TypeError: BlockingChannel.basic_consume() got an unexpected keyword argument 'no_ack'",
      ].join('\n'),
      says: 'auto_ack',
    },
  },
  {
    id: 'amqp-login-refused',
    line: /ACCESS_REFUSED - Login was refused/,
    hint: (_m, ctx) =>
      `the broker refused this user or password: here, log in as guest/guest on localhost:5672 (that is your own account) or use ${amqpUrl(ctx)}`,
    fixture: {
      language: 'python',
      output: [
        '    raise self._reap_last_connection_workflow_error(error)',
        "pika.exceptions.ProbableAuthenticationError: ConnectionClosedByBroker: (403) 'ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile.'",
      ].join('\n'),
      says: 'guest/guest on localhost:5672',
    },
  },
  {
    id: 'amqp-nack',
    line: /^pika\.exceptions\.NackError: (\d+) message\(s\) NACKed|^Error: message nacked$/,
    hint: () =>
      'the broker refused the message (basic.nack): most often a queue it routes to is full — in the classroom each queue holds a limited number of messages and bytes; consume from the queue or purge it to make room',
    fixture: {
      language: 'python',
      output: ['    raise exceptions.NackError(messages)', 'pika.exceptions.NackError: 1 message(s) NACKed'].join('\n'),
      says: 'a queue it routes to is full',
    },
  },
  {
    // pika 1.x says nothing of the address it tried.
    id: 'pika-connect',
    line: /^pika\.exceptions\.AMQPConnectionError\s*$/,
    hint: (_m, ctx) =>
      `pika reached no broker at the address in the code: here, use pika.ConnectionParameters('localhost') (your own RabbitMQ) or ${amqpUrl(ctx)}`,
    fixture: {
      language: 'python',
      output: [
        '  File "/usr/lib/python3/dist-packages/pika/adapters/blocking_connection.py", line 451, in _create_connection',
        '    raise self._reap_last_connection_workflow_error(error)',
        'pika.exceptions.AMQPConnectionError',
      ].join('\n'),
      says: "pika.ConnectionParameters('localhost')",
    },
  },
];
