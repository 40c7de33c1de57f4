// Named limits of the playground, shared by server and client. docs/protocol.md lists them, and
// tests push each one to its edge.

/** Longest id a client may choose for a terminal. */
export const MAX_ID_LENGTH = 64;

/**
 * Largest WebSocket frame the server reads at all. Bigger frames close the socket (code 1009):
 * past this size the frame is not worth buffering just to refuse it.
 */
export const WS_MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

/**
 * Largest client message that is parsed. Bigger ones (up to WS_MAX_PAYLOAD_BYTES) get an `error`
 * message and are dropped; the socket stays open.
 */
export const MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

/**
 * Longest line a terminal accepts. A longer one is refused with a message in the terminal, both
 * by the browser's line editor and by the server. 64 KiB is far beyond any command a person types
 * and keeps a pasted blob from reaching a service as one command.
 */
export const MAX_LINE_BYTES = 64 * 1024;

/** Input waiting behind a running command (type-ahead, pasted lines). More is refused. */
export const MAX_PENDING_INPUT_BYTES = 1024 * 1024;

/** Terminals one socket may have open at once. */
export const MAX_TERMINALS_PER_SOCKET = 32;

/**
 * Output flow control, per terminal. Output waiting to be sent (because the client asked for a
 * pause, or the socket's own send buffer is full) above the high watermark pauses the service
 * connection that produces it; below the low watermark it resumes. Output still arriving past
 * the hard limit (data already in flight) is dropped and the terminal says how much.
 */
export const OUTPUT_HIGH_WATERMARK_BYTES = 256 * 1024;
export const OUTPUT_LOW_WATERMARK_BYTES = 64 * 1024;
export const OUTPUT_HARD_LIMIT_BYTES = 4 * 1024 * 1024;

/** Socket send buffer (ws bufferedAmount) above which output is held for that socket. */
export const SOCKET_HIGH_WATERMARK_BYTES = 1024 * 1024;

/** Rows a MySQL result shows; the rest are counted, not shown (a huge SELECT cannot flood). */
export const MYSQL_MAX_ROWS_SHOWN = 1000;

/** Largest snippet source file accepted by a run. */
export const MAX_RUN_CODE_BYTES = 256 * 1024;

/** Extra files a run may carry beside its main file. */
export const MAX_RUN_FILES = 16;

/** Snippet runs one socket may have going at once (a consumer beside a producer needs two). */
export const MAX_RUNS_PER_SOCKET = 8;

/**
 * How long a page's terminals and runs outlive its socket (server/ws/session-registry.ts). A reload
 * takes a second; five minutes also cover a laptop lid closed for a coffee or a dropped Wi-Fi, and
 * are short enough that a closed tab does not hold service connections and sandboxes for long.
 */
export const SESSION_LINGER_MS = 5 * 60 * 1000;

/**
 * Output the server keeps per terminal and per run to replay after a reload (UTF-8 bytes, the
 * newest kept). Older output is dropped from the replay only; the live stream is never cut. 256 KiB
 * is several thousand lines, more than a learner scrolls back through.
 */
export const SESSION_SCROLLBACK_BYTES = 256 * 1024;

/**
 * Sessions one client (a classroom learner, the instructor, or the single user) may leave lingering
 * at once. A further one ends the client's oldest lingering session at once: a tab reloaded over and
 * over, or many tabs closed, cannot pile up service connections.
 */
export const MAX_LINGERING_SESSIONS_PER_CLIENT = 4;

/** Lingering sessions in all, across clients; past it the oldest ends at once. */
export const MAX_LINGERING_SESSIONS = 64;

/**
 * Finished runs whose output a session keeps for a reload (live runs are counted apart, by
 * MAX_RUNS_PER_SOCKET). The page keeps as many run panes (client/src/runs/run-panes.ts, MAX_RUN_PANES).
 */
export const MAX_ENDED_RUNS_KEPT = 10;

/** Length of the session id the server issues in `hello`: 24 random bytes, base64url. */
export const SESSION_ID_LENGTH = 32;
