// A traced terminal connects to its tap in the service's own URL form (only host:port changes),
// and the tap carries its connections, copying them into the trace, up to its limit.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../shared/trace.ts';
import { MAX_TAP_CONNECTIONS, TerminalTap, retarget } from './tap.ts';
import { WireTrace } from './trace.ts';

describe('retarget', () => {
  it.each([
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:5000'],
    ['redis://:secret@10.0.0.1:6379/2', 'redis://:secret@127.0.0.1:5000/2'],
    ['amqp://learner:pw@localhost:5672/%2Fclass', 'amqp://learner:pw@127.0.0.1:5000/%2Fclass'],
    ['mysql://u:p%40ss@db.local:3306/shop?charset=utf8mb4', 'mysql://u:p%40ss@127.0.0.1:5000/shop?charset=utf8mb4'],
    ['amqp://guest:guest@localhost', 'amqp://guest:guest@127.0.0.1:5000'],
  ])('keeps everything of %s but host:port', (url, want) => {
    expect(retarget({ url, address: 'x:1' }, '127.0.0.1:5000')).toEqual({ url: want, address: '127.0.0.1:5000' });
  });

  it('takes a bare host:port (memcached) as it is', () => {
    expect(retarget({ url: '127.0.0.1:11211', address: '127.0.0.1:11211' }, '127.0.0.1:5000')).toEqual({
      url: '127.0.0.1:5000',
      address: '127.0.0.1:5000',
    });
  });
});

describe('a terminal tap', () => {
  it(`carries bytes both ways into the trace, and refuses connection ${MAX_TAP_CONNECTIONS + 1}`, async () => {
    const service = net.createServer((s) => s.pipe(s));
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    const address = `127.0.0.1:${(service.address() as net.AddressInfo).port}`;
    const events: TraceEvent[] = [];
    const trace = new WireTrace({ protocol: () => undefined, send: (e) => events.push(...e) });
    const tap = new TerminalTap('echo', trace, () => ({ url: address, address }));
    await tap.listen();
    const via = tap.through({ url: address, address });
    expect(via.address).toBe(address);
    const [host, port] = via.url.split(':');
    const sockets: net.Socket[] = [];
    try {
      const echo = (s: net.Socket, text: string) =>
        new Promise<string>((resolve) => {
          s.once('data', (d) => resolve(d.toString()));
          s.write(text);
        });
      for (let i = 0; i < MAX_TAP_CONNECTIONS; i++) {
        const s = net.connect(Number(port), host);
        sockets.push(s);
        expect(await echo(s, `hello ${i}`)).toBe(`hello ${i}`);
      }
      const extra = net.connect(Number(port), host);
      sockets.push(extra);
      await new Promise((resolve) => extra.once('close', resolve));
      trace.flush();
      expect(events.filter((e) => e.kind === 'open')).toHaveLength(MAX_TAP_CONNECTIONS);
      const sent = events.filter((e) => e.dir === 'send' && e.kind === 'undecoded');
      expect(Buffer.from(sent[0].bytes, 'base64').toString()).toBe('hello 0');
    } finally {
      for (const s of sockets) s.destroy();
      tap.close();
      service.close();
    }
  });
});
