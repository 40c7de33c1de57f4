// A run's connections to its services, carried over the executor's own connection when the
// executor is on another machine: the run's forwarder (runner/host-forwarder.ts) dials a
// TunnelStream on the executor's side, and the web server connects it to the one service of that
// run it names (executor/client.ts), so which address a run can reach is still decided by the web
// server. Bytes travel as base64 in `data` frames; `end` is a half-close, `close` drops both ways.
//
// There is no flow control per connection: a run's traffic to its services is small (a lesson's
// commands and replies), and both ends are bounded by the run's output and time limits.
import { Duplex } from 'node:stream';
import type net from 'node:net';

export type TunnelFrame =
  { t: 'data'; conn: number; data: string } | { t: 'end'; conn: number } | { t: 'close'; conn: number };

/** The connections of one executor connection, whichever side it is on. */
export class Tunnel {
  private readonly streams = new Map<number, Duplex>();

  constructor(private readonly send: (frame: TunnelFrame) => void) {}

  get size(): number {
    return this.streams.size;
  }

  /** The executor's end of connection `conn`: what the run writes goes out as frames. */
  open(conn: number): Duplex {
    const stream = new TunnelStream(conn, this.send, () => this.streams.delete(conn));
    this.streams.set(conn, stream);
    return stream;
  }

  /** The web server's end: a socket to the service, carried as connection `conn`. */
  attach(conn: number, socket: net.Socket): void {
    this.streams.set(conn, socket);
    socket.on('data', (chunk: Buffer) => this.send({ t: 'data', conn, data: chunk.toString('base64') }));
    socket.on('end', () => this.send({ t: 'end', conn }));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (this.streams.get(conn) === socket) {
        this.streams.delete(conn);
        this.send({ t: 'close', conn });
      }
    });
  }

  /** A frame from the other side. */
  receive(frame: TunnelFrame): void {
    const stream = this.streams.get(frame.conn);
    if (!stream) return;
    switch (frame.t) {
      case 'data': {
        const bytes = Buffer.from(frame.data, 'base64');
        if (stream instanceof TunnelStream) stream.push(bytes);
        else stream.write(bytes);
        return;
      }
      case 'end':
        if (stream instanceof TunnelStream) stream.push(null);
        else stream.end();
        return;
      case 'close':
        this.streams.delete(frame.conn);
        stream.destroy();
        return;
      default: {
        const _exhaustive: never = frame;
        return _exhaustive;
      }
    }
  }

  /** The executor connection is gone: every carried connection drops. */
  closeAll(): void {
    const streams = [...this.streams.values()];
    this.streams.clear();
    for (const s of streams) s.destroy();
  }
}

class TunnelStream extends Duplex {
  constructor(
    private readonly conn: number,
    private readonly send: (frame: TunnelFrame) => void,
    private readonly forget: () => void,
  ) {
    super({ allowHalfOpen: true });
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.send({ t: 'data', conn: this.conn, data: chunk.toString('base64') });
    done();
  }

  override _final(done: (error?: Error | null) => void): void {
    this.send({ t: 'end', conn: this.conn });
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.forget();
    this.send({ t: 'close', conn: this.conn });
    done(error);
  }
}
