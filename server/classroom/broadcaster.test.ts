import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../shared/protocol.ts';
import { Broadcaster, type SnippetBroadcast } from './broadcaster.ts';
import { INSTRUCTOR } from './instructor.ts';
import { MirrorHub } from './mirror-hub.ts';
import type { ConnectedSocket } from './presence.ts';

function socket(): ConnectedSocket & { got: ServerMessage[] } {
  const got: ServerMessage[] = [];
  return { got, push: (m) => got.push(m), end: () => {} };
}

/** A class of two learners: ada online with two sockets, bo offline. */
function setup() {
  const hub = new MirrorHub();
  const ada = [socket(), socket()];
  const online = new Map<string, Set<ConnectedSocket>>([['ada', new Set(ada)]]);
  const broadcaster = new Broadcaster(hub, (id) => online.get(id) ?? new Set());
  return { hub, ada, broadcaster };
}

const SNIPPET: SnippetBroadcast = {
  kind: 'snippet',
  id: 's1',
  name: 'hello.py',
  language: 'python',
  code: 'print(1)',
  at: '2025-01-01T00:00:00.000Z',
};

describe('Broadcaster', () => {
  it('pushes a snippet to every socket of the learners online, and counts learners, not sockets', () => {
    const { ada, broadcaster } = setup();
    expect(broadcaster.snippet(['ada', 'bo'], SNIPPET)).toBe(1);
    for (const s of ada) expect(s.got).toEqual([{ type: 'broadcast', event: SNIPPET }]);
  });

  it('mirrors the instructor while on, to sockets there and sockets that open later, then stops', () => {
    const { hub, ada, broadcaster } = setup();
    expect(broadcaster.mirroring('c1')).toBe(false);
    expect(broadcaster.terminals('c1', ['ada', 'bo'], true)).toBe(1);
    expect(broadcaster.mirroring('c1')).toBe(true);
    const late = socket();
    broadcaster.joined('c1', late);
    const elsewhere = socket();
    broadcaster.joined('c2', elsewhere);

    hub.tap(INSTRUCTOR).open('t1', 'Redis');
    for (const s of [...ada, late]) {
      expect(s.got).toEqual([
        {
          type: 'broadcast',
          event: { kind: 'mirror', event: expect.objectContaining({ kind: 'open', label: 'Redis' }) },
        },
      ]);
    }
    expect(elsewhere.got).toEqual([]);

    broadcaster.left(late);
    expect(broadcaster.terminals('c1', ['ada', 'bo'], false)).toBe(1);
    expect(broadcaster.mirroring('c1')).toBe(false);
    for (const s of ada) expect(s.got.at(-1)).toEqual({ type: 'broadcast', event: { kind: 'mirror-stop' } });
    const counts = [...ada, late].map((s) => s.got.length);
    hub.tap(INSTRUCTOR).open('t2', 'MySQL');
    expect([...ada, late].map((s) => s.got.length)).toEqual(counts);
  });

  it('does not watch twice when switched on twice', () => {
    const { hub, ada, broadcaster } = setup();
    broadcaster.terminals('c1', ['ada'], true);
    broadcaster.terminals('c1', ['ada'], true);
    hub.tap(INSTRUCTOR).open('t1', 'Redis');
    for (const s of ada) expect(s.got).toHaveLength(1);
  });
});
