// A traced terminal connects to its tap in the service's own URL form: only host:port changes.
import { describe, expect, it } from 'vitest';
import { retarget } from './tap.ts';

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
