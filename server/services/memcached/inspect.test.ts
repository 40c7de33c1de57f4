import { describe, expect, it } from 'vitest';
import { parseMetadump, parseSlabs, parseStats } from './inspect.ts';

describe('the memcached inspector’s parsers', () => {
  it('reads metadump lines, which end in a bare newline, with their keys URL-decoded', () => {
    const dump =
      'key=b%20c exp=-1 la=100 cas=2 fetch=no cls=1 size=67\nkey=a exp=500 la=90 cas=1 fetch=yes cls=1 size=70\nEND\r\n';
    expect(parseMetadump(dump, 10)).toEqual([
      { key: 'a', size: 70, exp: 500, la: 90 },
      { key: 'b c', size: 67, exp: -1, la: 100 },
    ]);
    expect(parseMetadump(dump, 1)).toHaveLength(1);
  });

  it('joins stats slabs and stats items into a row per class that holds something', () => {
    const slabs =
      'STAT 1:chunk_size 96\r\nSTAT 1:total_pages 1\r\nSTAT 2:chunk_size 120\r\nSTAT 2:total_pages 0\r\nSTAT active_slabs 1\r\nEND\r\n';
    const items = 'STAT items:1:number 3\r\nSTAT items:1:age 10\r\nEND\r\n';
    expect(parseSlabs(slabs, items)).toEqual([{ id: 1, chunkSize: 96, pages: 1, items: 3 }]);
    expect(parseStats('STAT get_hits 4\r\nSTAT version 1.6.18\r\nEND\r\n').get('get_hits')).toBe('4');
  });
});
