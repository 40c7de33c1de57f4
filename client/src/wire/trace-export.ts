// The Wire view's two exports of a trace: JSON (the events as the server sent them, under a small
// header), and pcapng for Wireshark (shared/pcapng.ts builds it).
import type { ServiceInfo } from '../../../shared/protocol.ts';
import { tracePcapng } from '../../../shared/pcapng.ts';
import type { TraceEvent } from '../../../shared/trace.ts';
import type { TraceSnapshot } from './trace-store.ts';

export interface TraceJson {
  channel: string | null;
  title: string;
  /** ISO 8601. */
  exportedAt: string;
  events: readonly TraceEvent[];
}

export function traceJson(trace: TraceSnapshot, title: string, now: Date): string {
  const file: TraceJson = { channel: trace.channel, title, exportedAt: now.toISOString(), events: trace.events };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** The capture of a trace, each service on the port its dissector in Wireshark expects (6379 for Redis). */
export function tracePcapngFile(
  trace: TraceSnapshot,
  services: readonly Pick<ServiceInfo, 'name' | 'conventionalPort'>[],
  now: Date,
): Uint8Array {
  const ports = Object.fromEntries(services.map((s) => [s.name, s.conventionalPort]));
  return tracePcapng(trace.events, ports, trace.openedAt ?? now.getTime());
}

/** `wire-consumer.py-1-20250101-120000.json`: what it is a trace of, and when, in a name any system takes. */
export function exportFileName(title: string, extension: string, now: Date): string {
  const slug =
    title
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'trace';
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `wire-${slug}-${stamp}.${extension}`;
}

/** Hands a file to the browser's download. */
export function downloadFile(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // After the click has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
