// One MySQL connection's decoder for the trace (the WireDecoder of wire-types.ts): both directions'
// packets through the protocol's phases — greeting, login, commands — each message with its role:
//
// - The greeting is 'other'. The HandshakeResponse41 is a 'request' and the OK (or ERR) that ends
//   the login is its 'reply', so the pair's latency is the login's; AuthSwitchRequest,
//   AuthMoreData and the client's auth data between them are 'other'. COM_CHANGE_USER likewise.
// - Every command is a 'request' on key ""; COM_QUIT, COM_STMT_CLOSE and COM_STMT_SEND_LONG_DATA,
//   which get no reply, are 'other'. Its reply (OK, ERR, EOF, a whole result set, the prepared
//   statement) is the 'reply'. A multi-result (SERVER_MORE_RESULTS_EXISTS: a CALL, several
//   statements in one COM_QUERY) gives each result its own message: the first is the 'reply', the
//   rest 'other'; every ERR carries the SQL in `detail` either way, so explain() needs no pairing.
// - LOAD DATA LOCAL INFILE: the server's file request is the COM_QUERY's 'reply'; the client's
//   file data (all its packets, one message) is a 'request' and the OK or ERR after it its reply.
//
// After an SSLRequest, and after a login that turned on compression, the rest of the connection
// is shown undecoded with the reason. A packet that makes no sense where it comes is undecoded too,
// and decoding goes on at the next packet header.
//
// Commands and multi-packet replies are read twice: at once for the summary and what the decoder
// must know (cheap: a row is only counted), and again for the tree only when someone reads
// `message.tree` (a lazy property): a trace past its limits never builds the trees it drops.
import type { TraceDir, TraceNode } from '../../../shared/trace.ts';
import type { WireDecoder, WireItem, WireMessage } from '../wire-types.ts';
import { readCommand, type Command, type Statement, type Statements } from './wire-commands.ts';
import { readAuthData, readAuthMoreData, readAuthSwitch, readGreeting, readHandshakeResponse } from './wire-login.ts';
import { CLIENT, Cursor, PacketReader, Span, STATUS, type Packet } from './wire-packets.ts';
import {
  eofSummary,
  errSummary,
  okSummary,
  quoteBytes,
  readEof,
  readErr,
  readOk,
  type ErrInfo,
} from './wire-replies.ts';
import { MysqlMessage, replyReader, type MultiRecipe, type Recipe } from './wire-message.ts';
import { PrepareReader, ResultSetReader, type Negotiated, type Reply, type ReplyReader } from './wire-resultset.ts';

/** What explain() finds in a message's `detail`. */
export interface MysqlErrorDetail {
  kind: 'error';
  code: number;
  sqlState: string;
  message: string;
  /** The command the error answers, its SQL, and the database in use when it was sent, when known. */
  command?: string;
  sql?: string;
  database?: string | null;
}

export interface MysqlCommandDetail {
  kind: 'command';
  command: string;
  sql?: string;
  database: string | null;
  statement?: number;
}

export type MysqlWireDetail = MysqlErrorDetail | MysqlCommandDetail;

/** Secret bytes are overwritten with '*': plainly not the original in the hex view. */
const MASK_BYTE = 0x2a;

/** A command waiting for its reply. */
interface Expect {
  name: string;
  kind: Command['reply'];
  sql?: string;
  database: string | null;
  use?: string;
  statement?: Statement;
  /** Its first reply went out: later results of a multi-result are 'other'. */
  answered: boolean;
}

/** The bytes of the message being read in one direction, whole packets only. */
class Held {
  parts: Buffer[] = [];
  length = 0;
  take(): Buffer {
    const b = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.length);
    this.parts = [];
    this.length = 0;
    return b;
  }
}

/** A message before its bytes are known; its tree may be read later, from those bytes. */
type Draft = Omit<WireMessage, 'dir' | 'bytes' | 'tree'> & { tree: TraceNode[] | Recipe };

export class MysqlDecoder implements WireDecoder, Statements {
  private readonly readers = { send: new PacketReader(), recv: new PacketReader() };
  private readonly held = { send: new Held(), recv: new Held() };
  private out: WireItem[] = [];
  /** Set when the rest of the connection cannot be decoded (TLS, compression): why. */
  private raw: string | null = null;
  private greeted = false;
  private responded = false;
  private serverCaps = 0;
  private serverExt = 0;
  private n: Negotiated = { caps: CLIENT.PROTOCOL_41, ext: 0 };
  /** Between a login (or COM_CHANGE_USER) and its OK or ERR: the client's packets are auth data. */
  private authExchange = false;
  private afterSwitch = false;
  private readonly expects: Expect[] = [];
  private multi: { reader: ReplyReader; recipe: MultiRecipe; expect: Expect } | null = null;
  /** The server asked for a LOCAL INFILE: the client's packets until an empty one are its data. */
  private infile: { expect: Expect; bytes: number; preview: Buffer | null } | null = null;
  private database: string | null = null;
  private readonly statements = new Map<number, Statement>();
  private lastStatement: Statement | undefined;

  feed(dir: TraceDir, chunk: Buffer): WireItem[] {
    const out: WireItem[] = [];
    this.out = out;
    try {
      if (this.raw !== null) {
        if (chunk.length > 0) out.push({ dir, bytes: chunk, reason: this.raw });
        return out;
      }
      const reader = this.readers[dir];
      reader.push(chunk);
      let pkt: Packet | null;
      while (this.raw === null) {
        const h = this.held[dir];
        const rows = dir === 'recv' && this.multi?.reader instanceof ResultSetReader && this.multi.reader.counting;
        const run = rows ? reader.takeRows() : null;
        if (run) {
          // Rows only counted (the tree reads them again): a chunk's worth at a time.
          h.parts.push(run);
          h.length += run.length;
          (this.multi!.reader as ResultSetReader).countRows(reader.rows);
          continue;
        }
        if (!(pkt = reader.next())) break;
        const sp = new Span(h.length, pkt.raw.length);
        for (const r of pkt.raw) h.parts.push(r);
        h.length += pkt.size;
        if (dir === 'send') this.onSend(pkt, sp);
        else this.onRecv(pkt, sp);
      }
    } catch (err) {
      // A bug must not lose bytes: everything held goes out raw, and so does the rest.
      this.goRaw(`decoder error: ${err instanceof Error ? err.message : String(err)}`);
    }
    return out;
  }

  flush(): WireItem[] {
    const out: WireItem[] = [];
    for (const dir of ['send', 'recv'] as const) {
      const parts = [...this.held[dir].parts, ...this.readers[dir].drain()];
      this.held[dir] = new Held();
      if (parts.length > 0) out.push({ dir, bytes: Buffer.concat(parts), reason: 'the connection ended mid-message' });
    }
    return out;
  }

  // ---- emitting -------------------------------------------------------------------------

  private emit(dir: TraceDir, draft: Draft): void {
    const h = this.held[dir];
    const single = h.parts.length === 1;
    let bytes = h.take();
    const masked = draft.masked?.length ? draft.masked.filter(([a, b]) => b > a && b <= bytes.length) : undefined;
    if (masked?.length) {
      if (single) bytes = Buffer.from(bytes);
      for (const [a, b] of masked) bytes.fill(MASK_BYTE, a, b);
    }
    const message = new MysqlMessage(dir, bytes, draft.summary, draft.role, draft.tree);
    if (masked?.length) message.masked = masked;
    if (draft.key !== undefined) message.key = draft.key;
    if (draft.error) message.error = true;
    if (draft.detail !== undefined) message.detail = draft.detail;
    this.out.push(message);
  }

  private undecoded(dir: TraceDir, reason: string): void {
    const bytes = this.held[dir].take();
    if (bytes.length > 0) this.out.push({ dir, bytes, reason });
  }

  /** From here on nothing is decoded: what is held, in both directions, goes out with `reason`. */
  private goRaw(reason: string): void {
    this.raw = reason;
    for (const dir of ['send', 'recv'] as const) {
      const parts = [...this.held[dir].parts, ...this.readers[dir].drain()];
      this.held[dir] = new Held();
      if (parts.length > 0) this.out.push({ dir, bytes: Buffer.concat(parts), reason });
    }
  }

  private reply(draft: Omit<Draft, 'role'> & Partial<Pick<Draft, 'role'>>, expect: Expect | undefined): void {
    const answers = expect !== undefined && !expect.answered;
    if (expect) expect.answered = true;
    draft.role = answers ? 'reply' : 'other';
    if (answers) draft.key = '';
    this.emit('recv', draft as Draft);
  }

  statement(id: number): Statement | undefined {
    return id === 0xffffffff ? this.lastStatement : this.statements.get(id);
  }

  private errorDetail(err: ErrInfo, expect: Expect | undefined): MysqlErrorDetail {
    return {
      kind: 'error',
      code: err.code,
      sqlState: err.sqlState,
      message: err.message,
      command: expect?.name,
      sql: expect?.sql,
      database: expect ? expect.database : this.database,
    };
  }

  // ---- the client ------------------------------------------------------------------------

  private onSend(pkt: Packet, sp: Span): void {
    const c = new Cursor(pkt.payload);
    if (!this.responded) {
      this.responded = true;
      const serverCaps = this.serverCaps;
      const r = readHandshakeResponse(c, sp, serverCaps, false);
      const tree: Recipe = { read: 'response', serverCaps };
      if (r.short) return this.undecoded('send', 'a HandshakeResponse that ends too soon');
      this.n = {
        caps: this.greeted ? r.caps & this.serverCaps : r.caps,
        ext: this.greeted ? r.ext & this.serverExt : r.ext,
      };
      if (r.ssl) {
        this.emit('send', { summary: r.summary, tree, role: 'other' });
        return this.goRaw('TLS — encrypted');
      }
      this.authExchange = true;
      this.afterSwitch = false;
      const database = r.database;
      this.expects.push({
        name: 'HandshakeResponse41',
        kind: 'auth',
        database,
        use: database ?? undefined,
        answered: false,
      });
      const detail: MysqlCommandDetail = { kind: 'command', command: 'HandshakeResponse41', database };
      return this.emit('send', {
        summary: r.summary,
        tree,
        masked: r.masked,
        role: 'request',
        key: '',
        detail,
      });
    }
    if (pkt.seq !== 0 && this.infile) return this.infileData(pkt);
    if (pkt.seq !== 0 && this.authExchange) {
      const r = readAuthData(c, sp, this.afterSwitch);
      return this.emit('send', { summary: r.summary, tree: r.nodes, masked: r.masked, role: 'other' });
    }
    if (pkt.seq !== 0 || pkt.payload.length === 0) {
      const what = pkt.seq !== 0 ? `a packet with sequence id ${pkt.seq}` : 'an empty packet';
      return this.undecoded('send', `${what} where a command (sequence id 0) was expected`);
    }
    this.command(c, sp);
  }

  private command(c: Cursor, sp: Span): void {
    const caps = this.n.caps;
    const cmd = readCommand(c, sp, caps, this, false);
    if (cmd.short) return this.undecoded('send', `a ${cmd.name} that ends too soon`);
    // The tree is read later: with the statement as it is now (a later execute may bind other types).
    const st = cmd.statement;
    const known: Statement | undefined = st && {
      id: st.id,
      sql: st.sql,
      params: st.params,
      columns: st.columns,
      types: st.types,
    };
    const tree: Recipe = { read: 'command', caps, statement: known };
    const detail: MysqlCommandDetail = { kind: 'command', command: cmd.name, database: this.database };
    if (cmd.sql !== undefined) detail.sql = cmd.sql;
    if (cmd.statement) detail.statement = cmd.statement.id;
    if (cmd.closes !== undefined) this.statements.delete(cmd.closes);
    const masked = cmd.masked;
    if (cmd.reply === 'none') return this.emit('send', { summary: cmd.summary, tree, masked, detail, role: 'other' });
    this.expects.push({
      name: cmd.name,
      kind: cmd.reply,
      sql: cmd.sql,
      database: this.database,
      use: cmd.use,
      statement: cmd.statement,
      answered: false,
    });
    if (cmd.reply === 'auth') {
      this.authExchange = true;
      this.afterSwitch = false;
    }
    this.emit('send', { summary: cmd.summary, tree, masked, detail, role: 'request', key: '' });
    if (cmd.reply === 'stream') this.goRaw('a replication stream — not decoded');
  }

  private infileData(pkt: Packet): void {
    const infile = this.infile!;
    infile.bytes += pkt.payload.length;
    infile.preview ??= pkt.payload.length > 0 ? pkt.payload : null;
    if (pkt.payload.length > 0) return;
    this.infile = null;
    const tree: TraceNode[] = [{ label: 'file size', value: `${infile.bytes} bytes` }];
    if (infile.preview) tree.push({ label: 'first packet', value: quoteBytes(infile.preview) });
    tree.push({ label: 'end', value: 'an empty packet' });
    const summary = `LOCAL INFILE data: ${infile.bytes} bytes`;
    const { name, kind, sql, database, use, statement } = infile.expect;
    this.expects.push({ name, kind, sql, database, use, statement, answered: false });
    this.emit('send', { summary, tree, role: 'request', key: '' });
  }

  // ---- the server ------------------------------------------------------------------------

  private onRecv(pkt: Packet, sp: Span): void {
    if (!this.greeted) return this.greeting(pkt, sp);
    if (this.multi) {
      if (this.multi.reader.add(pkt, sp)) this.finishMulti();
      return;
    }
    const expect = this.expects[0];
    if (!expect) return this.unasked(pkt, sp);
    if (expect.kind === 'auth') return this.authReply(pkt, sp, expect);
    const p = pkt.payload;
    const c = new Cursor(p, 1);
    if (p.length > 0 && p[0] === 0xff) return this.err(c, sp, expect);
    switch (expect.kind) {
      case 'statistics': {
        this.expects.shift();
        const text = p.toString('utf8');
        const tree = [{ label: 'statistics', value: quoteBytes(p), at: sp.at(0, p.length) }];
        return this.reply({ summary: `statistics: ${text.slice(0, 80)}`, tree }, expect);
      }
      case 'query':
      case 'binary': {
        if (p[0] === 0x00) return this.ok(c, sp, expect);
        if (p[0] === 0xfb) return this.infileRequest(c, sp, expect);
        const binary = expect.kind === 'binary';
        const recipe: MultiRecipe = {
          read: 'resultset',
          n: this.n,
          binary,
          known: expect.statement?.columns,
          rowsOnly: false,
        };
        return this.startMulti(recipe, pkt, sp, expect);
      }
      case 'prepare': {
        if (p[0] === 0x00) return this.startMulti({ read: 'prepare', n: this.n }, pkt, sp, expect);
        break;
      }
      case 'fieldList': {
        return this.startMulti({ read: 'fieldList', n: this.n }, pkt, sp, expect);
      }
      case 'fetch': {
        const known = expect.statement?.columns ?? [];
        const recipe: MultiRecipe = { read: 'resultset', n: this.n, binary: true, known, rowsOnly: true };
        return this.startMulti(recipe, pkt, sp, expect);
      }
      default:
        if (p[0] === 0x00) return this.ok(c, sp, expect);
        if (p[0] === 0xfe && p.length < 9) return this.eof(c, sp, expect);
    }
    this.expects.shift();
    this.undecoded('recv', `not a reply the decoder knows for ${expect.name}`);
  }

  private greeting(pkt: Packet, sp: Span): void {
    this.greeted = true;
    const c = new Cursor(pkt.payload, 1);
    if (pkt.payload[0] === 0xff) {
      // The server turned the connection away before the handshake (too many connections…).
      const err = readErr(c, sp);
      const detail = this.errorDetail(err, undefined);
      return this.emit('recv', { summary: errSummary(err), tree: err.nodes, role: 'other', error: true, detail });
    }
    c.pos = 0;
    const g = readGreeting(c, sp, false);
    const tree: Recipe = { read: 'greeting' };
    if (g.short || pkt.payload[0] !== 10) return this.undecoded('recv', 'not a HandshakeV10 greeting');
    this.serverCaps = g.caps;
    this.serverExt = g.ext;
    this.emit('recv', { summary: g.summary, tree, masked: g.masked, role: 'other' });
  }

  private authReply(pkt: Packet, sp: Span, expect: Expect): void {
    const p = pkt.payload;
    const c = new Cursor(p, 1);
    if (p[0] === 0x00 || p[0] === 0xff) {
      this.authExchange = false;
      if (p[0] === 0xff) return this.err(c, sp, expect);
      this.ok(c, sp, expect);
      // Compression starts right after the OK that ends the login, in both directions.
      if (this.n.caps & CLIENT.COMPRESS) this.goRaw('compressed protocol — not decoded');
      return;
    }
    const r = p[0] === 0xfe ? readAuthSwitch(c, sp) : p[0] === 0x01 ? readAuthMoreData(c, sp) : null;
    if (!r) return this.undecoded('recv', 'not a login reply (OK, ERR, AuthSwitchRequest, AuthMoreData)');
    this.afterSwitch = p[0] === 0xfe;
    this.emit('recv', { summary: r.summary, tree: r.nodes, masked: r.masked, role: 'other' });
  }

  /** A reply when no command waits (the server's own ERR before it closes, a timeout…). */
  private unasked(pkt: Packet, sp: Span): void {
    const p = pkt.payload;
    const c = new Cursor(p, 1);
    if (p[0] === 0xff) return this.err(c, sp, undefined);
    if (p[0] === 0x00) return this.ok(c, sp, undefined);
    if (p[0] === 0xfe && p.length < 9) return this.eof(c, sp, undefined);
    this.undecoded('recv', 'a reply to no command the decoder saw');
  }

  private err(c: Cursor, sp: Span, expect: Expect | undefined): void {
    if (c.buf.length >= 3 && c.buf.readUInt16LE(1) === 0xffff) {
      // MariaDB's progress report (MARIADB_CLIENT_PROGRESS): an ERR header, but not an error.
      const tree = [{ label: 'progress report', value: quoteBytes(c.rest()), at: sp.at(1, c.buf.length) }];
      return this.emit('recv', { summary: 'progress report', tree, role: 'other' });
    }
    const err = readErr(c, sp, false);
    if (expect) this.expects.shift();
    const tree: Recipe = { read: 'err' };
    this.reply({ summary: errSummary(err), tree, error: true, detail: this.errorDetail(err, expect) }, expect);
  }

  private ok(c: Cursor, sp: Span, expect: Expect | undefined): void {
    const caps = this.n.caps;
    const ok = readOk(c, sp, caps, 'OK', false);
    if (c.short) {
      if (expect) this.expects.shift();
      return this.undecoded('recv', 'an OK packet that ends too soon');
    }
    this.track(ok.status, ok.schema, expect);
    const tree: Recipe = { read: 'ok', caps };
    this.reply({ summary: okSummary(ok), tree }, expect);
  }

  private eof(c: Cursor, sp: Span, expect: Expect | undefined): void {
    const caps = this.n.caps;
    const eof = readEof(c, sp, caps, false);
    this.track(eof.status, undefined, expect);
    const tree: Recipe = { read: 'eof', caps };
    this.reply({ summary: eofSummary(eof), tree }, expect);
  }

  /** After a reply that ends a result: the database it moved to, and whether more results follow. */
  private track(status: number, schema: string | undefined, expect: Expect | undefined): void {
    if (schema !== undefined) this.database = schema === '' ? null : schema;
    else if (expect?.use !== undefined) this.database = expect.use;
    if (status & STATUS.DB_DROPPED) this.database = null;
    // A session started over forgets its prepared statements.
    if (expect?.name === 'COM_RESET_CONNECTION' || expect?.name === 'COM_CHANGE_USER') this.statements.clear();
    if (expect && !(status & STATUS.MORE_RESULTS_EXISTS && expect.kind !== 'auth')) this.expects.shift();
  }

  private infileRequest(c: Cursor, sp: Span, expect: Expect): void {
    const from = c.pos;
    const file = c.rest();
    const tree = [
      { label: 'header', value: 'LOCAL INFILE request', at: sp.at(0, 1) },
      { label: 'file name', value: quoteBytes(file), at: sp.at(from, c.pos) },
    ];
    this.expects.shift();
    this.infile = { expect, bytes: 0, preview: null };
    this.reply({ summary: `LOCAL INFILE request ${quoteBytes(file)}`, tree }, expect);
  }

  private startMulti(recipe: MultiRecipe, pkt: Packet, sp: Span, expect: Expect): void {
    const reader = replyReader(recipe, false);
    this.multi = { reader, recipe, expect };
    if (reader.add(pkt, sp)) this.finishMulti();
  }

  private finishMulti(): void {
    const { reader, recipe, expect } = this.multi!;
    this.multi = null;
    const r: Reply = reader.reply();
    if (reader instanceof PrepareReader && expect.sql !== undefined && r.statementId !== undefined) {
      const statement: Statement = {
        id: r.statementId,
        sql: expect.sql,
        params: r.params,
        columns: r.columns,
        types: null,
      };
      this.statements.set(statement.id, statement);
      this.lastStatement = statement;
    }
    if (r.error) this.expects.shift();
    else this.track(r.status, r.ok?.schema, expect);
    const detail = r.error ? this.errorDetail(r.error, expect) : undefined;
    this.reply({ summary: r.summary, tree: recipe, error: r.error ? true : undefined, detail }, expect);
  }
}
