// A throw-away line-protocol key-value server, the fifth service of fifth-service.int.test.ts:
// `node kv-server.mjs PORT`, then one command per line, one reply line each:
//   SET key value → OK    GET key → VALUE value | NONE    DEL key → 1 | 0
//   FLUSH → OK    VERSION → VERSION 1.0    PID → PID <pid>
import net from 'node:net';

const port = Number(process.argv[2]);
const data = new Map();

function reply(line) {
  const [command = '', key, ...rest] = line.trim().split(/\s+/);
  switch (command.toUpperCase()) {
    case 'SET':
      if (!key || rest.length === 0) return 'ERROR usage: SET key value';
      data.set(key, rest.join(' '));
      return 'OK';
    case 'GET':
      return data.has(key) ? `VALUE ${data.get(key)}` : 'NONE';
    case 'DEL':
      return data.delete(key) ? '1' : '0';
    case 'FLUSH':
      data.clear();
      return 'OK';
    case 'VERSION':
      return 'VERSION 1.0';
    case 'PID':
      return `PID ${process.pid}`;
    default:
      return `ERROR unknown command ${JSON.stringify(command)}`;
  }
}

net
  .createServer((socket) => {
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      buffered += chunk;
      let end;
      while ((end = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, end).replace(/\r$/, '');
        buffered = buffered.slice(end + 1);
        socket.write(`${reply(line)}\r\n`);
      }
    });
    socket.on('error', () => {});
  })
  .listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
