// Pieces of the zod schemas that services' checks and resets share: every object is strict (an
// unknown key is an error, so a typo never silently turns a setting off), and `absent: true` stands
// alone.
import { z } from 'zod';
import type { ParseContext } from './check-types.ts';

export const text = z.string().min(1);
export const count = z.number().int().min(0);
/** Values compared as text: YAML reads `equals: 3` as a number, the service answers "3". */
export const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** `absent: true` says "this must not exist"; nothing else can be asked of a thing that is not there. */
export function absentAlone(value: Record<string, unknown>, own: string[], ctx: z.RefinementCtx): void {
  if (value.absent !== true) return;
  const others = Object.keys(value).filter((k) => k !== 'absent' && !own.includes(k) && value[k] !== undefined);
  if (others.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `absent: true cannot be combined with ${others.join(', ')}`,
      path: [others[0]],
    });
  }
}

/** "a queue", "an exchange". */
function article(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}

/**
 * A check that names one of several things by its key (`queue:` or `exchange:`): the one present is
 * parsed with its own schema and tagged with its kind; none of them, or two at once, is reported.
 */
export function parseKinds<S extends Record<string, z.ZodType<object>>>(
  service: string,
  body: Record<string, unknown>,
  ctx: ParseContext,
  schemas: S,
): { [K in keyof S & string]: { kind: K } & z.infer<S[K]> }[keyof S & string] | null {
  const kinds = Object.keys(schemas) as (keyof S & string)[];
  const named = kinds.filter((k) => k in body);
  const choices = (quote: boolean) => kinds.map((k) => article(quote ? `"${k}"` : k)).join(' or ');
  if (named.length > 1) {
    ctx.report(`a ${service} check names ${choices(false)}, not both; make a list of two checks`);
    return null;
  }
  if (named.length === 0) {
    ctx.report(`a ${service} check names ${choices(true)}`);
    return null;
  }
  const kind = named[0];
  const value = ctx.parse(schemas[kind]);
  return value && ({ kind, ...value } as { kind: typeof kind } & z.infer<S[typeof kind]>);
}
