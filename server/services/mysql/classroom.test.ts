import { describe, expect, it } from 'vitest';
import { accountStatements, extraLearnerHost, grantGrowthStatements, revokeGrowthStatements } from './classroom.ts';

const LIMITS = { maxConnections: 10, statementSeconds: 10, databaseMb: 64 };

describe("a learner's MySQL account statements", () => {
  it('grant everything on the own database only, with "_" escaped so it is no wildcard', () => {
    const limits = { ...LIMITS, maxConnections: 7, statementSeconds: 5 };
    const statements = accountStatements({ id: 'wab12cd34', password: 'Zx-_9' }, limits, false);
    expect(statements).toEqual([
      'CREATE DATABASE IF NOT EXISTS `ws_wab12cd34`',
      "CREATE USER IF NOT EXISTS 'wab12cd34'@'127.0.0.1' IDENTIFIED BY 'Zx-_9' WITH MAX_USER_CONNECTIONS 7 MAX_STATEMENT_TIME 5",
      "CREATE USER IF NOT EXISTS 'wab12cd34'@'localhost' IDENTIFIED BY 'Zx-_9' WITH MAX_USER_CONNECTIONS 7 MAX_STATEMENT_TIME 5",
      "GRANT ALL ON `ws\\_wab12cd34`.* TO 'wab12cd34'@'127.0.0.1', 'wab12cd34'@'localhost'",
    ]);
  });

  it('also update existing accounts when restoring', () => {
    const statements = accountStatements({ id: 'w1', password: 'p' }, LIMITS, true);
    expect(statements.filter((s) => s.startsWith('ALTER USER'))).toHaveLength(2);
  });

  it('over the size cap, take away and give back only what makes a database bigger, and close the sessions', () => {
    const on = 'ON `ws\\_w1`.* ';
    const who = "'w1'@'127.0.0.1', 'w1'@'localhost'";
    expect(revokeGrowthStatements('w1')).toEqual([
      `REVOKE INSERT, UPDATE, CREATE, ALTER, INDEX ${on}FROM ${who}`,
      "KILL CONNECTION USER 'w1'",
    ]);
    expect(grantGrowthStatements('w1')).toEqual([
      `GRANT INSERT, UPDATE, CREATE, ALTER, INDEX ${on}TO ${who}`,
      "KILL CONNECTION USER 'w1'",
    ]);
  });

  it('refuse a password that would need quoting', () => {
    expect(() => accountStatements({ id: 'w1', password: "x'; DROP USER root; --" }, LIMITS, false)).toThrow(
      /base64url/,
    );
  });

  it('add the host a deployment names for app instances on other machines, and refuse anything else', () => {
    expect(extraLearnerHost(undefined)).toEqual([]);
    expect(extraLearnerHost(' 10.0.0.% ')).toEqual(['10.0.0.%']);
    expect(extraLearnerHost('%')).toEqual(['%']);
    expect(extraLearnerHost('localhost')).toEqual([]);
    expect(() => extraLearnerHost("%' OR 1=1 --")).toThrow(
      /CLASSROOM_MYSQL_LEARNER_HOST must be a MariaDB host pattern/,
    );
  });
});
