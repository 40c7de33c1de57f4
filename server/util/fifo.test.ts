import { describe, expect, it } from 'vitest';
import { Fifo } from './fifo.ts';

describe('Fifo', () => {
  it('hands items back in order, past the point where it drops the shifted ones', () => {
    const q = new Fifo<number>();
    for (let i = 0; i < 5000; i++) q.push(i);
    for (let i = 0; i < 3000; i++) expect(q.shift()).toBe(i);
    expect(q.peek()).toBe(3000);
    expect(q.at(2)).toBe(3002);
    q.push(5000);
    for (let i = 3000; i <= 5000; i++) expect(q.shift()).toBe(i);
    expect(q.shift()).toBeUndefined();
  });
});
