import { describe, expect, it } from 'vitest';
import { dataBlockSize } from './data-block.ts';

// Each case as memcached 1.6.18 answered it: whether the line after it was read as data.
describe('dataBlockSize', () => {
  it('a well-formed storage command opens a data block of its declared size', () => {
    expect(dataBlockSize(['set', 'k', '0', '0', '5'])).toBe(5);
    expect(dataBlockSize(['cas', 'k', '0', '0', '5', '12'])).toBe(5);
    expect(dataBlockSize(['set', 'k', '0', '0', '5', 'noreply'])).toBe(5);
    expect(dataBlockSize(['set', 'k', '0', '-5', '1'])).toBe(1);
    expect(dataBlockSize(['ms', 'k', '2', 'T0'])).toBe(2);
  });

  it('reads the word after the fields as noreply or ignores it, and a key may hold control characters', () => {
    // `set k2 0 0 1 garbage` → STORED; `cas k4 0 0 1 5 garbage` → NOT_FOUND, its data read.
    expect(dataBlockSize(['set', 'k', '0', '0', '1', 'garbage'])).toBe(1);
    expect(dataBlockSize(['cas', 'k', '0', '0', '1', '5', 'garbage'])).toBe(1);
    // `set a\x01b 0 0 1` → STORED: memcached splits on spaces only.
    expect(dataBlockSize(['set', 'a\x01b', '0', '0', '1'])).toBe(1);
    expect(dataBlockSize(['set', 'k\t', '0', '0', '1'])).toBe(1);
  });

  it('opens none for a line memcached refuses at once', () => {
    // One word too many: ERROR. A bad number or a long key: CLIENT_ERROR bad command line format.
    expect(dataBlockSize(['set', 'k', '0', '0', '1', 'noreply', 'extra'])).toBeNull();
    expect(dataBlockSize(['cas', 'k', '0', '0', '5'])).toBeNull();
    expect(dataBlockSize(['set', 'k', '0', '0', 'abc'])).toBeNull();
    expect(dataBlockSize(['set', 'k', '0', '0', '-1'])).toBeNull();
    expect(dataBlockSize(['set', 'k', '-1', '0', '1'])).toBeNull();
    expect(dataBlockSize(['set', 'k'.repeat(251), '0', '0', '1'])).toBeNull();
    expect(dataBlockSize(['SET', 'k', '0', '0', '5'])).toBeNull();
    expect(dataBlockSize(['get', 'k'])).toBeNull();
  });
});
