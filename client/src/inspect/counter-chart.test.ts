import { describe, expect, test } from 'vitest';
import { chartData } from './CounterChart.tsx';

describe("memcached's chart data", () => {
  test('seconds before the last point, and counts since the first', () => {
    const data = chartData([
      { at: 1_000, hits: 10, misses: 4 },
      { at: 2_500, hits: 12, misses: 4 },
      { at: 4_000, hits: 13, misses: 7 },
    ]);
    expect(data).toEqual([
      [-3, -1.5, 0],
      [0, 2, 3],
      [0, 0, 3],
    ]);
    expect(chartData([])).toEqual([[], [], []]);
  });
});
