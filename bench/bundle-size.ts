// Initial JavaScript of the page, gzipped: the entry chunk and every chunk it imports statically
// (modulepreload links in index.html). Monaco and other lazy chunks are listed apart. Goal ≤ 250 KB.
//   npm run build && npx tsx bench/bundle-size.ts
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from '../server/stack.ts';

const DIST = path.join(ROOT, 'dist', 'client');
const GOAL_BYTES = 250 * 1024;

const html = readFileSync(path.join(DIST, 'index.html'), 'utf8');
const initial = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
const gz = (file: string) => gzipSync(readFileSync(path.join(DIST, file)), { level: 9 }).length;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

let total = 0;
for (const file of initial) {
  const size = gz(file);
  total += size;
  console.log(`initial  ${file}  ${kb(size)} gzipped`);
}
const lazy = readdirSync(path.join(DIST, 'assets')).filter(
  (f) => f.endsWith('.js') && !initial.includes(`assets/${f}`),
);
let lazyTotal = 0;
for (const f of lazy) lazyTotal += gz(`assets/${f}`);
console.log(`lazy     ${lazy.length} chunks  ${kb(lazyTotal)} gzipped (Monaco and its workers)`);
console.log(`\ninitial JS: ${kb(total)} gzipped (goal ≤ ${kb(GOAL_BYTES)})`);
if (total > GOAL_BYTES) process.exitCode = 1;
