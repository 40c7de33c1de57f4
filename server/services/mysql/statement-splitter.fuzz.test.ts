// Property-based fuzzing of the mysql statement splitter and client commands: generators and properties in
// server/testing/fuzz/mysql-lines.ts, shared with bench/fuzz.ts.
import { describe, it } from 'vitest';
import { assertFuzz } from '../../testing/fuzz.ts';
import { mysqlLines } from '../../testing/fuzz/mysql-lines.ts';

describe('the mysql statement splitter and client commands, fuzzed', () => {
  for (const p of mysqlLines.properties) it(p.name, () => assertFuzz(p));
});
