// A Redis snapshot file (RDB, what `SAVE` writes as dump.rdb) put together from the payloads of
// DUMP and FUNCTION DUMP, so that a running Redis can be copied without SAVE or a replica: both
// would change what a learner reads about their own persistence (LASTSAVE, the changes since the
// last save, their dump.rdb; ROLE's replication offset), which the persistence lesson teaches.
//
// A DUMP payload is the value exactly as an RDB file holds it, followed by a 2-byte RDB version
// and an 8-byte CRC-64 (Redis's rdb.c and cluster.c, createDumpPayload). A file is the magic
// "REDIS" and the version as four digits; the functions' libraries; per database a SELECTDB
// opcode and its number, then per key an optional EXPIRETIME_MS opcode with the time in ms,
// the value's type byte, the key as a length-prefixed string and the value; an EOF opcode; and
// the CRC-64 of everything before it, little-endian.

/** RDB opcodes (rdb.h). */
const OPCODE_EXPIRETIME_MS = 252;
const OPCODE_SELECTDB = 254;
const OPCODE_EOF = 255;
/** The RDB version of Redis 7.0: the file's when no payload names one. */
const DEFAULT_RDB_VERSION = 10;
/** A payload ends with the RDB version (2 bytes) and a CRC-64 (8 bytes). */
const FOOTER_BYTES = 10;

export interface DumpedKey {
  key: Buffer;
  /** DUMP's reply. */
  payload: Buffer;
  /** Unix time in ms, or null for a key without an expiry. */
  expiresAtMs: number | null;
}

export interface DumpedRedis {
  /** FUNCTION DUMP's reply, or null when there are no libraries. */
  functions: Buffer | null;
  databases: Array<{ db: number; keys: DumpedKey[] }>;
}

// CRC-64 with the Jones polynomial, reflected, as Redis's crc64.c; a table of 256 entries, each
// kept as two 32-bit halves so that the loop needs no BigInt.
const POLY_REFLECTED = 0x95ac9329ac4bc9b5n;
const TABLE_LO = new Uint32Array(256);
const TABLE_HI = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let crc = BigInt(i);
  for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ POLY_REFLECTED : crc >> 1n;
  TABLE_LO[i] = Number(crc & 0xffffffffn);
  TABLE_HI[i] = Number(crc >> 32n);
}

/** Redis's CRC-64 of `bytes`, continuing from `crc` (0 to start). */
export function crc64(bytes: Uint8Array, crc = 0n): bigint {
  let lo = Number(crc & 0xffffffffn);
  let hi = Number(crc >> 32n);
  for (let i = 0; i < bytes.length; i++) {
    const index = (lo ^ bytes[i]) & 0xff;
    lo = (((lo >>> 8) | (hi << 24)) ^ TABLE_LO[index]) >>> 0;
    hi = ((hi >>> 8) ^ TABLE_HI[index]) >>> 0;
  }
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** A payload's parts; throws if it is too short or its CRC does not match (not a DUMP reply). */
export function readPayload(payload: Buffer): { body: Buffer; version: number } {
  // FUNCTION DUMP with no libraries is the footer alone.
  if (payload.length < FOOTER_BYTES) throw new Error(`a DUMP payload of ${payload.length} bytes is too short`);
  const end = payload.length - FOOTER_BYTES;
  const expected = payload.readBigUInt64LE(end + 2);
  if (crc64(payload.subarray(0, end + 2)) !== expected) throw new Error('a DUMP payload whose CRC-64 does not match');
  return { body: payload.subarray(0, end), version: payload.readUInt16LE(end) };
}

/** RDB's length encoding (rdbSaveLen): 6, 14, 32 or 64 bits, big-endian. */
export function rdbLength(n: number): Buffer {
  if (n < 1 << 6) return Buffer.from([n]);
  if (n < 1 << 14) return Buffer.from([0x40 | (n >> 8), n & 0xff]);
  if (n <= 0xffffffff) {
    const out = Buffer.alloc(5);
    out[0] = 0x80;
    out.writeUInt32BE(n, 1);
    return out;
  }
  const out = Buffer.alloc(9);
  out[0] = 0x81;
  out.writeBigUInt64BE(BigInt(n), 1);
  return out;
}

/** The whole file, loadable by a Redis of the payloads' version or later. */
export function rdbFile(dumped: DumpedRedis): Buffer {
  const parts: Buffer[] = [];
  let version = 0;
  const body = (payload: Buffer) => {
    const read = readPayload(payload);
    version = Math.max(version, read.version);
    return read.body;
  };
  // The libraries are a run of FUNCTION2 opcodes, each with its code: as the file holds them.
  if (dumped.functions) parts.push(body(dumped.functions));
  for (const { db, keys } of dumped.databases) {
    if (keys.length === 0) continue;
    parts.push(Buffer.from([OPCODE_SELECTDB]), rdbLength(db));
    for (const { key, payload, expiresAtMs } of keys) {
      if (expiresAtMs !== null) {
        const expiry = Buffer.alloc(9);
        expiry[0] = OPCODE_EXPIRETIME_MS;
        expiry.writeBigInt64LE(BigInt(expiresAtMs), 1);
        parts.push(expiry);
      }
      const value = body(payload);
      // The type byte leads the payload; the key goes between it and the value.
      parts.push(value.subarray(0, 1), rdbLength(key.length), key, value.subarray(1));
    }
  }
  const head = Buffer.from(`REDIS${String(version || DEFAULT_RDB_VERSION).padStart(4, '0')}`, 'ascii');
  const file = Buffer.concat([head, ...parts, Buffer.from([OPCODE_EOF])]);
  const sum = Buffer.alloc(8);
  sum.writeBigUInt64LE(crc64(file));
  return Buffer.concat([file, sum]);
}
