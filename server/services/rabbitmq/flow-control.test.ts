import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { pausableReadable } from './flow-control.ts';

/** A stream read the way amqplib reads its socket: a 'readable' handler that drains it. */
function amqplibStyleReader() {
  const stream = new PassThrough();
  const seen: string[] = [];
  stream.on('readable', () => {
    let chunk: Buffer | null;
    while ((chunk = stream.read()) !== null) seen.push(chunk.toString());
  });
  return { stream, seen };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('pausableReadable', () => {
  it('stops a draining reader while paused and delivers what waited on resume', async () => {
    const { stream, seen } = amqplibStyleReader();
    const source = pausableReadable(stream);
    stream.write('a');
    await tick();
    expect(seen).toEqual(['a']);

    source.pause();
    stream.write('b');
    stream.write('c');
    await tick();
    expect(seen).toEqual(['a']);
    expect(stream.readableLength).toBe(2);

    source.resume();
    await tick();
    expect(seen.join('')).toBe('abc');
    stream.write('d');
    await tick();
    expect(seen.join('')).toBe('abcd');
  });

  it('lets the buffer fill to its high-water mark, so the writer sees backpressure', async () => {
    const { stream } = amqplibStyleReader();
    const source = pausableReadable(stream);
    source.pause();
    source.pause(); // twice is once
    let accepted = true;
    for (let i = 0; i < 64 && accepted; i++) accepted = stream.write(Buffer.alloc(4096));
    expect(accepted).toBe(false);
    source.resume();
    source.resume();
    await tick();
    expect(stream.readableLength).toBe(0);
    expect(stream.listenerCount('readable')).toBe(1);
  });
});
