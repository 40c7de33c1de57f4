// "guest/guest on vhost /" — the login every RabbitMQ tutorial uses — opens the learner's own
// account and vhost when a run connects to the conventional port (localhost:5672). The run's
// forwarder passes what the client sends through this Transform: it reads the connection's opening
// frames with amqplib's codec (lib/frame.js, lib/defs.js), puts the learner's user and password in
// a PLAIN `Connection.StartOk` that says guest/guest, and the learner's vhost in the
// `Connection.Open` that follows it if that asks for "/". From `Connection.Open` on it passes bytes
// through untouched, and it never rewrites any other login: a wrong password still fails, at the
// broker, for that user only. The learner's own credentials are in AMQP_URL inside the run
// already, so the rewrite gives the run nothing it did not have.
import { createRequire } from 'node:module';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { defs, methodId } from './amqp-defs.ts';

/** What the rewrite puts in: the learner's own login (from their AMQP URL). */
export interface AmqpLogin {
  user: string;
  password: string;
  vhost: string;
}

/** Tutorials' login, as pika, amqplib and the Java client send it by default. */
const GUEST_RESPONSE = Buffer.from('\0guest\0guest');
const PROTOCOL_HEADER_BYTES = 8;
/** The opening frames are small; more than this unparsed means it is not a client we can read. */
const MAX_OPENING_BYTES = 64 * 1024;
const FRAME_METHOD = 1;

interface ParsedFrame {
  type: number;
  channel: number;
  payload: Buffer;
  rest: Buffer;
}

const require = createRequire(import.meta.url);
const frames: { parseFrame(bin: Buffer, max: number): ParsedFrame | false } = require(
  path.join(path.dirname(require.resolve('amqplib')), 'lib', 'frame.js'),
);
const codec = defs as unknown as {
  decode(id: number, args: Buffer): Record<string, unknown>;
  encodeMethod(id: number, channel: number, fields: Record<string, unknown>): Buffer;
};
const START_OK = methodId('ConnectionStartOk')!;
const OPEN = methodId('ConnectionOpen')!;

export class GuestLogin extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  private headerSeen = false;
  private passing = false;
  private rewrote = false;

  constructor(private readonly login: AmqpLogin) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.passing) return done(null, chunk);
    this.pending = Buffer.concat([this.pending, chunk]);
    try {
      this.readOpening();
    } catch {
      // Not the AMQP we know: the broker answers it as it would anyway.
      this.passThrough();
    }
    if (!this.passing && this.pending.length > MAX_OPENING_BYTES) this.passThrough();
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.pending.length) this.push(this.pending);
    done();
  }

  private readOpening(): void {
    if (!this.headerSeen) {
      if (this.pending.length < PROTOCOL_HEADER_BYTES) return;
      if (this.pending.toString('latin1', 0, 4) !== 'AMQP') return this.passThrough();
      this.push(this.pending.subarray(0, PROTOCOL_HEADER_BYTES));
      this.pending = this.pending.subarray(PROTOCOL_HEADER_BYTES);
      this.headerSeen = true;
    }
    while (!this.passing) {
      const frame = frames.parseFrame(this.pending, 0);
      if (!frame) return;
      const whole = this.pending.subarray(0, this.pending.length - frame.rest.length);
      this.pending = frame.rest;
      if (frame.type !== FRAME_METHOD || frame.channel !== 0) {
        this.push(whole);
        continue;
      }
      const id = frame.payload.readUInt32BE(0);
      if (id === START_OK) {
        this.push(this.startOk(whole, frame.payload));
      } else if (id === OPEN) {
        this.push(this.open(whole, frame.payload));
        this.passThrough();
      } else {
        this.push(whole);
      }
    }
  }

  private startOk(whole: Buffer, payload: Buffer): Buffer {
    const fields = codec.decode(START_OK, payload.subarray(4));
    const response = fields.response as Buffer;
    if (fields.mechanism !== 'PLAIN' || !response.equals(GUEST_RESPONSE)) return whole;
    this.rewrote = true;
    const mine = Buffer.from(`\0${this.login.user}\0${this.login.password}`);
    return codec.encodeMethod(START_OK, 0, { ...fields, response: mine });
  }

  private open(whole: Buffer, payload: Buffer): Buffer {
    const fields = codec.decode(OPEN, payload.subarray(4));
    if (!this.rewrote || fields.virtualHost !== '/') return whole;
    return codec.encodeMethod(OPEN, 0, { ...fields, virtualHost: this.login.vhost });
  }

  private passThrough(): void {
    this.passing = true;
    if (this.pending.length) this.push(this.pending);
    this.pending = Buffer.alloc(0);
  }
}
