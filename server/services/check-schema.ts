// Pieces of the zod schemas that services' checks and resets share: every object is strict (an
// unknown key is an error, so a typo never silently turns a setting off), and `absent: true` stands
// alone.
import { z } from 'zod';

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
