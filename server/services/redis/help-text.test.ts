import { describe, expect, it } from 'vitest';
import type { CommandDoc } from './command-docs.ts';
import { GENERIC_HELP, helpFor } from './help-text.ts';

const catalog: CommandDoc[] = [
  { name: 'CONFIG', syntax: 'GET|SET', summary: 'A container', since: '2.0.0', group: 'server' },
  { name: 'CONFIG GET', syntax: 'parameter [parameter ...]', summary: 'Get config', since: '2.0.0', group: 'server' },
  {
    name: 'PFADD',
    syntax: 'key [element [element ...]]',
    summary: 'Adds elements',
    since: '2.8.9',
    group: 'hyperloglog',
  },
  { name: 'SET', syntax: 'key value', summary: 'Set the string value of a key', since: '1.0.0', group: 'string' },
  { name: 'SETEX', syntax: 'key seconds value', summary: 'Set with expiry', since: '2.0.0', group: 'string' },
];
const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

describe('helpFor', () => {
  it('prints one command as redis-cli does', () => {
    expect(plain(helpFor(['set'], catalog))).toBe(
      '\r\n  SET key value\r\n  summary: Set the string value of a key\r\n  since: 1.0.0\r\n  group: string\r\n\r\n',
    );
  });

  it('prints a container with all its subcommands, and one subcommand alone', () => {
    const both = plain(helpFor(['config'], catalog));
    expect(both).toContain('\r\n  CONFIG GET|SET\r\n');
    expect(both).toContain('\r\n  CONFIG GET parameter [parameter ...]\r\n');
    expect(plain(helpFor(['config', 'get'], catalog))).toContain('CONFIG GET parameter [parameter ...]');
    expect(plain(helpFor(['config', 'get'], catalog))).not.toContain('A container');
  });

  it('lists a group without the group line', () => {
    const text = plain(helpFor(['@string'], catalog));
    expect(text).toContain('SET key value');
    expect(text).toContain('SETEX key seconds value');
    expect(text).not.toContain('group:');
    expect(text).not.toContain('PFADD');
  });

  it('says when there is no help, and explains itself with no words', () => {
    expect(helpFor(['nosuch'], catalog)).toMatch(/^No help for "nosuch"/);
    expect(helpFor([], catalog)).toBe(GENERIC_HELP);
  });
});
