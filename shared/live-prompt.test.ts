import { describe, expect, it } from 'vitest';
import { byteCountMark, countsBytes, fillByteCount } from './live-prompt.ts';

describe('a prompt that counts bytes', () => {
  const prompt = `data (${byteCountMark(7)}/10 bytes)> `;

  it('adds the UTF-8 length of the line to the bytes already sent', () => {
    expect(fillByteCount(prompt, '')).toBe('data (7/10 bytes)> ');
    expect(fillByteCount(prompt, 'ab')).toBe('data (9/10 bytes)> ');
    expect(fillByteCount(prompt, 'é€😀')).toBe('data (16/10 bytes)> ');
  });

  it('leaves other prompts alone', () => {
    expect(countsBytes(prompt)).toBe(true);
    expect(countsBytes('127.0.0.1:6379> ')).toBe(false);
    expect(fillByteCount('mysql> ', 'abc')).toBe('mysql> ');
  });
});
