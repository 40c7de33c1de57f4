// The JavaScript client packages a snippet may import, and everything they need at run time. The
// sandbox sees a copy of exactly these (never the project's node_modules, let alone the project).
import fs from 'node:fs';
import path from 'node:path';

/**
 * What a JavaScript snippet can import: ioredis and redis (node-redis, the editor's starter file
 * uses it), amqplib, mysql2, and memcache-client (memcached's text protocol, promise API).
 * tslib is here because memcache-parser 1.0.1 (memcache-client's parser) requires it without
 * declaring it; the project depends on it at top level for the same reason.
 */
export const RUN_NODE_PACKAGES = ['ioredis', 'redis', 'amqplib', 'mysql2', 'memcache-client', 'tslib'];

interface PackageJson {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function readPackageJson(dir: string): PackageJson {
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/** Node's lookup: <dir>/node_modules/<name>, then each parent's, up to (and including) `root`. */
function resolvePackage(fromDir: string, name: string, root: string): string | null {
  let dir = fromDir;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === root) return null;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

export interface PackageEntry {
  /** Path under root/node_modules, e.g. "ioredis" or "@redis/client". */
  name: string;
  version: string;
}

/**
 * The top-level entries of root/node_modules that the packages need, themselves included. A
 * package nested in another's node_modules comes along with its parent's directory; optional
 * dependencies that are not installed are skipped, as Node would.
 */
export function packageClosure(root: string, wanted: string[]): PackageEntry[] {
  const topLevel = path.join(root, 'node_modules');
  const seen = new Set<string>();
  const entries = new Map<string, PackageEntry>();
  const visit = (dir: string) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    const pkg = readPackageJson(dir);
    const relative = path.relative(topLevel, dir);
    // A top-level entry is "name" or "@scope/name"; anything deeper is inside one of those.
    const top = relative.startsWith('@') ? relative.split(path.sep).slice(0, 2).join('/') : relative.split(path.sep)[0];
    if (!entries.has(top)) {
      const topPkg = top === relative ? pkg : readPackageJson(path.join(topLevel, top));
      entries.set(top, { name: top, version: topPkg.version ?? '0' });
    }
    const deps = { ...pkg.peerDependencies, ...pkg.optionalDependencies, ...pkg.dependencies };
    for (const dep of Object.keys(deps)) {
      const found = resolvePackage(dir, dep, root);
      if (found) visit(found);
      else if (pkg.dependencies?.[dep]) throw new Error(`${pkg.name}: dependency ${dep} is not installed; run npm ci`);
    }
  };
  for (const name of wanted) {
    const dir = path.join(topLevel, name);
    if (!fs.existsSync(path.join(dir, 'package.json'))) throw new Error(`${name} is not installed; run npm ci`);
    visit(dir);
  }
  return [...entries.values()].sort((a, b) => a.name.localeCompare(b.name));
}
