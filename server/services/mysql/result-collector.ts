// Gathers one result set as its rows stream in. A table's column widths depend on every row, so
// the shown rows must be kept until the end, as the client keeps them; beyond what the playground
// shows, rows are only counted, so a SELECT of millions of rows costs no memory.
import { MYSQL_MAX_ROWS_SHOWN } from '../../../shared/limits.ts';
import { cellText, type Column } from './columns.ts';
import {
  formatTable,
  formatVertical,
  headerWidths,
  tableLineLength,
  truncationNote,
  verticalRowLength,
  widenFor,
  type Row,
  type TruncatedBy,
} from './format-result.ts';

/**
 * Text a shown result may take, padding included. A thousand rows of wide values would otherwise
 * make tens of megabytes of output, far past what the terminal host keeps for a slow browser
 * (OUTPUT_HARD_LIMIT_BYTES, 4 MiB): beyond this the rest of the rows are counted, not shown.
 */
export const MAX_RESULT_TEXT_CHARS = 2 * 1024 * 1024;

/** Border and header lines around the rows of a table. */
const TABLE_FRAME_LINES = 4;

export interface CollectorLimits {
  maxRows: number;
  maxChars: number;
}

export const DEFAULT_LIMITS: CollectorLimits = { maxRows: MYSQL_MAX_ROWS_SHOWN, maxChars: MAX_RESULT_TEXT_CHARS };

export class ResultCollector {
  /** Rows seen, shown or not. */
  total = 0;
  private readonly rows: Row[] = [];
  private widths: number[];
  private verticalChars = 0;
  private overflowChars = 0;
  private stoppedBy: TruncatedBy | null = null;

  constructor(
    readonly columns: readonly Column[],
    private readonly vertical: boolean,
    private readonly limits: CollectorLimits = DEFAULT_LIMITS,
  ) {
    this.widths = headerWidths(columns);
  }

  /** One row as the text protocol delivers it: a Buffer per value, null for NULL. */
  addRaw(raw: ReadonlyArray<Buffer | null>): void {
    // Rows past the limit are not even decoded.
    if (this.accepting()) this.keep(this.columns.map((c, i) => cellText(raw[i] ?? null, c)));
  }

  /** One row already as text (tests, and values the terminal makes itself). */
  addText(row: Row): void {
    if (this.accepting()) this.keep(row);
  }

  private accepting(): boolean {
    this.total++;
    if (this.stoppedBy) return false;
    if (this.rows.length >= this.limits.maxRows) {
      this.stoppedBy = 'rows';
      return false;
    }
    return true;
  }

  private keep(row: Row): void {
    if (this.vertical) {
      const chars = this.verticalChars + verticalRowLength(this.columns, row);
      if (chars > this.limits.maxChars) {
        this.stoppedBy = 'size';
        return;
      }
      this.verticalChars = chars;
    } else {
      const widths = widenFor(this.widths, row);
      // Values wider than MAX_COLUMN_WIDTH are not padded to but still printed: count them on top.
      const overflow = this.overflowChars + overflowOf(row, widths);
      const chars = (this.rows.length + 1 + TABLE_FRAME_LINES) * tableLineLength(widths) + overflow;
      if (chars > this.limits.maxChars) {
        this.stoppedBy = 'size';
        return;
      }
      this.widths = widths;
      this.overflowChars = overflow;
    }
    this.rows.push(row);
  }

  get shown(): number {
    return this.rows.length;
  }

  /** The rows as the client prints them (nothing for an empty set), and a note if some are left out. */
  render(): string {
    if (this.total === 0) return '';
    let out = '';
    if (this.rows.length > 0) {
      out = this.vertical ? formatVertical(this.columns, this.rows) : formatTable(this.columns, this.rows, this.widths);
    }
    const hidden = this.total - this.rows.length;
    if (hidden > 0) {
      out += truncationNote(hidden, this.stoppedBy ?? 'rows', this.limits.maxRows, this.limits.maxChars);
    }
    return out;
  }
}

function overflowOf(row: Row, widths: readonly number[]): number {
  let extra = 0;
  row.forEach((v, i) => {
    if (v !== null && v.length > widths[i]) extra += v.length - widths[i];
  });
  return extra;
}
