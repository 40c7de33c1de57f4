import { describe, expect, test } from 'vitest';
import type { BroadcastEvent, MirrorEvent } from '../../../shared/classroom-api.ts';
import { BroadcastStore, MAX_SHARED_SNIPPETS } from './broadcast-store.ts';

class FakeMirror {
  events: MirrorEvent[] = [];
  disposed = false;
  apply(event: MirrorEvent): void {
    this.events.push(event);
  }
  dispose(): void {
    this.disposed = true;
  }
}

function setup() {
  let listener: (event: BroadcastEvent) => void = () => {};
  const mirrors: FakeMirror[] = [];
  const store = new BroadcastStore({ onBroadcast: (l) => ((listener = l), () => {}) }, () => {
    const m = new FakeMirror();
    mirrors.push(m);
    return m;
  });
  return { store, mirrors, send: (e: BroadcastEvent) => listener(e) };
}

const snippet = (id: string): BroadcastEvent => ({
  kind: 'snippet',
  id,
  name: `${id}.py`,
  language: 'python',
  code: 'print(1)',
  at: '2025-01-01T10:00:00.000Z',
});

describe('broadcast store', () => {
  test('snippets stack newest first, once each, up to the limit; dismiss removes one', () => {
    const { store, send } = setup();
    for (let i = 0; i < MAX_SHARED_SNIPPETS + 1; i++) send(snippet(`s${i}`));
    send(snippet('s4'));
    const ids = store.getSnapshot().snippets.map((s) => s.id);
    expect(ids).toEqual(['s4', 's3', 's2', 's1']);
    store.dismiss('s3');
    expect(store.getSnapshot().snippets.map((s) => s.id)).toEqual(['s4', 's2', 's1']);
  });

  test('mirror events start a mirror, feed it, and mirror-stop ends it', () => {
    const { store, send, mirrors } = setup();
    send({ kind: 'mirror-stop' });
    expect(mirrors).toHaveLength(0);
    send({ kind: 'mirror', event: { kind: 'open', channel: 't1', label: 'Redis', scrollback: '> ' } });
    send({ kind: 'mirror', event: { kind: 'output', channel: 't1', data: 'PONG' } });
    expect(mirrors).toHaveLength(1);
    expect(store.getSnapshot().mirror).toBe(mirrors[0]);
    expect(mirrors[0].events.map((e) => e.kind)).toEqual(['open', 'output']);
    send({ kind: 'mirror-stop' });
    expect(mirrors[0].disposed).toBe(true);
    expect(store.getSnapshot().mirror).toBeNull();
    send({ kind: 'mirror', event: { kind: 'open', channel: 't1', label: 'Redis' } });
    expect(mirrors).toHaveLength(2);
  });
});

describe('shared snippets across a reload', () => {
  class MemoryStorage {
    data = new Map<string, string>();
    getItem(k: string) {
      return this.data.get(k) ?? null;
    }
    setItem(k: string, v: string) {
      this.data.set(k, v);
    }
  }

  test('a snippet not yet opened is listed again after a reload; one dismissed is not, even sent again', () => {
    const storage = new MemoryStorage() as unknown as Storage;
    let listener: (event: BroadcastEvent) => void = () => {};
    const source = { onBroadcast: (l: typeof listener) => ((listener = l), () => {}) };
    const first = new BroadcastStore(source, () => new FakeMirror(), storage);
    listener(snippet('a'));
    listener(snippet('b'));
    first.dismiss('b');

    const reloaded = new BroadcastStore(source, () => new FakeMirror(), storage);
    expect(reloaded.getSnapshot().snippets.map((s) => s.id)).toEqual(['a']);
    listener(snippet('b'));
    listener(snippet('a'));
    expect(reloaded.getSnapshot().snippets.map((s) => s.id)).toEqual(['a']);
  });

  test('what is stored unreadable is ignored', () => {
    const storage = new MemoryStorage() as unknown as Storage;
    storage.setItem('playground.shared-snippets', '{"snippets":[{"kind":"snippet","id":1}],"seen":"x"}');
    const store = new BroadcastStore({ onBroadcast: () => () => {} }, () => new FakeMirror(), storage);
    expect(store.getSnapshot().snippets).toEqual([]);
  });
});
