// Which store the classroom uses: SQLite in the data directory unless CLASSROOM_STORE_URL names a
// MySQL/MariaDB database. See docs/classroom-store.md.
import path from 'node:path';
import { MysqlClassroomStore } from './mysql-store.ts';
import { SqliteClassroomStore } from './sqlite-store.ts';
import type { ClassroomStore } from './types.ts';

export type { ClassroomStore } from './types.ts';
export { DuplicateError } from './types.ts';

export const SQLITE_FILE_NAME = 'classroom.db';

export interface StoreOptions {
  /** The server's data directory (.playground); the SQLite file lives here. */
  dataDir: string;
  /** CLASSROOM_STORE_URL, if set. */
  url?: string;
}

export async function openClassroomStore(options: StoreOptions): Promise<ClassroomStore> {
  const url = options.url?.trim();
  if (url === undefined || url === '') return SqliteClassroomStore.open(path.join(options.dataDir, SQLITE_FILE_NAME));
  // Only the scheme goes into the message: the rest of the URL may hold a password.
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'mysql' || scheme === 'mariadb') return MysqlClassroomStore.open(url);
  throw new Error(
    `CLASSROOM_STORE_URL: ${scheme ? `${scheme}:// is not supported` : 'not a URL'}; ` +
      'expected mysql://user:password@host:port/database (MySQL or MariaDB), ' +
      `or leave it unset to keep the classroom in ${path.join(options.dataDir, SQLITE_FILE_NAME)} (SQLite)`,
  );
}
