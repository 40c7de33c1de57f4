// The AMQP opening handshake by hand, for tests that must see the broker's own words when it says
// no: amqplib reports a refused connection.open only as "Expected ConnectionOpenOk; got
// <ConnectionClose channel:0>", without the reply code and text. The frames are encoded and
// decoded by amqplib's own codec (not part of its public exports, hence the require by path).
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';

const require = createRequire(import.meta.url);
const amqplibDir = path.dirname(require.resolve('amqplib'));
const defs = require(path.join(amqplibDir, 'lib', 'defs.js')) as {
  encodeMethod(id: number, channel: number, fields: object): Buffer;
  ConnectionStart: number;
  ConnectionStartOk: number;
  ConnectionTune: number;
  ConnectionTuneOk: number;
  ConnectionOpen: number;
  ConnectionOpenOk: number;
  ConnectionClose: number;
};
const frames = require(path.join(amqplibDir, 'lib', 'frame.js')) as {
  PROTOCOL_HEADER: string;
  parseFrame(bin: Buffer, max: number): false | { rest: Buffer; type: number; channel: number; payload: Buffer };
  decodeFrame(frame: object): { id: number; fields: Record<string, unknown> };
};

export type OpenResult =
  | { ok: true }
  /** The broker closed the connection: at login (403 ACCESS_REFUSED) or at connection.open (530 NOT_ALLOWED). */
  | { ok: false; stage: 'login' | 'open'; code: number; text: string };

export async function amqpOpen(options: {
  host: string;
  port: number;
  user: string;
  password: string;
  vhost: string;
}): Promise<OpenResult> {
  const socket = net.connect({ host: options.host, port: options.port });
  let buffer: Buffer = Buffer.alloc(0);
  const waiting: Array<(frame: { id: number; fields: Record<string, unknown> }) => void> = [];
  const queued: Array<{ id: number; fields: Record<string, unknown> }> = [];
  let failure: Error | null = null;
  const failures: Array<(err: Error) => void> = [];
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const frame = frames.parseFrame(buffer, 0);
      if (!frame) break;
      buffer = frame.rest;
      const decoded = frames.decodeFrame(frame);
      const next = waiting.shift();
      if (next) next(decoded);
      else queued.push(decoded);
    }
  });
  const fail = (err: Error) => {
    failure ??= err;
    for (const f of failures.splice(0)) f(err);
  };
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('the broker closed the socket')));
  const next = () =>
    new Promise<{ id: number; fields: Record<string, unknown> }>((resolve, reject) => {
      const q = queued.shift();
      if (q) return resolve(q);
      if (failure) return reject(failure);
      waiting.push(resolve);
      failures.push(reject);
    });
  const send = (id: number, fields: object) => socket.write(defs.encodeMethod(id, 0, fields));
  const closed = (stage: 'login' | 'open', f: { id: number; fields: Record<string, unknown> }): OpenResult => ({
    ok: false,
    stage,
    code: Number(f.fields.replyCode),
    text: String(f.fields.replyText),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.write(frames.PROTOCOL_HEADER);
    const start = await next();
    if (start.id !== defs.ConnectionStart) throw new Error(`expected connection.start, got method ${start.id}`);
    send(defs.ConnectionStartOk, {
      // Without this capability the broker drops the socket instead of saying why it refused the login.
      clientProperties: { capabilities: { authentication_failure_close: true } },
      mechanism: 'PLAIN',
      response: Buffer.from(`\0${options.user}\0${options.password}`),
      locale: 'en_US',
    });
    const tune = await next();
    if (tune.id === defs.ConnectionClose) return closed('login', tune);
    // The broker's own proposals, accepted as they are (it refuses channel_max 0, "no limit").
    send(defs.ConnectionTuneOk, { channelMax: tune.fields.channelMax, frameMax: tune.fields.frameMax, heartbeat: 0 });
    send(defs.ConnectionOpen, { virtualHost: options.vhost, capabilities: '', insist: false });
    const opened = await next();
    if (opened.id === defs.ConnectionClose) return closed('open', opened);
    if (opened.id !== defs.ConnectionOpenOk) throw new Error(`expected connection.open-ok, got method ${opened.id}`);
    return { ok: true };
  } finally {
    socket.destroy();
  }
}
