// memcached's ASCII commands, for completion and the syntax hint. Names are case-sensitive on the
// server, so they complete in lower case.
import type { CommandInfo } from '../../../shared/protocol.ts';

export const MEMCACHED_COMMANDS: CommandInfo[] = [
  {
    name: 'set',
    syntax: '<key> <flags> <exptime> <bytes> [noreply]',
    summary: 'store a value (data block on the next line)',
  },
  { name: 'add', syntax: '<key> <flags> <exptime> <bytes> [noreply]', summary: 'store only if the key is absent' },
  { name: 'replace', syntax: '<key> <flags> <exptime> <bytes> [noreply]', summary: 'store only if the key exists' },
  { name: 'append', syntax: '<key> <flags> <exptime> <bytes> [noreply]', summary: 'add data after the existing value' },
  {
    name: 'prepend',
    syntax: '<key> <flags> <exptime> <bytes> [noreply]',
    summary: 'add data before the existing value',
  },
  {
    name: 'cas',
    syntax: '<key> <flags> <exptime> <bytes> <cas unique> [noreply]',
    summary: 'store if nobody changed it since gets',
  },
  { name: 'get', syntax: '<key> [<key> ...]', summary: 'read values' },
  { name: 'gets', syntax: '<key> [<key> ...]', summary: 'read values with their cas unique' },
  { name: 'gat', syntax: '<exptime> <key> [<key> ...]', summary: 'get and touch' },
  { name: 'gats', syntax: '<exptime> <key> [<key> ...]', summary: 'gets and touch' },
  { name: 'delete', syntax: '<key> [noreply]', summary: 'remove a key' },
  { name: 'incr', syntax: '<key> <value> [noreply]', summary: 'add to a decimal counter' },
  { name: 'decr', syntax: '<key> <value> [noreply]', summary: 'subtract from a decimal counter' },
  { name: 'touch', syntax: '<key> <exptime> [noreply]', summary: 'change the expiry time' },
  { name: 'stats', syntax: '[items|slabs|sizes|settings|conns|reset]', summary: 'server statistics' },
  { name: 'flush_all', syntax: '[delay] [noreply]', summary: 'invalidate every item' },
  { name: 'version', syntax: '', summary: 'server version' },
  { name: 'verbosity', syntax: '<level> [noreply]', summary: 'logging level' },
  { name: 'cache_memlimit', syntax: '<megabytes> [noreply]', summary: 'change the memory limit' },
  { name: 'mg', syntax: '<key> [flags]*', summary: 'meta get (flags: v value, f flags, t ttl, c cas, k key, s size)' },
  { name: 'ms', syntax: '<key> <datalen> [flags]*', summary: 'meta set (data block on the next line)' },
  { name: 'md', syntax: '<key> [flags]*', summary: 'meta delete' },
  { name: 'ma', syntax: '<key> [flags]*', summary: 'meta arithmetic (MI incr, MD decr, D delta)' },
  { name: 'mn', syntax: '', summary: 'meta no-op: marks the end of pipelined quiet commands' },
  { name: 'me', syntax: '<key>', summary: 'meta debug: item metadata' },
  { name: 'quit', syntax: '', summary: 'close the connection' },
];
