// Replies of many packets, read one packet at a time as they arrive and shown as ONE message: a
// result set (column count, column definitions, EOF, rows, the closing EOF or OK), the reply to
// COM_STMT_PREPARE (COM_STMT_PREPARE_OK and the parameter and column definitions) and to
// COM_FIELD_LIST. Read with `full` false (as the decoder first reads them) they only count and
// keep what the summary needs; the tree comes from reading the message again with `full` true,
// when someone looks (wire-decoder.ts). Even then a row past ROWS_SHOWN is only counted.
import type { TraceNode } from '../../../shared/trace.ts';
import { CLIENT, Cursor, MARIADB, MAX_PAYLOAD, STATUS, type Packet, type Span } from './wire-packets.ts';
import {
  eofSummary,
  errSummary,
  okSummary,
  plural,
  readBinaryRow,
  readColumn,
  readEof,
  readErr,
  readOk,
  readTextRow,
  skimColumn,
  type ColumnDef,
  type ErrInfo,
  type OkInfo,
} from './wire-replies.ts';

/** Rows of a result set the tree shows; the rest are counted ("… 950 more rows"). */
export const ROWS_SHOWN = 50;

/** What both sides agreed on at login: it changes how replies are laid out. */
export interface Negotiated {
  caps: number;
  ext: number;
}

export interface Reply {
  summary: string;
  nodes: TraceNode[];
  /** The ERR that ended it, if one did. */
  error?: ErrInfo;
  /** The last status flags: SERVER_MORE_RESULTS_EXISTS says another result follows. */
  status: number;
  ok?: OkInfo;
  columns: ColumnDef[];
  params: ColumnDef[];
  statementId?: number;
}

export interface ReplyReader {
  /** Reads the next packet of the reply; true when the reply is whole. */
  add(pkt: Packet, sp: Span): boolean;
  reply(): Reply;
}

function isEnd(p: Buffer): boolean {
  // A text row may start with 0xFE too, but only for a value of 16 MiB or more.
  return p.length > 0 && p[0] === 0xfe && p.length < MAX_PAYLOAD;
}

function range(sp: Span, pkt: Packet): [number, number] {
  return [sp.start, sp.start + pkt.size];
}

/** Nodes of a run of packets, and the byte range they cover together. */
class Group {
  nodes: TraceNode[] = [];
  at: [number, number] | undefined;
  extend(at: [number, number]): void {
    this.at = this.at ? [this.at[0], at[1]] : at;
  }
}

/** The closing EOF, OK (0xFE, under CLIENT_DEPRECATE_EOF) or ERR of a run of packets. */
function readEnd(
  pkt: Packet,
  sp: Span,
  n: Negotiated,
  full: boolean,
): { node: TraceNode; status: number; error?: ErrInfo; ok?: OkInfo; note: string } {
  const c = new Cursor(pkt.payload, 1);
  if (pkt.payload[0] === 0xff) {
    const error = readErr(c, sp, full);
    return {
      node: { label: 'ERR', value: errSummary(error), at: range(sp, pkt), children: error.nodes },
      status: 0,
      error,
      note: '',
    };
  }
  if (n.caps & CLIENT.DEPRECATE_EOF && pkt.payload.length > 5) {
    const ok = readOk(c, sp, n.caps, 'OK (0xFE: ends a result)', full);
    const warn = ok.warnings > 0 ? plural(ok.warnings, 'warning') : '';
    return {
      node: { label: 'OK', value: okSummary(ok), at: range(sp, pkt), children: ok.nodes },
      status: ok.status,
      ok,
      note: warn,
    };
  }
  const eof = readEof(c, sp, n.caps, full);
  const warn = eof.warnings > 0 ? plural(eof.warnings, 'warning') : '';
  return {
    node: { label: 'EOF', value: eofSummary(eof), at: range(sp, pkt), children: eof.nodes },
    status: eof.status,
    note: warn,
  };
}

/**
 * A result set, text (COM_QUERY) or binary (COM_STMT_EXECUTE, COM_STMT_FETCH). `known`: columns
 * the client already has (a prepared statement's) when the server skips sending them again.
 */
export class ResultSetReader implements ReplyReader {
  private state: 'count' | 'columns' | 'eof' | 'rows';
  private count = 0;
  private columns: ColumnDef[] = [];
  private readonly columnGroup = new Group();
  private readonly rowGroup = new Group();
  private readonly nodes: TraceNode[] = [];
  private rows = 0;
  private end: ReturnType<typeof readEnd> | null = null;
  private cursorOpen = false;

  constructor(
    private readonly n: Negotiated,
    private readonly binary: boolean,
    private readonly known: ColumnDef[] = [],
    private readonly rowsOnly = false,
    private readonly full = true,
  ) {
    this.state = rowsOnly ? 'rows' : 'count';
    if (rowsOnly) this.columns = known;
  }

  private get deprecateEof(): boolean {
    return (this.n.caps & CLIENT.DEPRECATE_EOF) !== 0;
  }

  add(pkt: Packet, sp: Span): boolean {
    if (this.state === 'rows') return this.row(pkt, sp);
    const p = pkt.payload;
    if (this.state === 'count') {
      const c = new Cursor(p);
      this.count = c.lenenc() ?? 0;
      // "Metadata follows", after the count: MySQL 8's optional metadata, MariaDB's cached metadata.
      let metadata = 1;
      if ((this.n.caps & CLIENT.OPTIONAL_RESULTSET_METADATA || this.n.ext & MARIADB.CACHE_METADATA) && c.left > 0) {
        metadata = c.u8();
      }
      this.nodes.push({ label: 'column count', value: String(this.count), at: range(sp, pkt) });
      if (metadata === 0) {
        this.nodes.push({ label: 'column definitions', value: 'skipped: the client has them from before' });
        this.columns = this.known;
        this.state = this.deprecateEof ? 'rows' : 'eof';
      } else {
        this.state = this.count > 0 ? 'columns' : 'rows';
      }
      return false;
    }
    if (this.state === 'columns') {
      const extended = (this.n.ext & MARIADB.EXTENDED_METADATA) !== 0;
      if (this.full) {
        const { col, node } = readColumn(new Cursor(p), sp, extended);
        this.columns.push(col);
        this.columnGroup.nodes.push(node);
        this.columnGroup.extend(range(sp, pkt));
      } else {
        this.columns.push(skimColumn(new Cursor(p), extended));
      }
      if (this.columns.length >= this.count) {
        this.nodes.push({
          label: 'columns',
          value: String(this.count),
          at: this.columnGroup.at,
          children: this.columnGroup.nodes,
        });
        this.state = this.deprecateEof ? 'rows' : 'eof';
      }
      return false;
    }
    if (this.state === 'eof') {
      this.state = 'rows';
      if (isEnd(p) && p.length < 9) {
        const eof = readEnd(pkt, sp, { caps: this.n.caps & ~CLIENT.DEPRECATE_EOF, ext: 0 }, this.full);
        this.nodes.push(eof.node);
        // A cursor was opened (COM_STMT_EXECUTE with a cursor flag): rows come by COM_STMT_FETCH.
        if (eof.status & STATUS.CURSOR_EXISTS && !this.rowsOnly) {
          this.cursorOpen = true;
          this.end = eof;
          return true;
        }
        return false;
      }
    }
    return this.row(pkt, sp);
  }

  /** Reading rows only to count them: the decoder may count them itself (PacketReader.takeRows). */
  get counting(): boolean {
    return this.state === 'rows' && !this.full;
  }

  countRows(n: number): void {
    this.rows += n;
  }

  /** A row, or the EOF, OK or ERR after the last. Past ROWS_SHOWN, or not `full`, a row is only counted. */
  private row(pkt: Packet, sp: Span): boolean {
    const first = pkt.first;
    if (first === 0xff || (first === 0xfe && pkt.length < MAX_PAYLOAD)) {
      this.end = readEnd(pkt, sp, this.n, this.full);
      return true;
    }
    this.rows++;
    if (!this.full) return false;
    this.rowGroup.extend(range(sp, pkt));
    if (this.rows <= ROWS_SHOWN) {
      const c = new Cursor(pkt.payload);
      const label = `row ${this.rows}`;
      const node = this.binary ? readBinaryRow(c, sp, this.columns, label) : readTextRow(c, sp, this.columns, label);
      if (c.short) node.value = `${node.value} (malformed row)`;
      this.rowGroup.nodes.push(node);
    }
    return false;
  }

  reply(): Reply {
    const rowNodes = this.rowGroup.nodes;
    if (this.rows > ROWS_SHOWN) rowNodes.push({ label: `… ${this.rows - ROWS_SHOWN} more rows` });
    if (!this.cursorOpen) {
      this.nodes.push({ label: 'rows', value: String(this.rows), at: this.rowGroup.at, children: rowNodes });
    }
    if (this.end && !this.cursorOpen) this.nodes.push(this.end.node);
    const what = this.rowsOnly
      ? `rows: ${plural(this.rows, 'row')}`
      : `result set: ${plural(this.count, 'column')}, ${this.cursorOpen ? 'rows by COM_STMT_FETCH (cursor)' : plural(this.rows, 'row')}`;
    let summary = what + (this.end?.note ? `, ${this.end.note}` : '');
    if (this.end?.error) summary += `, then ${errSummary(this.end.error)}`;
    return {
      summary,
      nodes: this.nodes,
      error: this.end?.error,
      status: this.end?.status ?? 0,
      ok: this.end?.ok,
      columns: this.columns,
      params: [],
    };
  }
}

/** COM_STMT_PREPARE_OK, then the parameters' definitions (+ EOF), then the columns' (+ EOF). */
export class PrepareReader implements ReplyReader {
  private state: 'ok' | 'params' | 'paramsEof' | 'columns' | 'columnsEof' | 'done' = 'ok';
  private statementId = 0;
  private columnCount = 0;
  private paramCount = 0;
  private warnings = 0;
  private readonly params: ColumnDef[] = [];
  private readonly columns: ColumnDef[] = [];
  private readonly paramGroup = new Group();
  private readonly columnGroup = new Group();
  private readonly nodes: TraceNode[] = [];

  constructor(
    private readonly n: Negotiated,
    private readonly full = true,
  ) {}

  add(pkt: Packet, sp: Span): boolean {
    const c = new Cursor(pkt.payload);
    if (this.state === 'ok') {
      const at = (from: number) => sp.at(from, c.pos);
      const children: TraceNode[] = [{ label: 'header', value: 'OK', at: sp.at(0, 1) }];
      c.u8();
      this.statementId = c.u32();
      children.push({ label: 'statement id', value: String(this.statementId), at: at(1) });
      this.columnCount = c.u16();
      children.push({ label: 'columns', value: String(this.columnCount), at: at(5) });
      this.paramCount = c.u16();
      children.push({ label: 'params', value: String(this.paramCount), at: at(7) });
      c.u8();
      if (c.left >= 2) {
        this.warnings = c.u16();
        children.push({ label: 'warnings', value: String(this.warnings), at: at(10) });
      }
      this.nodes.push({ label: 'COM_STMT_PREPARE_OK', at: range(sp, pkt), children });
      this.state = 'params';
      return this.advance();
    }
    if (this.state === 'params' || this.state === 'columns') {
      const extended = (this.n.ext & MARIADB.EXTENDED_METADATA) !== 0;
      const list = this.state === 'params' ? this.params : this.columns;
      if (this.full) {
        const { col, node } = readColumn(c, sp, extended);
        const group = this.state === 'params' ? this.paramGroup : this.columnGroup;
        list.push(col);
        group.nodes.push(node);
        group.extend(range(sp, pkt));
      } else {
        list.push(skimColumn(c, extended));
      }
      return this.advance();
    }
    // An EOF after the definitions (no CLIENT_DEPRECATE_EOF).
    this.nodes.push(readEnd(pkt, sp, { caps: this.n.caps & ~CLIENT.DEPRECATE_EOF, ext: 0 }, this.full).node);
    this.state = this.state === 'paramsEof' ? 'columns' : 'done';
    return this.advance();
  }

  /** Moves past the parts that are complete or absent; true when nothing more comes. */
  private advance(): boolean {
    const eof = (this.n.caps & CLIENT.DEPRECATE_EOF) === 0;
    if (this.state === 'params' && this.params.length >= this.paramCount) {
      if (this.paramCount > 0)
        this.nodes.push({
          label: 'params',
          value: String(this.paramCount),
          at: this.paramGroup.at,
          children: this.paramGroup.nodes,
        });
      this.state = this.paramCount > 0 && eof ? 'paramsEof' : 'columns';
    }
    if (this.state === 'columns' && this.columns.length >= this.columnCount) {
      if (this.columnCount > 0)
        this.nodes.push({
          label: 'columns',
          value: String(this.columnCount),
          at: this.columnGroup.at,
          children: this.columnGroup.nodes,
        });
      this.state = this.columnCount > 0 && eof ? 'columnsEof' : 'done';
    }
    return this.state === 'done';
  }

  reply(): Reply {
    const warn = this.warnings > 0 ? `, ${plural(this.warnings, 'warning')}` : '';
    return {
      summary: `COM_STMT_PREPARE_OK statement ${this.statementId}, ${plural(this.columnCount, 'column')}, ${plural(this.paramCount, 'param')}${warn}`,
      nodes: this.nodes,
      status: 0,
      columns: this.columns,
      params: this.params,
      statementId: this.statementId,
    };
  }
}

/** COM_FIELD_LIST's reply: column definitions with their defaults, until EOF (or ERR). */
export class FieldListReader implements ReplyReader {
  private readonly columns: ColumnDef[] = [];
  private readonly group = new Group();
  private end: ReturnType<typeof readEnd> | null = null;

  constructor(
    private readonly n: Negotiated,
    private readonly full = true,
  ) {}

  add(pkt: Packet, sp: Span): boolean {
    const p = pkt.payload;
    if (p.length > 0 && (p[0] === 0xff || (p[0] === 0xfe && p.length < 9) || isEnd(p))) {
      this.end = readEnd(
        pkt,
        sp,
        p.length < 9 ? { caps: this.n.caps & ~CLIENT.DEPRECATE_EOF, ext: 0 } : this.n,
        this.full,
      );
      return true;
    }
    const extended = (this.n.ext & MARIADB.EXTENDED_METADATA) !== 0;
    if (!this.full) {
      this.columns.push(skimColumn(new Cursor(p), extended));
      return false;
    }
    const { col, node } = readColumn(new Cursor(p), sp, extended, true);
    this.columns.push(col);
    this.group.nodes.push(node);
    this.group.extend(range(sp, pkt));
    return false;
  }

  reply(): Reply {
    const nodes: TraceNode[] = [
      { label: 'columns', value: String(this.columns.length), at: this.group.at, children: this.group.nodes },
    ];
    if (this.end) nodes.push(this.end.node);
    let summary = `field list: ${plural(this.columns.length, 'column')}`;
    if (this.end?.error)
      summary = this.columns.length ? `${summary}, then ${errSummary(this.end.error)}` : errSummary(this.end.error);
    return { summary, nodes, error: this.end?.error, status: this.end?.status ?? 0, columns: this.columns, params: [] };
  }
}
