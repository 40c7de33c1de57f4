// The Docker deployment (Dockerfile, compose.yaml, deploy/compose/), checked without a Docker
// engine: compose.yaml against the Compose specification's JSON schema (deploy/schemas/), after
// the interpolation Compose does first, then what a schema cannot know: every service has a
// healthcheck and is healthy before the app starts, only the app publishes a port, the servers'
// data is on named volumes, the app's variables are ones the server reads and name services that
// exist with the credentials those services are given, and the image installs what
// scripts/setup.mjs installs. Each check is a function that lists problems, so the last tests can
// break a copy of the file and see it complain.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readClassroomConfig } from '../server/classroom/config.ts';
import { EXECUTOR_CPU_SHARES, EXECUTOR_MAX_PIDS } from '../server/executor/cgroup.ts';
import { SERVICES } from '../server/services/registry.ts';
import { enabledPlugins, STATISTICS_INTERVAL_MS } from '../server/services/rabbitmq/managed.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** The web server's service, the one the others exist for. */
const APP = 'app';
/** Where each server image keeps its data: these must be named volumes, or a re-created container loses it. */
const DATA_DIRS: Record<string, string> = { mariadb: '/var/lib/mysql', rabbitmq: '/var/lib/rabbitmq', redis: '/data' };
/** Shared servers the executor must not reach: a run that escaped its sandbox would find them. */
const SHARED_SERVERS = ['mariadb', 'rabbitmq', 'redis'];

type Env = Record<string, string | undefined>;

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  user?: string;
  privileged?: boolean;
  cpu_shares?: number | string;
  pids_limit?: number | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: Array<string | number | { target?: number | string; published?: number | string }>;
  volumes?: Array<string | { type?: string; source?: string; target?: string }>;
  networks?: string[] | Record<string, unknown>;
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
}

interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  networks?: Record<string, unknown>;
}

// ---- interpolation, as Compose does it before validating ----------------------------------------

const VARIABLE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?message}`, `${NAME?message}`, `$$`. */
function interpolateText(text: string, env: Env): string {
  return text.replace(VARIABLE, (match, braced?: string, op?: string, arg?: string, bare?: string) => {
    if (match === '$$') return '$';
    const name = (braced ?? bare)!;
    const value = env[name];
    const missing = op?.startsWith(':') ? !value : value === undefined;
    if (op?.endsWith('?') && missing) throw new Error(`required variable ${name} is missing: ${arg}`);
    if (op?.endsWith('-') && missing) return arg ?? '';
    return value ?? '';
  });
}

function interpolate<T>(value: T, env: Env): T {
  if (typeof value === 'string') return interpolateText(value, env) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => interpolate(v, env)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)])) as T;
  }
  return value;
}

/** The variables the file requires (`${NAME:?…}` or `${NAME?…}`). */
function requiredVariables(text: string): Set<string> {
  return new Set([...text.matchAll(VARIABLE)].filter((m) => m[2]?.endsWith('?')).map((m) => m[1]));
}

// ---- reading services --------------------------------------------------------------------------

function envOf(service: Service | undefined): Record<string, string> {
  const env = service?.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((line) => [line.split('=')[0], line.slice(line.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

interface Mount {
  type: 'volume' | 'bind' | 'anonymous';
  source: string;
  target: string;
}

function mountsOf(service: Service): Mount[] {
  return (service.volumes ?? []).map((v) => {
    if (typeof v !== 'string') {
      const type = v.type === 'bind' ? 'bind' : v.source ? 'volume' : 'anonymous';
      return { type, source: v.source ?? '', target: v.target ?? '' };
    }
    const [source, target] = v.split(':');
    if (target === undefined) return { type: 'anonymous', source: '', target: source };
    return { type: /^[./~]/.test(source) ? 'bind' : 'volume', source, target };
  });
}

/** [published, container] port of each entry (short or long syntax). */
function portsOf(service: Service): Array<{ published: string; target: string }> {
  return (service.ports ?? []).map((p) => {
    if (typeof p === 'object') return { published: String(p.published ?? ''), target: String(p.target ?? '') };
    const parts = String(p).split(':');
    return { published: parts.length > 1 ? parts[parts.length - 2] : '', target: parts[parts.length - 1] };
  });
}

function networksOf(service: Service): string[] {
  const n = service.networks ?? ['default'];
  return Array.isArray(n) ? n : Object.keys(n);
}

function commandOf(service: Service): string[] {
  return typeof service.command === 'string' ? service.command.split(/\s+/) : (service.command ?? []);
}

// ---- the checks --------------------------------------------------------------------------------

const schema = JSON.parse(read('deploy/schemas/compose-spec.json')) as { $schema?: string };
const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
// strictTypes is off: the specification's schema leaves "type" implied in places (valid JSON
// Schema that the strict mode only frowns on). Unknown keywords still stop the compile.
const validateCompose = new Ajv({ allErrors: true, strict: true, strictTypes: false }).compile({
  ...schema,
  // The copy says "https://json-schema.org/draft-07/schema", which is draft-07 under another
  // spelling than the one Ajv registers; the test below makes sure it is draft-07.
  $schema: DRAFT_07,
});

function schemaProblems(doc: unknown): string[] {
  if (validateCompose(doc)) return [];
  return (validateCompose.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}

function healthProblems(doc: ComposeFile): string[] {
  return Object.entries(doc.services).flatMap(([name, s]) => {
    const test = s.healthcheck?.test;
    const none = !test || test.length === 0 || (Array.isArray(test) && test[0] === 'NONE') || s.healthcheck?.disable;
    return none ? [`${name} has no healthcheck`] : [];
  });
}

/** The condition the app waits for `name` on; the list form of depends_on means "started". */
function conditionOf(deps: Service['depends_on'], name: string): string | undefined {
  if (Array.isArray(deps)) return deps.includes(name) ? 'service_started' : undefined;
  return deps?.[name]?.condition;
}

function dependencyProblems(doc: ComposeFile): string[] {
  const deps = doc.services[APP]?.depends_on;
  return Object.keys(doc.services)
    .filter((name) => name !== APP)
    .flatMap((name) => {
      // "Started" is not enough: MariaDB is started while it still runs its init script.
      const condition = conditionOf(deps, name);
      return condition === 'service_healthy' ? [] : [`${APP} does not wait for ${name} to be healthy (${condition})`];
    });
}

function portProblems(doc: ComposeFile): string[] {
  const problems = Object.entries(doc.services)
    .filter(([name, s]) => name !== APP && (s.ports ?? []).length > 0)
    .map(([name]) => `${name} publishes a port: only ${APP} should be reachable from outside`);
  const app = doc.services[APP];
  const ports = app ? portsOf(app) : [];
  const port = envOf(app).PORT;
  if (ports.length !== 1 || ports[0].target !== port) {
    problems.push(`${APP} should publish exactly its PORT (${port}), not ${JSON.stringify(ports)}`);
  }
  return problems;
}

function volumeProblems(doc: ComposeFile): string[] {
  const dataDirs = { ...DATA_DIRS, [APP]: envOf(doc.services[APP]).PLAYGROUND_DATA_DIR };
  return Object.entries(dataDirs).flatMap(([name, dir]) => {
    const service = doc.services[name];
    const mount = service && mountsOf(service).find((m) => m.target === dir);
    if (!mount || mount.type !== 'volume') return [`${name}'s data (${dir}) is not on a named volume`];
    return doc.volumes && mount.source in doc.volumes ? [] : [`volume ${mount.source} is not declared`];
  });
}

/** Every NAME the server's code reads: `env.NAME`, `env?.NAME`, or a string literal 'NAME'. */
function namesTheServerReads(): Set<string> {
  const names = new Set<string>();
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'testing') visit(file);
      } else if (/\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(/\benv\??\.([A-Z][A-Z0-9_]*)\b|['"`]([A-Z][A-Z0-9_]*)['"`]/g)) {
          names.add(m[1] ?? m[2]);
        }
      }
    }
  };
  visit(path.join(ROOT, 'server'));
  return names;
}

const SERVER_NAMES = namesTheServerReads();

function environmentProblems(doc: ComposeFile): string[] {
  return ['app', 'executor'].flatMap((name) =>
    Object.keys(envOf(doc.services[name]))
      .filter((key) => !SERVER_NAMES.has(key))
      .map((key) => `${name} sets ${key}, which the server does not read`),
  );
}

/** Services each of the app's URLs names, which must exist and share a network with the app. */
function addressProblems(doc: ComposeFile, env: Env): string[] {
  const app = doc.services[APP];
  const appNetworks = new Set(networksOf(app));
  return Object.entries(envOf(app)).flatMap(([key, raw]) => {
    const value = interpolateText(raw, env);
    // PUBLIC_URL is the learners' way in, not a service of this file.
    if (key === 'PUBLIC_URL' || !/^[a-z]+:\/\//.test(value)) return [];
    const host = new URL(value).hostname;
    const target = doc.services[host];
    if (!target) return [`${key} names ${host}, which is no service here`];
    return networksOf(target).some((n) => appNetworks.has(n)) ? [] : [`${key}: ${APP} shares no network with ${host}`];
  });
}

// ---- the file as written -----------------------------------------------------------------------

const composeText = read('compose.yaml');
const raw = parse(composeText) as ComposeFile;
const REQUIRED = requiredVariables(composeText);
/** Stand-ins for what the operator sets: hex, as docs/deploy.md makes them. */
const SAMPLE_ENV: Env = Object.fromEntries(
  [...REQUIRED].map((name, i) => [name, `${(i + 10).toString(16)}5ec2e7a0b1c2d3e4f5a6b7c8d9`]),
);
SAMPLE_ENV.PUBLIC_URL = 'http://192.0.2.10:3000';
const doc = interpolate(raw, SAMPLE_ENV);
const appEnv = envOf(doc.services[APP]);

describe('compose.yaml', () => {
  it('is valid against the Compose specification (vendored draft-07 schema), before and after interpolation', () => {
    expect(schema.$schema?.replace(/^https?:\/\/|#$/g, '')).toBe('json-schema.org/draft-07/schema');
    expect(schemaProblems(raw)).toEqual([]);
    expect(schemaProblems(doc)).toEqual([]);
  });

  it('requires the secrets and the public address from the environment, and says so in docs/deploy.md', () => {
    expect([...REQUIRED].sort()).toEqual([
      'INSTRUCTOR_SECRET',
      'MARIADB_ADMIN_PASSWORD',
      'MARIADB_PLAYGROUND_PASSWORD',
      'MARIADB_STORE_PASSWORD',
      'PLAYGROUND_EXECUTOR_TOKEN',
      'PUBLIC_URL',
      'RABBITMQ_ADMIN_PASSWORD',
    ]);
    expect(() => interpolate(raw, { ...SAMPLE_ENV, INSTRUCTOR_SECRET: '' })).toThrow(/INSTRUCTOR_SECRET/);
    const docs = read('docs/deploy.md');
    for (const name of REQUIRED) expect(docs, name).toContain(name);
  });

  it('has a healthcheck on every service, and the app waits for all of them to be healthy', () => {
    expect(healthProblems(doc)).toEqual([]);
    expect(dependencyProblems(doc)).toEqual([]);
  });

  it('publishes the app’s port and nothing else', () => {
    expect(portProblems(doc)).toEqual([]);
  });

  it('keeps every server’s data, and the app’s, on named volumes', () => {
    expect(volumeProblems(doc)).toEqual([]);
  });

  it('sets only variables the server reads, and every classroom limit it reads', () => {
    expect(environmentProblems(doc)).toEqual([]);
    const limits = SERVICES.adapters.flatMap((a) =>
      Object.values(a.classroom.limits).flatMap((setting) => (setting.env ? [setting.env] : [])),
    );
    expect(limits.filter((name) => !(name in appEnv))).toEqual([]);
  });

  it('is read by the server as a valid classroom configuration', () => {
    const config = readClassroomConfig(appEnv);
    expect(appEnv.PLAYGROUND_MODE).toBe('classroom');
    expect(config.storeUrl).toMatch(/^mysql:\/\//);
    expect(config.publicUrl).toBe(SAMPLE_ENV.PUBLIC_URL);
  });

  it('gives RabbitMQ and MySQL by URL with their administrator access; memcached and Redis are each learner’s own', () => {
    for (const adapter of SERVICES.adapters) {
      const url = appEnv[adapter.urlEnv];
      const learners = adapter.classroom;
      if (learners.kind === 'instance') {
        // Learners' instances run in the app container; a shared server here would be everyone's.
        expect(url, adapter.urlEnv).toBeUndefined();
        continue;
      }
      expect(url, adapter.urlEnv).toBeTruthy();
      const endpoint = adapter.parseUrl(url);
      expect(() => learners.adminAccess(endpoint, null, appEnv)).not.toThrow();
    }
    expect(addressProblems(raw, SAMPLE_ENV)).toEqual([]);
  });

  it('logs the app in to MariaDB with the accounts mariadb-init.sh makes, and to RabbitMQ as its default user', () => {
    const script = read('deploy/compose/mariadb-init.sh');
    const mariadbEnv = envOf(doc.services.mariadb);
    const passwordVariable = new Map(
      [...script.matchAll(/CREATE USER IF NOT EXISTS '(\w+)'@'%' IDENTIFIED BY '\$\{(\w+)\}'/g)].map((m) => [
        m[1],
        m[2],
      ]),
    );
    const databases = new Set([...script.matchAll(/CREATE DATABASE IF NOT EXISTS \\`(\w+)\\`/g)].map((m) => m[1]));
    for (const key of ['MYSQL_URL', 'CLASSROOM_MYSQL_ADMIN_URL', 'CLASSROOM_STORE_URL']) {
      const url = new URL(appEnv[key]);
      const variable = passwordVariable.get(url.username);
      expect(variable, `${key}'s user ${url.username}`).toBeDefined();
      expect(mariadbEnv[variable!], `${key}'s password`).toBe(url.password);
      const database = url.pathname.slice(1);
      if (database) expect(databases, `${key}'s database`).toContain(database);
    }
    const mariadbInit = mountsOf(doc.services.mariadb).find((m) => m.target.startsWith('/docker-entrypoint-initdb.d/'));
    expect(mariadbInit?.source).toBe('./deploy/compose/mariadb-init.sh');
    // The image's entrypoint sources a script that is not executable, and only then does the
    // script have the entrypoint's docker_process_sql.
    expect(statSync(path.join(ROOT, mariadbInit!.source)).mode & 0o111).toBe(0);

    const rabbit = envOf(doc.services.rabbitmq);
    for (const key of ['AMQP_URL', 'CLASSROOM_RABBITMQ_MANAGEMENT_URL']) {
      const url = new URL(appEnv[key]);
      expect([url.username, url.password], key).toEqual([rabbit.RABBITMQ_DEFAULT_USER, rabbit.RABBITMQ_DEFAULT_PASS]);
    }
  });

  it('configures RabbitMQ as the private broker is: the same plugins, the same statistics interval', () => {
    const mounts = mountsOf(doc.services.rabbitmq);
    const plugins = mounts.find((m) => m.target === '/etc/rabbitmq/enabled_plugins');
    expect(read(plugins!.source)).toBe(enabledPlugins());
    const conf = mounts.find((m) => m.target.startsWith('/etc/rabbitmq/conf.d/'));
    expect(read(conf!.source)).toMatch(new RegExp(`^collect_statistics_interval = ${STATISTICS_INTERVAL_MS}$`, 'm'));
    for (const service of Object.values(doc.services)) {
      for (const m of mountsOf(service).filter((m) => m.type === 'bind')) {
        expect(existsSync(path.join(ROOT, m.source)), m.source).toBe(true);
      }
    }
  });

  it('runs snippets in an executor the app reaches by token, fenced as the executor fences itself, away from the servers', () => {
    const executor = doc.services.executor;
    const listen = commandOf(executor)[commandOf(executor).indexOf('--listen') + 1];
    expect(appEnv.PLAYGROUND_EXECUTOR).toBe(`tcp://executor:${listen.split(':').pop()}`);
    expect(envOf(executor).PLAYGROUND_EXECUTOR_TOKEN).toBe(appEnv.PLAYGROUND_EXECUTOR_TOKEN);
    expect(appEnv.PLAYGROUND_EXECUTOR_TOKEN).toBeTruthy();
    expect(Number(executor.cpu_shares)).toBe(EXECUTOR_CPU_SHARES);
    expect(Number(executor.pids_limit)).toBe(EXECUTOR_MAX_PIDS);
    const executorNetworks = networksOf(executor);
    for (const name of SHARED_SERVERS) {
      expect(
        networksOf(doc.services[name]).filter((n) => executorNetworks.includes(n)),
        name,
      ).toEqual([]);
    }
    // The web server holds every password: it gets no privileges and runs as the image's user.
    expect(doc.services[APP].privileged).toBeFalsy();
    expect(doc.services[APP].user).toBeUndefined();
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  /** The packages of one list in scripts/setup.mjs, e.g. RUNNER_PACKAGES. */
  const setupList = (name: string) => {
    const block = new RegExp(`const ${name} = \\[([\\s\\S]*?)\\];`).exec(read('scripts/setup.mjs'))?.[1] ?? '';
    return [...block.matchAll(/pkg: '([^']+)'/g)].map((m) => m[1]);
  };
  // What the image that runs has: the last stage's packages, not the build stage's.
  const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const installed = new Set(
    [...runtimeStage.matchAll(/apt-get install ([^&]*)/g)].flatMap((m) => m[1].split(/[\s\\]+/)).filter(Boolean),
  );

  it('starts from Node 20 on Debian bookworm, as the project is tested', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm(-slim)?$/m);
    expect(dockerfile).toMatch(/^FROM \$\{NODE_IMAGE\}$/m);
  });

  it('installs the runner’s packages and the learners’ memcached and Redis from scripts/setup.mjs', () => {
    const runner = setupList('RUNNER_PACKAGES');
    expect(runner.length).toBeGreaterThan(0);
    for (const pkg of [...runner, 'memcached', 'redis-server']) expect(installed, pkg).toContain(pkg);
    // The shared servers are services of their own, not part of this image.
    expect(setupList('SERVICE_PACKAGES')).toEqual(['memcached', 'redis-server', 'rabbitmq-server', 'mariadb-server']);
    expect(installed).not.toContain('rabbitmq-server');
    expect(installed).not.toContain('mariadb-server');
  });

  it('builds the client and starts the server in classroom mode', () => {
    expect(dockerfile).toMatch(/npm ci/);
    expect(dockerfile).toMatch(/npx vite build/);
    expect(dockerfile).toMatch(/^CMD .*server\/main\.ts --classroom/m);
  });

  it('keeps local data, secrets and installed packages out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['node_modules', '.playground', '.env', '.git']) expect(ignored).toContain(entry);
  });
});

describe('the checks catch a broken compose.yaml', () => {
  const broken = (change: (d: ComposeFile) => void): ComposeFile => {
    const copy = structuredClone(doc);
    change(copy);
    return copy;
  };

  it.each([
    [
      'a misspelled key',
      /additionalProperty.*healthchek/,
      (d: ComposeFile) => {
        const { healthcheck, ...rest } = d.services.redis;
        d.services.redis = { ...rest, healthchek: healthcheck } as Service;
      },
    ],
    [
      'a value of the wrong type',
      /^\/services\/app\/restart must be string/,
      (d: ComposeFile) => Object.assign(d.services.app, { restart: 5 }),
    ],
    [
      'an unknown depends_on condition',
      /^\/services\/app\/depends_on\/redis\/condition must be equal to one of the allowed values/,
      (d: ComposeFile) =>
        ((d.services.app.depends_on as Record<string, object>).redis = { condition: 'service_ready' }),
    ],
  ])('the schema refuses %s', (_what, expected, change) => {
    const problems = schemaProblems(broken(change));
    expect(
      problems.some((p) => expected.test(p)),
      problems.join('\n'),
    ).toBe(true);
  });

  it('reports a service without a healthcheck', () => {
    expect(healthProblems(broken((d) => delete d.services.rabbitmq.healthcheck))).toContain(
      'rabbitmq has no healthcheck',
    );
  });

  it('reports an app that does not wait for a server to be healthy', () => {
    const d = broken((d) => (d.services.app.depends_on = ['mariadb', 'rabbitmq', 'redis', 'executor']));
    expect(dependencyProblems(d)).toHaveLength(4);
  });

  it('reports a published database port', () => {
    expect(portProblems(broken((d) => (d.services.mariadb.ports = ['3306:3306'])))).toContain(
      'mariadb publishes a port: only app should be reachable from outside',
    );
  });

  it('reports a server whose data is not on a named volume', () => {
    expect(volumeProblems(broken((d) => (d.services.redis.volumes = ['./redis:/data'])))).toContain(
      "redis's data (/data) is not on a named volume",
    );
  });

  it('reports a misspelled variable', () => {
    const d = broken((d) => ((d.services.app.environment as Record<string, string>).CLASROOM_STORE_URL = 'x'));
    expect(environmentProblems(d)).toContain('app sets CLASROOM_STORE_URL, which the server does not read');
  });

  it('reports a URL naming a service that is not there', () => {
    const d = broken((d) => ((d.services.app.environment as Record<string, string>).AMQP_URL = 'amqp://u:p@mq:5672'));
    expect(addressProblems(d, SAMPLE_ENV)).toContain('AMQP_URL names mq, which is no service here');
  });
});
