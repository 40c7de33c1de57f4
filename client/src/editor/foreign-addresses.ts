// Hard-coded server addresses in the learner's code that none of their services answers on: the
// `192.168.1.1` or `10.211.55.4:12000` of a tutorial or a blog. The editor marks each with a
// warning and offers quick fixes (MonacoEditor.tsx): the learner's own address (localhost on the
// service's conventional port, which a run reaches) or, for a whole URL, the variable that holds
// theirs. Only what a run can never reach is marked: an IPv4 address other than loopback, and the
// host of a URL that is not localhost. The services come from the server's catalog (no service is
// named here); the one a port or a line points at comes first among the fixes.
import { readVariable } from '../../../shared/constants.ts';
import type { RunLanguage, ServiceInfo } from '../../../shared/protocol.ts';

export interface AddressFix {
  title: string;
  /** Offsets in the code: what the fix replaces, and with what. */
  start: number;
  end: number;
  text: string;
  /** A line to add at the top first (Python's `import os`), if any. */
  prepend?: string;
}

export interface ForeignAddress {
  /** Offsets of the address (host, or host:port) in the code. */
  start: number;
  end: number;
  message: string;
  fixes: AddressFix[];
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0']);
/** A string literal on one line: '…', "…" or `…`. */
const STRING_LITERAL = /(['"`])((?:\\.|(?!\1)[^\\\n])*)\1/g;
const URL_HOST = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/\s]*@)?(\[[^\]]+\]|[^/:?#\s]+)(?::(\d{1,5}))?/i;
const IPV4 = /(?<![\d.])((?:\d{1,3}\.){3}\d{1,3})(?::(\d{1,5}))?(?![\d.])/g;
const ADDRESSES_ONLY = /^\s*(?:(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?[\s,;]*)+$/;

function isLocal(host: string): boolean {
  return LOCAL_HOSTS.has(host) || host.startsWith('127.');
}

/** The services in the order a fix should offer them: the port's, then the ones the line names. */
function likelyServices(services: readonly ServiceInfo[], port: number | null, line: string): ServiceInfo[] {
  const lower = line.toLowerCase();
  const score = (s: ServiceInfo) =>
    (port === s.conventionalPort ? 4 : 0) +
    (lower.includes(s.name.replace(/d$/, '').toLowerCase()) || lower.includes(s.title.toLowerCase()) ? 2 : 0);
  return [...services].sort((a, b) => score(b) - score(a));
}

function lineAround(code: string, offset: number): string {
  const start = code.lastIndexOf('\n', offset) + 1;
  const end = code.indexOf('\n', offset);
  return code.slice(start, end < 0 ? code.length : end);
}

export function findForeignAddresses(
  code: string,
  language: RunLanguage,
  services: readonly ServiceInfo[],
): ForeignAddress[] {
  if (!services.length) return [];
  const found: ForeignAddress[] = [];
  for (const literal of code.matchAll(STRING_LITERAL)) {
    const content = literal[2];
    const contentStart = literal.index! + 1;
    const url = URL_HOST.exec(content);
    if (url) {
      const host = url[2].replace(/^\[|\]$/g, '');
      if (isLocal(host)) continue;
      const hostStart = contentStart + url[0].lastIndexOf(url[2]);
      const port = url[3] ? Number(url[3]) : null;
      const end = hostStart + url[2].length + (url[3] ? url[3].length + 1 : 0);
      found.push(
        finding(
          code,
          language,
          services,
          { start: hostStart, end, host, port },
          {
            start: literal.index!,
            end: literal.index! + literal[0].length,
          },
        ),
      );
      continue;
    }
    // Only a literal that is nothing but addresses ('10.0.0.5:6379', '10.0.0.5,10.0.0.6'): a version
    // number inside a sentence is no address.
    if (!ADDRESSES_ONLY.test(content)) continue;
    for (const ip of content.matchAll(IPV4)) {
      if (isLocal(ip[1])) continue;
      const start = contentStart + ip.index!;
      found.push(
        finding(code, language, services, {
          start,
          end: start + ip[0].length,
          host: ip[1],
          port: ip[2] ? Number(ip[2]) : null,
        }),
      );
    }
  }
  return found;
}

function finding(
  code: string,
  language: RunLanguage,
  services: readonly ServiceInfo[],
  address: { start: number; end: number; host: string; port: number | null },
  wholeUrl?: { start: number; end: number },
): ForeignAddress {
  const ordered = likelyServices(services, address.port, lineAround(code, address.start));
  const best = address.port !== null ? services.find((s) => s.conventionalPort === address.port) : undefined;
  const used = code.slice(address.start, address.end);
  const message = best
    ? `${used} is not your ${best.title}: inside a run, your own ${best.title} answers on localhost:${best.conventionalPort}`
    : `${used} is not one of your services: inside a run they answer on localhost (${services
        .map((s) => `${s.title} ${s.conventionalPort}`)
        .join(', ')})`;
  // A host alone (host='192.168.1.1', a URL without a port): the port is elsewhere or the
  // library's default, so localhost is the whole fix. With a port, each service's own.
  const fixes: AddressFix[] =
    address.port === null
      ? [{ title: 'Use localhost (your services)', start: address.start, end: address.end, text: 'localhost' }]
      : ordered.map((s) => ({
          title: `Use localhost:${s.conventionalPort} (your ${s.title})`,
          start: address.start,
          end: address.end,
          text: `localhost:${s.conventionalPort}`,
        }));
  if (wholeUrl) {
    const s = ordered[0];
    const needsImport = language === 'python' && !/^\s*import\s+os\b|^\s*import\s+[\w, ]*\bos\b/m.test(code);
    fixes.splice(1, 0, {
      title: `Use ${readVariable(language, s.variable)} (your ${s.title}'s address)`,
      start: wholeUrl.start,
      end: wholeUrl.end,
      text: readVariable(language, s.variable),
      ...(needsImport ? { prepend: 'import os\n' } : {}),
    });
  }
  return { start: address.start, end: address.end, message, fixes };
}
