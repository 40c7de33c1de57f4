import { describe, expect, it } from 'vitest';
import { bwrapArgs, etcFiles, type HostLayout } from './bwrap-args.ts';

const host: HostLayout = {
  usrLinks: { bin: 'usr/bin', lib: 'usr/lib', lib64: 'usr/lib64' },
  etcEntries: ['ld.so.cache', 'python3.11'],
};
const paths = {
  runtimeDir: '/srv/pg/runtime',
  sandboxDir: '/srv/pg/sandboxes/1-1900000000-1',
  nodeBinary: '/usr/bin/node',
};
const sizes = { homeBytes: 16 << 20, tmpBytes: 8 << 20 };

/** The pairs after each occurrence of an option, e.g. all "--ro-bind SRC DEST". */
function operands(args: string[], option: string, count: number): string[][] {
  const found: string[][] = [];
  args.forEach((a, i) => {
    if (a === option) found.push(args.slice(i + 1, i + 1 + count));
  });
  return found;
}

describe('bwrapArgs', () => {
  const py = bwrapArgs('python', paths, host, sizes, 10);
  const js = bwrapArgs('javascript', paths, host, sizes, 10);

  it('unshares every namespace, forbids nested user namespaces, dies with the server, has no terminal', () => {
    for (const flag of ['--unshare-all', '--unshare-user', '--disable-userns', '--die-with-parent', '--new-session']) {
      expect(py).toContain(flag);
    }
    expect(py).not.toContain('--share-net');
  });

  it("binds only /usr, the named /etc entries, the runtime and the sandbox's own files, all read-only", () => {
    expect(py).not.toContain('--bind');
    expect(py).not.toContain('--dev-bind');
    expect(operands(py, '--ro-bind', 2)).toEqual([
      ['/usr', '/usr'],
      ['/srv/pg/runtime/empty', '/usr/local'],
      ['/etc/ld.so.cache', '/etc/ld.so.cache'],
      ['/etc/python3.11', '/etc/python3.11'],
      ['/srv/pg/sandboxes/1-1900000000-1/etc/passwd', '/etc/passwd'],
      ['/srv/pg/sandboxes/1-1900000000-1/etc/group', '/etc/group'],
      ['/srv/pg/sandboxes/1-1900000000-1/etc/hosts', '/etc/hosts'],
      ['/srv/pg/sandboxes/1-1900000000-1/etc/nsswitch.conf', '/etc/nsswitch.conf'],
      ['/srv/pg/runtime/inside', '/opt/playground'],
      ['/srv/pg/sandboxes/1-1900000000-1/net', '/run/playground'],
    ]);
    expect(operands(py, '--symlink', 2)).toEqual([
      ['usr/bin', '/bin'],
      ['usr/lib', '/lib'],
      ['usr/lib64', '/lib64'],
    ]);
  });

  it('gives JavaScript the client packages and the Node binary, and Python neither', () => {
    expect(operands(js, '--ro-bind', 2)).toContainEqual(['/srv/pg/runtime/node_modules', '/node_modules']);
    expect(operands(js, '--ro-bind', 2)).toContainEqual(['/usr/bin/node', '/opt/node/bin/node']);
    expect(py.join(' ')).not.toContain('node');
  });

  it('sizes every tmpfs, and makes / and /dev read-only', () => {
    expect(operands(py, '--tmpfs', 1).flat()).toEqual(['/dev/shm', '/home/learner', '/tmp']);
    for (const [i, a] of py.entries()) {
      if (a === '--tmpfs') expect(py[i - 2]).toBe('--size');
    }
    expect(operands(py, '--remount-ro', 1).flat()).toEqual(['/dev', '/']);
    // The root is remounted after everything has been mounted into it.
    expect(py.lastIndexOf('--remount-ro')).toBeGreaterThan(py.lastIndexOf('--ro-bind'));
  });

  it("runs Debian's python3 in isolated, unbuffered mode with the launcher", () => {
    expect(py.slice(py.indexOf('--') + 1)).toEqual([
      '/usr/bin/python3',
      '-I',
      '-u',
      '/opt/playground/launcher.py',
      'python',
      '10',
    ]);
    expect(js.slice(js.indexOf('--') + 1)).toEqual([
      '/usr/bin/python3',
      '-I',
      '-u',
      '/opt/playground/launcher.py',
      'javascript',
      '10',
    ]);
  });

  it('sets only HOME, PATH and LANG for the launcher', () => {
    expect(operands(py, '--setenv', 2)).toEqual([
      ['HOME', '/home/learner'],
      ['PATH', '/usr/bin:/bin'],
      ['LANG', 'C.UTF-8'],
    ]);
  });

  it("binds a non-merged /usr layout's directories instead of linking them", () => {
    const args = bwrapArgs('python', paths, { usrLinks: { bin: 'dir' }, etcEntries: [] }, sizes, 10);
    expect(operands(args, '--ro-bind', 2)).toContainEqual(['/bin', '/bin']);
  });
});

describe('etcFiles', () => {
  it('names the sandbox\'s uid "learner", and resolves localhost to 127.0.0.1 only, from files', () => {
    const files = etcFiles(1900000007);
    expect(files.passwd).toContain('learner:x:1900000007:1900000007:learner:/home/learner:');
    expect(files.group).toContain('learner:x:1900000007:');
    expect(files.hosts).toBe('127.0.0.1\tlocalhost playground\n');
    expect(files['nsswitch.conf']).toContain('hosts: files\n');
  });
});
