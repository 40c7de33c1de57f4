// The address the dashboard's join link uses: never the instructor's loopback when others can reach
// the server some other way.
import { describe, expect, it } from 'vitest';
import { parsePublicUrl, readClassroomConfig } from './config.ts';
import { isLoopbackHost, joinAddress, type JoinAddressInput } from './join-address.ts';

const input = (over: Partial<JoinAddressInput>): JoinAddressInput => ({
  publicUrl: undefined,
  protocol: 'http',
  host: '127.0.0.1:3000',
  listening: { address: '0.0.0.0', family: 'IPv4', port: 3000 },
  port: 3000,
  lan: ['192.168.1.20'],
  ...over,
});

describe('the join address', () => {
  it('is PUBLIC_URL when one is set, whatever the page', () => {
    expect(joinAddress(input({ publicUrl: 'https://class.example.org' }))).toEqual({
      base: 'https://class.example.org',
      source: 'public-url',
      note: null,
    });
  });

  it('is the page’s own address when that is not loopback', () => {
    expect(joinAddress(input({ host: '192.168.1.20:3000' }))).toEqual({
      base: 'http://192.168.1.20:3000',
      source: 'page',
      note: null,
    });
    expect(joinAddress(input({ host: 'teacher.local:3000' })).base).toBe('http://teacher.local:3000');
  });

  it('is the LAN address the server announced when the page is on loopback', () => {
    for (const host of ['127.0.0.1:3000', 'localhost:3000', '[::1]:3000']) {
      expect(joinAddress(input({ host }))).toEqual({ base: 'http://192.168.1.20:3000', source: 'lan', note: null });
    }
    const several = joinAddress(input({ lan: ['192.168.1.20', '10.0.0.5'] }));
    expect(several.base).toBe('http://192.168.1.20:3000');
    expect(several.note).toContain('10.0.0.5');
  });

  it('says so when nobody else can reach the server', () => {
    const local = joinAddress(input({ listening: { address: '127.0.0.1', family: 'IPv4', port: 3000 } }));
    expect(local).toMatchObject({ base: 'http://127.0.0.1:3000', source: 'loopback' });
    expect(local.note).toContain('HOST=0.0.0.0');
    expect(joinAddress(input({ lan: [] })).note).toContain('PUBLIC_URL');
  });

  it('knows loopback names', () => {
    expect(['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', 'app.localhost'].every(isLoopbackHost)).toBe(true);
    expect(['192.168.1.2', 'example.org', '::', '10.0.0.1'].some(isLoopbackHost)).toBe(false);
  });
});

describe('PUBLIC_URL', () => {
  it('takes an http(s) address and drops a trailing slash', () => {
    expect(parsePublicUrl(undefined)).toBeUndefined();
    expect(parsePublicUrl('  ')).toBeUndefined();
    expect(parsePublicUrl('https://class.example.org/')).toBe('https://class.example.org');
    expect(parsePublicUrl('http://10.0.0.5:3000')).toBe('http://10.0.0.5:3000');
    expect(parsePublicUrl('https://example.org/playground/')).toBe('https://example.org/playground');
  });

  it('refuses anything else, naming the variable', () => {
    for (const bad of [
      'class.example.org',
      'ftp://x.org',
      'https://x.org/?a=1',
      'https://x.org/#j',
      'https://u:p@x.org',
    ]) {
      expect(() => parsePublicUrl(bad)).toThrow(/^PUBLIC_URL must be an http:\/\/ or https:\/\/ address/);
    }
  });

  it('lets learners who come through it open the socket', () => {
    const config = readClassroomConfig({
      PUBLIC_URL: 'https://class.example.org/',
      PLAYGROUND_ORIGINS: 'https://a.org',
    });
    expect(config.publicUrl).toBe('https://class.example.org');
    expect(config.allowedOrigins).toEqual(['https://a.org', 'https://class.example.org']);
  });
});
