// The child process of the kill -9 tests (kill9-harness.ts): opens a store, runs the workload and
// prints a line after each write resolved, until it is killed.
//   node --import tsx kill9-writer.ts <sqlite|mysql> <round>   (KILL9_STORE_TARGET: file or URL)
import { MysqlClassroomStore } from '../../classroom/store/mysql-store.ts';
import { SqliteClassroomStore } from '../../classroom/store/sqlite-store.ts';
import type { ClassroomStore } from '../../classroom/store/types.ts';
import { WRITE_KINDS, WRITER_ITERATIONS, write } from './kill9-workload.ts';

const [kind, roundText] = process.argv.slice(2);
const target = process.env.KILL9_STORE_TARGET;
if ((kind !== 'sqlite' && kind !== 'mysql') || !/^\d+$/.test(roundText ?? '') || !target) {
  process.stderr.write('usage: KILL9_STORE_TARGET=<file|url> kill9-writer.ts <sqlite|mysql> <round>\n');
  process.exit(2);
}
const round = Number(roundText);

const store: ClassroomStore =
  kind === 'sqlite' ? SqliteClassroomStore.open(target) : await MysqlClassroomStore.open(target);

// process.stdout on a pipe is synchronous on Linux: once write() returns, the line is in the pipe
// and outlives this process.
process.stdout.write('ready\n');
for (let i = 0; i < WRITER_ITERATIONS; i++) {
  for (const kind of WRITE_KINDS) {
    await write(store, round, i, kind);
    process.stdout.write(`${kind} ${i}\n`);
  }
}
await store.close();
