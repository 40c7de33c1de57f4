// The login packets of the MySQL protocol, read into trace nodes: the server's greeting
// (HandshakeV10), the client's HandshakeResponse41 (or SSLRequest), AuthSwitchRequest and
// AuthMoreData. What proves identity never shows: the scramble the server sends and the auth
// response the client computes from the password are listed in `masked` (the decoder overwrites
// those bytes) and their nodes are `secret`.
import { quoteValue, type TraceNode } from '../../../shared/trace.ts';
import { capabilityNode, CLIENT, Cursor, statusNames, type Span } from './wire-packets.ts';

/** A packet read into what a message needs; `short` when it ended before its fields did. */
export interface Parsed {
  summary: string;
  nodes: TraceNode[];
  masked: [number, number][];
  short: boolean;
}

export interface Greeting extends Parsed {
  caps: number;
  ext: number;
}

export interface HandshakeResponse extends Parsed {
  caps: number;
  ext: number;
  user: string;
  database: string | null;
  /** An SSLRequest: TLS follows on both sides. */
  ssl: boolean;
}

/** The collations a client names at login most often; others are shown by number. */
const COLLATIONS: Record<number, string> = {
  8: 'latin1_swedish_ci',
  33: 'utf8mb3_general_ci',
  45: 'utf8mb4_general_ci',
  46: 'utf8mb4_bin',
  63: 'binary',
  83: 'utf8mb3_bin',
  192: 'utf8mb3_unicode_ci',
  224: 'utf8mb4_unicode_ci',
  255: 'utf8mb4_0900_ai_ci',
};

export function collationName(id: number): string {
  return COLLATIONS[id] ? `${id} ${COLLATIONS[id]}` : String(id);
}

function secretNode(label: string, sp: Span, from: number, to: number): TraceNode {
  return { label, value: `${to - from} bytes, hidden`, at: sp.at(from, to), secret: true };
}

/** A NUL-terminated string that may lack its NUL at the very end (some servers leave it out). */
function lastString(c: Cursor): string {
  const end = c.buf.indexOf(0, c.pos);
  return (end < 0 ? c.rest() : c.nulBytes()).toString('utf8');
}

/** The server's first packet: protocol version 10, then what the client needs to log in. */
/** `full`: with nodes (the decoder reads the greeting again for its tree, when someone looks). */
export function readGreeting(c: Cursor, sp: Span, full = true): Greeting {
  const nodes: TraceNode[] = [];
  const masked: [number, number][] = [];
  const protocol = c.u8();
  if (full) nodes.push({ label: 'protocol version', value: String(protocol), at: sp.at(0, 1) });
  let from = c.pos;
  const version = c.nulBytes().toString('utf8');
  const note = version.startsWith('5.5.5-') ? ' (MariaDB puts 5.5.5- first for old replication clients)' : '';
  if (full) nodes.push({ label: 'server version', value: quoteValue(version) + note, at: sp.at(from, c.pos) });
  from = c.pos;
  const connection = c.u32();
  if (full) nodes.push({ label: 'connection id', value: String(connection), at: sp.at(from, c.pos) });
  from = c.pos;
  c.bytes(8);
  masked.push(...sp.ranges(from, c.pos));
  if (full) nodes.push(secretNode('auth plugin data, part 1 (scramble)', sp, from, c.pos));
  c.u8();
  from = c.pos;
  let caps = c.u16();
  let ext = 0;
  let plugin = '';
  if (c.left > 0) {
    const charsetAt = c.pos;
    const charset = c.u8();
    const statusAt = c.pos;
    const status = c.u16();
    caps = (caps | (c.u16() << 16)) >>> 0;
    const capsAt = sp.at(from, from + 2);
    const authLength = c.u8();
    c.bytes(6);
    // MariaDB's own capabilities sit in the last 4 reserved bytes when it clears CLIENT_MYSQL (bit 0).
    if (caps & CLIENT.LONG_PASSWORD) c.bytes(4);
    else ext = c.u32();
    if (full)
      nodes.push(
        capabilityNode('capability flags', caps, ext, capsAt),
        { label: 'character set', value: collationName(charset), at: sp.at(charsetAt, charsetAt + 1) },
        { label: 'status flags', value: statusNames(status), at: sp.at(statusAt, statusAt + 2) },
      );
    if (caps & CLIENT.SECURE_CONNECTION) {
      from = c.pos;
      const part = c.bytes(Math.max(13, authLength - 8));
      const end = part.length > 0 && part[part.length - 1] === 0 ? c.pos - 1 : c.pos;
      masked.push(...sp.ranges(from, end));
      if (full) nodes.push(secretNode('auth plugin data, part 2 (scramble)', sp, from, end));
    }
    if (caps & CLIENT.PLUGIN_AUTH && c.left > 0) {
      from = c.pos;
      plugin = lastString(c);
      if (full) nodes.push({ label: 'auth plugin', value: plugin, at: sp.at(from, c.pos) });
    }
  } else {
    if (full) nodes.push(capabilityNode('capability flags', caps, 0, sp.at(from, c.pos)));
  }
  const by = plugin ? `, ${plugin}` : '';
  return {
    summary: `HandshakeV10 ${version}, connection ${connection}${by}`,
    nodes,
    masked,
    short: c.short,
    caps,
    ext,
  };
}

/**
 * The client's answer to the greeting. 32 bytes that ask for SSL are an SSLRequest; the real
 * response then follows inside TLS. `serverCaps` is 0 if the greeting was not seen.
 */
export function readHandshakeResponse(c: Cursor, sp: Span, serverCaps: number, full = true): HandshakeResponse {
  const nodes: TraceNode[] = [];
  const masked: [number, number][] = [];
  const caps = c.u32();
  if (!(caps & CLIENT.PROTOCOL_41)) return readResponse320(c, sp, caps & 0xffff);
  const maxPacket = c.u32();
  const charset = c.u8();
  c.bytes(19);
  // A MariaDB client puts its extended capabilities here, only when both sides clear CLIENT_MYSQL.
  let ext = 0;
  if (caps & CLIENT.LONG_PASSWORD || serverCaps & CLIENT.LONG_PASSWORD) c.bytes(4);
  else ext = c.u32();
  if (full)
    nodes.push(
      capabilityNode('capability flags', caps, ext, sp.at(0, 4)),
      { label: 'max packet size', value: String(maxPacket), at: sp.at(4, 8) },
      { label: 'character set', value: collationName(charset), at: sp.at(8, 9) },
    );
  if (c.left === 0 && caps & CLIENT.SSL) {
    const summary = 'SSLRequest: TLS follows';
    return { summary, nodes, masked, short: c.short, caps, ext, user: '', database: null, ssl: true };
  }
  let from = c.pos;
  const user = c.nulBytes().toString('utf8');
  if (full) nodes.push({ label: 'user', value: quoteValue(user), at: sp.at(from, c.pos) });
  from = c.pos;
  const authLength =
    caps & CLIENT.PLUGIN_AUTH_LENENC_CLIENT_DATA
      ? (c.lenenc() ?? 0)
      : caps & CLIENT.SECURE_CONNECTION
        ? c.u8()
        : Math.max(0, c.buf.indexOf(0, c.pos) - c.pos);
  const authAt = c.pos;
  c.bytes(authLength);
  masked.push(...sp.ranges(authAt, c.pos));
  if (full) nodes.push(secretNode('auth response', sp, from, c.pos));
  if (!(caps & (CLIENT.PLUGIN_AUTH_LENENC_CLIENT_DATA | CLIENT.SECURE_CONNECTION))) c.u8();
  let database: string | null = null;
  if (caps & CLIENT.CONNECT_WITH_DB && c.left > 0) {
    from = c.pos;
    database = c.nulBytes().toString('utf8');
    if (full) nodes.push({ label: 'database', value: quoteValue(database), at: sp.at(from, c.pos) });
  }
  let plugin = '';
  if (caps & CLIENT.PLUGIN_AUTH && c.left > 0) {
    from = c.pos;
    plugin = lastString(c);
    if (full) nodes.push({ label: 'auth plugin', value: plugin, at: sp.at(from, c.pos) });
  }
  if (caps & CLIENT.CONNECT_ATTRS && c.left > 0 && full) nodes.push(connectAttributes(c, sp));
  const parts = [`HandshakeResponse41 user=${quoteValue(user)}`];
  if (database !== null) parts.push(`db=${quoteValue(database)}`);
  if (plugin) parts.push(`plugin=${plugin}`);
  return { summary: parts.join(' '), nodes, masked, short: c.short, caps, ext, user, database, ssl: false };
}

function readResponse320(c: Cursor, sp: Span, caps: number): HandshakeResponse {
  c.pos = 2;
  const maxPacket = c.u24();
  let from = c.pos;
  const user = c.nulBytes().toString('utf8');
  const nodes: TraceNode[] = [
    capabilityNode('capability flags', caps, 0, sp.at(0, 2)),
    { label: 'max packet size', value: String(maxPacket), at: sp.at(2, 5) },
    { label: 'user', value: quoteValue(user), at: sp.at(from, c.pos) },
  ];
  from = c.pos;
  c.rest();
  const masked = sp.ranges(from, c.pos);
  nodes.push(secretNode('auth response', sp, from, c.pos));
  const summary = `HandshakeResponse320 user=${quoteValue(user)}`;
  return { summary, nodes, masked, short: c.short, caps, ext: 0, user, database: null, ssl: false };
}

/** CLIENT_CONNECT_ATTRS: the client's name, version, pid… as key/value pairs. */
export function connectAttributes(c: Cursor, sp: Span): TraceNode {
  const from = c.pos;
  const total = c.lenenc() ?? 0;
  const end = Math.min(c.buf.length, c.pos + total);
  const children: TraceNode[] = [];
  while (c.pos < end && !c.short) {
    const at = c.pos;
    const key = c.lenencText();
    const value = c.lenencText();
    children.push({ label: key, value: quoteValue(value), at: sp.at(at, c.pos) });
  }
  return { label: 'connect attributes', value: String(children.length), at: sp.at(from, c.pos), children };
}

/** 0xFE during login: use this other auth plugin, with this scramble (masked). */
export function readAuthSwitch(c: Cursor, sp: Span): Parsed {
  const nodes: TraceNode[] = [{ label: 'header', value: 'AuthSwitchRequest', at: sp.at(0, 1) }];
  if (c.left === 0) {
    // The pre-4.1 form: one byte, "send the old password hash".
    return { summary: 'AuthSwitchRequest plugin=mysql_old_password', nodes, masked: [], short: false };
  }
  let from = c.pos;
  const plugin = c.nulBytes().toString('utf8');
  nodes.push({ label: 'auth plugin', value: plugin, at: sp.at(from, c.pos) });
  from = c.pos;
  const data = c.rest();
  const end = data.length > 0 && data[data.length - 1] === 0 ? c.pos - 1 : c.pos;
  nodes.push(secretNode('auth plugin data (scramble)', sp, from, end));
  return { summary: `AuthSwitchRequest plugin=${plugin}`, nodes, masked: sp.ranges(from, end), short: false };
}

const MORE_DATA_STATUS: Record<number, string> = {
  3: 'fast auth ok',
  4: 'full authentication required',
};

/** 0x01 during login: more for the auth plugin (caching_sha2_password's verdict, a public key…). */
export function readAuthMoreData(c: Cursor, sp: Span): Parsed {
  const nodes: TraceNode[] = [{ label: 'header', value: 'AuthMoreData', at: sp.at(0, 1) }];
  const data = c.rest();
  if (data.length === 1 && MORE_DATA_STATUS[data[0]]) {
    nodes.push({ label: 'status', value: MORE_DATA_STATUS[data[0]], at: sp.at(1, 2) });
    return { summary: `AuthMoreData ${MORE_DATA_STATUS[data[0]]}`, nodes, masked: [], short: false };
  }
  if (data.subarray(0, 10).toString('latin1') === '-----BEGIN') {
    nodes.push({ label: "server's public key", value: quoteValue(data), at: sp.at(1, c.pos) });
    return { summary: "AuthMoreData server's public key", nodes, masked: [], short: false };
  }
  nodes.push(secretNode('auth plugin data', sp, 1, c.pos));
  return { summary: `AuthMoreData (${data.length} bytes, hidden)`, nodes, masked: sp.ranges(1, c.pos), short: false };
}

/** What the client sends during login after its response: always derived from the password. */
export function readAuthData(c: Cursor, sp: Span, afterSwitch: boolean): Parsed {
  const name = afterSwitch ? 'AuthSwitchResponse' : 'auth data';
  if (c.buf.length === 1 && c.buf[0] === 2) {
    const nodes = [{ label: 'request', value: "the server's public key", at: sp.at(0, 1) }];
    return { summary: `${name}: request public key`, nodes, masked: [], short: false };
  }
  const nodes = [secretNode(name, sp, 0, c.buf.length)];
  return {
    summary: `${name} (${c.buf.length} bytes, hidden)`,
    nodes,
    masked: sp.ranges(0, c.buf.length),
    short: false,
  };
}

/** COM_CHANGE_USER: a new login on the same connection, so its auth response is masked too. */
export function readChangeUser(c: Cursor, sp: Span, caps: number): Parsed & { database: string | null } {
  const nodes: TraceNode[] = [];
  let from = c.pos;
  const user = c.nulBytes().toString('utf8');
  nodes.push({ label: 'user', value: quoteValue(user), at: sp.at(from, c.pos) });
  from = c.pos;
  const length = caps & CLIENT.SECURE_CONNECTION ? c.u8() : Math.max(0, c.buf.indexOf(0, c.pos) - c.pos);
  const authAt = c.pos;
  c.bytes(length);
  const masked = sp.ranges(authAt, c.pos);
  nodes.push(secretNode('auth response', sp, from, c.pos));
  if (!(caps & CLIENT.SECURE_CONNECTION)) c.u8();
  from = c.pos;
  const database = c.left > 0 ? c.nulBytes().toString('utf8') : '';
  nodes.push({ label: 'database', value: quoteValue(database), at: sp.at(from, c.pos) });
  if (c.left >= 2) {
    from = c.pos;
    nodes.push({ label: 'character set', value: collationName(c.u16()), at: sp.at(from, c.pos) });
  }
  if (caps & CLIENT.PLUGIN_AUTH && c.left > 0) {
    from = c.pos;
    nodes.push({ label: 'auth plugin', value: lastString(c), at: sp.at(from, c.pos) });
  }
  if (caps & CLIENT.CONNECT_ATTRS && c.left > 0) nodes.push(connectAttributes(c, sp));
  return {
    summary: `COM_CHANGE_USER user=${quoteValue(user)}${database ? ` db=${quoteValue(database)}` : ''}`,
    nodes,
    masked,
    short: c.short,
    database: database || null,
  };
}
