import { describe, expect, test } from 'vitest';
import { parseKeys } from './key-parser.ts';

describe('parseKeys', () => {
  test('splits text runs from control keys', () => {
    expect(parseKeys('ab\rc')).toEqual([
      { kind: 'text', text: 'ab' },
      { kind: 'key', key: 'enter' },
      { kind: 'text', text: 'c' },
    ]);
  });

  test('reads cursor keys in normal and application mode, and VT220 editing keys', () => {
    const keys = (data: string) => parseKeys(data).map((t) => (t.kind === 'key' ? t.key : t.kind));
    expect(keys('\x1b[A\x1bOB\x1b[C\x1bOD\x1b[H\x1bOF\x1b[1~\x1b[4~\x1b[3~')).toEqual([
      'up',
      'down',
      'right',
      'left',
      'home',
      'end',
      'home',
      'end',
      'delete',
    ]);
    expect(keys('\x1b[1;5D\x1b[1;3C\x1b[3;5~\x1b[1;2A')).toEqual(['word-left', 'word-right', 'kill-word-right', 'up']);
  });

  test('reads Alt+key as ESC and the key', () => {
    expect(parseKeys('\x1bb\x1bF\x1bd\x1b\x7f').map((t) => (t.kind === 'key' ? t.key : ''))).toEqual([
      'word-left',
      'word-right',
      'kill-word-right',
      'kill-word-left',
    ]);
  });

  test('keeps a bracketed paste whole, controls included', () => {
    expect(parseKeys('x\x1b[200~a\tb\rc\x1b[201~y')).toEqual([
      { kind: 'text', text: 'x' },
      { kind: 'paste', text: 'a\tb\rc' },
      { kind: 'text', text: 'y' },
    ]);
  });

  test('drops sequences it does not know, and lone control characters', () => {
    expect(parseKeys('\x1b[15~a\x1b[?1;2cb\x00\x1dc')).toEqual([{ kind: 'text', text: 'abc' }]);
  });

  test('counts CR LF as one Enter and a lone ESC as Escape', () => {
    expect(parseKeys('\r\n')).toEqual([{ kind: 'key', key: 'enter' }]);
    expect(parseKeys('\x1b')).toEqual([{ kind: 'key', key: 'escape' }]);
  });

  test('passes non-ASCII text through', () => {
    expect(parseKeys('日本é😀')).toEqual([{ kind: 'text', text: '日本é😀' }]);
  });
});
