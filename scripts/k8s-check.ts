// Checks for Kubernetes manifests without a cluster, used by k8s-manifests.test.ts:
//   - each document against the API's schema for its kind: the kubernetes-models package, whose
//     validators are generated from the Kubernetes 1.33 OpenAPI spec (types, required fields,
//     enums, formats);
//   - each document against the same package's TypeScript types, for what those schemas let
//     through: a field that does not exist (`readinesProbe`), which the API server refuses
//     (kubectl's strict field validation) but the OpenAPI schemas allow;
//   - YAML read as Kubernetes reads it (YAML 1.1: an unquoted `off` or `yes` is a boolean).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What every Kubernetes object has; the rest is checked against its kind's schema. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [field: string]: unknown;
}

/** One document of a manifest file, and where it came from (for messages). */
export interface Manifest {
  file: string;
  index: number;
  body: K8sObject;
}

export function describeManifest(m: Manifest): string {
  return `${m.file} #${m.index + 1} (${m.body.kind} ${m.body.metadata?.name ?? '?'})`;
}

/**
 * Every document of a YAML file, read as Kubernetes reads it (YAML 1.1, duplicate keys refused);
 * throws with the file and the parser's line on malformed YAML.
 */
export function readYamlDocuments(file: string): unknown[] {
  return parseYamlDocuments(readFileSync(file, 'utf8'), file);
}

/** The same for YAML text; `name` names it in errors. */
export function parseYamlDocuments(text: string, name: string): unknown[] {
  return parseAllDocuments(text, { version: '1.1', uniqueKeys: true }).map((doc, i) => {
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem) throw new Error(`${name}: document ${i + 1}: ${problem.message}`);
    const value: unknown = doc.toJS();
    if (value === null || typeof value !== 'object') throw new Error(`${name}: document ${i + 1} is not a mapping`);
    return value;
  });
}

/** kubernetes-models' module for a built-in kind: `apps/v1` Deployment → kubernetes-models/apps/v1/Deployment. */
export function modelModule(apiVersion: string, kind: string): string {
  return `kubernetes-models/${apiVersion}/${kind}`;
}

type ModelClass = new (data: unknown) => { validate(): void };

/** Problems of one object against its kind's schema; one line saying so for a kind without one. */
export async function schemaProblems(body: K8sObject): Promise<string[]> {
  let model: ModelClass | undefined;
  try {
    const mod = (await import(/* @vite-ignore */ modelModule(body.apiVersion, body.kind))) as Record<string, unknown>;
    model = mod[body.kind] as ModelClass | undefined;
  } catch {
    model = undefined;
  }
  if (!model) return [`no schema for ${body.apiVersion} ${body.kind}: not a built-in kind of Kubernetes 1.33`];
  try {
    new model(body).validate();
    return [];
  } catch (err) {
    // The validator's error carries ajv's list; its message only the first few.
    const errors = (err as { errors?: { instancePath: string; message?: string; params?: unknown }[] }).errors;
    if (!errors?.length) return [String((err as Error).message)];
    return errors.map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params ?? {})}`.trim());
  }
}

/**
 * Fields the kinds' TypeScript types do not have, and values of the wrong type, for each object:
 * the objects become one TypeScript file (`const d0: IDeployment = {…}`) that the compiler checks
 * in memory. Answers "label path: compiler's message" lines.
 */
export function typeProblems(objects: { label: string; body: K8sObject }[]): string[] {
  const file = path.join(ROOT, 'scripts', '__k8s_manifests__.ts');
  const lines = objects.flatMap(({ body }, i) => [
    `import type { I${body.kind} as T${i} } from '${modelModule(body.apiVersion, body.kind)}';`,
    `export const d${i}: T${i} = ${JSON.stringify(body, null, 1)};`,
  ]);
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFromDisk = host.getSourceFile.bind(host);
  const source = ts.createSourceFile(file, lines.join('\n'), ts.ScriptTarget.ES2022, true);
  host.getSourceFile = (name, ...rest) => (path.resolve(name) === file ? source : readFromDisk(name, ...rest));
  host.fileExists = (
    (exists) => (name: string) =>
      path.resolve(name) === file || exists(name)
  )(host.fileExists.bind(host));
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program, source).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (d.start === undefined) return message;
    const { doc, fieldPath } = fieldAt(source, d.start);
    return `${objects[doc]?.label ?? '?'} ${fieldPath}: ${message}`;
  });
}

/** Which object (`dN`) and which field (spec.template…) a position in the generated file is in. */
function fieldAt(source: ts.SourceFile, pos: number): { doc: number; fieldPath: string } {
  const deepest = (node: ts.Node): ts.Node => {
    let found = node;
    ts.forEachChild(node, (child) => {
      if (child.getStart(source) <= pos && pos < child.getEnd()) {
        found = deepest(child);
        return true;
      }
      return undefined;
    });
    return found;
  };
  const parts: string[] = [];
  let doc = -1;
  for (let n: ts.Node | undefined = deepest(source); n; n = n.parent) {
    if (ts.isPropertyAssignment(n) && ts.isStringLiteral(n.name)) parts.unshift(n.name.text);
    if (n.parent && ts.isArrayLiteralExpression(n.parent))
      parts.unshift(`[${n.parent.elements.indexOf(n as ts.Expression)}]`);
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name)) doc = Number(n.name.text.slice(1));
  }
  return { doc, fieldPath: parts.join('.').replace(/\.\[/g, '[') || '(the object)' };
}

/**
 * A strategic merge patch, for the patches kustomize applies here: objects merge key by key,
 * lists of named items (containers, volumes, env) merge by `name`, other lists are replaced.
 */
export function strategicMerge(base: unknown, patch: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(patch) && [...base, ...patch].every(isNamed)) {
    const merged = base.map((item) => {
      const over = patch.find((p) => p.name === item.name);
      return over ? strategicMerge(item, over) : item;
    });
    return [...merged, ...patch.filter((p) => !base.some((b) => b.name === p.name))];
  }
  if (isPlainObject(base) && isPlainObject(patch)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(patch)) out[key] = key in base ? strategicMerge(base[key], value) : value;
    return out;
  }
  return patch;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNamed(value: unknown): value is { name: string } {
  return isPlainObject(value) && typeof value.name === 'string';
}

/** A kustomize `envs` file: KEY=VALUE lines; blank lines and `#` comments skipped. */
export function readEnvFile(file: string): Map<string, string> {
  const entries = new Map<string, string>();
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const text = line.trim();
      if (text === '' || text.startsWith('#')) return;
      const eq = text.indexOf('=');
      if (eq <= 0) throw new Error(`${file}:${i + 1}: expected KEY=VALUE, got ${JSON.stringify(text)}`);
      entries.set(text.slice(0, eq), text.slice(eq + 1));
    });
  return entries;
}
