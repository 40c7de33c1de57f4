// What to change when pasted redis-py code cannot reach a Redis (see ../hint-types.ts).
import { addressHint, type HintRow } from '../hint-types.ts';

export const redisHints: HintRow[] = [
  {
    id: 'redis-py-connect',
    line: /^redis\.exceptions\.(?:ConnectionError|TimeoutError): (?:Error -?\d+|Timeout) connecting to (\S+?):(\d+)\./,
    hint: (m, ctx) => addressHint(ctx, m[1], Number(m[2]), 'redis'),
    fixture: {
      language: 'python',
      output: [
        '  File "/usr/lib/python3/dist-packages/redis/connection.py", line 617, in connect',
        '    raise ConnectionError(self._error_message(e))',
        'redis.exceptions.ConnectionError: Error 101 connecting to 192.168.1.1:6379. Network is unreachable.',
      ].join('\n'),
      says: 'the code connects to 192.168.1.1:6379, which is not your Redis here: use localhost:6379',
    },
  },
];
