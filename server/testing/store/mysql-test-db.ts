// Throwaway databases on the test run's private MariaDB for the MySQL store's tests. The learner
// account there may create databases named playground_* (server/services/mysql/managed.ts), so
// each store under test gets a fresh one, dropped when the file's tests are done.
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { formatMysqlUrl, parseMysqlUrl } from '../../services/mysql/mysql-url.ts';
import { testEndpoint } from '../endpoints.ts';

export class TestDatabases {
  private readonly run = randomBytes(4).toString('hex');
  private readonly created: string[] = [];
  private count = 0;

  /** A URL naming a database that does not exist yet (the store creates it). */
  newUrl(): string {
    const database = `playground_store_${this.run}_${++this.count}`;
    this.created.push(database);
    return formatMysqlUrl({ ...parseMysqlUrl(testEndpoint('mysql').url), database });
  }

  /** A connection as the learner account, to look at a database behind the store's back. */
  async connect(database?: string): Promise<mysql.Connection> {
    const { host, port, user, password } = parseMysqlUrl(testEndpoint('mysql').url);
    return mysql.createConnection({ host, port, user, password, database });
  }

  async dropAll(): Promise<void> {
    const conn = await this.connect();
    try {
      for (const name of this.created.splice(0)) await conn.query(`DROP DATABASE IF EXISTS ${conn.escapeId(name)}`);
    } finally {
      await conn.end();
    }
  }
}
