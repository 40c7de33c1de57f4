// `status` / `\s`: connection facts laid out like the client's com_status (tabs included, so the
// columns line up at the terminal's tab stops as they do in a real terminal).
import { escapeControls } from './columns.ts';
import { formatUptime } from './format-result.ts';

export interface StatusFacts {
  connectionId: number;
  database: string | null;
  user: string;
  delimiter: string;
  serverName: string;
  serverVersion: string;
  protocolVersion: number;
  host: string;
  port: number;
  charsets: { server: string; database: string; client: string; connection: string };
  uptimeSeconds: number;
  threads: number;
  questions: number;
  slowQueries: number;
  opens: number;
  openTables: number;
}

export function formatStatus(f: StatusFacts): string {
  const qps = f.uptimeSeconds > 0 ? f.questions / f.uptimeSeconds : 0;
  const lines = [
    '--------------',
    'Playground terminal in the manner of the mariadb client (Node.js, mysql2)',
    '',
    `Connection id:\t\t${f.connectionId}`,
    `Current database:\t${escapeControls(f.database ?? '')}`,
    `Current user:\t\t${escapeControls(f.user)}`,
    'SSL:\t\t\tNot in use',
    `Using delimiter:\t${escapeControls(f.delimiter)}`,
    `Server:\t\t\t${f.serverName}`,
    `Server version:\t\t${escapeControls(f.serverVersion)}`,
    `Protocol version:\t${f.protocolVersion}`,
    `Connection:\t\t${f.host} via TCP/IP`,
    `Server characterset:\t${f.charsets.server}`,
    `Db     characterset:\t${f.charsets.database}`,
    `Client characterset:\t${f.charsets.client}`,
    `Conn.  characterset:\t${f.charsets.connection}`,
    `TCP port:\t\t${f.port}`,
    `Uptime:\t\t\t${formatUptime(f.uptimeSeconds)}`,
    '',
    `Threads: ${f.threads}  Questions: ${f.questions}  Slow queries: ${f.slowQueries}  Opens: ${f.opens}  ` +
      `Open tables: ${f.openTables}  Queries per second avg: ${qps.toFixed(3)}`,
    '--------------',
    '',
    '',
  ];
  return lines.join('\n');
}
