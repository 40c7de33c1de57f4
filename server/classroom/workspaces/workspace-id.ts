// Workspace ids and per-workspace passwords. An id names a learner's RabbitMQ vhost and user, their
// MySQL database (`ws_<id>`) and user, and their directory, so it must be safe in all of those
// without quoting; it is random, so managers that share one broker and one MariaDB (tests, two
// playgrounds on a machine) never pick the same.
import { randomBytes, randomInt } from 'node:crypto';

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** 36^8 ≈ 2.8e12 ids: a clash among even thousands of workspaces is out of reach. */
const ID_RANDOM_CHARS = 8;

/** What the manager accepts from the store (the contract allows shorter ids like "w0007"). */
export const WORKSPACE_ID_PATTERN = /^[a-z0-9]{1,32}$/;

export function newWorkspaceId(): string {
  let id = 'w';
  for (let i = 0; i < ID_RANDOM_CHARS; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/** 144 random bits as base64url: letters, digits, - and _, safe in URLs, SQL strings and Redis config. */
export function newPassword(): string {
  return randomBytes(18).toString('base64url');
}

/** The learner's MySQL database. */
export function databaseName(workspaceId: string): string {
  return `ws_${workspaceId}`;
}

export function assertWorkspaceId(id: string): string {
  if (!WORKSPACE_ID_PATTERN.test(id)) throw new Error(`not a workspace id: ${JSON.stringify(id)}`);
  return id;
}
