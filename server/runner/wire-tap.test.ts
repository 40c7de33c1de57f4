// A traced run's copy of its traffic: batched one delivery per turn, the last before the exit,
// and no more copied past MAX_RUN_WIRE_BYTES.
import { describe, expect, it } from 'vitest';
import type { WireChunk } from './types.ts';
import { MAX_RUN_WIRE_BYTES, RunWireTap } from './wire-tap.ts';

describe('a run’s wire tap', () => {
  it('numbers connections, batches per turn, and flushes on demand', async () => {
    const batches: WireChunk[][] = [];
    const tap = new RunWireTap((chunks) => batches.push(chunks));
    const conn = tap.open(6379);
    tap.data(conn, 6379, 'send', Buffer.from('PING\r\n'));
    tap.data(conn, 6379, 'recv', Buffer.from('+PONG\r\n'));
    expect(batches).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches.map((b) => b.map((c) => c.kind))).toEqual([['open', 'data', 'data']]);
    expect(tap.open(5672)).toBe(2);
    tap.close(conn, 6379, 'recv');
    tap.flush();
    expect(batches[1].map((c) => [c.conn, c.kind, c.dir])).toEqual([
      [2, 'open', 'send'],
      [1, 'close', 'recv'],
    ]);
  });

  it(`copies no more than ${MAX_RUN_WIRE_BYTES / 1024 / 1024} MiB of a run's traffic`, () => {
    const batches: WireChunk[][] = [];
    const tap = new RunWireTap((chunks) => batches.push(chunks));
    const conn = tap.open(6379);
    const chunk = Buffer.alloc(256 * 1024);
    for (let i = 0; i < MAX_RUN_WIRE_BYTES / chunk.length + 5; i++) tap.data(conn, 6379, 'send', chunk);
    tap.close(conn, 6379, 'send');
    tap.flush();
    const all = batches.flat();
    expect(all.filter((c) => c.kind === 'data')).toHaveLength(MAX_RUN_WIRE_BYTES / chunk.length);
    // The close still comes: the trace knows the connection ended.
    expect(all.at(-1)?.kind).toBe('close');
  });
});
