// A frame's bytes as the hex view shows them: 16 a row under an offset, hex and ASCII side by side,
// the bytes a secret was overwritten in shown as •• (the server never sends what they held), at
// most TRACE_HEX_VIEW_BYTES and then how many more there are.
import { TRACE_HEX_VIEW_BYTES } from '../../../shared/trace.ts';

export const HEX_ROW_BYTES = 16;

export interface HexCell {
  /** The byte's offset in the frame. */
  at: number;
  /** Two hex digits, or •• for a masked byte. */
  hex: string;
  /** The character, `.` for one that does not print, • for a masked byte. */
  ascii: string;
  masked: boolean;
}

export interface HexRow {
  offset: number;
  /** The offset in hex, as wide as the last row's needs (at least 4 digits). */
  label: string;
  cells: HexCell[];
}

export interface HexDump {
  rows: HexRow[];
  /** Bytes of the frame not shown: past the view's limit, or not kept by the trace (`total`). */
  more: number;
}

/** Whether byte `at` lies in one of the [start, end) ranges. */
export function inRanges(at: number, ranges: readonly (readonly [number, number])[]): boolean {
  return ranges.some(([start, end]) => at >= start && at < end);
}

/**
 * The rows of `bytes`. `masked`: ranges overwritten because they held a secret. `total`: the
 * frame's whole size when the trace kept only its first bytes.
 */
export function hexDump(
  bytes: Uint8Array,
  masked: readonly (readonly [number, number])[] = [],
  limit = TRACE_HEX_VIEW_BYTES,
  total = bytes.length,
): HexDump {
  const shown = Math.min(bytes.length, limit);
  const width = Math.max(4, Math.max(0, shown - 1).toString(16).length);
  const rows: HexRow[] = [];
  for (let offset = 0; offset < shown; offset += HEX_ROW_BYTES) {
    const cells: HexCell[] = [];
    for (let at = offset; at < Math.min(offset + HEX_ROW_BYTES, shown); at++) {
      const b = bytes[at];
      const hidden = inRanges(at, masked);
      cells.push({
        at,
        hex: hidden ? '••' : b.toString(16).padStart(2, '0'),
        ascii: hidden ? '•' : b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.',
        masked: hidden,
      });
    }
    rows.push({ offset, label: offset.toString(16).padStart(width, '0'), cells });
  }
  return { rows, more: Math.max(total, bytes.length) - shown };
}
