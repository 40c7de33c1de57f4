// What to change when pasted python-memcached code cannot reach a memcached (see ../hint-types.ts).
// python-memcached does not raise: it marks the server dead, get() answers None and the program
// exits 0, so this hint is often the only sign that nothing was stored.
import { addressHint, type HintRow } from '../hint-types.ts';

export const memcachedHints: HintRow[] = [
  {
    id: 'python-memcached-dead',
    line: /MemCache: inet:([^\s:]+):(\d+): .*Marking dead\./,
    hint: (m, ctx) => {
      const where = addressHint(ctx, m[1], Number(m[2]), 'memcached');
      return where && `${where} (python-memcached stored nothing: it marked the server dead, and get() answers None)`;
    },
    fixture: {
      language: 'python',
      output: [
        'MemCached: MemCache: inet:10.211.55.4:12000: connect: [Errno 101] Network is unreachable.  Marking dead.',
        'None',
      ].join('\n'),
      says: 'the code connects to 10.211.55.4:12000, which is not your memcached here: use localhost:11211',
    },
  },
];
