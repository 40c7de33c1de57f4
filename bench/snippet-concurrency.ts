// Many snippets at once on this small machine: CONCURRENT runs (Python and JavaScript alternating)
// started together, each talking to Redis, MySQL and memcached. All must end with exit code 0 and
// the shared counter must count every one of them; prints counts and times.
//   npx tsx bench/snippet-concurrency.ts [concurrent]
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { CapturedRun } from '../server/runner/captured-run.ts';
import { createSnippetRunner } from '../server/runner/index.ts';
import { freshTestDataDir, startStack } from '../server/stack.ts';
import { ms, summarize } from './stats.ts';

const CONCURRENT = Number(process.argv[2] ?? 20);
const counter = `bench:concurrency:${randomUUID()}`;

const PYTHON = [
  'import os, sys, redis, pymysql, memcache',
  'from urllib.parse import urlparse',
  'print("started", flush=True)',
  'r = redis.Redis.from_url(os.environ["REDIS_URL"])',
  `n = r.incr("${counter}")`,
  'u = urlparse(os.environ["MYSQL_URL"])',
  'db = pymysql.connect(host=u.hostname, port=u.port, user=u.username, password=u.password, database=u.path[1:])',
  'with db.cursor() as c:',
  '    c.execute("SELECT 6 * 7")',
  '    answer = c.fetchone()[0]',
  'mc = memcache.Client(os.environ["MEMCACHED_SERVERS"].split(","))',
  'mc.set(f"bench-{n}", "x")',
  'print("ok", n, answer, mc.get(f"bench-{n}"))',
].join('\n');

const JAVASCRIPT = [
  "import Redis from 'ioredis';",
  "import mysql from 'mysql2/promise';",
  "import { MemcacheClient } from 'memcache-client';",
  "console.log('started');",
  'const r = new Redis(process.env.REDIS_URL);',
  `const n = await r.incr('${counter}');`,
  'const db = await mysql.createConnection(process.env.MYSQL_URL);',
  "const [[row]] = await db.query('SELECT 6 * 7 AS answer');",
  "const mc = new MemcacheClient({ server: process.env.MEMCACHED_SERVERS.split(',')[0] });",
  "await mc.set(`bench-${n}`, 'x');",
  "console.log('ok', n, row.answer, (await mc.get(`bench-${n}`)).value);",
  'r.disconnect(); await db.end(); mc.shutdown();',
].join('\n');

const dataDir = await freshTestDataDir('bench');
const stack = await startStack(dataDir, () => {});
const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'playground-bench-runner-'));
const runner = await createSnippetRunner({ workDir, log: (line) => console.log(line) });
const redis = new Redis(stack.endpoints.redis.url);
try {
  await runner.warm();
  const began = performance.now();
  const runs = Array.from({ length: CONCURRENT }, async (_, i) => {
    const language = i % 2 === 0 ? 'python' : 'javascript';
    const output = new CapturedRun();
    const opened = performance.now();
    await runner.start(
      { language, code: language === 'python' ? PYTHON : JAVASCRIPT, files: [], endpoints: stack.endpoints },
      output,
    );
    const code = await output.exited;
    return {
      language,
      code,
      text: output.text,
      first: output.firstWriteAt! - opened,
      total: performance.now() - opened,
    };
  });
  const results = await Promise.all(runs);
  const wall = performance.now() - began;
  const failed = results.filter((r) => r.code !== 0 || !/^started\r\nok \d+ 42 (b'x'|x)\r\n$/.test(r.text));
  const count = Number(await redis.get(counter));
  for (const f of failed) console.log(`FAILED (${f.language}, exit ${f.code}):\n${f.text}`);
  const first = summarize(results.map((r) => r.first));
  const total = summarize(results.map((r) => r.total));
  console.log(
    `${CONCURRENT} concurrent runs (${CONCURRENT - Math.floor(CONCURRENT / 2)} Python, ${Math.floor(CONCURRENT / 2)} JavaScript) on ${os.cpus().length} cores`,
  );
  console.log(
    `  completed with exit 0 and the expected output: ${CONCURRENT - failed.length}/${CONCURRENT}; errors: ${failed.length}`,
  );
  console.log(`  shared Redis counter: ${count} (expected ${CONCURRENT})`);
  console.log(`  open → first output: p50 ${ms(first.p50)}  max ${ms(Math.max(...results.map((r) => r.first)))}`);
  console.log(`  open → exit:         p50 ${ms(total.p50)}  max ${ms(Math.max(...results.map((r) => r.total)))}`);
  console.log(`  all ${CONCURRENT} done in ${ms(wall)}`);
  if (failed.length > 0 || count !== CONCURRENT) process.exitCode = 1;
} finally {
  await redis.del(counter);
  redis.disconnect();
  await runner.close();
  await stack.stop();
  await fs.rm(workDir, { recursive: true, force: true });
  await fs.rm(dataDir, { recursive: true, force: true });
}
