// Whole reply values, for the adapter's own small requests (AUTH, INFO, COMMAND DOCS). The
// terminal never builds these: it formats the parser's events as they stream.
import type { AggregateType, ReplyInfo, RespEvents, RespType, ScalarType } from './resp.ts';

export type RespValue =
  | { kind: 'scalar'; type: ScalarType; data: Buffer }
  | { kind: 'aggregate'; type: AggregateType; items: RespValue[] }
  | { kind: 'nil' };

/** Collects the events of each reply into a RespValue and hands it over when the reply ends. */
export class ValueBuilder implements Omit<RespEvents, 'replyEnd'> {
  private stack: Array<{ type: AggregateType; items: RespValue[] }> = [];
  private chunks: Buffer[] = [];
  private scalarType: ScalarType | null = null;
  private value: RespValue | null = null;

  replyStart(_type: RespType): void {
    this.stack = [];
    this.value = null;
  }
  aggregateStart(type: AggregateType): void {
    this.stack.push({ type, items: [] });
  }
  aggregateEnd(): void {
    const frame = this.stack.pop()!;
    this.add({ kind: 'aggregate', type: frame.type, items: frame.items });
  }
  scalarStart(type: ScalarType): void {
    this.scalarType = type;
    this.chunks = [];
  }
  scalarData(data: Buffer): void {
    this.chunks.push(Buffer.from(data));
  }
  scalarEnd(): void {
    this.add({ kind: 'scalar', type: this.scalarType!, data: Buffer.concat(this.chunks) });
    this.chunks = [];
  }
  nil(): void {
    this.add({ kind: 'nil' });
  }
  /** The value of the reply that just ended. */
  take(_info?: ReplyInfo): RespValue {
    const value = this.value ?? { kind: 'nil' };
    this.value = null;
    return value;
  }

  private add(value: RespValue): void {
    const top = this.stack[this.stack.length - 1];
    if (top) top.items.push(value);
    else this.value = value;
  }
}

export function isErrorValue(value: RespValue): boolean {
  return value.kind === 'scalar' && (value.type === '-' || value.type === '!');
}

/** A scalar's text (UTF-8), or null for nils and aggregates. */
export function valueText(value: RespValue | undefined): string | null {
  if (!value || value.kind !== 'scalar') return null;
  return value.data.toString('utf8');
}

/**
 * Key/value pairs of a map: a RESP3 map, or the flat [key, value, key, value…] array RESP2 sends
 * instead. Keys that are not strings are skipped.
 */
export function valuePairs(value: RespValue | undefined): Array<[string, RespValue]> {
  if (!value || value.kind !== 'aggregate') return [];
  const pairs: Array<[string, RespValue]> = [];
  for (let i = 0; i + 1 < value.items.length; i += 2) {
    const key = valueText(value.items[i]);
    if (key !== null) pairs.push([key, value.items[i + 1]]);
  }
  return pairs;
}

export function valueItems(value: RespValue | undefined): RespValue[] {
  return value && value.kind === 'aggregate' ? value.items : [];
}

/** Feeds a whole value to event handlers (a formatter) as if it were arriving. */
export function replayValue(value: RespValue, events: Omit<RespEvents, 'replyStart' | 'replyEnd'>): void {
  if (value.kind === 'nil') {
    events.nil();
  } else if (value.kind === 'scalar') {
    events.scalarStart(value.type);
    if (value.data.length > 0) events.scalarData(value.data);
    events.scalarEnd();
  } else {
    events.aggregateStart(value.type, value.items.length);
    for (const item of value.items) replayValue(item, events);
    events.aggregateEnd();
  }
}
