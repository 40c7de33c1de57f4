import { describe, expect, it } from 'vitest';
import { type ArgumentDoc, parseCommandDocs, parseCommandNames, renderArgument } from './command-docs.ts';
import { type RespEvents, RespReader } from './resp.ts';
import { type RespValue, ValueBuilder } from './reply-value.ts';
// COMMAND DOCS of Redis 7.0.15 for a few commands (trimmed: no history, since or key specs), as
// `redis-cli --json COMMAND DOCS` prints it.
import fixture from './fixtures/command-docs.json' with { type: 'json' };

type Json = string | number | Json[] | { [key: string]: Json };

/** Encodes JSON the way the server sends COMMAND DOCS: RESP2 turns maps into flat arrays. */
function encode(value: Json, resp3: boolean): string {
  if (typeof value === 'number') return `:${value}\r\n`;
  if (typeof value === 'string') return `$${Buffer.byteLength(value)}\r\n${value}\r\n`;
  if (Array.isArray(value)) return `*${value.length}\r\n${value.map((v) => encode(v, resp3)).join('')}`;
  const entries = Object.entries(value);
  const body = entries.map(([k, v]) => encode(k, resp3) + encode(v, resp3)).join('');
  return resp3 ? `%${entries.length}\r\n${body}` : `*${entries.length * 2}\r\n${body}`;
}

function decode(resp: string): RespValue {
  const builder = new ValueBuilder();
  let value: RespValue | null = null;
  const events: RespEvents = {
    replyStart: (t) => builder.replyStart(t),
    aggregateStart: (t) => builder.aggregateStart(t),
    aggregateEnd: () => builder.aggregateEnd(),
    scalarStart: (t) => builder.scalarStart(t),
    scalarData: (d) => builder.scalarData(d),
    scalarEnd: () => builder.scalarEnd(),
    nil: () => builder.nil(),
    replyEnd: () => (value = builder.take()),
  };
  new RespReader(events).feed(Buffer.from(resp));
  return value!;
}

// What redis-cli 7.0.15 prints for `HELP <command>` (its help.h, generated from the same docs).
const REDIS_CLI_HINTS: Record<string, string> = {
  SET: 'key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]',
  SORT: 'key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA] [STORE destination]',
  'CONFIG GET': 'parameter [parameter ...]',
  ZADD: 'key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]',
  XADD: 'key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...]',
  MIGRATE:
    'host port key|"" destination-db timeout [COPY] [REPLACE] [[AUTH password]|[AUTH2 username password]] [KEYS key [key ...]]',
};

describe('parseCommandDocs', () => {
  for (const resp3 of [false, true]) {
    describe(resp3 ? 'from a RESP3 map' : 'from RESP2 flat arrays', () => {
      const catalog = parseCommandDocs(decode(encode(fixture as unknown as Json, resp3)));
      const byName = new Map(catalog.map((c) => [c.name, c]));

      it.each(Object.entries(REDIS_CLI_HINTS))('renders %s as redis-cli does', (name, hint) => {
        expect(byName.get(name)?.syntax).toBe(hint);
      });

      it("names container subcommands with a space and lists a container's subcommands", () => {
        expect(byName.get('CONFIG GET')?.summary).toBe('Get the values of configuration parameters');
        expect(byName.get('CONFIG')?.syntax).toBe('GET|HELP');
        expect(byName.get('CONFIG HELP')?.syntax).toBe('');
      });

      it('keeps summary, since and group, sorted by name', () => {
        expect(byName.get('SET')).toMatchObject({
          summary: 'Set the string value of a key',
          since: '1.0.0',
          group: 'string',
        });
        expect(catalog.map((c) => c.name)).toEqual([
          'CONFIG',
          'CONFIG GET',
          'CONFIG HELP',
          'MIGRATE',
          'SET',
          'SORT',
          'XADD',
          'ZADD',
        ]);
      });
    });
  }
});

describe('renderArgument', () => {
  const arg = (a: Partial<ArgumentDoc>): ArgumentDoc => ({ name: 'x', type: 'string', ...a });

  it('renders each argument type', () => {
    expect(renderArgument(arg({ name: 'key', type: 'key' }))).toBe('key');
    expect(renderArgument(arg({ name: 'pattern', type: 'pattern', token: 'MATCH', optional: true }))).toBe(
      '[MATCH pattern]',
    );
    expect(renderArgument(arg({ name: 'nx', type: 'pure-token', token: 'NX' }))).toBe('NX');
    expect(
      renderArgument(
        arg({
          type: 'oneof',
          optional: true,
          arguments: [arg({ type: 'pure-token', token: 'A' }), arg({ name: 'n', type: 'integer', token: 'B' })],
        }),
      ),
    ).toBe('[A|B n]');
    expect(
      renderArgument(
        arg({
          type: 'block',
          token: 'LIMIT',
          arguments: [arg({ name: 'offset', type: 'integer' }), arg({ name: 'count', type: 'integer' })],
        }),
      ),
    ).toBe('LIMIT offset count');
  });

  it('repeats multiple arguments, with their token when the token repeats', () => {
    expect(renderArgument(arg({ name: 'key', type: 'key', multiple: true }))).toBe('key [key ...]');
    expect(renderArgument(arg({ name: 'key', type: 'key', token: 'KEYS', multiple: true }))).toBe('KEYS key [key ...]');
    expect(renderArgument(arg({ name: 'p', token: 'GET', multiple: true, multipleToken: true, optional: true }))).toBe(
      '[GET p [GET p ...]]',
    );
  });

  it('prefers display_text (Redis 7.2) over the name', () => {
    expect(
      renderArgument(arg({ name: 'unix-time-seconds', type: 'unix-time', displayText: 'unix-time-seconds-display' })),
    ).toBe('unix-time-seconds-display');
  });
});

describe('parseCommandNames (servers without COMMAND DOCS)', () => {
  it('takes the names of COMMAND, subcommands included', () => {
    const reply = decode(
      encode(
        [
          ['get', 2, ['readonly']],
          ['config', -2, [], 0, 0, 0, [], [], [], [['config|get', -3]]],
        ],
        false,
      ),
    );
    expect(parseCommandNames(reply).map((c) => c.name)).toEqual(['CONFIG', 'CONFIG GET', 'GET']);
  });
});
