import { describe, expect, test } from 'vitest';
import type { Column } from './columns.ts';
import { ResultCollector } from './result-collector.ts';

const num: Column = { name: 'n', type: 3, flags: 1, charset: 63 };
const str: Column = { name: 's', type: 253, flags: 0, charset: 45 };

describe('ResultCollector', () => {
  test('shows at most maxRows rows, counts the rest, and says so', () => {
    const c = new ResultCollector([num], false, { maxRows: 3, maxChars: 1_000_000 });
    for (let i = 1; i <= 5; i++) c.addRaw([Buffer.from(String(i))]);
    expect(c.total).toBe(5);
    expect(c.shown).toBe(3);
    expect(c.render()).toBe(
      '+---+\n| n |\n+---+\n| 1 |\n| 2 |\n| 3 |\n+---+\n' +
        '… 2 more rows not shown (the playground shows at most 3 rows of a result; add LIMIT)\n',
    );
  });

  test('a million rows keep only what is shown', () => {
    const c = new ResultCollector([num, str], false, { maxRows: 10, maxChars: 1_000_000 });
    const row = [Buffer.from('1'), Buffer.from('some text')];
    for (let i = 0; i < 1_000_000; i++) c.addRaw(row);
    expect(c.total).toBe(1_000_000);
    expect(c.shown).toBe(10);
  });

  test('stops keeping rows before the text would pass maxChars, padding included', () => {
    const maxChars = 2000;
    const c = new ResultCollector([str], false, { maxRows: 1000, maxChars });
    c.addText(['short']);
    // One wide value would pad every row to its width: it and what follows are counted only.
    c.addText(['w'.repeat(900)]);
    c.addText(['short too']);
    expect(c.shown).toBe(1);
    expect(c.total).toBe(3);
    const out = c.render();
    expect(out.length).toBeLessThanOrEqual(maxChars);
    expect(out).toContain('… 2 more rows not shown (the playground shows at most 2000 characters of a result;');
  });

  test('vertical output has its own size budget', () => {
    const c = new ResultCollector([str], true, { maxRows: 1000, maxChars: 300 });
    for (let i = 0; i < 10; i++) c.addText(['value']);
    expect(c.shown).toBeGreaterThan(0);
    expect(c.shown).toBeLessThan(10);
    expect(c.render()).toMatch(/^\*{27} 1\. row \*{27}\ns: value\n/);
  });

  test('an empty result renders nothing (the client prints only "Empty set")', () => {
    expect(new ResultCollector([num], false).render()).toBe('');
  });

  test('values are decoded as the client shows them', () => {
    const bin: Column = { name: 'b', type: 253, flags: 0, charset: 63 };
    const c = new ResultCollector([bin, str], false);
    c.addRaw([Buffer.from([0x00, 0xff]), null]);
    c.addRaw([Buffer.from('ok'), Buffer.from('x\x1by')]);
    expect(c.render()).toBe(
      '+--------+--------+\n| b      | s      |\n+--------+--------+\n| 0x00FF | NULL   |\n| ok     | x\\x1by |\n+--------+--------+\n',
    );
  });
});
