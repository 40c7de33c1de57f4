import { describe, expect, it } from 'vitest';
import { defs, methodId } from './amqp-defs.ts';
import { GuestLogin } from './guest-login.ts';

const codec = defs as unknown as {
  decode(id: number, args: Buffer): Record<string, unknown>;
  encodeMethod(id: number, channel: number, fields: Record<string, unknown>): Buffer;
};
const HEADER = Buffer.from('AMQP\0\0\x09\x01', 'latin1');
const id = (name: string) => methodId(name)!;

/** What a client sends to open a connection and a channel, as amqplib encodes it. */
function opening(response: string, vhost: string): Buffer {
  return Buffer.concat([
    HEADER,
    codec.encodeMethod(id('ConnectionStartOk'), 0, {
      clientProperties: { product: 'test' },
      mechanism: 'PLAIN',
      response: Buffer.from(response),
      locale: 'en_US',
    }),
    codec.encodeMethod(id('ConnectionTuneOk'), 0, { channelMax: 0, frameMax: 131072, heartbeat: 60 }),
    codec.encodeMethod(id('ConnectionOpen'), 0, { virtualHost: vhost, capabilities: '', insist: false }),
    codec.encodeMethod(id('ChannelOpen'), 1, { outOfBand: '' }),
  ]);
}

/** The method frames of `bytes` after the protocol header: [name, channel, fields]. */
function methods(bytes: Buffer): Array<[number, number, Record<string, unknown>]> {
  expect(bytes.subarray(0, 8)).toEqual(HEADER);
  const found: Array<[number, number, Record<string, unknown>]> = [];
  let rest = bytes.subarray(8);
  while (rest.length) {
    const size = rest.readUInt32BE(3);
    const payload = rest.subarray(7, 7 + size);
    const method = payload.readUInt32BE(0);
    found.push([method, rest.readUInt16BE(1), codec.decode(method, payload.subarray(4))]);
    rest = rest.subarray(8 + size);
  }
  return found;
}

async function through(input: Buffer, chunkBytes: number): Promise<Buffer> {
  const filter = new GuestLogin({ user: 'ann', password: 's3cret', vhost: 'ann' });
  const out: Buffer[] = [];
  filter.on('data', (b: Buffer) => out.push(b));
  const ended = new Promise((resolve) => filter.on('end', resolve));
  for (let i = 0; i < input.length; i += chunkBytes) filter.write(input.subarray(i, i + chunkBytes));
  filter.end();
  await ended;
  return Buffer.concat(out);
}

describe('GuestLogin', () => {
  it("turns guest/guest on / into the learner's login and vhost, however the bytes are split", async () => {
    for (const chunk of [1, 7, 1 << 16]) {
      const [startOk, tuneOk, open, channel] = methods(await through(opening('\0guest\0guest', '/'), chunk));
      expect(startOk[0]).toBe(id('ConnectionStartOk'));
      expect((startOk[2].response as Buffer).toString()).toBe('\0ann\0s3cret');
      expect(startOk[2].clientProperties).toMatchObject({ product: 'test' });
      expect(tuneOk[2]).toMatchObject({ frameMax: 131072, heartbeat: 60 });
      expect(open[2].virtualHost).toBe('ann');
      expect(channel.slice(0, 2)).toEqual([id('ChannelOpen'), 1]);
    }
  });

  it('passes any other login, and its vhost, through byte for byte', async () => {
    for (const [response, vhost] of [
      ['\0ann\0wrong', '/'],
      ['\0root\0root', 'other'],
      ['\0guest\0other', '/'],
    ]) {
      const input = opening(response, vhost);
      expect(await through(input, 5)).toEqual(input);
    }
  });

  it('keeps a vhost other than / that guest asks for', async () => {
    const [, , open] = methods(await through(opening('\0guest\0guest', 'elsewhere'), 64));
    expect(open[2].virtualHost).toBe('elsewhere');
  });

  it('passes what is not AMQP through untouched', async () => {
    const input = Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await through(input, 3)).toEqual(input);
  });
});
