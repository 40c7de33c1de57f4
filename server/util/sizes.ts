// A size as a learner reads it in a hint or a notice: megabytes, whole or to one decimal
// ("32 MB", "0.5 MB"), and bytes below 64 KiB ("2,000 bytes").
const MB = 1024 * 1024;
const BYTES_BELOW = 64 * 1024;

export function formatSize(bytes: number): string {
  if (bytes < BYTES_BELOW) return bytes === 1 ? '1 byte' : `${bytes.toLocaleString('en-US')} bytes`;
  const mb = bytes / MB;
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
}
