// The command catalog (completion, one-line hints, HELP) comes from the live server's COMMAND DOCS,
// so it always matches the Redis version the learner talks to. Arguments are rendered the way
// redis-cli's hints show them (utils/generate-command-help.rb), e.g.
//   SET key value [NX|XX] [GET] [EX seconds|PX milliseconds|…|KEEPTTL]
import type { CommandInfo } from '../../../shared/protocol.ts';
import { redisRequest } from './connection.ts';
import type { RedisTarget } from './redis-url.ts';
import { type RespValue, isErrorValue, valueItems, valuePairs, valueText } from './reply-value.ts';

/** One argument as COMMAND DOCS describes it. */
export interface ArgumentDoc {
  name: string;
  type: string;
  token?: string;
  /** Redis 7.2+: the name to show instead of `name`. */
  displayText?: string;
  optional?: boolean;
  multiple?: boolean;
  multipleToken?: boolean;
  arguments?: ArgumentDoc[];
}

/** A command or container subcommand in the catalog; `name` is upper case, subcommands with a space. */
export interface CommandDoc {
  name: string;
  syntax: string;
  summary?: string;
  since?: string;
  group?: string;
}

/** How long catalog requests may take; COMMAND DOCS is a few hundred KB. */
const CATALOG_TIMEOUT_MS = 5000;

/** One argument in hint form; `generate-command-help.rb`'s `argument`. */
export function renderArgument(arg: ArgumentDoc): string {
  // An empty token (MIGRATE's "no key") shows as "", as redis-cli shows it.
  const token = arg.token === '' ? '""' : arg.token;
  let text: string;
  let tokenShown = false;
  switch (arg.type) {
    case 'block':
      text = (arg.arguments ?? []).map(renderArgument).join(' ');
      break;
    case 'oneof':
      text = (arg.arguments ?? []).map(renderArgument).join('|');
      break;
    case 'pure-token':
      // Shown as its token alone.
      text = token ?? arg.name;
      tokenShown = true;
      break;
    default:
      text = arg.displayText ?? arg.name;
  }
  if (arg.multiple) {
    text = arg.multipleToken && token !== undefined ? `${text} [${token} ${text} ...]` : `${text} [${text} ...]`;
  }
  if (token !== undefined && !tokenShown) text = `${token} ${text}`;
  return arg.optional ? `[${text}]` : text;
}

export function renderArguments(args: ArgumentDoc[]): string {
  return args.map(renderArgument).join(' ');
}

function parseArgument(value: RespValue): ArgumentDoc | null {
  const arg: ArgumentDoc = { name: '', type: '' };
  for (const [key, v] of valuePairs(value)) {
    switch (key) {
      case 'name':
        arg.name = valueText(v) ?? '';
        break;
      case 'type':
        arg.type = valueText(v) ?? '';
        break;
      case 'token':
        arg.token = valueText(v) ?? undefined;
        break;
      case 'display_text':
        arg.displayText = valueText(v) ?? undefined;
        break;
      case 'flags':
        for (const flag of valueItems(v).map(valueText)) {
          if (flag === 'optional') arg.optional = true;
          else if (flag === 'multiple') arg.multiple = true;
          else if (flag === 'multiple_token') arg.multipleToken = true;
        }
        break;
      case 'arguments':
        arg.arguments = parseArguments(v);
        break;
    }
  }
  return arg.name || arg.token ? arg : null;
}

function parseArguments(value: RespValue): ArgumentDoc[] {
  return valueItems(value)
    .map(parseArgument)
    .filter((a): a is ArgumentDoc => a !== null);
}

/** "config|get" → "CONFIG GET". */
function displayName(name: string): string {
  return name.split('|').join(' ').toUpperCase();
}

function parseDoc(name: string, value: RespValue, out: CommandDoc[]): void {
  const doc: CommandDoc = { name: displayName(name), syntax: '' };
  let subcommands: RespValue | undefined;
  for (const [key, v] of valuePairs(value)) {
    if (key === 'summary') doc.summary = valueText(v) ?? undefined;
    else if (key === 'since') doc.since = valueText(v) ?? undefined;
    else if (key === 'group') doc.group = valueText(v) ?? undefined;
    else if (key === 'arguments') doc.syntax = renderArguments(parseArguments(v));
    else if (key === 'subcommands') subcommands = v;
  }
  const subs = valuePairs(subcommands);
  if (subs.length > 0 && !doc.syntax) {
    // A container (CONFIG, CLIENT…) takes one of its subcommands.
    doc.syntax = subs
      .map(([sub]) => sub.split('|').pop()!.toUpperCase())
      .sort()
      .join('|');
  }
  out.push(doc);
  for (const [subName, subDoc] of subs) parseDoc(subName, subDoc, out);
}

/** The catalog from a COMMAND DOCS reply (a RESP3 map or RESP2's flat name/doc array), by name. */
export function parseCommandDocs(reply: RespValue): CommandDoc[] {
  const out: CommandDoc[] = [];
  for (const [name, doc] of valuePairs(reply)) parseDoc(name, doc, out);
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Names only, from a plain COMMAND reply, for servers without COMMAND DOCS (before 7.0). */
export function parseCommandNames(reply: RespValue): CommandDoc[] {
  const out: CommandDoc[] = [];
  const visit = (entry: RespValue) => {
    const items = valueItems(entry);
    const name = valueText(items[0]);
    if (!name) return;
    out.push({ name: displayName(name), syntax: '' });
    // Redis 7's COMMAND puts subcommands tenth.
    for (const sub of valueItems(items[9])) visit(sub);
  };
  for (const entry of valueItems(reply)) visit(entry);
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function loadCatalog(target: RedisTarget): Promise<CommandDoc[]> {
  const [docs] = await redisRequest(target, [['COMMAND', 'DOCS']], CATALOG_TIMEOUT_MS);
  if (!isErrorValue(docs)) {
    const catalog = parseCommandDocs(docs);
    if (catalog.length > 0) return catalog;
  }
  const [names] = await redisRequest(target, [['COMMAND']], CATALOG_TIMEOUT_MS);
  if (isErrorValue(names)) throw new Error(`COMMAND failed: ${valueText(names)}`);
  return parseCommandNames(names);
}

/** Catalogs by endpoint URL: every terminal opened on the same server shares one. */
const catalogs = new Map<string, Promise<CommandDoc[]>>();

export function commandCatalog(url: string, target: RedisTarget): Promise<CommandDoc[]> {
  let catalog = catalogs.get(url);
  if (!catalog) {
    catalog = loadCatalog(target);
    catalogs.set(url, catalog);
    // A failure is not kept: the next terminal asks again (the server may have been starting).
    catalog.catch(() => {
      if (catalogs.get(url) === catalog) catalogs.delete(url);
    });
  }
  return catalog;
}

export function toCommandInfo(doc: CommandDoc): CommandInfo {
  const info: CommandInfo = { name: doc.name, syntax: doc.syntax };
  if (doc.summary) info.summary = doc.summary;
  return info;
}
