// amqplib's generated protocol definitions (lib/defs.js): every AMQP 0-9-1 method with its numeric
// id, field names, types and defaults. No public entry exposes them (amqplib 2.3.1's `exports` map
// has `.` and `./callback_api`, which export connect, credentials and IllegalOperationError only),
// and the map hides lib/, so we require the file by its absolute path next to the package entry
// point. That is no public API: amqp-defs.test.ts fails when the installed amqplib is not the one
// below, or when the table's ids and fields change.
import { createRequire } from 'node:module';
import path from 'node:path';

/** The amqplib whose lib/defs.js this module was written and checked against. */
export const AMQPLIB_VERSION_CHECKED = '2.3.1';

/** The field types lib/defs.js uses; the terminal parses and formats each. */
export const AMQP_TYPES = [
  'bit',
  'octet',
  'short',
  'long',
  'longlong',
  'shortstr',
  'longstr',
  'table',
  'timestamp',
] as const;
export type AmqpType = (typeof AMQP_TYPES)[number];

export interface AmqpArgInfo {
  name: string;
  type: AmqpType;
  /** Absent when the spec gives none: the field must be given. */
  default?: unknown;
}

export interface AmqpMethodInfo {
  id: number;
  classId: number;
  methodId: number;
  /** PascalCase, e.g. "QueueDeclareOk". */
  name: string;
  args: AmqpArgInfo[];
}

export interface AmqpDefs {
  info(id: number): AmqpMethodInfo;
  constants: Record<string, number>;
  [key: string]: unknown;
}

const require = createRequire(import.meta.url);
export const defs: AmqpDefs = require(path.join(path.dirname(require.resolve('amqplib')), 'lib', 'defs.js'));

/** Every method amqplib knows, in its file order (class by class). */
export function allMethodInfos(): AmqpMethodInfo[] {
  return Object.entries(defs)
    .filter(([key]) => key.startsWith('methodInfo'))
    .map(([, value]) => value as AmqpMethodInfo);
}

/** The content header of class basic: a message's properties. */
export const BASIC_PROPERTIES_CLASS_ID = 60;
export function basicPropertiesInfo(): AmqpMethodInfo {
  return defs.info(BASIC_PROPERTIES_CLASS_ID);
}

/** The id of the method named in amqplib's PascalCase, e.g. "QueueDeclareOk"; undefined if none. */
export function methodId(pascalName: string): number | undefined {
  const id = defs[pascalName];
  return typeof id === 'number' ? id : undefined;
}
