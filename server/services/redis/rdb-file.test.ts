import { describe, expect, it } from 'vitest';
import { crc64, rdbFile, rdbLength, readPayload } from './rdb-file.ts';

/** A payload as DUMP builds one: the body, the RDB version, the CRC-64 of both. */
function payload(body: Buffer, version = 10): Buffer {
  const head = Buffer.concat([body, Buffer.from([version & 0xff, version >> 8])]);
  const sum = Buffer.alloc(8);
  sum.writeBigUInt64LE(crc64(head));
  return Buffer.concat([head, sum]);
}

describe('the RDB file put together from DUMP payloads', () => {
  it("computes Redis's CRC-64 (crc64.c's own test vector)", () => {
    expect(crc64(Buffer.from('123456789'))).toBe(0xe9c6d914c4b8d9can);
    // Continuing from a partial sum is the same as one pass.
    expect(crc64(Buffer.from('6789'), crc64(Buffer.from('12345')))).toBe(0xe9c6d914c4b8d9can);
  });

  it('encodes lengths in 6, 14 and 32 bits', () => {
    expect(rdbLength(63)).toEqual(Buffer.from([63]));
    expect(rdbLength(64)).toEqual(Buffer.from([0x40, 64]));
    expect(rdbLength(16_383)).toEqual(Buffer.from([0x7f, 0xff]));
    expect(rdbLength(16_384)).toEqual(Buffer.from([0x80, 0, 0, 0x40, 0]));
  });

  it('refuses a payload whose CRC does not match, or too short to have a footer', () => {
    const good = payload(Buffer.from([0, 1, 0x61]));
    expect(readPayload(good)).toEqual({ body: Buffer.from([0, 1, 0x61]), version: 10 });
    const bad = Buffer.from(good);
    bad[1] ^= 1;
    expect(() => readPayload(bad)).toThrow(/CRC-64 does not match/);
    expect(() => readPayload(Buffer.alloc(5))).toThrow(/too short/);
  });

  it('puts the key between the type byte and the value, after its expiry, under its database', () => {
    // A string "a" (type 0, length 1) for the key "k" in database 2, expiring at 1000 ms.
    const file = rdbFile({
      functions: null,
      databases: [
        { db: 0, keys: [] },
        { db: 2, keys: [{ key: Buffer.from('k'), payload: payload(Buffer.from([0, 1, 0x61])), expiresAtMs: 1000 }] },
      ],
    });
    const expiry = Buffer.alloc(8);
    expiry.writeBigInt64LE(1000n);
    const body = Buffer.concat([
      Buffer.from('REDIS0010'),
      Buffer.from([254, 2, 252]),
      expiry,
      Buffer.from([0, 1, 0x6b, 1, 0x61, 255]),
    ]);
    expect(file.subarray(0, -8)).toEqual(body);
    expect(file.readBigUInt64LE(file.length - 8)).toBe(crc64(body));
  });
});
