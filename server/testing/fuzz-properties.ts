// Every pure fuzz boundary, in one list: the WebSocket frames, each terminal's line parser, the
// lesson loader and the classroom API's bodies. Each `*.fuzz.test.ts` runs its boundary's
// properties with FUZZ_RUNS cases; bench/fuzz.ts runs them all with as many as it is asked for.
// (The live socket and HTTP fuzz tests need a running server, so they are not here.)
import type { FuzzBoundary } from './fuzz.ts';
import { amqpLines } from './fuzz/amqp-lines.ts';
import { classroomBodies } from './fuzz/classroom-bodies.ts';
import { lessonFiles } from './fuzz/lesson-files.ts';
import { memcachedLines } from './fuzz/memcached-lines.ts';
import { mysqlLines } from './fuzz/mysql-lines.ts';
import { redisLines } from './fuzz/redis-lines.ts';
import { wsFrames } from './fuzz/ws-frames.ts';

export type { FuzzBoundary, FuzzProperty } from './fuzz.ts';

export const FUZZ_BOUNDARIES: FuzzBoundary[] = [
  wsFrames,
  redisLines,
  mysqlLines,
  amqpLines,
  memcachedLines,
  lessonFiles,
  classroomBodies,
];
