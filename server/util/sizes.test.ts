import { describe, expect, it } from 'vitest';
import { formatSize } from './sizes.ts';

describe('formatSize', () => {
  it('says megabytes, whole or to one decimal', () => {
    expect(formatSize(32 * 1024 * 1024)).toBe('32 MB');
    expect(formatSize(1.5 * 1024 * 1024)).toBe('1.5 MB');
    expect(formatSize(1024 * 1024 + 1)).toBe('1.0 MB');
  });

  it('says bytes below 64 KiB', () => {
    expect(formatSize(512 * 1024)).toBe('0.5 MB');
    expect(formatSize(2000)).toBe('2,000 bytes');
    expect(formatSize(1)).toBe('1 byte');
    expect(formatSize(0)).toBe('0 bytes');
  });
});
