// A `check` block: one YAML mapping, or a list of them. Each names one service (memcached, redis,
// rabbitmq, mysql — whatever the ServiceSet holds) and, inside it, what to ask, which that service's
// folder parses (ServiceAdapter.checks); `hint:` beside it is added to the failure message.
import type { z } from 'zod';
import type { ParseContext } from '../services/check-types.ts';
import type { ServiceSet } from '../services/service-set.ts';
import type { CheckDef } from './schema.ts';
import { YamlSource, describeValue, type Report } from './yaml-source.ts';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A check to show in messages: the first service's example, e.g. `memcached: {key: greeting}`. */
function example(services: ServiceSet): string {
  const first = services.adapters[0];
  return `${first.name}: ${first.checks.example}`;
}

/**
 * Parses the text of a check block whose first line is `firstLine` of lesson.md. Problems go to
 * `report` with their line; the answer holds the checks that were valid.
 */
export function parseCheckBlock(
  textOfBlock: string,
  firstLine: number,
  fenceLine: number,
  services: ServiceSet,
  report: Report,
): CheckDef[] {
  if (textOfBlock.trim() === '') {
    report(fenceLine, `the check block is empty; write a check such as  ${example(services)}`);
    return [];
  }
  const source = YamlSource.parse(textOfBlock, firstLine, report);
  if (!source) return [];
  const entries = Array.isArray(source.value) ? source.value : [source.value];
  const checks: CheckDef[] = [];
  entries.forEach((entry, index) => {
    const base = Array.isArray(source.value) ? [index] : [];
    const check = parseEntry(entry, base, source, services, report);
    if (check) checks.push(check);
  });
  return checks;
}

function parseEntry(entry: unknown, base: PropertyKey[], source: YamlSource, services: ServiceSet, report: Report): CheckDef | null {
  const line = source.lineOf(base);
  if (!isPlainObject(entry)) {
    report(line, `a check is a mapping such as  ${example(services)}, not ${describeValue(entry)}`);
    return null;
  }
  let ok = true;
  const named: string[] = [];
  for (const key of Object.keys(entry)) {
    if (services.has(key)) named.push(key);
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
  if (named.length !== 1) {
    const all = services.names;
    report(
      line,
      named.length === 0
        ? `a check names one service: ${all.slice(0, -1).join(', ')} or ${all[all.length - 1]}`
        : `one check names one service, this one names ${named.join(' and ')}; make a list of two checks`,
    );
    return null;
  }
  const service = named[0];
  const path = [...base, service];
  const body = entry[service];
  const checks = services.get(service).checks;
  if (!isPlainObject(body)) {
    report(source.lineOf(path), `"${service}" should be a mapping such as ${checks.example}, not ${describeValue(body)}`);
    return null;
  }
  const ctx: ParseContext = {
    parse: <S extends z.ZodType>(schema: S, value: unknown = body): z.infer<S> | null => {
      const result = schema.safeParse(value, { reportInput: true });
      if (result.success) return result.data;
      source.reportIssues(result.error, report, path);
      return null;
    },
    report: (message) => report(source.lineOf(path), message),
  };
  const spec = checks.parse(body, ctx);
  if (spec === null || !ok) return null;
  return { service, spec, hint: typeof hint === 'string' ? hint.trim() : undefined, line: source.keyLine(base, service) };
}
