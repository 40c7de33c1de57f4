// Decoding speed per protocol, on traffic recorded from the real clients (each service's
// fixtures/wire-*.json): every connection of the recording fed to a fresh decoder, chunk by chunk
// as it came, again and again for about a second. Goal: ≥ 50 MB/s each.
//   npx tsx bench/wire-decode.ts
import { SERVICES } from '../server/services/registry.ts';
import { decodeConnection, readRecording } from '../server/testing/wire-recorder.ts';

const FIXTURES: Record<string, string> = {
  redis: 'server/services/redis/fixtures/wire-redis-py.json',
  memcached: 'server/services/memcached/fixtures/wire-python-memcached.json',
  rabbitmq: 'server/services/rabbitmq/fixtures/wire-pika.json',
  mysql: 'server/services/mysql/fixtures/wire-sqlalchemy.json',
};

console.log('protocol                   recorded      passes     MB/s');
for (const [service, file] of Object.entries(FIXTURES)) {
  const protocol = SERVICES.get(service).decode;
  if (!protocol) throw new Error(`${service} has no decoder`);
  const conns = readRecording(file);
  const bytes = conns.flat().reduce((n, c) => n + c.bytes.length, 0);
  for (let i = 0; i < 50; i++) for (const c of conns) decodeConnection(protocol, c);
  let passes = 0;
  const start = performance.now();
  while (performance.now() - start < 1000) {
    for (const c of conns) decodeConnection(protocol, c);
    passes++;
  }
  const seconds = (performance.now() - start) / 1000;
  const rate = (bytes * passes) / seconds / 1e6;
  console.log(
    `${protocol.name.padEnd(24)}${`${bytes} B`.padStart(11)}${String(passes).padStart(12)}${rate.toFixed(1).padStart(9)}`,
  );
}
