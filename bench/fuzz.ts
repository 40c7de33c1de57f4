// The pure fuzz properties (server/testing/fuzz-properties.ts), each run with many more cases than
// the tests give them: one line per boundary with the cases run, the properties that failed, and
// the time taken. A failure prints fast-check's report (seed, path, shrunk input) below the table.
//   npx tsx bench/fuzz.ts [--runs N]      (N cases per property; default 100,000)
import fc from 'fast-check';
import { FUZZ_BOUNDARIES } from '../server/testing/fuzz-properties.ts';

const DEFAULT_RUNS = 100_000;

function runsArgument(argv: string[]): number {
  const at = argv.indexOf('--runs');
  if (at < 0) return DEFAULT_RUNS;
  const runs = Number(argv[at + 1]);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs takes a whole number of cases, got ${argv[at + 1]}`);
  return runs;
}

const runs = runsArgument(process.argv.slice(2));
const reports: string[] = [];
let failedAll = 0;

console.log(`${'boundary'.padEnd(28)} ${'cases'.padStart(10)} ${'failures'.padStart(9)} ${'ms'.padStart(9)}`);
for (const boundary of FUZZ_BOUNDARIES) {
  let cases = 0;
  let failures = 0;
  const start = performance.now();
  for (const p of boundary.properties) {
    const details = fc.check(p.property, { numRuns: runs, examples: p.examples });
    cases += details.numRuns;
    if (details.failed) {
      failures++;
      reports.push(`${boundary.name} / ${p.name}:\n${fc.defaultReportMessage(details)}`);
    }
  }
  failedAll += failures;
  const ms = Math.round(performance.now() - start);
  console.log(
    `${boundary.name.padEnd(28)} ${String(cases).padStart(10)} ${String(failures).padStart(9)} ${String(ms).padStart(9)}`,
  );
}
for (const report of reports) console.log(`\n${report}`);
process.exitCode = failedAll > 0 ? 1 : 0;
