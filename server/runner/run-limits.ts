// What one snippet run may use, and the runner's options. Every limit is named here with the reason
// for its value; createSnippetRunner() lets an installation (or a test) change any of them.
import os from 'node:os';
import type { RunLanguage } from '../../shared/protocol.ts';

/** A run's wall-clock time: long enough for any lesson snippet, short enough that a forgotten loop ends. */
export const DEFAULT_WALL_TIME_MS = 30_000;

/**
 * Wall-clock time of a program that waits for messages on purpose (a consumer, a subscriber): it
 * is meant to sit there while the learner sends from another pane, so it gets minutes, not seconds.
 */
export const DEFAULT_LONG_WALL_TIME_MS = 10 * 60_000;

/** CPU seconds per process (RLIMIT_CPU): lessons need a fraction of a second; a busy loop ends here. */
export const DEFAULT_CPU_SECONDS = 10;

/**
 * Writable memory per process (RLIMIT_DATA). Python with the five client libraries uses ~35 MB and
 * Node ~60 MB; 512 MB leaves room for real work and turns a 2 GB allocation into MemoryError.
 */
export const DEFAULT_MEMORY_BYTES = 512 * 1024 * 1024;

/**
 * Tasks (processes and threads) of a run's uid (RLIMIT_NPROC). Node alone starts ~11 threads;
 * a fork bomb stops at this count instead of exhausting the host's pid space.
 */
export const DEFAULT_MAX_PROCESSES = 64;

/** Output (stdout + stderr) a run may produce before it is stopped: a runaway print loop ends here. */
export const DEFAULT_MAX_OUTPUT_BYTES = 10 * 1024 * 1024;

/**
 * After Ctrl-C, how long a program may take to wind down (close connections, print its
 * KeyboardInterrupt) before it is killed. A second Ctrl-C kills at once.
 */
export const DEFAULT_INTERRUPT_GRACE_MS = 3_000;

/** The learner's writable home (a size-capped tmpfs, in RAM): plenty for scripts and small data files. */
export const DEFAULT_HOME_BYTES = 16 * 1024 * 1024;

/** /tmp and /dev/shm each (size-capped tmpfs, in RAM; multiprocessing needs /dev/shm). */
export const DEFAULT_TMP_BYTES = 8 * 1024 * 1024;

/** Largest single file (RLIMIT_FSIZE): no file may be bigger than the home it lives in. */
export const DEFAULT_FILE_BYTES = DEFAULT_HOME_BYTES;

/** Open files per process (RLIMIT_NOFILE): a client needs a handful of sockets. */
export const DEFAULT_OPEN_FILES = 256;

/** Connections a run may have open to its services at once, through the forwarder. */
export const MAX_FORWARDED_CONNECTIONS = 64;

/**
 * Runs alive at once on one server, over all learners, idle ones included (a consumer waiting for
 * messages). Each holds a sandbox (~35 MB for Python) and at most `memoryBytes` per process; past
 * this, runs wait in the queue instead of the machine swapping.
 */
export const DEFAULT_MAX_CONCURRENT_RUNS = 64;

/**
 * Runs computing at once: two per core. A run holds a slot while it starts and while it uses the
 * CPU; an idle one gives it back. More would only slice the cores thinner (and the terminals' share
 * with them); fewer would leave a core waiting while a run sets up its sandbox.
 */
export const DEFAULT_RUN_SLOTS = Math.max(2, 2 * os.availableParallelism());

/** `PLAYGROUND_RUN_SLOTS`, when set: the slots of this machine instead of two per core. */
export function runSlotsFrom(env: Record<string, string | undefined>): number | undefined {
  const text = env.PLAYGROUND_RUN_SLOTS;
  if (text === undefined || text === '') return undefined;
  const slots = Number(text);
  if (!Number.isInteger(slots) || slots < 1 || slots > 1024) {
    throw new Error(`PLAYGROUND_RUN_SLOTS must be a whole number from 1 to 1024, got ${JSON.stringify(text)}`);
  }
  return slots;
}

/** Of the slots, one learner's share: a consumer and a producer side by side. */
export const DEFAULT_RUN_SLOTS_PER_LEARNER = 2;

/** Runs one learner may have waiting; pressing Run more often than that is answered at once. */
export const DEFAULT_QUEUED_PER_LEARNER = 10;

/** How long a run may wait for a slot before it is turned away with a reason. */
export const DEFAULT_MAX_QUEUE_WAIT_MS = 60_000;

/**
 * Warm sandboxes kept ready per language. Python's imports (~0.3 s) are what the pool saves; two
 * covers a learner running a consumer and a producer back to back. JavaScript gains less (Node
 * starts in ~40 ms) and keeps one.
 */
export const DEFAULT_POOL_SIZE: Record<RunLanguage, number> = { python: 2, javascript: 1 };

/**
 * Uids for sandboxes, one per live sandbox (RLIMIT_NPROC counts per real uid, host-wide). The
 * range sits far above regular accounts (1000–59999), Debian's reserved ids (< 65536) and
 * systemd's container ranges (524288–1879048191), below the 2^31 boundary some tools mishandle.
 */
export const DEFAULT_UID_RANGE = { first: 1_900_000_000, count: 1000 } as const;

/**
 * Priority of snippet processes (nice): the server and the terminals stay responsive under busy
 * snippets. The lowest priority, 19: a class of 100 starting Python runs every 30 s keeps both
 * cores busy importing the client libraries, and at nice 10 (a tenth of a terminal's weight) that
 * still pushed terminal round trips past a second; at 19 (1/70th) they get the CPU when they want it.
 */
export const SANDBOX_NICENESS = 19;

export interface RunLimits {
  wallTimeMs: number;
  longWallTimeMs: number;
  cpuSeconds: number;
  memoryBytes: number;
  maxProcesses: number;
  maxOutputBytes: number;
  interruptGraceMs: number;
  homeBytes: number;
  tmpBytes: number;
  fileBytes: number;
  openFiles: number;
}

export const DEFAULT_LIMITS: RunLimits = {
  wallTimeMs: DEFAULT_WALL_TIME_MS,
  longWallTimeMs: DEFAULT_LONG_WALL_TIME_MS,
  cpuSeconds: DEFAULT_CPU_SECONDS,
  memoryBytes: DEFAULT_MEMORY_BYTES,
  maxProcesses: DEFAULT_MAX_PROCESSES,
  maxOutputBytes: DEFAULT_MAX_OUTPUT_BYTES,
  interruptGraceMs: DEFAULT_INTERRUPT_GRACE_MS,
  homeBytes: DEFAULT_HOME_BYTES,
  tmpBytes: DEFAULT_TMP_BYTES,
  fileBytes: DEFAULT_FILE_BYTES,
  openFiles: DEFAULT_OPEN_FILES,
};

/**
 * Calls that make a program wait for messages on purpose: pika's start_consuming/basic_consume,
 * amqplib's channel.consume, Redis SUBSCRIBE/PSUBSCRIBE and pubsub.listen(), blocking pops and
 * stream reads. Such a program gets the long wall-time limit.
 */
const LONG_RUNNING_PATTERN =
  /\b(?:start_consuming|basic_consume|consume|p?subscribe|pubsub|listen|b[lr]pop|bzpop(?:min|max)|blmove|brpoplpush|xread(?:group)?)\s*\(/i;

/** Whether any of the run's files look like a long-lived consumer or subscriber. */
export function looksLongRunning(sources: string[]): boolean {
  return sources.some((s) => LONG_RUNNING_PATTERN.test(s));
}
