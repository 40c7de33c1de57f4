import { describe, expect, it } from 'vitest';
import { accountStatements } from './classroom.ts';

const LIMITS = { maxConnections: 10 };

describe("a learner's MySQL account statements", () => {
  it('grant everything on the own database only, with "_" escaped so it is no wildcard', () => {
    const statements = accountStatements({ id: 'wab12cd34', password: 'Zx-_9' }, { maxConnections: 7 }, false);
    expect(statements).toEqual([
      'CREATE DATABASE IF NOT EXISTS `ws_wab12cd34`',
      "CREATE USER IF NOT EXISTS 'wab12cd34'@'127.0.0.1' IDENTIFIED BY 'Zx-_9' WITH MAX_USER_CONNECTIONS 7",
      "CREATE USER IF NOT EXISTS 'wab12cd34'@'localhost' IDENTIFIED BY 'Zx-_9' WITH MAX_USER_CONNECTIONS 7",
      "GRANT ALL ON `ws\\_wab12cd34`.* TO 'wab12cd34'@'127.0.0.1', 'wab12cd34'@'localhost'",
    ]);
  });

  it('also update existing accounts when restoring', () => {
    const statements = accountStatements({ id: 'w1', password: 'p' }, LIMITS, true);
    expect(statements.filter((s) => s.startsWith('ALTER USER'))).toHaveLength(2);
  });

  it('refuse a password that would need quoting', () => {
    expect(() => accountStatements({ id: 'w1', password: "x'; DROP USER root; --" }, LIMITS, false)).toThrow(
      /base64url/,
    );
  });
});
