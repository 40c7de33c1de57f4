#!/usr/bin/env node
// Sets up whatever is missing before `npm start`, `npm run dev` or `npm test`, and says what it
// does: Debian packages (through apt-get as root or with sudo; otherwise it prints the one line to
// run), `npm ci`, the client build. Plain Node with no dependencies: it runs before node_modules
// exists. Each step is skipped when already done, so a set-up machine starts in well under a second.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const purpose = process.argv[process.argv.indexOf('--for') + 1] ?? 'start';

/** A Debian package and the file that shows it is installed. */
const SERVICE_PACKAGES = [
  { pkg: 'memcached', file: '/usr/bin/memcached' },
  { pkg: 'redis-server', file: '/usr/bin/redis-server' },
  { pkg: 'rabbitmq-server', file: '/usr/lib/rabbitmq/bin/rabbitmq-server' },
  { pkg: 'mariadb-server', file: '/usr/sbin/mariadbd' },
];
/**
 * The snippet runner (server/runner/): bubblewrap contains each run, and Python snippets run on
 * Debian's /usr/bin/python3 with Debian's client libraries (not the python3 first on PATH, which
 * may be another interpreter without them).
 */
const RUNNER_PACKAGES = [
  { pkg: 'bubblewrap', file: '/usr/bin/bwrap' },
  { pkg: 'python3-memcache', file: '/usr/lib/python3/dist-packages/memcache.py' },
  { pkg: 'python3-redis', file: '/usr/lib/python3/dist-packages/redis/__init__.py' },
  { pkg: 'python3-pika', file: '/usr/lib/python3/dist-packages/pika/__init__.py' },
  { pkg: 'python3-sqlalchemy', file: '/usr/lib/python3/dist-packages/sqlalchemy/__init__.py' },
  { pkg: 'python3-pymysql', file: '/usr/lib/python3/dist-packages/pymysql/__init__.py' },
];
/** The e2e tests drive Debian's Chromium; a browser is never downloaded. */
const TEST_PACKAGES = [
  { pkg: 'chromium', file: '/usr/bin/chromium' },
  // The load balancer of the several-instances test (deploy/haproxy/haproxy.cfg).
  { pkg: 'haproxy', file: '/usr/sbin/haproxy' },
];
const MIN_NODE = [20, 19];

function say(line) {
  console.log(`setup: ${line}`);
}

function run(command, args, options = {}) {
  say(`$ ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT, ...options });
  if (result.error) throw result.error;
  return result.status === 0;
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
    console.error(`setup: Node ${MIN_NODE.join('.')} or newer is needed; this is ${process.versions.node}`);
    process.exit(1);
  }
}

function canSudo() {
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
}

function installPackages(wanted) {
  const missing = wanted.filter((p) => !existsSync(p.file)).map((p) => p.pkg);
  if (missing.length === 0) return true;
  const isRoot = process.getuid?.() === 0;
  const prefix = isRoot ? [] : canSudo() ? ['sudo', '-n'] : null;
  const line = `sudo apt-get install -y ${missing.join(' ')}`;
  if (!prefix || !existsSync('/usr/bin/apt-get')) {
    say(`missing system packages: ${missing.join(', ')}. Install them with:\n\n    ${line}\n`);
    return false;
  }
  say(`installing system packages: ${missing.join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) =>
    prefix.length ? run(prefix[0], [...prefix.slice(1), 'apt-get', ...args], { env }) : run('apt-get', args, { env });
  if (!apt(['update', '-qq']) || !apt(['install', '-y', '-qq', ...missing])) {
    say(`apt-get failed; install them by hand with:\n\n    ${line}\n`);
    return false;
  }
  return true;
}

function newestMtime(entry) {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(entry)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(entry, name)));
  }
  return newest;
}

function installNodeModules() {
  const marker = path.join(ROOT, 'node_modules', '.package-lock.json');
  const lock = path.join(ROOT, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  say('installing Node packages (npm ci)');
  if (!run('npm', ['ci', '--no-audit', '--no-fund'])) {
    console.error('setup: npm ci failed');
    process.exit(1);
  }
}

function buildClient() {
  const built = path.join(ROOT, 'dist', 'client', 'index.html');
  const sources = ['client', 'shared', 'vite.config.ts', 'package-lock.json'].map((p) =>
    newestMtime(path.join(ROOT, p)),
  );
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources)) return;
  say('building the client (vite build)');
  if (!run('npx', ['vite', 'build', '--logLevel', 'warn'])) {
    console.error('setup: the client build failed');
    process.exit(1);
  }
}

checkNode();
const packages = [...SERVICE_PACKAGES, ...RUNNER_PACKAGES, ...(purpose === 'test' ? TEST_PACKAGES : [])];
const haveAll = installPackages(packages);
if (!haveAll && purpose === 'test') {
  console.error('setup: the tests need the packages above (they talk to real servers and a real browser)');
  process.exit(1);
}
installNodeModules();
if (purpose !== 'dev') buildClient();
