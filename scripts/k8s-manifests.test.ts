// The Kubernetes manifests (deploy/k8s/) checked without a cluster: every document against the API
// schemas and types of its kind (k8s-check.ts), the kustomization against the files, and the
// references between the manifests and with the server's code. No cluster is involved, so a
// manifest that passes here can still meet a cluster's own policies; see docs/deploy-kubernetes.md.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { IRuntimeClass } from 'kubernetes-models/node.k8s.io/v1/RuntimeClass';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { IService } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { MAX_SAVED_FILE_BYTES, MAX_SAVED_FILES_PER_LESSON } from '../shared/classroom-api.ts';
import { LEARNER_TOKEN_COOKIE } from '../server/classroom/auth.ts';
import { MIN_INSTRUCTOR_SECRET_LENGTH, readClassroomConfig } from '../server/classroom/config.ts';
import { enabledPlugins, STATISTICS_INTERVAL_MS } from '../server/services/rabbitmq/managed.ts';
import { SERVICES } from '../server/services/registry.ts';
import {
  describeManifest,
  parseYamlDocuments,
  readEnvFile,
  readYamlDocuments,
  schemaProblems,
  strategicMerge,
  typeProblems,
  type K8sObject,
  type Manifest,
} from './k8s-check.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const K8S = path.join(ROOT, 'deploy', 'k8s');
const GVISOR = path.join(K8S, 'components', 'gvisor');
/** Compiling every manifest against kubernetes-models' types takes a few seconds. */
const TYPE_CHECK_TIMEOUT_MS = 60_000;

interface Kustomization {
  apiVersion: string;
  kind: string;
  namespace?: string;
  resources?: string[];
  components?: string[];
  patches?: { path: string }[];
  secretGenerator?: { name: string; envs?: string[] }[];
  images?: { name: string; newName?: string; newTag?: string }[];
}

/** What the manifests hold, read once: the documents, the kustomization, the Secret's keys. */
interface Deploy {
  manifests: Manifest[];
  kustomization: Kustomization;
  /** The Secret the generator makes, from secrets.env.example (secrets.env is not in git). */
  secret: { name: string; data: Map<string, string> };
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .sort();
}

function loadManifests(dir: string, files: string[]): Manifest[] {
  return files.flatMap((file) =>
    readYamlDocuments(path.join(dir, file)).map((body, index) => ({
      file: path.relative(K8S, path.join(dir, file)),
      index,
      body: body as K8sObject,
    })),
  );
}

function loadDeploy(): Deploy {
  const kustomization = readYamlDocuments(path.join(K8S, 'kustomization.yaml'))[0] as Kustomization;
  const generator = kustomization.secretGenerator?.[0];
  return {
    manifests: loadManifests(K8S, yamlFiles(K8S)),
    kustomization,
    secret: { name: generator?.name ?? '', data: readEnvFile(path.join(K8S, 'secrets.env.example')) },
  };
}

const deploy = loadDeploy();

// ---- lookups ----

function all<T>(d: Deploy, kind: string): (T & K8sObject)[] {
  return d.manifests.filter((m) => m.body.kind === kind).map((m) => m.body as T & K8sObject);
}

function one<T>(d: Deploy, kind: string, name: string): T & K8sObject {
  const found = all<T>(d, kind).find((b) => b.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in deploy/k8s`);
  return found;
}

/** Deployments and StatefulSets: what runs pods. */
interface Workload {
  kind: string;
  name: string;
  template: IPodTemplateSpec;
  selector: Record<string, string>;
}

function workloads(d: Deploy): Workload[] {
  return [...all<IDeployment>(d, 'Deployment'), ...all<IStatefulSet>(d, 'StatefulSet')].map((w) => ({
    kind: w.kind,
    name: w.metadata.name,
    template: w.spec!.template,
    selector: w.spec!.selector.matchLabels ?? {},
  }));
}

function containersOf(w: Workload): IContainer[] {
  return w.template.spec?.containers ?? [];
}

function matches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** Workloads whose pods a NetworkPolicy-style selector (matchLabels and matchExpressions `In`) picks. */
function selectedBy(
  d: Deploy,
  selector: {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
  },
): Workload[] {
  return workloads(d).filter((w) => {
    const labels = w.template.metadata?.labels ?? {};
    return (
      matches(selector.matchLabels ?? {}, labels) &&
      (selector.matchExpressions ?? []).every((e) => e.operator === 'In' && (e.values ?? []).includes(labels[e.key]))
    );
  });
}

/** A container port by name or number. */
function containerPort(w: Workload, port: string | number | undefined): number | undefined {
  for (const c of containersOf(w)) {
    for (const p of c.ports ?? []) {
      if (p.name === port || p.containerPort === port) return p.containerPort;
    }
  }
  return undefined;
}

function configData(d: Deploy, name: string): Record<string, string> {
  return one<IConfigMap>(d, 'ConfigMap', name).data ?? {};
}

function appConfig(d: Deploy): Record<string, string> {
  return configData(d, 'playground-config');
}

function envValue(c: IContainer, name: string): string | undefined {
  return c.env?.find((e) => e.name === name)?.value;
}

/** Kubernetes CPU quantity in cores ("500m" → 0.5). */
function cores(q: string | number | undefined): number {
  if (q === undefined) return NaN;
  const text = String(q);
  return text.endsWith('m') ? Number(text.slice(0, -1)) / 1000 : Number(text);
}

// ---- the checks, each answering the problems it found ----

/** The kustomization against the files beside it. */
function kustomizationProblems(d: Deploy, files: string[]): string[] {
  const problems: string[] = [];
  const k = d.kustomization;
  if (k.apiVersion !== 'kustomize.config.k8s.io/v1beta1' || k.kind !== 'Kustomization') {
    problems.push(`kustomization.yaml is ${k.apiVersion} ${k.kind}, not a Kustomization`);
  }
  const listed = k.resources ?? [];
  for (const r of listed) if (!files.includes(r)) problems.push(`kustomization.yaml lists ${r}, which does not exist`);
  for (const f of files) if (!listed.includes(f)) problems.push(`${f} is not in kustomization.yaml's resources`);
  for (const c of k.components ?? []) {
    if (!existsSync(path.join(K8S, c, 'kustomization.yaml'))) problems.push(`component ${c} has no kustomization.yaml`);
  }
  const namespaces = all<K8sObject>(d, 'Namespace').map((n) => n.metadata.name);
  if (namespaces.length !== 1 || k.namespace !== namespaces[0]) {
    problems.push(`kustomization.yaml's namespace ${k.namespace} is not the one Namespace (${namespaces.join(', ')})`);
  }
  // kustomize puts everything in its namespace; a document naming one of its own would be moved.
  for (const m of d.manifests) {
    if (m.body.metadata.namespace !== undefined) problems.push(`${describeManifest(m)} names a namespace of its own`);
  }
  return problems;
}

/** Every Service selects the pods of exactly one workload, on ports they have. */
function serviceProblems(d: Deploy): string[] {
  const problems: string[] = [];
  for (const s of all<IService>(d, 'Service')) {
    const selector = s.spec?.selector ?? {};
    const targets = workloads(d).filter((w) => matches(selector, w.template.metadata?.labels));
    if (Object.keys(selector).length === 0 || targets.length !== 1) {
      problems.push(`Service ${s.metadata.name} selects ${targets.length} workloads (${JSON.stringify(selector)})`);
      continue;
    }
    for (const p of s.spec?.ports ?? []) {
      if (containerPort(targets[0], p.targetPort ?? p.port) === undefined) {
        problems.push(`Service ${s.metadata.name} port ${p.name}: ${targets[0].name} has no port ${p.targetPort}`);
      }
    }
  }
  for (const w of workloads(d)) {
    if (!matches(w.selector, w.template.metadata?.labels)) {
      problems.push(`${w.kind} ${w.name}: its selector does not match its own pods' labels`);
    }
  }
  for (const ss of all<IStatefulSet>(d, 'StatefulSet')) {
    const governing = all<IService>(d, 'Service').find((s) => s.metadata.name === ss.spec?.serviceName);
    if (governing?.spec?.clusterIP !== 'None') {
      problems.push(`StatefulSet ${ss.metadata.name}: serviceName ${ss.spec?.serviceName} is not a headless Service`);
    }
  }
  return problems;
}

/** The Ingress's backends exist, and its annotations keep learners on their pod and their sockets open. */
function ingressProblems(d: Deploy): string[] {
  const problems: string[] = [];
  const services = all<IService>(d, 'Service');
  for (const ing of all<IIngress>(d, 'Ingress')) {
    const a = ing.metadata.annotations ?? {};
    const want = (key: string, ok: (v: string | undefined) => boolean, why: string) => {
      const v = a[`nginx.ingress.kubernetes.io/${key}`];
      if (!ok(v)) problems.push(`Ingress ${ing.metadata.name}: ${key} is ${JSON.stringify(v)}: ${why}`);
    };
    want('affinity', (v) => v === 'cookie', 'learners must stay on the pod that holds their workspace');
    want('affinity-mode', (v) => v === 'persistent', 'a new pod must not take learners away from theirs');
    want(
      'session-cookie-name',
      (v) => !!v && v !== LEARNER_TOKEN_COOKIE,
      `its own cookie: the app's ${LEARNER_TOKEN_COOKIE} comes only after the join`,
    );
    want('proxy-read-timeout', (v) => Number(v) >= 3600, 'a WebSocket is quiet while a learner reads');
    want('proxy-send-timeout', (v) => Number(v) >= 3600, 'a WebSocket is quiet while a learner reads');
    want('proxy-buffering', (v) => v === 'off', 'Server-Sent Events must not wait in a buffer');
    // The largest body the app takes: a lesson's saved files as JSON (server/classroom/routes.ts).
    const savedFilesBytes = MAX_SAVED_FILES_PER_LESSON * MAX_SAVED_FILE_BYTES * 1.2;
    want(
      'proxy-body-size',
      (v) => /^\d+m$/.test(v ?? '') && parseInt(v!, 10) * 2 ** 20 >= savedFilesBytes,
      'saved files',
    );
    const publicHost = new URL(appConfig(d).PUBLIC_URL ?? 'http://unset').hostname;
    for (const rule of ing.spec?.rules ?? []) {
      if (rule.host !== publicHost) problems.push(`Ingress host ${rule.host} is not PUBLIC_URL's ${publicHost}`);
      for (const p of rule.http?.paths ?? []) {
        const backend = p.backend.service;
        const svc = services.find((s) => s.metadata.name === backend?.name);
        const port = svc?.spec?.ports?.find(
          (sp) => sp.name === backend?.port?.name || sp.port === backend?.port?.number,
        );
        if (!svc || !port)
          problems.push(
            `Ingress path ${p.path}: no Service ${backend?.name} with port ${JSON.stringify(backend?.port)}`,
          );
      }
    }
    if (!(ing.spec?.tls ?? []).some((t) => t.hosts?.includes(publicHost))) {
      problems.push(`Ingress ${ing.metadata.name}: no TLS for ${publicHost}: the learners' cookies travel in it`);
    }
  }
  return problems;
}

/** Every variable taken from a ConfigMap or the Secret names a key that is there. */
function envReferenceProblems(d: Deploy): string[] {
  const problems: string[] = [];
  const configMaps = new Map(all<IConfigMap>(d, 'ConfigMap').map((c) => [c.metadata.name, c.data ?? {}]));
  for (const w of workloads(d)) {
    for (const c of containersOf(w)) {
      const where = `${w.kind} ${w.name} container ${c.name}`;
      for (const from of c.envFrom ?? []) {
        if (from.configMapRef && !configMaps.has(from.configMapRef.name!)) {
          problems.push(`${where}: envFrom names ConfigMap ${from.configMapRef.name}, which does not exist`);
        }
        if (from.secretRef) problems.push(`${where}: envFrom a Secret hands it every password; name each key`);
      }
      for (const e of c.env ?? []) {
        const cm = e.valueFrom?.configMapKeyRef;
        if (cm && !(cm.key in (configMaps.get(cm.name!) ?? {}))) {
          problems.push(`${where}: ${e.name} from ConfigMap ${cm.name} key ${cm.key}, which does not exist`);
        }
        const sk = e.valueFrom?.secretKeyRef;
        if (sk && (sk.name !== d.secret.name || !d.secret.data.has(sk.key))) {
          problems.push(`${where}: ${e.name} from Secret ${sk.name} key ${sk.key}, not in secrets.env.example`);
        }
      }
    }
  }
  return problems;
}

/** The PDB and the HPA are about the app Deployment and nothing else. */
function scalingProblems(d: Deploy): string[] {
  const problems: string[] = [];
  const app = workloads(d).find((w) => w.kind === 'Deployment' && w.name === 'playground');
  if (!app) return ['no Deployment playground'];
  for (const pdb of all<IPodDisruptionBudget>(d, 'PodDisruptionBudget')) {
    const picked = selectedBy(d, pdb.spec?.selector ?? {});
    if (picked.length !== 1 || picked[0].name !== app.name) {
      problems.push(
        `PodDisruptionBudget ${pdb.metadata.name} selects ${picked.map((w) => w.name).join(', ') || 'nothing'}`,
      );
    }
  }
  for (const hpa of all<IHorizontalPodAutoscaler>(d, 'HorizontalPodAutoscaler')) {
    const t = hpa.spec?.scaleTargetRef;
    if (t?.apiVersion !== 'apps/v1' || t.kind !== 'Deployment' || t.name !== app.name) {
      problems.push(`HorizontalPodAutoscaler ${hpa.metadata.name} targets ${t?.kind} ${t?.name}, not the app`);
    }
    // Utilization is a share of the request: without one the HPA has nothing to divide by.
    for (const m of hpa.spec?.metrics ?? []) {
      const resource = m.resource?.name;
      if (resource && !containersOf(app).every((c) => c.resources?.requests?.[resource] !== undefined)) {
        problems.push(`HorizontalPodAutoscaler ${hpa.metadata.name}: the app requests no ${resource}`);
      }
    }
    if ((hpa.spec?.minReplicas ?? 1) < 2)
      problems.push('HorizontalPodAutoscaler: fewer than 2 pods leaves nothing during a drain');
  }
  if (one<IDeployment>(d, 'Deployment', 'playground').spec?.replicas !== undefined) {
    problems.push('Deployment playground sets replicas: the HorizontalPodAutoscaler owns them');
  }
  return problems;
}

/** URLs in the Secret and the ConfigMap name Services of these manifests, on ports they have. */
function urlProblems(d: Deploy): string[] {
  const problems: string[] = [];
  const services = all<IService>(d, 'Service');
  const values = [...d.secret.data.entries(), ...Object.entries(appConfig(d))];
  for (const [key, value] of values) {
    if (!/^[a-z]+:\/\//.test(value)) continue;
    const url = new URL(value);
    if (url.hostname.includes('.')) continue; // outside the cluster, e.g. PUBLIC_URL
    const port = Number(url.port);
    const svc = services.find((s) => s.metadata.name === url.hostname);
    if (!svc?.spec?.ports?.some((p) => p.port === port)) {
      problems.push(`${key}: no Service ${url.hostname} with port ${url.port || '(none given)'}`);
    }
  }
  return problems;
}

const allProblems = (d: Deploy) => [
  ...kustomizationProblems(d, yamlFiles(K8S)),
  ...serviceProblems(d),
  ...ingressProblems(d),
  ...envReferenceProblems(d),
  ...scalingProblems(d),
  ...urlProblems(d),
];

// ---- the tests ----

describe('deploy/k8s', () => {
  it('the kustomization lists every manifest, and every file it lists exists', () => {
    expect(kustomizationProblems(deploy, yamlFiles(K8S))).toEqual([]);
    expect(deploy.kustomization.secretGenerator).toEqual([{ name: 'playground-secrets', envs: ['secrets.env'] }]);
    // secrets.env holds the class's passwords: made from the example, never committed.
    expect(readFileSync(path.join(K8S, '.gitignore'), 'utf8').split('\n')).toContain('secrets.env');
    expect(deploy.kustomization.images?.map((i) => i.name)).toEqual(['service-playground']);
  });

  it('every document is a built-in kind that matches its schema', async () => {
    expect(deploy.manifests.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const m of deploy.manifests) {
      for (const p of await schemaProblems(m.body)) problems.push(`${describeManifest(m)}: ${p}`);
    }
    expect(problems).toEqual([]);
  });

  it(
    'no document has a field its kind does not have',
    () => {
      const objects = deploy.manifests.map((m) => ({ label: describeManifest(m), body: m.body }));
      expect(typeProblems(objects)).toEqual([]);
    },
    TYPE_CHECK_TIMEOUT_MS,
  );

  it('names are unique within each kind', () => {
    const names = deploy.manifests.map((m) => `${m.body.kind}/${m.body.metadata.name}`);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it('each Service selects the pods of one workload, on ports they have', () => {
    expect(serviceProblems(deploy)).toEqual([]);
  });

  it('the Ingress routes to the app with affinity on a cookie of its own and timeouts for sockets and events', () => {
    expect(all<IIngress>(deploy, 'Ingress')).toHaveLength(1);
    expect(ingressProblems(deploy)).toEqual([]);
  });

  it('the app is ready when /api/health answers on its port, and alive while the port listens', () => {
    const config = appConfig(deploy);
    expect(config.PLAYGROUND_MODE).toBe('classroom');
    expect(config.HOST).toBe('0.0.0.0');
    const app = workloads(deploy).find((w) => w.name === 'playground')!;
    const [c] = containersOf(app);
    expect(containerPort(app, 'http')).toBe(Number(config.PORT));
    for (const probe of [c.startupProbe, c.readinessProbe]) {
      expect(probe?.httpGet?.path).toBe('/api/health');
      expect(containerPort(app, probe?.httpGet?.port)).toBe(Number(config.PORT));
    }
    // Not /api/health: it waits on the shared servers, and a restart ends the pod's sessions.
    expect(c.livenessProbe?.httpGet).toBeUndefined();
    expect(containerPort(app, c.livenessProbe?.tcpSocket?.port)).toBe(Number(config.PORT));
  });

  it('every variable from a ConfigMap or the Secret is there, and the server reads it', () => {
    expect(envReferenceProblems(deploy)).toEqual([]);
    // A misspelt variable is not an error anywhere but here: the server just never reads it.
    const serverText = sourceText(path.join(ROOT, 'server'));
    const unread: string[] = [];
    for (const w of workloads(deploy).filter((x) => x.name.startsWith('playground'))) {
      for (const c of containersOf(w)) {
        const names = [
          ...(c.env ?? []).map((e) => e.name),
          ...(c.envFrom ?? []).flatMap((f) =>
            Object.keys(f.configMapRef ? configData(deploy, f.configMapRef.name!) : {}),
          ),
        ];
        for (const n of names) if (!new RegExp(`\\b${n}\\b`).test(serverText)) unread.push(`${w.name}: ${n}`);
      }
    }
    expect(unread).toEqual([]);
    // And every key of the Secret is used by some pod.
    const used = new Set(
      workloads(deploy).flatMap((w) =>
        containersOf(w).flatMap((c) => (c.env ?? []).map((e) => e.valueFrom?.secretKeyRef?.key)),
      ),
    );
    expect([...deploy.secret.data.keys()].filter((k) => !used.has(k))).toEqual([]);
  });

  it("the Secret's URLs point at these Services, with the accounts their servers make", () => {
    expect(urlProblems(deploy)).toEqual([]);
    const s = deploy.secret.data;
    const url = (key: string) => new URL(s.get(key)!);
    /** A server's variable as its pod gets it: a value, or the Secret's key it names. */
    const serverEnv = (workload: string) => {
      const [c] = containersOf(workloads(deploy).find((w) => w.name === workload)!);
      return (name: string) => {
        const e = c.env?.find((x) => x.name === name);
        return e?.value ?? s.get(e?.valueFrom?.secretKeyRef?.key ?? '');
      };
    };
    const rabbit = serverEnv('rabbitmq');
    for (const key of ['AMQP_URL', 'CLASSROOM_RABBITMQ_MANAGEMENT_URL']) {
      expect([url(key).username, url(key).password], key).toEqual([
        rabbit('RABBITMQ_DEFAULT_USER'),
        rabbit('RABBITMQ_DEFAULT_PASS'),
      ]);
    }
    // MariaDB's accounts are made by mariadb-init.sh, each with the password of a variable.
    const script = configData(deploy, 'mariadb-init')['mariadb-init.sh'];
    const passwordVariable = new Map(
      [...script.matchAll(/CREATE USER IF NOT EXISTS '(\w+)'@'%' IDENTIFIED BY '\$\{(\w+)\}'/g)].map((m) => [
        m[1],
        m[2],
      ]),
    );
    const databases = new Set([...script.matchAll(/CREATE DATABASE IF NOT EXISTS \\`(\w+)\\`/g)].map((m) => m[1]));
    const mariadb = serverEnv('mariadb');
    for (const key of ['MYSQL_URL', 'CLASSROOM_MYSQL_ADMIN_URL', 'CLASSROOM_STORE_URL']) {
      const variable = passwordVariable.get(url(key).username);
      expect(variable, `${key}'s user ${url(key).username}`).toBeDefined();
      expect(mariadb(variable!), `${key}'s password`).toBe(url(key).password);
      const database = url(key).pathname.slice(1);
      if (database) expect(databases, `${key}'s database`).toContain(database);
    }
    expect(url('CLASSROOM_EVENTS_URL').protocol).toBe('redis:');
    expect(url('CLASSROOM_EVENTS_URL').password).toBe(serverEnv('events-redis')('REDIS_PASSWORD'));
    // An unedited copy of the example must not start: the app refuses a short instructor secret.
    expect(s.get('INSTRUCTOR_SECRET')!.length).toBeLessThan(MIN_INSTRUCTOR_SECRET_LENGTH);
  });

  it("the app's environment is a classroom configuration the server accepts", () => {
    const env: Record<string, string> = { ...appConfig(deploy) };
    for (const e of containersOf(workloads(deploy).find((w) => w.name === 'playground')!)[0].env ?? []) {
      env[e.name] = e.value ?? deploy.secret.data.get(e.valueFrom?.secretKeyRef?.key ?? '') ?? '';
    }
    env.INSTRUCTOR_SECRET = 'a-long-enough-instructor-secret';
    const config = readClassroomConfig(env);
    expect(config.storeUrl).toMatch(/^mysql:\/\//);
    expect(config.publicUrl).toBe(env.PUBLIC_URL);
    for (const adapter of SERVICES.adapters) {
      const learners = adapter.classroom;
      if (learners.kind === 'instance') {
        // Each learner's own memcached and Redis run in the app pod; a URL would make one everyone's.
        expect(env[adapter.urlEnv], adapter.urlEnv).toBeUndefined();
        continue;
      }
      expect(() => learners.adminAccess(adapter.parseUrl(env[adapter.urlEnv]), null, env), adapter.name).not.toThrow();
    }
  });

  it('MariaDB and RabbitMQ are set up as the Compose deployment and the private broker are', () => {
    const script = configData(deploy, 'mariadb-init')['mariadb-init.sh'];
    expect(script).toBe(readFileSync(path.join(ROOT, 'deploy', 'compose', 'mariadb-init.sh'), 'utf8'));
    // The entrypoint sources the script (and only then has docker_process_sql) when it is not
    // executable. YAML 1.1 reads 0444 as octal, as Kubernetes does.
    const mariadb = workloads(deploy).find((w) => w.name === 'mariadb')!;
    const init = mariadb.template.spec?.volumes?.find((v) => v.configMap?.name === 'mariadb-init');
    expect(init?.configMap?.defaultMode).toBeDefined();
    expect(init!.configMap!.defaultMode! & 0o111).toBe(0);
    const rabbit = configData(deploy, 'rabbitmq-config');
    expect(rabbit.enabled_plugins).toBe(enabledPlugins());
    expect(rabbit['playground.conf']).toMatch(
      new RegExp(`^collect_statistics_interval = ${STATISTICS_INTERVAL_MS}$`, 'm'),
    );
    const [broker] = containersOf(workloads(deploy).find((w) => w.name === 'rabbitmq')!);
    expect(broker.volumeMounts?.map((m) => m.mountPath)).toContain('/etc/rabbitmq/enabled_plugins');
  });

  it('the executor listens where the app looks for it, runs as root, with two slots per core of its limit', () => {
    const executor = workloads(deploy).find((w) => w.name === 'playground-executor')!;
    const app = workloads(deploy).find((w) => w.name === 'playground')!;
    const [c] = containersOf(executor);
    const argv = [...(c.command ?? []), ...(c.args ?? [])];
    const main = argv.find((a) => a.endsWith('.ts'))!;
    expect(existsSync(path.join(ROOT, main)), main).toBe(true);
    expect(main).toBe('server/executor/main.ts');
    const listen = argv[argv.indexOf('--listen') + 1];
    expect(listen).toMatch(/^0\.0\.0\.0:\d+$/);
    const port = Number(listen.split(':')[1]);
    expect(containerPort(executor, 'executor')).toBe(port);
    const target = new URL(appConfig(deploy).PLAYGROUND_EXECUTOR);
    expect(target.protocol).toBe('tcp:');
    const svc = one<IService>(deploy, 'Service', target.hostname);
    expect(selectedBy(deploy, { matchLabels: svc.spec?.selector })).toEqual([executor]);
    expect(svc.spec?.ports?.find((p) => p.port === Number(target.port))?.targetPort).toBe('executor');
    // The token on TCP, the same key on both sides.
    for (const w of [app, executor]) {
      const token = containersOf(w)[0].env?.find((e) => e.name === 'PLAYGROUND_EXECUTOR_TOKEN');
      expect(token?.valueFrom?.secretKeyRef?.key, w.name).toBe('PLAYGROUND_EXECUTOR_TOKEN');
    }
    // The same image: app and executor check each other's protocol version at hello.
    expect(c.image).toBe(containersOf(app)[0].image);
    // The executor counts the node's cores, not its limit's.
    expect(Number(envValue(c, 'PLAYGROUND_RUN_SLOTS'))).toBe(2 * cores(c.resources?.limits?.cpu));
    // The zygote and the per-run uids need root; namespaces and mounts need the rest.
    expect(c.securityContext).toMatchObject({ privileged: true, runAsUser: 0 });
    expect(executor.template.spec?.automountServiceAccountToken).toBe(false);
  });

  it('the gVisor component runs the same executor in gVisor, unprivileged', async () => {
    const component = readYamlDocuments(path.join(GVISOR, 'kustomization.yaml'))[0] as Kustomization;
    expect([component.apiVersion, component.kind]).toEqual(['kustomize.config.k8s.io/v1alpha1', 'Component']);
    const listed = [...(component.resources ?? []), ...(component.patches ?? []).map((p) => p.path)].sort();
    expect(listed).toEqual(yamlFiles(GVISOR));
    const parts = loadManifests(GVISOR, yamlFiles(GVISOR));
    const runtimeClasses = parts.filter((m) => m.body.kind === 'RuntimeClass');
    expect(runtimeClasses).toHaveLength(1);
    const runtimeClass = runtimeClasses[0].body as IRuntimeClass & K8sObject;
    expect(runtimeClass.handler).toBe('runsc');
    expect(await schemaProblems(runtimeClass)).toEqual([]);

    const patches = (component.patches ?? []).map((p) => readYamlDocuments(path.join(GVISOR, p.path))[0] as K8sObject);
    const executor = one<IDeployment>(deploy, 'Deployment', 'playground-executor');
    expect(patches.map((p) => `${p.kind}/${p.metadata.name}`)).toEqual([`Deployment/${executor.metadata.name}`]);
    const merged = strategicMerge(executor, patches[0]) as IDeployment & K8sObject;
    expect(await schemaProblems(merged)).toEqual([]);
    const spec = merged.spec!.template.spec!;
    expect(spec.runtimeClassName).toBe(runtimeClass.metadata.name);
    expect(spec.containers.map((c) => c.name)).toEqual(executor.spec!.template.spec!.containers.map((c) => c.name));
    expect(spec.containers[0].securityContext).toMatchObject({ privileged: false, capabilities: { add: ['ALL'] } });
    // The merge keeps the rest of the executor: image, command, probes.
    expect(spec.containers[0].command).toEqual(executor.spec!.template.spec!.containers[0].command);
  });

  it('the PodDisruptionBudget and the HorizontalPodAutoscaler target the app Deployment', () => {
    expect(all(deploy, 'PodDisruptionBudget')).toHaveLength(1);
    expect(all(deploy, 'HorizontalPodAutoscaler')).toHaveLength(1);
    expect(scalingProblems(deploy)).toEqual([]);
  });

  it('only the app reaches the executor and the shared servers, and the executor reaches nothing', () => {
    const app = workloads(deploy).find((w) => w.name === 'playground')!;
    const policies = all<INetworkPolicy>(deploy, 'NetworkPolicy');
    const covered = new Set<string>();
    for (const np of policies) {
      const targets = selectedBy(deploy, np.spec?.podSelector ?? {});
      expect(targets.length, np.metadata.name).toBeGreaterThan(0);
      targets.forEach((t) => covered.add(t.name));
      for (const rule of np.spec?.ingress ?? []) {
        for (const from of rule.from ?? []) expect(selectedBy(deploy, from.podSelector ?? {})).toEqual([app]);
        for (const p of rule.ports ?? []) {
          for (const t of targets) expect(containerPort(t, p.port), `${np.metadata.name} → ${t.name}`).toBeDefined();
        }
      }
    }
    // Every pod but the app's is behind a policy.
    expect([...covered].sort()).toEqual(
      workloads(deploy)
        .map((w) => w.name)
        .filter((n) => n !== app.name)
        .sort(),
    );
    const executorPolicy = policies.find((np) =>
      selectedBy(deploy, np.spec?.podSelector ?? {}).some((w) => w.name === 'playground-executor'),
    )!;
    expect(executorPolicy.spec?.policyTypes).toContain('Egress');
    expect(executorPolicy.spec?.egress).toEqual([]);
  });

  it('every pod asks for memory and CPU and has a memory limit; images other than the app are pinned', () => {
    const problems: string[] = [];
    for (const w of workloads(deploy)) {
      for (const c of containersOf(w)) {
        const r = c.resources;
        if (!r?.requests?.cpu || !r.requests.memory || !r.limits?.memory)
          problems.push(`${w.name}/${c.name}: resources`);
        const image = c.image ?? '';
        const app = deploy.kustomization.images?.some((i) => image === i.name || image.startsWith(`${i.name}:`));
        if (!app && (!/:[\w.-]+$/.test(image) || image.endsWith(':latest')))
          problems.push(`${w.name}/${c.name}: image ${image}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every ConfigMap a pod mounts exists with the keys it mounts, and every mount has a volume', () => {
    const problems: string[] = [];
    const sets = all<IStatefulSet>(deploy, 'StatefulSet');
    for (const w of workloads(deploy)) {
      const volumes = w.template.spec?.volumes ?? [];
      const claims = sets.find((s) => s.metadata.name === w.name)?.spec?.volumeClaimTemplates ?? [];
      for (const c of containersOf(w)) {
        for (const mount of c.volumeMounts ?? []) {
          const volume = volumes.find((v) => v.name === mount.name);
          if (!volume && !claims.some((t) => t.metadata?.name === mount.name)) {
            problems.push(`${w.name}: mount ${mount.name} has no volume`);
          }
          const cm = volume?.configMap?.name;
          if (cm && mount.subPath && !(mount.subPath in configData(deploy, cm))) {
            problems.push(`${w.name}: ConfigMap ${cm} has no key ${mount.subPath}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('the checks fail on broken manifests', () => {
  const appManifest = deploy.manifests.find(
    (m) => m.body.kind === 'Deployment' && m.body.metadata.name === 'playground',
  )!;

  function brokenApp(change: (d: IDeployment) => void): K8sObject {
    const copy = structuredClone(appManifest.body) as IDeployment & K8sObject;
    change(copy);
    return copy;
  }

  it('a value of the wrong type fails the schema', async () => {
    const broken = brokenApp((d) => {
      (d.spec!.template.spec!.containers[0].ports![0] as { containerPort: unknown }).containerPort = '3000';
    });
    expect(await schemaProblems(broken)).toEqual([
      expect.stringContaining('/spec/template/spec/containers/0/ports/0/containerPort'),
    ]);
  });

  it('a kind that is not built in has no schema to pass', async () => {
    const cr = { apiVersion: 'rabbitmq.com/v1beta1', kind: 'RabbitmqCluster', metadata: { name: 'mq' } };
    expect(await schemaProblems(cr)).toEqual([expect.stringContaining('not a built-in kind')]);
  });

  it(
    'a field that does not exist passes the schema but not the types',
    async () => {
      const broken = brokenApp((d) => {
        const c = d.spec!.template.spec!.containers[0] as IContainer & { readinesProbe?: unknown };
        c.readinesProbe = c.readinessProbe;
        delete c.readinessProbe;
      });
      // The OpenAPI schemas allow unknown fields; the API server would refuse this one.
      expect(await schemaProblems(broken)).toEqual([]);
      expect(typeProblems([{ label: 'app', body: broken }])).toEqual([
        expect.stringMatching(/^app spec\.template\.spec\.containers\[0\]\.readinesProbe: .*readinesProbe/),
      ]);
    },
    TYPE_CHECK_TIMEOUT_MS,
  );

  it('YAML is read as Kubernetes reads it: an unquoted off is a boolean, which an annotation may not be', async () => {
    const [doc] = parseYamlDocuments(
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-buffering: off\n',
      'inline.yaml',
    );
    expect((await schemaProblems(doc as K8sObject)).join('\n')).toMatch(/annotations.*must be string/);
    expect(() => parseYamlDocuments('a: 1\na: 2\n', 'twice.yaml')).toThrow(/twice\.yaml/);
  });

  it('a Service that selects no pods, an HPA aimed elsewhere and a missing Secret key are each found', () => {
    const broken: Deploy = structuredClone(deploy);
    one<IService>(broken, 'Service', 'playground-executor').spec!.selector = { 'app.kubernetes.io/name': 'executor' };
    one<IHorizontalPodAutoscaler>(broken, 'HorizontalPodAutoscaler', 'playground').spec!.scaleTargetRef.name = 'app';
    broken.secret.data.delete('CLASSROOM_STORE_URL');
    broken.kustomization.resources = broken.kustomization.resources!.filter((r) => r !== 'mariadb.yaml');
    const problems = allProblems(broken).join('\n');
    expect(problems).toMatch(/Service playground-executor selects 0 workloads/);
    expect(problems).toMatch(/HorizontalPodAutoscaler playground targets Deployment app/);
    expect(problems).toMatch(/CLASSROOM_STORE_URL from Secret playground-secrets key CLASSROOM_STORE_URL/);
    expect(problems).toMatch(/mariadb\.yaml is not in kustomization\.yaml's resources/);
    expect(allProblems(deploy)).toEqual([]);
  });
});

/** The text of every TypeScript file under `dir` but the tests: the code that runs. */
function sourceText(dir: string): string {
  return readdirSync(dir)
    .map((name) => {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) return sourceText(p);
      return p.endsWith('.ts') && !p.endsWith('.test.ts') ? readFileSync(p, 'utf8') : '';
    })
    .join('\n');
}
