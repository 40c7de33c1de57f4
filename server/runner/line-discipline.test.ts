import { describe, expect, it } from 'vitest';
import { LineDiscipline } from './line-discipline.ts';

function feed(...chunks: string[]) {
  const d = new LineDiscipline();
  return chunks.map((c) => d.feed(c));
}

describe('LineDiscipline', () => {
  it('echoes what is typed and hands over a line on Enter', () => {
    const [a, b] = feed('hi', '\r');
    expect(a).toEqual({ echo: 'hi', deliver: '', eof: false, interrupt: false });
    expect(b).toEqual({ echo: '\r\n', deliver: 'hi\n', eof: false, interrupt: false });
  });

  it('takes "\\r\\n" from a paste as one line end, and several lines at once', () => {
    const [a] = feed('one\r\ntwo\nthree\r');
    expect(a.deliver).toBe('one\ntwo\nthree\n');
    expect(a.echo).toBe('one\r\ntwo\r\nthree\r\n');
  });

  it('erases with Backspace (wide characters take two cells) and Ctrl-U', () => {
    const [a, b, c] = feed('ab\x7f', '漢\x7f\b', 'xyz\x15\r');
    expect(a.echo).toBe('ab\b \b');
    expect(b.echo).toBe('漢\b \b\b \b\b \b');
    expect(c.echo).toBe('xyz\b \b\b \b\b \b\r\n');
    expect(c.deliver).toBe('\n');
  });

  it('Backspace on an empty line does nothing', () => {
    expect(feed('\x7f')[0].echo).toBe('');
  });

  it('Ctrl-D: end of input on an empty line; otherwise hands over the line without a newline', () => {
    const [a, b] = feed('abc\x04', '\x04more');
    expect(a).toMatchObject({ deliver: 'abc', eof: false });
    expect(b).toMatchObject({ deliver: '', eof: true });
    // After end of input nothing more is taken.
    const d = new LineDiscipline();
    d.feed('\x04');
    expect(d.feed('late\r')).toEqual({ echo: '', deliver: '', eof: false, interrupt: false });
  });

  it('Ctrl-C interrupts and drops the half-typed line', () => {
    const [a, b] = feed('half\x03', 'new\r');
    expect(a).toMatchObject({ echo: 'half^C\r\n', interrupt: true, deliver: '' });
    expect(b.deliver).toBe('new\n');
  });

  it('drops escape sequences (arrows, function keys) and other control characters', () => {
    const [a] = feed('a\x1b[A\x1b[1;5Cb\x1bOPc\x01\r');
    expect(a.echo).toBe('abc\r\n');
    expect(a.deliver).toBe('abc\n');
  });

  it('rings the bell instead of growing a line past the limit', () => {
    const d = new LineDiscipline();
    d.feed('x'.repeat(64 * 1024));
    expect(d.feed('y').echo).toBe('\x07');
    expect(d.feed('\r').deliver).toBe('x'.repeat(64 * 1024) + '\n');
  });
});
