// amqplib's generated protocol definitions (lib/defs.js): every AMQP 0-9-1 method with its numeric
// id, field names, types and defaults. The package's `exports` map hides lib/, so we require the
// file by its absolute path next to the package entry point.
import { createRequire } from 'node:module';
import path from 'node:path';

export type AmqpType = 'bit' | 'octet' | 'short' | 'long' | 'longlong' | 'shortstr' | 'longstr' | 'table' | 'timestamp';

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
