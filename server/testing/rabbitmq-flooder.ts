// The flooding learner of rabbitmq-flood.ts, in a process of its own as a learner's program would
// be: in the same process its publishing would hold up the event loop of the other learner's client
// and show up as the broker's latency. Run with `node --import tsx rabbitmq-flooder.ts` and
// FLOODER={…FlooderSpec}; prints {"began":true} once it publishes, then its FlooderReport, as JSON
// lines.
//
// Half of its channels are in confirm mode, each keeping a window of publishes in flight; the other
// half publish without confirms, writing until the socket's buffer is full and then waiting for it
// to drain. Each channel fills queues of its own.
import amqp, { type Channel, type ConfirmChannel } from 'amqplib';

/** Publishes a confirm channel keeps in flight. */
const CONFIRM_WINDOW = 8;

export interface FlooderSpec {
  url: string;
  totalBytes: number;
  seconds?: number;
  bodyBytes: number;
  connections: number;
  queuesPerConnection: number;
}

export interface FlooderReport {
  publishedBytes: number;
  acked: number;
  nacked: number;
  durationMs: number;
  queues: number;
  blocked: number;
  error?: string;
}

async function main(spec: FlooderSpec): Promise<FlooderReport> {
  const report: FlooderReport = { publishedBytes: 0, acked: 0, nacked: 0, durationMs: 0, queues: 0, blocked: 0 };
  const body = Buffer.alloc(spec.bodyBytes, 'f');
  let began = Infinity;
  let claimed = 0;
  /** Takes the next body's worth of the flood; false once it is all taken, or its time is up. */
  const claim = () => {
    if (claimed + spec.bodyBytes > spec.totalBytes) return false;
    if (spec.seconds !== undefined && performance.now() - began > spec.seconds * 1000) return false;
    claimed += spec.bodyBytes;
    report.publishedBytes += spec.bodyBytes;
    return true;
  };
  const confirmed = async (ch: ConfirmChannel, queues: string[]) => {
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; claim(); i++) {
      const p: Promise<void> = new Promise<void>((resolve) =>
        ch.sendToQueue(queues[i % queues.length], body, {}, (err) => {
          if (err) report.nacked++;
          else report.acked++;
          resolve();
        }),
      ).then(() => {
        inFlight.delete(p);
      });
      inFlight.add(p);
      if (inFlight.size >= CONFIRM_WINDOW) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  };
  const plain = async (ch: Channel, queues: string[]) => {
    let closed = false;
    let wake: (() => void) | null = null;
    ch.once('close', () => {
      closed = true;
      wake?.();
    });
    for (let i = 0; claim(); i++) {
      if (ch.sendToQueue(queues[i % queues.length], body)) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        ch.once('drain', resolve);
      });
      // A channel the broker closed never drains.
      if (closed) throw new Error('the broker closed a publishing channel');
    }
  };

  const models = [];
  const publishers: Array<() => Promise<void>> = [];
  try {
    for (let c = 0; c < spec.connections; c++) {
      const model = await amqp.connect(spec.url);
      model.on('error', () => {});
      model.on('blocked', () => report.blocked++);
      models.push(model);
      const [withConfirms, without] = await Promise.all([model.createConfirmChannel(), model.createChannel()]);
      const names = Array.from({ length: spec.queuesPerConnection }, (_, q) => `flood-${c}-${q}`);
      for (const q of names) await withConfirms.assertQueue(q);
      report.queues += names.length;
      const half = Math.ceil(names.length / 2);
      publishers.push(
        () => confirmed(withConfirms, names.slice(0, half)),
        () => plain(without, names.slice(half)),
      );
    }
    began = performance.now();
    process.stdout.write(JSON.stringify({ began: true }) + '\n');
    await Promise.all(publishers.map((p) => p()));
  } catch (err) {
    report.error = (err as Error).message;
  } finally {
    report.durationMs = performance.now() - began;
    await Promise.all(models.map((m) => m.close().catch(() => {})));
  }
  return report;
}

const report = await main(JSON.parse(process.env.FLOODER ?? '{}') as FlooderSpec);
process.stdout.write(JSON.stringify(report) + '\n');
