import { describe, expect, test } from 'vitest';
import type { TraceEvent } from '../../../shared/trace.ts';
import {
  NO_FILTER,
  connectionLine,
  eventSize,
  formatLatency,
  formatOffset,
  moveSelection,
  traceConnections,
  tracePairs,
  traceRows,
  traceServices,
  type TraceRow,
} from './trace-rows.ts';

const ev = (seq: number, change: Partial<TraceEvent> = {}): TraceEvent => ({
  seq,
  kind: 'frame',
  t: seq,
  conn: 1,
  service: 'redis',
  dir: 'send',
  bytes: 'AAAA',
  summary: `frame ${seq}`,
  ...change,
});

/** A Redis pipeline of three commands, their replies read at once, an error with its hint (which came late), a MySQL connection. */
const trace: TraceEvent[] = [
  ev(0, { kind: 'open', bytes: '', summary: 'connection 1 opened (RESP)' }),
  ev(1, { summary: 'SET a "1"', write: 1 }),
  ev(2, { summary: 'INCR a', write: 1 }),
  ev(3, { summary: 'LPUSH a "x"', write: 1 }),
  ev(4, { dir: 'recv', summary: 'OK', write: 1, pair: 1, latency: 0.4 }),
  ev(5, { dir: 'recv', summary: '(integer) 2', write: 1, pair: 2, latency: 0.4 }),
  ev(6, { dir: 'recv', summary: 'WRONGTYPE Operation against a key', write: 1, pair: 3, latency: 0.5, error: true }),
  ev(7, { kind: 'open', conn: 2, service: 'mysql', bytes: '', summary: 'connection 2 opened (MySQL protocol)' }),
  ev(8, { kind: 'undecoded', conn: 2, service: 'mysql', dir: 'recv', summary: 'a packet cut short', write: 1 }),
  ev(9, { kind: 'hint', bytes: '', dir: 'recv', summary: 'a holds a string; LPUSH needs a list', ref: 6 }),
  ev(10, { kind: 'dropped', conn: 0, service: '', bytes: '', summary: 'the trace keeps the first 2000 frames' }),
  ev(11, { kind: 'close', conn: 2, service: 'mysql', bytes: '', summary: '' }),
];

const shape = (rows: TraceRow[]) =>
  rows.map((r) => `${r.type}:${r.event.seq}${r.type === 'packet' && r.write ? `:${r.write}` : ''}`);

describe('the packet list', () => {
  test('in seq order, a hint under the frame it explains, the limits’ notices last', () => {
    expect(shape(traceRows(trace))).toEqual([
      'connection:0',
      'packet:1:first',
      'packet:2:middle',
      'packet:3:last',
      'packet:4:first',
      'packet:5:middle',
      'packet:6:last',
      'hint:9',
      'connection:7',
      'packet:8',
      'connection:11',
      'dropped:10',
    ]);
  });

  test('filters by service, by connection and by text in the summary; the notices stay', () => {
    expect(shape(traceRows(trace, { ...NO_FILTER, service: 'mysql' }))).toEqual([
      'connection:7',
      'packet:8',
      'connection:11',
      'dropped:10',
    ]);
    expect(shape(traceRows(trace, { ...NO_FILTER, conn: 1 })).length).toBe(9);
    // A hint follows its frame in and out; one frame of a write alone is no pipeline.
    expect(shape(traceRows(trace, { ...NO_FILTER, text: '  wrongtype ' }))).toEqual([
      'packet:6',
      'hint:9',
      'dropped:10',
    ]);
    expect(shape(traceRows(trace, { ...NO_FILTER, text: 'incr' }))).toEqual(['packet:2', 'dropped:10']);
  });

  test('a hint whose frame the trace does not have stands where it came', () => {
    const rows = traceRows([ev(1), ev(2, { kind: 'hint', ref: 99, summary: 'about a frame left out' })]);
    expect(shape(rows)).toEqual(['packet:1', 'hint:2']);
  });

  test('frames of different connections or directions are never one write', () => {
    const rows = traceRows([ev(1, { write: 1 }), ev(2, { write: 1, conn: 2 }), ev(3, { write: 1, dir: 'recv' })]);
    expect(shape(rows)).toEqual(['packet:1', 'packet:2', 'packet:3']);
  });

  test('pairs both ways, the filters’ choices, sizes', () => {
    const pairs = tracePairs(trace);
    expect([pairs.get(3), pairs.get(6), pairs.get(7)]).toEqual([6, 3, undefined]);
    expect(traceServices(trace)).toEqual(['redis', 'mysql']);
    expect(traceConnections(trace)).toEqual([
      { conn: 1, service: 'redis' },
      { conn: 2, service: 'mysql' },
    ]);
    expect([eventSize({ bytes: 'AAAA' }), eventSize({ bytes: 'AAA=' }), eventSize({ bytes: 'AA==' })]).toEqual([
      3, 2, 1,
    ]);
    expect(eventSize({ bytes: 'AAAA', size: 70_000 })).toBe(70_000);
  });

  test('the keyboard moves among the frames only', () => {
    const rows = traceRows(trace);
    expect(moveSelection(rows, null, 1)).toBe(1);
    expect(moveSelection(rows, null, -1)).toBe(8);
    expect(moveSelection(rows, 6, 1)).toBe(8);
    expect(moveSelection(rows, 8, 1)).toBe(8);
    expect(moveSelection(rows, 2, -10)).toBe(1);
    expect(moveSelection(rows, 4, 'home')).toBe(1);
    expect(moveSelection(rows, 4, 'end')).toBe(8);
    expect(moveSelection([], 4, 1)).toBeNull();
  });

  test('times and latencies read the same way everywhere', () => {
    expect([0, 12.34, 999.94, 999.96, 4896.4, 61_234].map(formatOffset)).toEqual([
      '+0.0 ms',
      '+12.3 ms',
      '+999.9 ms',
      '+1.000 s',
      '+4.896 s',
      '+61.234 s',
    ]);
    expect([0.047, 0.999, 1.24, 99.96, 250.4, 12_345].map(formatLatency)).toEqual([
      '0.05 ms',
      '1.0 ms',
      '1.2 ms',
      '100 ms',
      '250 ms',
      '12.3 s',
    ]);
    expect(connectionLine(trace[11])).toBe('connection 2 closed by the client');
    expect(connectionLine({ ...trace[11], dir: 'recv' })).toBe('connection 2 closed by the mysql server');
  });
});
