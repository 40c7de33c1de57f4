// Pins the public WebSocket protocol: scripts and the tests drive the playground with these exact
// messages, so changing one must be a deliberate edit here too.
import { describe, expect, it } from 'vitest';
import { CLIENT_MESSAGE_TYPES, PROTOCOL_VERSION, clientMessageSchema } from './protocol.ts';

describe('protocol', () => {
  it('is version 1 with these client message types', () => {
    // `reattach` came without a new version: an old page never sends it, so nothing it receives changes.
    expect(PROTOCOL_VERSION).toBe(1);
    expect([...CLIENT_MESSAGE_TYPES].sort()).toEqual([
      'close',
      'input',
      'open',
      'pause',
      'reattach',
      'resize',
      'resume',
      'signal',
    ]);
  });

  it.each([
    { type: 'open', id: 't1', kind: 'terminal', service: 'memcached' },
    { type: 'open', id: 't1', kind: 'terminal', service: 'redis' },
    { type: 'open', id: 't1', kind: 'terminal', service: 'rabbitmq' },
    { type: 'open', id: 't1', kind: 'terminal', service: 'mysql' },
    { type: 'input', id: 't1', data: 'PING\r' },
    { type: 'resize', id: 't1', cols: 80, rows: 24 },
    { type: 'signal', id: 't1', signal: 'SIGINT' },
    { type: 'close', id: 't1' },
    { type: 'pause', id: 't1' },
    { type: 'resume', id: 't1' },
    { type: 'reattach', session: 'q3J0bW9yZS1yYW5kb20tYnl0ZXMtaGVy' },
    { type: 'reattach', session: 'q3J0bW9yZS1yYW5kb20tYnl0ZXMtaGVy', have: { 'redis-1': 1234, 'run-2': 0 } },
  ])('accepts $type %#', (message) => {
    expect(clientMessageSchema.parse(message)).toEqual(message);
  });

  it.each([
    { type: 'open', id: 't1', kind: 'terminal', service: 'Postgres SQL' },
    { type: 'open', id: '', kind: 'terminal', service: 'redis' },
    { type: 'open', id: 'x'.repeat(65), kind: 'terminal', service: 'redis' },
    { type: 'input', id: 't1' },
    { type: 'resize', id: 't1', cols: 0, rows: 24 },
    { type: 'resize', id: 't1', cols: 80.5, rows: 24 },
    { type: 'signal', id: 't1', signal: 'SIGKILL' },
    { type: 'launch', id: 't1' },
    { type: 'reattach', session: '7' },
    { type: 'reattach', session: 'q3J0bW9yZS1yYW5kb20tYnl0ZXMtaGVy!' },
    { type: 'reattach', session: 'q3J0bW9yZS1yYW5kb20tYnl0ZXMtaGVy', have: { 'redis-1': -1 } },
    {
      type: 'reattach',
      session: 'q3J0bW9yZS1yYW5kb20tYnl0ZXMtaGVy',
      have: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, 0])),
    },
  ])('rejects %j', (message) => {
    expect(clientMessageSchema.safeParse(message).success).toBe(false);
  });
});
