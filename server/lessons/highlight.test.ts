import { expect, test } from 'vitest';
import { highlightCode, isHighlighted } from './highlight.ts';

test('the languages lessons use are coloured; the MySQL terminal’s blocks as SQL', () => {
  expect(highlightCode('import os', 'python')).toBe('<span class="hljs-keyword">import</span> os');
  expect(highlightCode('const a = 1;', 'javascript')).toContain('<span class="hljs-keyword">const</span>');
  expect(highlightCode('SELECT 1;', 'mysql')).toBe('<span class="hljs-keyword">SELECT</span> <span class="hljs-number">1</span>;');
  expect(isHighlighted('sql')).toBe(true);
  expect(isHighlighted('Python')).toBe(true);
});

test('other terminals and unknown words are shown plain, escaped', () => {
  for (const language of ['redis', 'memcached', 'amqp', 'text', '']) {
    expect(isHighlighted(language)).toBe(false);
    expect(highlightCode('SET a "<b>" & more', language)).toBe('SET a &quot;&lt;b&gt;&quot; &amp; more');
  }
});

test('coloured code is escaped too', () => {
  expect(highlightCode('print("<script>")', 'python')).not.toContain('<script>');
});
