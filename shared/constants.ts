// Protocol constants without zod, so the browser can import them without pulling the schema
// library into the page's first download. shared/protocol.ts re-exports them.

/** Bumped on any incompatible change; sent in `hello`. */
export const PROTOCOL_VERSION = 1;

export const WS_PATH = '/ws';
