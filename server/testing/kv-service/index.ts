// A fifth service, written the way the four real ones are, all in this one folder: a throw-away
// line-protocol key-value server (kv-server.mjs) with its terminal, a private instance, step checks,
// a lesson reset, an instance per learner in classroom mode and the variable a snippet finds.
// fifth-service.int.test.ts adds it to a registry of its own and shows that the playground gives
// it all of that without a change anywhere else.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { fail, pass, type ServiceChecks, type ServiceReset } from '../../services/check-types.ts';
import type { LearnerInstances } from '../../services/classroom-types.ts';
import { connectTcp, parseHostPort } from '../../services/net-util.ts';
import type { Endpoint } from '../../services/endpoint.ts';
import type { ServiceAdapter, TerminalOutput, TerminalSession } from '../../services/types.ts';

const SERVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'kv-server.mjs');
const CONNECT_TIMEOUT_MS = 2_000;
const PROMPT = 'kv> ';

function endpointAt(port: number): Endpoint {
  const address = `127.0.0.1:${port}`;
  return { url: address, address };
}

/** One command on a connection of its own; answers the reply line. */
export async function kvCommand(endpoint: Endpoint, line: string): Promise<string> {
  const { host, port } = parseHostPort(endpoint.address, 'kv');
  const socket = await connectTcp(host, port, CONNECT_TIMEOUT_MS);
  try {
    return await new Promise<string>((resolve, reject) => {
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        text += chunk;
        if (text.includes('\r\n')) resolve(text.slice(0, text.indexOf('\r\n')));
      });
      socket.on('error', reject);
      socket.on('close', () => reject(new Error('kv closed the connection')));
      socket.write(`${line}\r\n`);
    });
  } finally {
    socket.destroy();
  }
}

class KvTerminal implements TerminalSession {
  constructor(
    private readonly endpoint: Endpoint,
    private readonly output: TerminalOutput,
  ) {
    output.prompt(PROMPT);
  }

  line(text: string): void {
    kvCommand(this.endpoint, text).then(
      (reply) => {
        this.output.write(`${reply}\r\n`);
        this.output.prompt(PROMPT);
      },
      (err: Error) => this.output.fail(err.message),
    );
  }

  interrupt(): void {
    this.output.prompt(PROMPT);
  }

  close(): void {}
}

const checkSchema = z.strictObject({
  key: z.string().min(1),
  equals: z.string().optional(),
  absent: z.literal(true).optional(),
});

const kvChecks: ServiceChecks<z.infer<typeof checkSchema>> = {
  example: '{key: greeting}',
  parse: (_body, ctx) => ctx.parse(checkSchema),
  async run(spec, scope) {
    const reply = await kvCommand(scope.endpoint(), `GET ${spec.key}`);
    const value = reply.startsWith('VALUE ') ? reply.slice('VALUE '.length) : null;
    if (spec.absent)
      return value === null ? pass(`kv has no key "${spec.key}"`) : fail(`kv still has key "${spec.key}"`);
    if (value === null) return fail(`kv has no key "${spec.key}"`);
    if (spec.equals !== undefined && value !== spec.equals)
      return fail(`kv key "${spec.key}" holds "${value}", not "${spec.equals}"`);
    return pass(`kv key "${spec.key}" holds "${value}"`);
  },
};

const kvReset: ServiceReset<string[]> = {
  schema: z.array(z.string().min(1)),
  async run(keys, scope, report) {
    for (const key of keys) {
      await report.attempt(`kv key "${key}"`, async () => {
        if ((await kvCommand(scope.endpoint(), `DEL ${key}`)) === '1') report.cleared(`kv key "${key}"`);
      });
    }
  },
};

const kvLearners: LearnerInstances = {
  kind: 'instance',
  aptPackages: [],
  binaries: [process.execPath],
  limits: {},
  command: process.execPath,
  stopSignal: 'SIGTERM',
  prepare: async (port) => [SERVER, String(port)],
  async probe(port, pid) {
    const reply = await kvCommand(endpointAt(port), 'PID');
    if (reply !== `PID ${pid}`) throw new Error(`port ${port} is answered by ${reply}, not pid ${pid}`);
  },
  endpoint: endpointAt,
  async flush(port) {
    await kvCommand(endpointAt(port), 'FLUSH');
  },
};

export const kv: ServiceAdapter = {
  name: 'kv',
  title: 'KV',
  fenceTag: 'kv',
  conventionalPort: 7070,
  urlEnv: 'KV_URL',
  caseInsensitive: true,
  parseUrl(value) {
    const { host, port } = parseHostPort(value, 'KV_URL');
    return { url: `${host}:${port}`, address: `${host}:${port}` };
  },
  managed: {
    aptPackages: [],
    binaries: [process.execPath],
    portCount: 1,
    startTimeoutMs: 5_000,
    spawn: (ctx) => ({ command: process.execPath, args: [SERVER, String(ctx.ports[0])] }),
    endpoint: (ctx) => endpointAt(ctx.ports[0]),
  },
  async probe(endpoint) {
    const reply = await kvCommand(endpoint, 'VERSION');
    if (!reply.startsWith('VERSION ')) throw new Error(`unexpected reply to VERSION: ${reply}`);
    return { version: reply.slice('VERSION '.length) };
  },
  async commands() {
    return ['SET', 'GET', 'DEL', 'FLUSH'].map((name) => ({ name, syntax: name === 'SET' ? 'key value' : 'key' }));
  },
  async openTerminal(endpoint, output) {
    await kvCommand(endpoint, 'VERSION');
    return new KvTerminal(endpoint, output);
  },
  snippetEnv: (endpoint, forward) => ({ KV_URL: forward.hostPort(endpoint.url) }),
  checks: kvChecks,
  reset: kvReset,
  classroom: kvLearners,
};
