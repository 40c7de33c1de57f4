// Reverse history search (reverse-search.ts), driven through the line editor and checked on a
// real (headless) xterm.js screen.
import { expect, test } from 'vitest';
import { CTRL, HeadlessScreen } from './headless-screen.ts';

test('Ctrl-R searches backwards; Enter runs the match, Ctrl-G gives the line back', async () => {
  const s = new HeadlessScreen({ cols: 80, commands: [], caseInsensitive: true });
  s.editor.prompt('redis> ');
  for (const line of ['SET user:1 ada', 'GET user:1', 'SET user:2 bob']) {
    s.keys(`${line}\r`);
    s.editor.prompt('redis> ');
  }
  s.keys('xy').type(CTRL('r')).keys('SET');
  expect((await s.lines()).at(-1)).toBe("(reverse-i-search)`SET': SET user:2 bob");
  s.type(CTRL('r'));
  expect((await s.lines()).at(-1)).toBe("(reverse-i-search)`SET': SET user:1 ada");
  s.keys('zzz');
  expect((await s.lines()).at(-1)).toBe("(failed reverse-i-search)`SETzzz': SET user:1 ada");
  s.type(CTRL('g'));
  expect((await s.lines()).at(-1)).toBe('redis> xy');
  s.type(CTRL('u')).type(CTRL('r')).keys('GET').type('\r');
  expect(s.submitted.at(-1)).toBe('GET user:1');
  s.editor.prompt('redis> ');
  s.type(CTRL('r')).keys('bob').type(CTRL('e')).keys('!');
  expect(s.editor.state.buffer).toBe('SET user:2 bob!');
  expect((await s.lines()).at(-1)).toBe('redis> SET user:2 bob!');
});
