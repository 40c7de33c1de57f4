// Reads the project's real node_modules: what a JavaScript sandbox gets is what is installed.
import { describe, expect, it } from 'vitest';
import { packageClosure, RUN_NODE_PACKAGES } from './node-packages.ts';
import { PROJECT_ROOT } from './runtime-dir.ts';

describe('packageClosure', () => {
  const closure = packageClosure(PROJECT_ROOT, RUN_NODE_PACKAGES);
  const names = closure.map((p) => p.name);

  it('holds the client packages and what they need at run time', () => {
    expect(names).toEqual(expect.arrayContaining([...RUN_NODE_PACKAGES, '@redis/client', 'denque', 'iconv-lite']));
    for (const p of closure) expect(p.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('holds nothing of the server or the tooling', () => {
    for (const name of ['express', 'ws', 'zod', 'vite', 'vitest', 'typescript', 'tsx'])
      expect(names).not.toContain(name);
  });

  it('names only top-level entries, sorted', () => {
    for (const name of names) expect(name).toMatch(/^(@[^/]+\/)?[^/@]+$/);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });

  it('says which package is missing', () => {
    expect(() => packageClosure(PROJECT_ROOT, ['no-such-package-here'])).toThrow(
      /no-such-package-here is not installed/,
    );
  });
});
