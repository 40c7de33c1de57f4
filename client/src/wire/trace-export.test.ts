import { expect, test } from 'vitest';
import type { TraceEvent } from '../../../shared/trace.ts';
import { exportFileName, traceJson, tracePcapngFile } from './trace-export.ts';
import { parseWireOpen, pruneWireOpen, serializeWireOpen, toggleWireOpen } from './wire-state.ts';
import type { TraceSnapshot } from './trace-store.ts';

const events: TraceEvent[] = [
  { seq: 0, kind: 'open', t: 0, conn: 1, service: 'redis', dir: 'send', bytes: '', summary: 'connection 1 opened' },
  { seq: 1, kind: 'frame', t: 1, conn: 1, service: 'redis', dir: 'send', bytes: 'UElORw0K', summary: 'PING' },
];
const trace: TraceSnapshot = { channel: 'run-7', traced: true, events, overflow: 0, openedAt: 1_700_000_000_000 };
const now = new Date(2025, 0, 2, 3, 4, 5);

test('the JSON export: a small header, then the events as the server sent them', () => {
  const file = JSON.parse(traceJson(trace, 'consumer.py #1', now));
  expect(file).toEqual({ channel: 'run-7', title: 'consumer.py #1', exportedAt: now.toISOString(), events });
});

test('the pcapng export puts each service on its conventional port', () => {
  const file = tracePcapngFile(trace, [{ name: 'redis', conventionalPort: 6379 }], now);
  expect(new DataView(file.buffer).getUint32(0, true)).toBe(0x0a0d0d0a);
  // 6379 = 0x18eb, big-endian in the TCP header.
  expect(Buffer.from(file).includes(Buffer.from([0x18, 0xeb]))).toBe(true);
});

test('export file names say what and when, in characters any system takes', () => {
  expect(exportFileName('consumer.py #1', 'json', now)).toBe('wire-consumer.py-1-20250102-030405.json');
  expect(exportFileName('Redis terminal', 'pcapng', now)).toBe('wire-Redis-terminal-20250102-030405.pcapng');
  expect(exportFileName('///', 'json', now)).toBe('wire-trace-20250102-030405.json');
});

test('which panes show their Wire view, kept for the tab', () => {
  expect(parseWireOpen(null)).toEqual([]);
  expect(parseWireOpen('not json')).toEqual([]);
  expect(parseWireOpen('["redis", 3, "run-pane-2"]')).toEqual(['redis', 'run-pane-2']);
  const open = toggleWireOpen([], 'redis');
  expect(open).toEqual(['redis']);
  expect(toggleWireOpen(open, 'redis')).toEqual([]);
  expect(toggleWireOpen(open, 'redis', true)).toBe(open);
  expect(parseWireOpen(serializeWireOpen(['a', 'b']))).toEqual(['a', 'b']);
  // A run pane that closed takes its view along; panes still coming back after a reload keep theirs.
  expect(pruneWireOpen(['redis', 'run-pane-1'], ['run-pane-1'], [])).toEqual(['redis']);
  const kept = ['run-pane-1'];
  expect(pruneWireOpen(kept, [], [])).toBe(kept);
});
