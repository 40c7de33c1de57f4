// amqp-defs.ts reads amqplib's internal lib/defs.js, which no public entry exposes and a release may
// move or change without notice. These tests pin what it relies on: the amqplib version it was
// checked against, and the method and property tables (ids, names, fields in wire order, types,
// defaults) that the RabbitMQ terminal's commands, help and replies are derived from. When one
// fails after an amqplib upgrade, check the new lib/defs.js and the terminal by hand, then update
// AMQPLIB_VERSION_CHECKED in amqp-defs.ts and the tables below.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const AMQPLIB_DIR = path.dirname(require.resolve('amqplib'));
const UPGRADE_HINT =
  'server/services/rabbitmq/amqp-defs.ts reads amqplib internals (lib/defs.js); check them against ' +
  'the installed amqplib, then update AMQPLIB_VERSION_CHECKED there and the tables in amqp-defs.test.ts';

/** One method as `class/method Name(field:type=default, …)`; no `=` when the spec gives no default. */
function signature(info: { classId?: number; methodId?: number; name: string; args: object[] }): string {
  const args = (info.args as Array<{ name: string; type: string; default?: unknown }>).map(
    (a) => `${a.name}:${a.type}${'default' in a ? `=${JSON.stringify(a.default)}` : ''}`,
  );
  const ids = info.classId === undefined ? '' : `${info.classId}/${info.methodId} `;
  return `${ids}${info.name}(${args.join(', ')})`;
}

/** Every method of lib/defs.js in file order, as amqplib 2.3.1 has them. */
const METHODS = [
  '60/10 BasicQos(prefetchSize:long=0, prefetchCount:short=0, global:bit=false)',
  '60/11 BasicQosOk()',
  '60/20 BasicConsume(ticket:short=0, queue:shortstr="", consumerTag:shortstr="", noLocal:bit=false, noAck:bit=false, exclusive:bit=false, nowait:bit=false, arguments:table={})',
  '60/21 BasicConsumeOk(consumerTag:shortstr)',
  '60/30 BasicCancel(consumerTag:shortstr, nowait:bit=false)',
  '60/31 BasicCancelOk(consumerTag:shortstr)',
  '60/40 BasicPublish(ticket:short=0, exchange:shortstr="", routingKey:shortstr="", mandatory:bit=false, immediate:bit=false)',
  '60/50 BasicReturn(replyCode:short, replyText:shortstr="", exchange:shortstr, routingKey:shortstr)',
  '60/60 BasicDeliver(consumerTag:shortstr, deliveryTag:longlong, redelivered:bit=false, exchange:shortstr, routingKey:shortstr)',
  '60/70 BasicGet(ticket:short=0, queue:shortstr="", noAck:bit=false)',
  '60/71 BasicGetOk(deliveryTag:longlong, redelivered:bit=false, exchange:shortstr, routingKey:shortstr, messageCount:long)',
  '60/72 BasicGetEmpty(clusterId:shortstr="")',
  '60/80 BasicAck(deliveryTag:longlong=0, multiple:bit=false)',
  '60/90 BasicReject(deliveryTag:longlong, requeue:bit=true)',
  '60/100 BasicRecoverAsync(requeue:bit=false)',
  '60/110 BasicRecover(requeue:bit=false)',
  '60/111 BasicRecoverOk()',
  '60/120 BasicNack(deliveryTag:longlong=0, multiple:bit=false, requeue:bit=true)',
  '10/10 ConnectionStart(versionMajor:octet=0, versionMinor:octet=9, serverProperties:table, mechanisms:longstr="PLAIN", locales:longstr="en_US")',
  '10/11 ConnectionStartOk(clientProperties:table, mechanism:shortstr="PLAIN", response:longstr, locale:shortstr="en_US")',
  '10/20 ConnectionSecure(challenge:longstr)',
  '10/21 ConnectionSecureOk(response:longstr)',
  '10/30 ConnectionTune(channelMax:short=0, frameMax:long=0, heartbeat:short=0)',
  '10/31 ConnectionTuneOk(channelMax:short=0, frameMax:long=0, heartbeat:short=0)',
  '10/40 ConnectionOpen(virtualHost:shortstr="/", capabilities:shortstr="", insist:bit=false)',
  '10/41 ConnectionOpenOk(knownHosts:shortstr="")',
  '10/50 ConnectionClose(replyCode:short, replyText:shortstr="", classId:short, methodId:short)',
  '10/51 ConnectionCloseOk()',
  '10/60 ConnectionBlocked(reason:shortstr="")',
  '10/61 ConnectionUnblocked()',
  '10/70 ConnectionUpdateSecret(newSecret:longstr, reason:shortstr)',
  '10/71 ConnectionUpdateSecretOk()',
  '20/10 ChannelOpen(outOfBand:shortstr="")',
  '20/11 ChannelOpenOk(channelId:longstr="")',
  '20/20 ChannelFlow(active:bit)',
  '20/21 ChannelFlowOk(active:bit)',
  '20/40 ChannelClose(replyCode:short, replyText:shortstr="", classId:short, methodId:short)',
  '20/41 ChannelCloseOk()',
  '30/10 AccessRequest(realm:shortstr="/data", exclusive:bit=false, passive:bit=true, active:bit=true, write:bit=true, read:bit=true)',
  '30/11 AccessRequestOk(ticket:short=1)',
  '40/10 ExchangeDeclare(ticket:short=0, exchange:shortstr, type:shortstr="direct", passive:bit=false, durable:bit=false, autoDelete:bit=false, internal:bit=false, nowait:bit=false, arguments:table={})',
  '40/11 ExchangeDeclareOk()',
  '40/20 ExchangeDelete(ticket:short=0, exchange:shortstr, ifUnused:bit=false, nowait:bit=false)',
  '40/21 ExchangeDeleteOk()',
  '40/30 ExchangeBind(ticket:short=0, destination:shortstr, source:shortstr, routingKey:shortstr="", nowait:bit=false, arguments:table={})',
  '40/31 ExchangeBindOk()',
  '40/40 ExchangeUnbind(ticket:short=0, destination:shortstr, source:shortstr, routingKey:shortstr="", nowait:bit=false, arguments:table={})',
  '40/51 ExchangeUnbindOk()',
  '50/10 QueueDeclare(ticket:short=0, queue:shortstr="", passive:bit=false, durable:bit=false, exclusive:bit=false, autoDelete:bit=false, nowait:bit=false, arguments:table={})',
  '50/11 QueueDeclareOk(queue:shortstr, messageCount:long, consumerCount:long)',
  '50/20 QueueBind(ticket:short=0, queue:shortstr="", exchange:shortstr, routingKey:shortstr="", nowait:bit=false, arguments:table={})',
  '50/21 QueueBindOk()',
  '50/30 QueuePurge(ticket:short=0, queue:shortstr="", nowait:bit=false)',
  '50/31 QueuePurgeOk(messageCount:long)',
  '50/40 QueueDelete(ticket:short=0, queue:shortstr="", ifUnused:bit=false, ifEmpty:bit=false, nowait:bit=false)',
  '50/41 QueueDeleteOk(messageCount:long)',
  '50/50 QueueUnbind(ticket:short=0, queue:shortstr="", exchange:shortstr, routingKey:shortstr="", arguments:table={})',
  '50/51 QueueUnbindOk()',
  '90/10 TxSelect()',
  '90/11 TxSelectOk()',
  '90/20 TxCommit()',
  '90/21 TxCommitOk()',
  '90/30 TxRollback()',
  '90/31 TxRollbackOk()',
  '85/10 ConfirmSelect(nowait:bit=false)',
  '85/11 ConfirmSelectOk()',
];

/** The basic class's content header (a message's properties): all optional, so no defaults. */
const BASIC_PROPERTIES =
  'BasicProperties(contentType:shortstr, contentEncoding:shortstr, headers:table, deliveryMode:octet, ' +
  'priority:octet, correlationId:shortstr, replyTo:shortstr, expiration:shortstr, messageId:shortstr, ' +
  'timestamp:timestamp, type:shortstr, userId:shortstr, appId:shortstr, clusterId:shortstr)';

describe('amqplib internals that amqp-defs.ts reads', () => {
  it('are those of the amqplib version it was checked against', async () => {
    const { AMQPLIB_VERSION_CHECKED } = await import('./amqp-defs.ts');
    const installed = (
      JSON.parse(fs.readFileSync(path.join(AMQPLIB_DIR, 'package.json'), 'utf8')) as { version: string }
    ).version;
    expect(installed, `amqplib ${installed} is installed, not ${AMQPLIB_VERSION_CHECKED}: ${UPGRADE_HINT}`).toBe(
      AMQPLIB_VERSION_CHECKED,
    );
  });

  it('include lib/defs.js next to the package entry point', () => {
    expect(
      fs.existsSync(path.join(AMQPLIB_DIR, 'lib', 'defs.js')),
      `no lib/defs.js in ${AMQPLIB_DIR}: ${UPGRADE_HINT}`,
    ).toBe(true);
  });

  it('have the method table the terminal is derived from: ids, names, fields, types, defaults', async () => {
    const { allMethodInfos } = await import('./amqp-defs.ts');
    expect(allMethodInfos().map(signature), `the methods of lib/defs.js changed: ${UPGRADE_HINT}`).toEqual(METHODS);
  });

  it('look each method up by its id and by its PascalCase name, with id = class << 16 | method', async () => {
    const { allMethodInfos, defs, methodId } = await import('./amqp-defs.ts');
    expect(typeof defs.info, `defs.info is no longer a function: ${UPGRADE_HINT}`).toBe('function');
    for (const info of allMethodInfos()) {
      expect(info.id, `${info.name}: ${UPGRADE_HINT}`).toBe(info.classId * 65536 + info.methodId);
      expect(methodId(info.name), `defs.${info.name}: ${UPGRADE_HINT}`).toBe(info.id);
      expect(defs.info(info.id), `defs.info(${info.id}): ${UPGRADE_HINT}`).toBe(info);
    }
  });

  it('have the message properties of class basic, and only field types the terminal knows', async () => {
    const { AMQP_TYPES, allMethodInfos, basicPropertiesInfo } = await import('./amqp-defs.ts');
    expect(signature(basicPropertiesInfo()), `the basic properties changed: ${UPGRADE_HINT}`).toBe(BASIC_PROPERTIES);
    const types = new Set([...allMethodInfos(), basicPropertiesInfo()].flatMap((m) => m.args.map((a) => a.type)));
    expect([...types].sort(), `field types: ${UPGRADE_HINT}`).toEqual([...AMQP_TYPES].sort());
  });
});
