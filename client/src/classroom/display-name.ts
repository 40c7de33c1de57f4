// Display names as the join form checks them while they are typed: the same rule as the server
// (DISPLAY_NAME_PATTERN), said in words a learner can act on.
import { DISPLAY_NAME_MAX, DISPLAY_NAME_PATTERN } from '../../../shared/classroom-api.ts';

/** Why `name` cannot be a display name; null when it can. The name is trimmed first, as the server does. */
export function displayNameProblem(raw: string): string | null {
  const name = raw.trim();
  if (name === '') return 'Type the name your instructor will see, e.g. Ada L.';
  if ([...name].length > DISPLAY_NAME_MAX) return `At most ${DISPLAY_NAME_MAX} characters`;
  if (DISPLAY_NAME_PATTERN.test(name)) return null;
  if (!/^[\p{L}\p{N}]/u.test(name)) return 'Start with a letter or a digit';
  const bad = [...new Set([...name].filter((c) => !/[\p{L}\p{N} ._'-]/u.test(c)))];
  if (bad.length > 0) {
    const shown = bad.map((c) => `“${c}”`).join(' ');
    return `${shown} cannot be used: letters, digits, spaces and . _ ' - only`;
  }
  return "Use letters, digits, spaces and . _ ' - only";
}
