import { describe, expect, it } from 'vitest';
import { bindingMatches, routesTo, topicMatches, type Binding } from './routing.ts';

describe('topicMatches', () => {
  it.each([
    ['a.b', 'a.b', true],
    ['a.*', 'a.b', true],
    ['a.*', 'a.b.c', false],
    ['a.*', 'a', false],
    ['a.#', 'a', true],
    ['a.#', 'a.b.c', true],
    ['#', '', true],
    ['#', 'x.y', true],
    ['*', '', false],
    ['*.orange.*', 'quick.orange.rabbit', true],
    ['*.*.rabbit', 'quick.orange.rabbit', true],
    ['lazy.#', 'lazy.orange.male.rabbit', true],
    ['*.orange.*', 'lazy.orange.male.rabbit', false],
    ['#.rabbit', 'rabbit', true],
    ['a.#.z', 'a.z', true],
    ['a.#.z', 'a.b.c.z', true],
    ['a.#.z', 'a.b.c', false],
  ])('%s against %s: %s', (pattern, key, expected) => {
    expect(topicMatches(pattern, key)).toBe(expected);
  });
});

describe('bindingMatches', () => {
  it('direct compares keys, fanout ignores them', () => {
    expect(bindingMatches('direct', 'error', 'error')).toBe(true);
    expect(bindingMatches('direct', 'error', 'info')).toBe(false);
    expect(bindingMatches('fanout', 'x', 'anything')).toBe(true);
  });
  it('refuses to guess for headers exchanges', () => {
    expect(() => bindingMatches('headers', '', 'x')).toThrow(/routes checks cover direct, fanout and topic/);
  });
});

describe('routesTo', () => {
  const bindings: Binding[] = [
    { source: 'logs', destination: 'errors', destinationKind: 'queue', routingKey: 'error' },
    { source: 'logs', destination: 'audit', destinationKind: 'exchange', routingKey: 'error' },
    { source: 'audit', destination: 'archive', destinationKind: 'queue', routingKey: '' },
    { source: 'loop', destination: 'loop', destinationKind: 'exchange', routingKey: '' },
  ];
  const types: Record<string, string> = { logs: 'direct', audit: 'fanout', loop: 'fanout' };
  const typeOf = async (x: string) => types[x];

  it('follows queue and exchange bindings', async () => {
    expect(await routesTo(bindings, typeOf, 'logs', 'error', 'errors')).toBe(true);
    expect(await routesTo(bindings, typeOf, 'logs', 'error', 'archive')).toBe(true);
    expect(await routesTo(bindings, typeOf, 'logs', 'info', 'errors')).toBe(false);
  });
  it('knows the default exchange and survives cycles', async () => {
    expect(await routesTo(bindings, typeOf, '', 'hello', 'hello')).toBe(true);
    expect(await routesTo(bindings, typeOf, '', 'hello', 'other')).toBe(false);
    expect(await routesTo(bindings, typeOf, 'loop', 'x', 'q')).toBe(false);
  });
});
