import { describe, expect, it } from 'vitest';
import { addressText, parseExecutorAddress } from './address.ts';
import { MAX_FRAME_BYTES, encodeFrame, frameReader, fromExecutorSchema, toExecutorSchema } from './protocol.ts';

function reader() {
  const frames: unknown[] = [];
  const errors: string[] = [];
  const feed = frameReader(
    toExecutorSchema,
    (f) => frames.push(f),
    (e) => errors.push(e),
  );
  return { feed, frames, errors };
}

describe('frames', () => {
  it('are read whole however the stream splits them', () => {
    const { feed, frames, errors } = reader();
    const text =
      encodeFrame({ t: 'input', id: 3, data: 'héllo\r' }) + encodeFrame({ t: 'kill', id: 3, reason: 'closed' });
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += 5) feed(bytes.subarray(i, i + 5));
    expect(errors).toEqual([]);
    expect(frames).toEqual([
      { t: 'input', id: 3, data: 'héllo\r' },
      { t: 'kill', id: 3, reason: 'closed' },
    ]);
  });

  it('name what is wrong with a bad one, and read nothing after it', () => {
    const { feed, frames, errors } = reader();
    feed(Buffer.from('{"t":"start","id":1}\n{"t":"interrupt","id":1}\n'));
    expect(errors).toEqual([expect.stringMatching(/^bad frame: run: /)]);
    expect(frames).toEqual([]);
  });

  it('refuse text that is not JSON, and a line past the limit', () => {
    const a = reader();
    a.feed(Buffer.from('hello\n'));
    expect(a.errors).toEqual(['a frame is not JSON']);
    const b = reader();
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    for (let sent = 0; sent <= MAX_FRAME_BYTES; sent += chunk.length) b.feed(chunk);
    expect(b.errors).toEqual([`a frame is longer than ${MAX_FRAME_BYTES} bytes`]);
  });

  it('from the executor are checked too', () => {
    expect(fromExecutorSchema.safeParse({ t: 'exit', id: 1, code: 0 }).success).toBe(true);
    expect(fromExecutorSchema.safeParse({ t: 'exit', id: 1 }).success).toBe(false);
    expect(fromExecutorSchema.safeParse({ t: 'dial', conn: 0, id: 1, port: 70000 }).success).toBe(false);
  });
});

describe('executor addresses', () => {
  it('are a socket path or host:port', () => {
    expect(parseExecutorAddress('/run/x.sock')).toEqual({ kind: 'unix', path: '/run/x.sock' });
    expect(parseExecutorAddress('unix:/run/x.sock')).toEqual({ kind: 'unix', path: '/run/x.sock' });
    expect(parseExecutorAddress('tcp://10.0.0.5:7070')).toEqual({ kind: 'tcp', host: '10.0.0.5', port: 7070 });
    expect(parseExecutorAddress('[::1]:7070')).toEqual({ kind: 'tcp', host: '::1', port: 7070 });
    expect(addressText({ kind: 'tcp', host: '::1', port: 7070 })).toBe('tcp://[::1]:7070');
  });

  it('say what they expect when they are neither', () => {
    expect(() => parseExecutorAddress('executor')).toThrow(/a unix socket's path or host:port/);
    expect(() => parseExecutorAddress('10.0.0.5:99999')).toThrow(/got "10.0.0.5:99999"/);
  });
});
