// The trace's own rules, with a line protocol written for this test (each service's decoder has its
// own tests against real traffic): pairing and latency, which write carried a message, a decoder
// that throws, the limits, a cut frame, and a hint for an error frame.
import { describe, expect, it } from 'vitest';
import { TRACE_MAX_BYTES, TRACE_MAX_FRAME_BYTES, TRACE_MAX_FRAMES, type TraceEvent } from '../../shared/trace.ts';
import type { WireDecoder, WireItem, WireProtocol } from '../services/wire-types.ts';
import { TRACE_BATCH_MS, TRACE_MAX_DECODED_BYTES, WireTrace } from './trace.ts';

/** "ASK x\n" is a request, "ANS x\n" its reply, "ERR x\n" an error reply, "BOOM" makes the decoder throw. */
function lineDecoder(): WireDecoder {
  const held = { send: Buffer.alloc(0), recv: Buffer.alloc(0) };
  return {
    feed(dir, chunk) {
      if (chunk.includes('BOOM')) throw new Error('boom');
      let rest = Buffer.concat([held[dir], chunk]);
      const items: WireItem[] = [];
      for (let nl = rest.indexOf(10); nl >= 0; nl = rest.indexOf(10)) {
        const bytes = rest.subarray(0, nl + 1);
        rest = rest.subarray(nl + 1);
        const text = bytes.toString().trim();
        items.push({
          dir,
          bytes,
          summary: text,
          tree: [{ label: 'line', value: text }],
          role: text.startsWith('ASK') ? 'request' : 'reply',
          error: text.startsWith('ERR') || undefined,
        });
      }
      held[dir] = rest;
      return items;
    },
    flush() {
      const items: WireItem[] = [];
      for (const dir of ['send', 'recv'] as const) {
        if (held[dir].length) items.push({ dir, bytes: held[dir], reason: 'ended mid-line' });
        held[dir] = Buffer.alloc(0);
      }
      return items;
    },
  };
}

const lines: WireProtocol = {
  name: 'lines',
  decoder: lineDecoder,
  explain: async ({ request, reply }) => `${reply.summary} answers ${request?.summary ?? 'nothing'}`,
};

function traced(clock = { t: 0 }) {
  const sent: TraceEvent[] = [];
  const trace = new WireTrace({
    protocol: (s) => (s === 'toy' ? lines : undefined),
    access: { endpoint: () => ({ url: 'toy://x', address: 'x:1' }), admin: () => null },
    send: (events) => sent.push(...events),
    now: () => clock.t,
  });
  return { trace, sent, clock };
}

describe('a trace', () => {
  it('pairs each reply with its request, timed, and says which write carried each', () => {
    const { trace, clock } = traced();
    const conn = trace.open('toy');
    clock.t = 1;
    trace.data(conn, 'send', Buffer.from('ASK a\nASK b\n'));
    clock.t = 3.5;
    trace.data(conn, 'recv', Buffer.from('ANS a\n'));
    clock.t = 4;
    trace.data(conn, 'recv', Buffer.from('ANS b\n'));
    trace.close(conn, 'recv');
    const ev = trace.events();
    expect(ev.map((e) => `${e.kind}:${e.summary}`)).toEqual([
      'open:connection 1 opened (lines)',
      'frame:ASK a',
      'frame:ASK b',
      'frame:ANS a',
      'frame:ANS b',
      'close:connection 1 closed by the toy server',
    ]);
    expect(ev[1].write).toBe(1);
    expect(ev[2].write).toBe(1);
    expect(ev[3]).toMatchObject({ pair: ev[1].seq, latency: 2.5, write: 1, dir: 'recv' });
    expect(ev[4]).toMatchObject({ pair: ev[2].seq, latency: 3, write: 2 });
    expect(Buffer.from(ev[1].bytes, 'base64').toString()).toBe('ASK a\n');
  });

  it('holds a message split across chunks until it is whole, and shows leftovers at the close', () => {
    const { trace } = traced();
    const conn = trace.open('toy');
    trace.data(conn, 'send', Buffer.from('AS'));
    trace.data(conn, 'send', Buffer.from('K a\nASK'));
    trace.close(conn, 'send');
    const ev = trace.events().filter((e) => e.kind === 'frame' || e.kind === 'undecoded');
    expect(ev.map((e) => [e.kind, e.summary, e.write])).toEqual([
      ['frame', 'ASK a', 2],
      ['undecoded', 'ended mid-line', 2],
    ]);
  });

  it('shows the rest of a direction raw once its decoder threw, and keeps the other one decoded', () => {
    const { trace } = traced();
    const conn = trace.open('toy');
    trace.data(conn, 'send', Buffer.from('BOOM\n'));
    trace.data(conn, 'send', Buffer.from('ASK a\n'));
    trace.data(conn, 'recv', Buffer.from('ANS a\n'));
    const ev = trace.events().slice(1);
    expect(ev[0]).toMatchObject({
      kind: 'undecoded',
      summary: expect.stringContaining('the decoder failed here (boom)'),
    });
    expect(ev[1]).toMatchObject({ kind: 'undecoded', summary: expect.stringContaining('failed earlier') });
    expect(ev[2]).toMatchObject({ kind: 'frame', summary: 'ANS a' });
  });

  it('shows a service without a decoder raw', () => {
    const { trace } = traced();
    const conn = trace.open('other');
    trace.data(conn, 'send', Buffer.from('hello'));
    expect(trace.events()[1]).toMatchObject({ kind: 'undecoded', summary: 'other is not decoded' });
  });

  it(`keeps the first ${TRACE_MAX_FRAMES} frames and counts the rest`, () => {
    const { trace } = traced();
    const conn = trace.open('toy');
    for (let i = 0; i < TRACE_MAX_FRAMES + 10; i++) trace.data(conn, 'send', Buffer.from(`ASK ${i}\n`));
    trace.end();
    const ev = trace.events();
    const frames = ev.filter((e) => e.kind !== 'dropped');
    // The open event counts as one of the frames kept, and the close at the end is one dropped.
    expect(frames).toHaveLength(TRACE_MAX_FRAMES);
    const dropped = ev.filter((e) => e.kind === 'dropped');
    expect(dropped).toHaveLength(2);
    expect(dropped[1].summary).toBe('left out past the limit: 12 frames, 99 bytes');
  });

  it(`keeps the first ${TRACE_MAX_BYTES / 1024 / 1024} MiB of traffic and counts the rest`, () => {
    const { trace } = traced();
    const conn = trace.open('toy');
    const frame = Buffer.alloc(60 * 1024, 'a');
    frame.write('ASK ', 0);
    frame[frame.length - 1] = 10;
    const fit = Math.floor(TRACE_MAX_BYTES / frame.length);
    for (let i = 0; i < fit + 3; i++) trace.data(conn, 'send', frame);
    trace.end();
    const frames = trace.events().filter((e) => e.kind === 'frame');
    expect(frames).toHaveLength(fit);
    expect(trace.events().at(-1)?.summary).toBe(`left out past the limit: 4 frames, ${3 * frame.length} bytes`);
  });

  it(`decodes at most ${TRACE_MAX_DECODED_BYTES / 1024 / 1024} MiB: past it, bytes are only counted`, () => {
    const { trace } = traced();
    const conn = trace.open('toy');
    const big = Buffer.alloc(TRACE_MAX_DECODED_BYTES, 'a');
    trace.data(conn, 'send', Buffer.from('ASK x\n'));
    // A value far bigger than the trace keeps, arriving as one message split in two.
    trace.data(conn, 'recv', big);
    trace.data(conn, 'recv', Buffer.from('\n'));
    trace.end();
    const last = trace.events().at(-1);
    expect(last).toMatchObject({ kind: 'dropped' });
    // The close at the end is the one frame left out; the bytes are the big value's.
    // The close at the end is the one frame left out; the bytes are the big value's and its line end.
    expect(last?.summary).toBe(`left out past the limit: 1 frame, ${big.length + 1} bytes`);
    expect(trace.events().filter((e) => e.kind === 'frame')).toHaveLength(1);
  });

  it('keeps within the server’s budget, shared by its traces, and gives its share back when released', () => {
    const budget = { used: 0, max: 10 * 1024 };
    const make = () => new WireTrace({ protocol: () => lines, send: () => {}, budget, now: () => 0 });
    const a = make();
    const conn = a.open('toy');
    for (let i = 0; i < 10; i++) a.data(conn, 'send', Buffer.from(`ASK ${i}\n`));
    // Each event costs about 2 KB: the open and three frames fit in 10 KB.
    expect(a.events().filter((e) => e.kind !== 'dropped')).toHaveLength(4);
    expect(a.events().at(-1)?.summary).toMatch(/^the server keeps no more traces right now/);
    const b = make();
    b.open('toy');
    expect(b.events()[0].kind).toBe('dropped');
    a.release();
    expect(budget.used).toBe(0);
    const c = make();
    c.open('toy');
    expect(c.events()[0].kind).toBe('open');
  });

  it('cuts a frame longer than the frame limit and says its whole size', () => {
    const { trace } = traced();
    const conn = trace.open('toy');
    const big = Buffer.alloc(TRACE_MAX_FRAME_BYTES + 100, 'a');
    big.write('ASK ', 0);
    big[big.length - 1] = 10;
    trace.data(conn, 'send', big);
    const frame = trace.events()[1];
    expect(frame.size).toBe(big.length);
    expect(Buffer.from(frame.bytes, 'base64').length).toBe(TRACE_MAX_FRAME_BYTES);
  });

  it('adds a hint under an error frame, from what was sent', async () => {
    const { trace, sent } = traced();
    const conn = trace.open('toy');
    trace.data(conn, 'send', Buffer.from('ASK x\n'));
    trace.data(conn, 'recv', Buffer.from('ERR no x\n'));
    await new Promise((resolve) => setTimeout(resolve, TRACE_BATCH_MS * 3));
    const error = sent.find((e) => e.error)!;
    expect(error.summary).toBe('ERR no x');
    const hint = sent.find((e) => e.kind === 'hint');
    expect(hint).toMatchObject({ ref: error.seq, summary: 'ERR no x answers ASK x', conn });
  });

  it('sends events batched, one call per TRACE_BATCH_MS', async () => {
    const batches: number[] = [];
    const trace = new WireTrace({ protocol: () => lines, send: (events) => batches.push(events.length) });
    const conn = trace.open('toy');
    trace.data(conn, 'send', Buffer.from('ASK a\nASK b\n'));
    expect(batches).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([]);
    trace.data(conn, 'send', Buffer.from('ASK c\n'));
    await new Promise((resolve) => setTimeout(resolve, TRACE_BATCH_MS + 5));
    expect(batches).toEqual([4]);
  });
});
