import { describe, expect, test } from 'vitest';
import { DISPLAY_NAME_PATTERN } from '../../../shared/classroom-api.ts';
import { displayNameProblem } from './display-name.ts';

describe('display names', () => {
  test('accepts what the server accepts, after trimming', () => {
    for (const name of ['Ada', 'Ada L.', "O'Brien", 'Jean-Luc', 'Zoë', '李雷', 'x_1', '  Ada  ', 'a'.repeat(40)]) {
      expect(displayNameProblem(name), name).toBeNull();
      expect(DISPLAY_NAME_PATTERN.test(name.trim()), name).toBe(true);
    }
  });

  test('says why a name is refused', () => {
    expect(displayNameProblem('   ')).toMatch(/Type the name/);
    expect(displayNameProblem('a'.repeat(41))).toBe('At most 40 characters');
    expect(displayNameProblem('.Ada')).toBe('Start with a letter or a digit');
    expect(displayNameProblem('Ada <script>')).toBe("“<” “>” cannot be used: letters, digits, spaces and . _ ' - only");
    expect(displayNameProblem('Ada@home')).toMatch(/^“@” cannot be used/);
  });

  test('whatever it refuses, the server pattern refuses too', () => {
    for (const name of ['.Ada', 'Ada <x>', 'a'.repeat(41), '-', 'Ada\tL']) {
      expect(displayNameProblem(name), name).not.toBeNull();
      expect(DISPLAY_NAME_PATTERN.test(name.trim()), name).toBe(false);
    }
  });
});
