// Fuzzed frames over a live /ws socket: a playground server of this file (in this process, so that a
// crash or an unhandled rejection of the server is seen here) on the test stack's real services.
// Text frames of any JSON, broken or shaped like the real ones with bad fields, and binary frames of
// any bytes, in batches; after each batch the same socket must still answer. The server keeps such
// a socket open by design (socket-session.ts answers each bad frame with an `error`). A text frame
// that is not UTF-8 is another matter: ws closes that socket (1007, as RFC 6455 asks), so those are
// sent on sockets of their own, and a fresh socket must still work. Fewer cases than the pure fuzz
// tests: about FUZZ_RUNS / 5 frames (2,000 by default) and FUZZ_RUNS / 200 broken sockets.
import fs from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES } from '../../shared/limits.ts';
import { createPlaygroundServer, type PlaygroundServer } from '../app.ts';
import { SERVICES } from '../services/registry.ts';
import { Supervisor } from '../services/supervisor.ts';
import { freshTestDataDir, ROOT } from '../stack.ts';
import { testEndpoint } from '../testing/endpoints.ts';
import { FUZZ_RUNS } from '../testing/fuzz.ts';
import { nested, PROTOTYPE_KEYS } from '../testing/fuzz/json-text.ts';
import { frameText } from '../testing/fuzz/ws-frames.ts';
import { PlaygroundClient } from './playground-client.ts';

let dataDir: string;
let supervisor: Supervisor;
let app: PlaygroundServer;
let baseUrl: string;
let unhandled = 0;
const countUnhandled = () => unhandled++;

beforeAll(async () => {
  process.on('unhandledRejection', countUnhandled);
  dataDir = path.join(await freshTestDataDir(), `ws-fuzz-${Date.now()}`);
  // The test stack's services, given by URL: they answer at once, and nothing here starts another.
  const env = Object.fromEntries(SERVICES.adapters.map((a) => [a.urlEnv, testEndpoint(a.name).url]));
  supervisor = new Supervisor({ adapters: SERVICES.adapters, dataDir, env });
  await supervisor.startAll();
  app = await createPlaygroundServer({
    supervisor,
    lessonsDir: path.join(ROOT, 'lessons'),
    dataDir,
    clientDir: path.join(dataDir, 'no-client'),
    runner: null,
    runnerProblem: 'no snippet runs in this test',
  });
  baseUrl = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
});

afterAll(async () => {
  process.off('unhandledRejection', countUnhandled);
  await app?.close();
  await supervisor?.stopAll();
  await fs.rm(dataDir, { recursive: true, force: true });
});

type Frame = { text: string } | { binary: Uint8Array };

const frame: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 16, arbitrary: frameText.map((text) => ({ text })) },
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 256 }).map((binary) => ({ binary })) },
  // Valid UTF-8 made of any bytes (what is not UTF-8 is replaced), sent as text.
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 256 }).map((b) => ({ text: Buffer.from(b).toString('utf8') })) },
);

/** Past MAX_MESSAGE_BYTES: refused with an `error`, the socket kept. */
const TOO_LARGE = `"${'x'.repeat(MAX_MESSAGE_BYTES)}"`;

let probes = 0;

/** A frame that must get its answer: the socket and its session still work. */
async function probe(c: PlaygroundClient): Promise<void> {
  const id = `probe-${probes++}`;
  c.send({ type: 'close', id });
  await c.until(() => c.terminal(id).errors.length > 0 || c.closed !== null);
  expect(c.closed, 'the server closed the socket').toBeNull();
  expect(c.terminal(id).errors).toEqual([`no open terminal or run with id "${id}"`]);
}

describe('the /ws socket under fuzzed frames', () => {
  it('answers every batch of bad frames and keeps the socket; a terminal works after', async () => {
    const c = await PlaygroundClient.connect(baseUrl);
    try {
      let frames = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(frame, { minLength: 10, maxLength: 34 }), async (batch) => {
          for (const f of batch) {
            if ('text' in f) c.sendRaw(f.text);
            else c.sendRaw(Buffer.from(f.binary), true);
          }
          frames += batch.length;
          await probe(c);
        }),
        {
          numRuns: Math.ceil(FUZZ_RUNS / 100),
          examples: [
            // Found by the frame fuzzer: a type or kind nested 20,000 deep overflowed the stack of the
            // error message's JSON.stringify, out of the socket's message handler: the server died.
            [[{ text: `{"type":${nested(20_000)}}` }, { text: `{"type":"open","id":"k","kind":${nested(20_000)}}` }]],
            [[{ text: TOO_LARGE }, { binary: new Uint8Array([0, 0xff]) }]],
          ],
        },
      );
      // About FUZZ_RUNS / 5 frames in all (22 a batch on average).
      expect(frames).toBeGreaterThanOrEqual(FUZZ_RUNS / 10);
      const t = await c.open('after-the-fuzz', 'redis');
      expect(t.errors).toEqual([]);
      expect(await c.run('after-the-fuzz', 'PING')).toContain('PONG');
      expect(unhandled).toBe(0);
    } finally {
      c.close();
    }
  });

  it('replays the lines typed in terminals named like prototype keys after a reattach', async () => {
    // Found while fuzzing the frames' prototype keys: replay looked `have[id]` up on a plain object,
    // so a terminal named "constructor" read Object itself as the position the page had, and the
    // reloaded page lost the lines typed in it.
    const ids = PROTOTYPE_KEYS.filter((k) => k !== '__proto__');
    const a = await PlaygroundClient.connect(baseUrl);
    for (const id of ids) {
      await a.open(id, 'redis');
      expect(await a.run(id, `ECHO typed-in-${id}`)).toContain(`typed-in-${id}`);
    }
    const session = a.session;
    await a.drop();
    const b = await PlaygroundClient.connect(baseUrl, { reattach: session });
    try {
      expect(b.reattached?.found).toBe(true);
      await b.until(() => ids.every((id) => b.terminal(id).prompts.length > 0));
      for (const id of ids) expect(b.terminal(id).output).toContain(`ECHO typed-in-${id}`);
    } finally {
      b.close();
    }
  });

  it('closes a socket that sends text that is not UTF-8 (1007), and a fresh socket works', async () => {
    const notUtf8 = fc
      .tuple(fc.uint8Array({ maxLength: 64 }), fc.constantFrom([0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88]))
      .map(([bytes, bad]) => Buffer.concat([Buffer.from(bytes), Buffer.from(bad)]));
    await fc.assert(
      fc.asyncProperty(notUtf8, async (bytes) => {
        const c = await PlaygroundClient.connect(baseUrl);
        c.sendRaw(bytes, false);
        await c.until(() => c.closed !== null);
        expect(c.closed?.code).toBe(1007);
      }),
      { numRuns: Math.ceil(FUZZ_RUNS / 200) },
    );
    const fresh = await PlaygroundClient.connect(baseUrl);
    try {
      await probe(fresh);
      const t = await fresh.open('after-the-fuzz', 'redis');
      expect(t.errors).toEqual([]);
      expect(await fresh.run('after-the-fuzz', 'PING')).toContain('PONG');
      expect(unhandled).toBe(0);
    } finally {
      fresh.close();
    }
  });
});
