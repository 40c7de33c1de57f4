import { describe, expect, test } from 'vitest';
import { CommandCatalog, splitArgs, splitSyntax } from './command-catalog.ts';

const catalog = new CommandCatalog(
  [
    { name: 'SET', syntax: 'key value [NX | XX]' },
    { name: 'SETEX', syntax: 'key seconds value' },
    { name: 'GET', syntax: 'key' },
    { name: 'CLIENT LIST', syntax: '[TYPE type]' },
    { name: 'CLIENT KILL', syntax: 'ip:port' },
    { name: 'PING', syntax: '' },
  ],
  true,
);

describe('CommandCatalog', () => {
  test('completes first words, following the learner to lower case', () => {
    expect(catalog.complete('se')).toEqual(['set', 'setex']);
    expect(catalog.complete('SE')).toEqual(['SET', 'SETEX']);
    expect(catalog.complete('cl')).toEqual(['client']);
    expect(catalog.complete('')).toHaveLength(5);
    expect(catalog.commonPrefix(['set', 'setex'])).toBe('set');
  });

  test('is exact when the catalog is case-sensitive', () => {
    const amqp = new CommandCatalog([{ name: 'queue.declare', syntax: '' }], false);
    expect(amqp.complete('Queue')).toEqual([]);
    expect(amqp.complete('queue')).toEqual(['queue.declare']);
  });

  test('hints the arguments still to type', () => {
    expect(catalog.hint('set')).toBe(' key value [NX | XX]');
    expect(catalog.hint('SET ')).toBe('key value [NX | XX]');
    expect(catalog.hint('SET k')).toBe(' value [NX | XX]');
    expect(catalog.hint('SET k "a b" ')).toBe('[NX | XX]');
    expect(catalog.hint('SET k v NX ')).toBe('[NX | XX]');
    expect(catalog.hint('GET k')).toBe('');
    expect(catalog.hint('PING')).toBe('');
    expect(catalog.hint('client list')).toBe(' [TYPE type]');
    expect(catalog.hint('nope')).toBe('');
  });
});

describe('splitting', () => {
  test('typed lines honour quotes', () => {
    expect(splitArgs(` SET  k "a b" 'c d' `)).toEqual(['SET', 'k', '"a b"', "'c d'"]);
  });
  test('syntax keeps bracketed groups together', () => {
    expect(splitSyntax('<key> <cas unique> [EX seconds | PX ms] [field value ...]')).toEqual([
      '<key>',
      '<cas unique>',
      '[EX seconds | PX ms]',
      '[field value ...]',
    ]);
  });
});
