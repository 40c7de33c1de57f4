// The RabbitMQ terminal: one AMQP connection and one channel; each line is one AMQP method, sent as
// the learner typed it (with the spec's defaults filled in), and the broker's reply is shown as the
// reply method with its fields. basic.consume streams deliveries until Ctrl-C sends basic.cancel.
//
// A channel error (404, 406, …) is printed as the broker words it and a fresh channel replaces the
// closed one, as a client library's user would do; a hint under it says what the error means
// (the trace's words, wire-explain.ts) and which channel the next command goes to. A connection
// error ends the session through output.fail(); the terminal host then reconnects.
import amqp, { type Channel, type ChannelModel, type ConsumeMessage, type Message } from 'amqplib';
import type { Readable } from 'node:stream';
import type { Endpoint } from '../endpoint.ts';
import type { TerminalOutput, TerminalSession } from '../types.ts';
import { defs } from './amqp-defs.ts';
import { connectOptions, parseAmqpTarget, vhostOf } from './amqp-url.ts';
import {
  errorLine,
  escapeInvisible,
  formatCloseReason,
  formatDelivery,
  formatMethod,
  formatString,
  noteLine,
  quote,
  CRLF,
} from './format-reply.ts';
import { pausableReadable } from './flow-control.ts';
import { helpText } from './help-text.ts';
import type { MethodSpec } from './method-table.ts';
import { LineError, parseLine } from './parse-line.ts';
import { terminalHint } from '../wire-types.ts';
import type { RabbitmqAdmin } from './admin.ts';
import { nackHint, VhostQueueCap } from './queue-cap.ts';
import { amqpTerminalHint, vhostNamesFor } from './wire-explain.ts';

export const PROMPT = 'amqp> ';

/** Connecting (TCP and the AMQP handshake) may take this long before the terminal gives up. */
export const CONNECT_TIMEOUT_MS = 3000;
/** After close(), the broker gets this long to answer connection.close before the socket is cut. */
const CLOSE_TIMEOUT_MS = 2000;
/** In confirm mode, how long basic.publish waits for the broker's basic.ack before prompting anyway. */
const CONFIRM_WAIT_MS = 5000;

/** Shows up in the broker's connection list (rabbitmqctl list_connections client_properties). */
const CLIENT_NAME = 'playground terminal';

/**
 * An exchange every vhost has and nobody may delete. basic.publish, basic.ack and friends have no
 * reply, so after sending one the terminal declares this exchange passively: the broker handles a
 * channel's methods in order, so when that answer comes, anything the method caused (a 404 for a
 * missing exchange, a basic.return, an unknown delivery tag) has already arrived and is shown
 * before the next prompt rather than after some later command.
 */
const FENCE_EXCHANGE = 'amq.direct';

/** amqplib's channel below its typed API: the generic request/reply and the raw sends. */
interface RawChannel {
  rpc(method: number, fields: Record<string, unknown>, expect: number): Promise<Record<string, unknown>>;
  sendImmediately(method: number, fields: Record<string, unknown>): void;
  sendMessage(fields: Record<string, unknown>, properties: Record<string, unknown>, content: Buffer): boolean;
}
const raw = (channel: Channel) => channel as unknown as RawChannel;

/** amqplib numbers a channel in `ch`. */
const channelNumber = (channel: Channel) => (channel as unknown as { ch: number }).ch;

/** amqplib keeps the socket on the connection behind the channel model. */
const socketOf = (model: ChannelModel) => (model.connection as unknown as { stream: Readable }).stream;

type Mode =
  | 'idle' // at the prompt
  | 'busy' // a method is waiting for its reply
  | 'streaming'; // basic.consume prints deliveries until Ctrl-C

type Parsed = Extract<ReturnType<typeof parseLine>, { kind: 'method' }>;

/** Publisher confirms on the current channel (after confirm.select): which publishes the broker confirmed. */
interface Confirms {
  published: number;
  /** Every sequence number up to this one is confirmed (a `multiple` ack). */
  through: number;
  singles: Set<number>;
  waiter: { seq: number; done: () => void } | null;
}

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Lets amqplib finish reporting a close (channel events first, then the connection's) before we act. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * amqplib reports a connection.close in answer to connection.open without its text. RabbitMQ
 * answers so (530 NOT_ALLOWED) when the vhost does not exist or the user may not use it.
 */
const REFUSED_AT_OPEN = /^Expected ConnectionOpenOk; got <ConnectionClose/;

/** Connects with the terminal's settings; a refusal comes back in the broker's words. */
export async function connectAmqp(endpoint: Endpoint, clientName: string): Promise<ChannelModel> {
  try {
    return await amqp.connect(connectOptions(endpoint), {
      timeout: CONNECT_TIMEOUT_MS,
      noDelay: true,
      clientProperties: { connection_name: clientName },
    });
  } catch (err) {
    const vhost = vhostOf(parseAmqpTarget(endpoint.url));
    const message = REFUSED_AT_OPEN.test(errorMessage(err))
      ? `the broker refused vhost ${quote(vhost)}: it does not exist, or this user may not use it`
      : formatCloseReason(err);
    throw new Error(message, { cause: err });
  }
}

export async function openAmqpTerminal(
  endpoint: Endpoint,
  output: TerminalOutput,
  admin?: unknown,
): Promise<TerminalSession> {
  const vhost = vhostOf(parseAmqpTarget(endpoint.url));
  const queueCap = new VhostQueueCap((admin ?? null) as RabbitmqAdmin | null, vhost);
  const terminal = new AmqpTerminal(output, admin ?? null, queueCap);
  // The host words a failure as "cannot connect to RabbitMQ at HOST:PORT: <message>".
  const model = await connectAmqp(endpoint, CLIENT_NAME);
  try {
    await terminal.start(model);
  } catch (err) {
    terminal.close();
    throw new Error(formatCloseReason(err), { cause: err });
  }
  const version = String(model.connection.serverProperties.version ?? '');
  output.write(
    noteLine(
      `Connected to RabbitMQ ${escapeInvisible(version)}, vhost ${formatString(vhost)}: one connection, one channel. Type help.`,
    ),
  );
  output.prompt(PROMPT);
  return terminal;
}

class AmqpTerminal implements TerminalSession {
  private model!: ChannelModel;
  private channel!: Channel;
  private mode: Mode = 'idle';
  /** Numbers the foreground command; Ctrl-C moves on, so a late reply of the old one is dropped. */
  private command = 0;
  private consumerTag: string | null = null;
  private cancelling = false;
  /** close() was called or the connection failed: nothing more is written. */
  private ended = false;
  private channelRecovery: Promise<void> | null = null;
  private readonly channelErrors = new WeakMap<Channel, unknown>();
  private readonly deadChannels = new WeakSet<Channel>();
  private confirms: Confirms | null = null;

  constructor(
    private readonly output: TerminalOutput,
    /** The management API's access (RabbitmqAdmin), for a 404's list of what the vhost has. */
    private readonly admin: unknown,
    /** The classroom's cap on the vhost's queues, for the hints at a full queue. */
    private readonly queueCap: VhostQueueCap,
  ) {}

  async start(model: ChannelModel): Promise<void> {
    this.model = model;
    // 'close' follows every 'error' and carries the same reason.
    model.on('error', () => {});
    model.on('close', (err?: Error) => this.onConnectionClosed(model, err));
    model.on('blocked', (reason: string) =>
      this.writeAsync(
        noteLine(`connection.blocked reason=${formatString(reason)}  (the broker holds publishers back)`),
      ),
    );
    model.on('unblocked', () => this.writeAsync(noteLine('connection.unblocked')));
    this.output.setSource(pausableReadable(socketOf(model)));
    this.channel = await this.openChannel();
  }

  line(text: string): void {
    try {
      if (this.ended || this.mode !== 'idle') return;
      const parsed = parseLine(text);
      if (parsed.kind === 'empty') return this.prompt();
      if (parsed.kind === 'help') {
        this.write(helpText(parsed.topic));
        return this.prompt();
      }
      this.mode = 'busy';
      void this.run(parsed, ++this.command);
    } catch (err) {
      this.write(
        errorLine(err instanceof LineError ? err.message : `internal error: ${escapeInvisible(errorMessage(err))}`),
      );
      this.prompt();
    }
  }

  interrupt(): void {
    if (this.ended) return;
    if (this.mode === 'streaming') {
      this.cancelConsumer();
      return;
    }
    if (this.mode === 'busy') {
      this.command++;
      this.write(noteLine('(interrupted: the reply will not be shown, but the broker may still carry the method out)'));
    }
    this.prompt();
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    const model = this.model;
    if (!model) return;
    const socket = socketOf(model);
    const timer = setTimeout(() => socket.destroy(), CLOSE_TIMEOUT_MS);
    model
      .close()
      .catch(() => {})
      .finally(() => {
        clearTimeout(timer);
        socket.destroy();
      });
  }

  // --- running one method ---

  private async run(parsed: Parsed, command: number): Promise<void> {
    const channel = this.channel;
    try {
      const text = await this.perform(parsed, channel, command);
      if (command !== this.command || this.ended) return;
      this.write(text);
      // basic.consume leaves the terminal streaming; everything else is done.
      if (this.mode === 'busy') this.prompt();
    } catch (err) {
      // A closed channel reports itself (the broker's code and text) and is replaced; wait for that.
      await settle();
      await this.channelRecovery;
      if (command !== this.command || this.ended) return;
      if (!this.deadChannels.has(channel)) this.write(errorLine(escapeInvisible(errorMessage(err))));
      this.prompt();
    }
  }

  /** Sends the method and answers what to print for it. */
  private async perform(parsed: Parsed, channel: Channel, command: number): Promise<string> {
    const { method, fields } = parsed;
    switch (method.name) {
      case 'basic.get': {
        const message = await channel.get(fields.queue as string, { noAck: fields.noAck as boolean });
        if (message === false) return formatMethod('basic.get-empty') + CRLF;
        return formatDelivery('basic.get-ok', message.fields, message.properties, message.content);
      }
      case 'basic.consume':
        return this.consume(parsed, channel, command);
      case 'basic.cancel': {
        const reply = await channel.cancel(fields.consumerTag as string);
        return formatMethod('basic.cancel-ok', reply) + CRLF;
      }
      case 'basic.publish':
        return this.publish(parsed, channel);
      default:
        if (method.replyId === undefined) {
          // basic.ack, basic.nack, basic.reject, basic.recover-async
          raw(channel).sendImmediately(method.id, fields);
          await this.fence(channel);
          return noteLine(`(${method.name} has no reply)`);
        }
        return this.request(method, fields, channel);
    }
  }

  private async request(method: MethodSpec, fields: Record<string, unknown>, channel: Channel): Promise<string> {
    const reply = await raw(channel).rpc(method.id, fields, method.replyId!);
    if (method.name === 'confirm.select' && channel === this.channel) {
      this.confirms = { published: 0, through: 0, singles: new Set(), waiter: null };
    }
    return formatMethod(method.replies[0], reply) + CRLF;
  }

  private async fence(channel: Channel): Promise<void> {
    await raw(channel).rpc(
      defs.ExchangeDeclare as number,
      {
        exchange: FENCE_EXCHANGE,
        type: 'direct',
        passive: true,
        durable: false,
        autoDelete: false,
        internal: false,
        nowait: false,
        arguments: {},
        ticket: 0,
      },
      defs.ExchangeDeclareOk as number,
    );
  }

  private async publish(parsed: Parsed, channel: Channel): Promise<string> {
    const confirms = channel === this.channel ? this.confirms : null;
    // Read once per session, before the first publish: a nack's hint needs it at once.
    await this.queueCap.load();
    raw(channel).sendMessage(parsed.fields, parsed.properties, parsed.body);
    const seq = confirms ? ++confirms.published : 0;
    await this.fence(channel);
    if (!confirms) {
      // Nothing comes back from a publish that did not fit: say so when a queue it reaches is full.
      const { exchange, routingKey } = parsed.fields as { exchange: string; routingKey: string };
      const full = await this.queueCap.afterPublish(exchange, routingKey, parsed.body.length);
      return noteLine('(basic.publish has no reply)') + (full ? terminalHint(full) : '');
    }
    // In confirm mode the broker acks each publish; its basic.ack is printed as it arrives.
    if (!(seq <= confirms.through || confirms.singles.has(seq))) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CONFIRM_WAIT_MS);
        confirms.waiter = {
          seq,
          done: () => {
            clearTimeout(timer);
            resolve();
          },
        };
      });
      confirms.waiter = null;
    }
    return '';
  }

  private onConfirm(channel: Channel, name: 'basic.ack' | 'basic.nack', fields: Record<string, unknown>): void {
    if (channel !== this.channel) return;
    const hint = name === 'basic.nack' ? terminalHint(nackHint(this.queueCap.known)) : '';
    this.writeAsync(formatMethod(name, fields) + CRLF + hint);
    const confirms = this.confirms;
    if (!confirms) return;
    const tag = Number(fields.deliveryTag);
    if (fields.multiple) confirms.through = Math.max(confirms.through, tag);
    else confirms.singles.add(tag);
    const waiter = confirms.waiter;
    if (waiter && (waiter.seq <= confirms.through || confirms.singles.has(waiter.seq))) waiter.done();
  }

  // --- basic.consume ---

  private async consume(parsed: Parsed, channel: Channel, command: number): Promise<string> {
    const { fields } = parsed;
    let announced = false;
    // Deliveries can be handled before the await below resumes (they may share a read with the
    // consume-ok), so whichever comes first announces the consumer.
    const announce = (tag: string) => {
      if (announced) return;
      announced = true;
      if (command !== this.command || this.ended) return;
      this.write(formatMethod('basic.consume-ok', { consumerTag: tag }) + CRLF);
      this.mode = 'streaming';
      this.consumerTag = tag;
    };
    let tag = '';
    const ok = await channel.consume(
      fields.queue as string,
      (message: ConsumeMessage | null) => {
        if (message === null) return this.onServerCancel(channel, tag);
        if (command !== this.command) {
          // Ctrl-C came before consume-ok and the learner never saw this delivery: give it back.
          if (!fields.noAck) channel.nack(message, false, true);
          return;
        }
        announce(message.fields.consumerTag);
        this.writeAsync(formatDelivery('basic.deliver', message.fields, message.properties, message.content));
      },
      {
        consumerTag: fields.consumerTag as string,
        noLocal: fields.noLocal as boolean,
        noAck: fields.noAck as boolean,
        exclusive: fields.exclusive as boolean,
        arguments: fields.arguments,
      },
    );
    tag = ok.consumerTag;
    if (command !== this.command || this.ended) {
      // Ctrl-C came before the broker's consume-ok: nobody is watching this consumer.
      channel.cancel(tag).catch(() => {});
      return '';
    }
    announce(tag);
    return '';
  }

  private cancelConsumer(): void {
    if (this.cancelling || this.consumerTag === null) return;
    this.cancelling = true;
    const channel = this.channel;
    channel
      .cancel(this.consumerTag)
      .then(
        (reply) => {
          if (this.ended || channel !== this.channel) return;
          this.write(formatMethod('basic.cancel-ok', reply) + CRLF);
          this.endStream();
        },
        () => {
          /* the channel closed meanwhile; its recovery ends the stream */
        },
      )
      .finally(() => {
        this.cancelling = false;
      });
  }

  /** The broker cancelled the consumer itself (its queue was deleted, …). */
  private onServerCancel(channel: Channel, tag: string): void {
    if (this.ended || channel !== this.channel) return;
    this.write(`basic.cancel consumer_tag=${formatString(tag)}` + CRLF);
    this.write(noteLine('(the broker cancelled the consumer: its queue was deleted or became unavailable)'));
    if (this.mode === 'streaming' && this.consumerTag === tag) this.endStream();
  }

  private endStream(): void {
    this.consumerTag = null;
    this.prompt();
  }

  // --- channel and connection lifecycle ---

  private async openChannel(): Promise<Channel> {
    const channel = await this.model.createChannel();
    channel.on('error', (err: unknown) => this.channelErrors.set(channel, err));
    channel.on('close', () => this.onChannelClosed(channel));
    channel.on('return', (message: Message) => {
      if (channel === this.channel) {
        this.writeAsync(formatDelivery('basic.return', message.fields, message.properties, message.content));
      }
    });
    channel.on('ack', (fields: Record<string, unknown>) => this.onConfirm(channel, 'basic.ack', fields));
    channel.on('nack', (fields: Record<string, unknown>) => this.onConfirm(channel, 'basic.nack', fields));
    return channel;
  }

  private onChannelClosed(channel: Channel): void {
    this.deadChannels.add(channel);
    if (channel !== this.channel || this.ended) return;
    this.channelRecovery ??= this.reopenChannel(channel).finally(() => {
      this.channelRecovery = null;
    });
  }

  private async reopenChannel(dead: Channel): Promise<void> {
    await settle();
    if (this.ended) return; // the whole connection went: its handler reports that
    const reason = this.channelErrors.get(dead);
    this.write(errorLine(reason ? formatCloseReason(reason) : 'the channel was closed'));
    this.confirms = null;
    const wasStreaming = this.mode === 'streaming';
    this.consumerTag = null;
    try {
      this.channel = await this.openChannel();
    } catch (err) {
      if (!this.ended) this.fail(`cannot reopen the channel: ${formatCloseReason(err)}`);
      return;
    }
    if (this.ended) return;
    // The same words as the trace's hint for this close (wire-explain.ts), and where the next command goes.
    const names = await vhostNamesFor(reason, channelNumber(dead), this.admin);
    if (this.ended) return;
    this.write(terminalHint(amqpTerminalHint(reason, channelNumber(dead), channelNumber(this.channel), names)));
    // A running command prompts itself once this recovery is done.
    if (wasStreaming || this.mode === 'idle') this.prompt();
  }

  private onConnectionClosed(model: ChannelModel, err: Error | undefined): void {
    if (model !== this.model || this.ended) return;
    this.fail(err ? formatCloseReason(err) : 'the broker closed the connection');
  }

  private fail(message: string): void {
    this.ended = true;
    this.output.fail(message);
    socketOf(this.model).destroy();
  }

  // --- output ---

  private write(text: string): void {
    if (!this.ended && text) this.output.write(text);
  }

  /** Output that can arrive at any time: at the prompt it is followed by the prompt again. */
  private writeAsync(text: string): void {
    this.write(text);
    if (this.mode === 'idle' && !this.ended) this.output.prompt(PROMPT);
  }

  private prompt(): void {
    this.mode = 'idle';
    if (!this.ended) this.output.prompt(PROMPT);
  }
}
