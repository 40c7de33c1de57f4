// A connection of the playground's own to the learner's database (the Inspect view, a run's
// watcher), as the learner's account, on the database the endpoint's URL names.
import mysql from 'mysql2/promise';
import type { Endpoint } from '../endpoint.ts';
import { parseMysqlUrl } from './mysql-url.ts';

const CONNECT_TIMEOUT_MS = 5_000;

export async function openMysql(endpoint: Endpoint): Promise<{ conn: mysql.Connection; db: string }> {
  const target = parseMysqlUrl(endpoint.url);
  if (!target.database) throw new Error('the MySQL URL names no database');
  const conn = await mysql.createConnection({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    connectTimeout: CONNECT_TIMEOUT_MS,
    dateStrings: true,
  });
  return { conn, db: target.database };
}
