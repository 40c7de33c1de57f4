// The one-line hint beside a RabbitMQ error: a Channel.Close or Connection.Close whose reply code
// says what went wrong (404 NOT_FOUND, 406 PRECONDITION_FAILED…), told in terms of what to do next.
// The broker's text already names the queue and the argument; the hint adds what the learner
// cannot see from there: which queues or exchanges the vhost does have (the management API), which
// value the existing queue holds and how to declare it, and that the channel is gone.
//
// The core, explainAmqpError(), takes plain data, so the trace (explainWire(), from a decoded
// frame) and the terminal (amqpTerminalHint(), from amqplib's error) say the same thing.
import type { ExplainContext } from '../wire-types.ts';
import { managementRequest, type RabbitmqAdmin } from './admin.ts';
import { isOwnQueue } from './own-client.ts';
import type { AmqpDetail } from './wire.ts';
import { methodView } from './wire-fields.ts';
import { closestFirst } from '../../util/closest-names.ts';

/** An error close as the broker sent it. */
export interface AmqpErrorFacts {
  code: number;
  /** The broker's reply text: "NOT_FOUND - no queue 'x' in vhost '/'". */
  text: string;
  /** The channel it closed; 0 when it closed the connection. */
  channel: number;
  /** The method that failed, as the spec names it ("Queue.Declare"), when known. */
  method?: string;
}

/** What a vhost holds, for a 404; null or absent when the management API cannot be asked. */
export interface VhostNames {
  queues: string[];
  exchanges: string[];
}

/** Names a 404 hint lists, closest to the missing one first. */
const LISTED_NAMES = 6;

const NOT_FOUND = /^NOT_FOUND - no (queue|exchange) '(.*)' in vhost '(.*)'$/s;
const INEQUIVALENT =
  /^PRECONDITION_FAILED - inequivalent arg '(.+?)' for (queue|exchange) '(.*)' in vhost '(.*)': received (.*) but current is (.*)$/s;
const LOCKED = /^RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '(.*)' in vhost '(.*?)'\./s;
const RESERVED = /^ACCESS_REFUSED - (queue|exchange) name '(.*)' contains reserved prefix/s;
const REFUSED_FOR =
  /^ACCESS_REFUSED - access to (queue|exchange|vhost) '(.*)' (?:in vhost '.*' )?refused for user '(.*)'$/s;
const UNKNOWN_TAG = /^PRECONDITION_FAILED - unknown delivery tag (\d+)/;
const IN_USE = /^PRECONDITION_FAILED - queue '(.*)' in vhost '.*' (in use|not empty)$/s;

/** The vhost named in a 404's text, and what kind of thing it missed: what explainWire() asks the API for. */
export function missingIn(facts: AmqpErrorFacts): { kind: 'queue' | 'exchange'; vhost: string } | null {
  const m = facts.code === 404 ? NOT_FOUND.exec(facts.text) : null;
  return m ? { kind: m[1] as 'queue' | 'exchange', vhost: m[3] } : null;
}

/** What the error means and what to do, in one line; null when there is nothing to add to the broker's text. */
export function explainAmqpError(facts: AmqpErrorFacts, names?: VhostNames | null): string | null {
  const { code, text } = facts;
  let m: RegExpExecArray | null;
  if (code === 404 && (m = NOT_FOUND.exec(text))) {
    const [, kind, name, vhost] = m;
    const missing = `no ${kind} ${q(name)} in vhost ${q(vhost)}`;
    if (!names) return `${missing}: declare it first, or check the name`;
    const have = kind === 'queue' ? names.queues : names.exchanges;
    if (have.length === 0) return `${missing}, and it has no ${kind}s yet: declare it first`;
    const shown = closestFirst(name, have).slice(0, LISTED_NAMES);
    const more = have.length > shown.length ? `, … (${have.length} in all)` : '';
    return `${missing}; it has: ${shown.join(', ')}${more}`;
  }
  if (code === 404 && /no previously declared queue/.test(text))
    return 'queue "" means the queue this channel declared last, and it declared none: name the queue';
  if (code === 406 && (m = INEQUIVALENT.exec(text))) {
    const [, arg, kind, name, , received, current] = m;
    const now = argText(arg, current);
    return `${kind} ${q(name)} exists with ${now}, this declare asked for ${argText(arg, received)}: declare it with ${now} as it is, or delete it first (${kind}.delete), or use another name`;
  }
  if (code === 406 && (m = UNKNOWN_TAG.exec(text)))
    return `no unacknowledged delivery on this channel has tag ${m[1]}: a tag is acked once, on the channel that received the message`;
  if (code === 406 && (m = IN_USE.exec(text)))
    return m[2] === 'in use'
      ? `queue ${q(m[1])} has consumers, and if_unused=true keeps such a queue`
      : `queue ${q(m[1])} holds messages, and if_empty=true keeps such a queue`;
  if (code === 406 && (m = /queue limit in vhost '(.*)' \((\d+)\) is reached/s.exec(text)))
    return `vhost ${q(m[1])} may hold ${m[2]} queues and has them all: delete one it no longer needs first`;
  if (code === 406 && /acknowledgement .* timed out/.test(text))
    return "a delivery stayed unacknowledged past the broker's consumer_timeout: ack each message when it is done";
  if (code === 405 && (m = LOCKED.exec(text)))
    return `queue ${q(m[1])} is exclusive to the connection that declared it (or was declared with another exclusive value): only that connection may use it; use another name`;
  if (code === 403 && (m = RESERVED.exec(text)))
    return `${m[1]} names beginning with "amq." are the broker's own: pick another name`;
  if (code === 403 && /operation not permitted on the default exchange/.test(text))
    return 'the default exchange "" cannot be declared, deleted or bound: publish to it with the queue\'s name as routing_key';
  if (code === 403 && /Login was refused/.test(text)) return 'the broker refused this user name or password';
  if (code === 403 && (m = REFUSED_FOR.exec(text)))
    return `user ${q(m[3])} has no permission for ${m[1]} ${q(m[2])}: its permissions in this vhost do not cover it`;
  if (code === 530 && /vhost/.test(text)) return 'this vhost does not exist, or this user may not use it';
  if (code === 503 && (m = /exchange type '(.*)'/s.exec(text)))
    return `RabbitMQ has no exchange type ${q(m[1])}: use direct, fanout, topic or headers`;
  if (code === 504 && /expected 'channel.open'/.test(text))
    return 'a method on a channel that is not open (a channel closes after an error): open a channel first';
  if (code === 320) return "the broker's administrator closed this connection, or the broker is shutting down";
  return null;
}

/** "received 'true'" / "the value '10' of type 'signedint'" / "none" → `durable=true`, `x-max-length=10`, `no x-max-length`. */
function argText(arg: string, said: string): string {
  if (said === 'none') return `no ${arg}`;
  const value = /^(?:the value )?'(.*?)'(?: of type '.*')?$/s.exec(said);
  return `${arg}=${value ? value[1] : said}`;
}

/** How the trace says a closed channel, after the reason's own hint. */
export function closedChannelText(channel: number): string {
  return `channel ${channel} is closed now: methods sent on it fail, open a new channel`;
}

function q(text: string): string {
  return JSON.stringify(text);
}

/** The queues (not the playground's own) or exchanges (not the broker's amq.* ones) of `vhost`. */
export async function readVhostNames(
  admin: unknown,
  vhost: string,
  kind: 'queue' | 'exchange',
): Promise<VhostNames | null> {
  const access = (admin as RabbitmqAdmin | null)?.management;
  if (!access) return null;
  const rows = (await managementRequest(
    access,
    'GET',
    `/api/${kind === 'queue' ? 'queues' : 'exchanges'}/${encodeURIComponent(vhost)}?columns=name`,
  )) as Array<{ name?: unknown }> | null;
  const names = (rows ?? []).map((r) => String(r.name ?? ''));
  return kind === 'queue'
    ? { queues: names.filter((n) => !isOwnQueue(n)), exchanges: [] }
    : { queues: [], exchanges: names.filter((n) => n !== '' && !n.startsWith('amq.')) };
}

/** WireProtocol.explain for AMQP: the reply is a Channel.Close or Connection.Close (wire.ts). */
export async function explainWire(ctx: ExplainContext): Promise<string | null> {
  try {
    const detail = ctx.reply.detail as AmqpDetail | undefined;
    if (!detail || detail.replyCode === undefined || detail.replyText === undefined) return null;
    const requested = (ctx.request?.detail as AmqpDetail | undefined)?.method;
    const facts: AmqpErrorFacts = {
      code: detail.replyCode,
      text: detail.replyText,
      channel: detail.channel,
      ...((detail.failedMethod ?? requested) ? { method: detail.failedMethod ?? requested } : {}),
    };
    const missing = missingIn(facts);
    const names = missing ? await readVhostNames(ctx.admin, missing.vhost, missing.kind).catch(() => null) : null;
    const said = explainAmqpError(facts, names);
    if (detail.method !== 'Channel.Close') return said;
    return [said, closedChannelText(detail.channel)].filter(Boolean).join('; ');
  } catch {
    return null;
  }
}

/** amqplib's words for a close: `Channel closed by server: 404 (NOT-FOUND) with message "NOT_FOUND - …"`. */
const AMQPLIB_CLOSE = /with message "([\s\S]*)"$/;

/** The facts of an error amqplib reported for a close (it sets code, classId, methodId). */
export function amqplibErrorFacts(err: unknown, channel: number): AmqpErrorFacts | null {
  if (!(err instanceof Error)) return null;
  const { code, classId, methodId } = err as Error & { code?: unknown; classId?: unknown; methodId?: unknown };
  const text = AMQPLIB_CLOSE.exec(err.message)?.[1];
  if (typeof code !== 'number' || text === undefined) return null;
  const method = methodView(Number(classId) * 65536 + Number(methodId))?.name;
  return { code, text, channel, ...(method ? { method } : {}) };
}

/** For a 404 amqplib reported: what the vhost has, read as the trace's explainWire() reads it (null when it cannot). */
export async function vhostNamesFor(err: unknown, channel: number, admin: unknown): Promise<VhostNames | null> {
  const facts = amqplibErrorFacts(err, channel);
  const missing = facts ? missingIn(facts) : null;
  if (!missing) return null;
  return readVhostNames(admin, missing.vhost, missing.kind).catch(() => null);
}

/**
 * The terminal's hint after the broker closed its channel `closed` and it opened `opened`: the same
 * words as the trace's (with the vhost's list when the terminal was given management access), then
 * what became of the channel.
 */
export function amqpTerminalHint(err: unknown, closed: number, opened: number, names?: VhostNames | null): string {
  const facts = amqplibErrorFacts(err, closed);
  const said = facts ? explainAmqpError(facts, names) : null;
  const next = opened === closed ? `channel ${opened} again` : `channel ${opened}`;
  const channel = `the server closed channel ${closed} after this error; the terminal opened ${next} for your next command`;
  return said ? `${said}; ${channel}` : channel;
}
