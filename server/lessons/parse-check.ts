// A `check` block: one YAML mapping, or a list of them. Each names one service (memcached, redis,
// rabbitmq, mysql) and, inside it, what to ask; `hint:` beside it is added to the failure message.
import type { z } from 'zod';
import {
  exchangeCheckSchema,
  memcachedCheckSchema,
  queryCheckSchema,
  queueCheckSchema,
  redisCommandCheckSchema,
  redisKeyCheckSchema,
  tableCheckSchema,
  type CheckDef,
  type CheckSpec,
} from './schema.ts';
import { YamlSource, describeValue, type Report } from './yaml-source.ts';

const CHECK_SERVICES = ['memcached', 'redis', 'rabbitmq', 'mysql'] as const;
type CheckService = (typeof CHECK_SERVICES)[number];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Parses the text of a check block whose first line is `firstLine` of lesson.md. Problems go to
 * `report` with their line; the answer holds the checks that were valid.
 */
export function parseCheckBlock(textOfBlock: string, firstLine: number, fenceLine: number, report: Report): CheckDef[] {
  if (textOfBlock.trim() === '') {
    report(fenceLine, 'the check block is empty; write a check such as  redis: {key: visits}');
    return [];
  }
  const source = YamlSource.parse(textOfBlock, firstLine, report);
  if (!source) return [];
  const entries = Array.isArray(source.value) ? source.value : [source.value];
  const checks: CheckDef[] = [];
  entries.forEach((entry, index) => {
    const base = Array.isArray(source.value) ? [index] : [];
    const check = parseEntry(entry, base, source, report);
    if (check) checks.push(check);
  });
  return checks;
}

function parseEntry(entry: unknown, base: PropertyKey[], source: YamlSource, report: Report): CheckDef | null {
  const line = source.lineOf(base);
  if (!isPlainObject(entry)) {
    report(line, `a check is a mapping such as  redis: {key: visits}, not ${describeValue(entry)}`);
    return null;
  }
  let ok = true;
  const services: CheckService[] = [];
  for (const key of Object.keys(entry)) {
    if ((CHECK_SERVICES as readonly string[]).includes(key)) services.push(key as CheckService);
    else if (key !== 'hint') {
      report(source.keyLine(base, key), `unknown key "${key}"`);
      ok = false;
    }
  }
  const hint = entry.hint;
  if (hint !== undefined && (typeof hint !== 'string' || hint.trim() === '')) {
    report(source.keyLine(base, 'hint'), '"hint" should be text');
    ok = false;
  }
  if (services.length !== 1) {
    report(
      line,
      services.length === 0
        ? 'a check names one service: memcached, redis, rabbitmq or mysql'
        : `one check names one service, this one names ${services.join(' and ')}; make a list of two checks`,
    );
    return null;
  }
  const service = services[0];
  const path = [...base, service];
  const body = entry[service];
  const spec = parseServiceCheck(service, body, path, source, report);
  if (!spec || !ok) return null;
  return { spec, hint: typeof hint === 'string' ? hint.trim() : undefined, line: source.keyLine(base, service) };
}

function parseServiceCheck(
  service: CheckService,
  body: unknown,
  path: PropertyKey[],
  source: YamlSource,
  report: Report,
): CheckSpec | null {
  const line = source.lineOf(path);
  if (!isPlainObject(body)) {
    report(line, `"${service}" should be a mapping such as ${EXAMPLES[service]}, not ${describeValue(body)}`);
    return null;
  }
  const parse = <S extends z.ZodType>(schema: S): z.infer<S> | null => {
    const result = schema.safeParse(body, { reportInput: true });
    if (result.success) return result.data;
    source.reportIssues(result.error, report, path);
    return null;
  };
  switch (service) {
    case 'memcached': {
      const v = parse(memcachedCheckSchema);
      return v && { kind: 'memcached', ...v };
    }
    case 'redis': {
      if ('command' in body) {
        const v = parse(redisCommandCheckSchema);
        if (!v) return null;
        const command = typeof v.command === 'string' ? v.command.trim().split(/\s+/) : v.command.map(String);
        return { kind: 'redis-command', command, equals: v.equals };
      }
      if (!('key' in body)) {
        report(line, 'a redis check names a "key" or a "command"');
        return null;
      }
      const v = parse(redisKeyCheckSchema);
      return v && { kind: 'redis-key', ...v };
    }
    case 'rabbitmq': {
      if ('queue' in body && 'exchange' in body) {
        report(line, 'a rabbitmq check names a queue or an exchange, not both; make a list of two checks');
        return null;
      }
      if ('queue' in body) {
        const v = parse(queueCheckSchema);
        return v && { kind: 'rabbitmq-queue', ...v };
      }
      if ('exchange' in body) {
        const v = parse(exchangeCheckSchema);
        return v && { kind: 'rabbitmq-exchange', ...v };
      }
      report(line, 'a rabbitmq check names a "queue" or an "exchange"');
      return null;
    }
    case 'mysql': {
      if ('table' in body && 'query' in body) {
        report(line, 'a mysql check names a table or a query, not both; make a list of two checks');
        return null;
      }
      if ('table' in body) {
        const v = parse(tableCheckSchema);
        return v && { kind: 'mysql-table', ...v };
      }
      if ('query' in body) {
        const v = parse(queryCheckSchema);
        return v && { kind: 'mysql-query', ...v };
      }
      report(line, 'a mysql check names a "table" or a "query"');
      return null;
    }
  }
}

const EXAMPLES: Record<CheckService, string> = {
  memcached: '{key: greeting}',
  redis: '{key: visits}',
  rabbitmq: '{queue: hello}',
  mysql: `{table: users}`,
};
