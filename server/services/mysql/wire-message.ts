// A decoded MySQL message as the trace gets it (a WireMessage), whose tree is read from its own
// bytes the first time someone reads `tree`. The decoder (wire-decoder.ts) reads each message once
// for its summary and what it must know, cheaply, and leaves a recipe: which reader, with which of
// the connection's state at the time (capabilities, the prepared statement). A trace past its
// limits, or one nobody opens, then never pays for the trees.
import type { TraceDir, TraceNode } from '../../../shared/trace.ts';
import type { WireMessage } from '../wire-types.ts';
import { readCommand, type Statement } from './wire-commands.ts';
import { readGreeting, readHandshakeResponse } from './wire-login.ts';
import { Cursor, PacketReader, Span, type Packet } from './wire-packets.ts';
import { readEof, readErr, readOk, type ColumnDef } from './wire-replies.ts';
import {
  FieldListReader,
  PrepareReader,
  ResultSetReader,
  type Negotiated,
  type ReplyReader,
} from './wire-resultset.ts';

/** A reply of many packets, and how to read it. */
export type MultiRecipe =
  | { read: 'resultset'; n: Negotiated; binary: boolean; known: ColumnDef[] | undefined; rowsOnly: boolean }
  | { read: 'prepare'; n: Negotiated }
  | { read: 'fieldList'; n: Negotiated };

/** How to read a message's tree again from its bytes. */
export type Recipe =
  | MultiRecipe
  | { read: 'greeting' }
  | { read: 'response'; serverCaps: number }
  | { read: 'command'; caps: number; statement: Statement | undefined }
  | { read: 'ok' | 'eof'; caps: number }
  | { read: 'err' };

export function replyReader(r: MultiRecipe, full: boolean): ReplyReader {
  if (r.read === 'prepare') return new PrepareReader(r.n, full);
  if (r.read === 'fieldList') return new FieldListReader(r.n, full);
  return new ResultSetReader(r.n, r.binary, r.known, r.rowsOnly, full);
}

/** The tree of the message in `bytes`, read as `recipe` says. */
export function readTree(recipe: Recipe, bytes: Buffer): TraceNode[] {
  const packets = new PacketReader();
  packets.push(bytes);
  if (recipe.read === 'resultset' || recipe.read === 'prepare' || recipe.read === 'fieldList') {
    const reader = replyReader(recipe, true);
    let start = 0;
    let pkt: Packet | null;
    while ((pkt = packets.next())) {
      const sp = new Span(start, pkt.raw.length);
      start += pkt.size;
      if (reader.add(pkt, sp)) break;
    }
    return reader.reply().nodes;
  }
  const pkt = packets.next()!;
  const sp = new Span(0, pkt.raw.length);
  const c = new Cursor(pkt.payload);
  switch (recipe.read) {
    case 'greeting':
      return readGreeting(c, sp).nodes;
    case 'response':
      return readHandshakeResponse(c, sp, recipe.serverCaps).nodes;
    case 'command': {
      const statement = recipe.statement;
      return readCommand(c, sp, recipe.caps, { statement: () => statement }, true).nodes;
    }
  }
  c.pos = 1;
  if (recipe.read === 'ok') return readOk(c, sp, recipe.caps).nodes;
  if (recipe.read === 'eof') return readEof(c, sp, recipe.caps).nodes;
  return readErr(c, sp).nodes;
}

/**
 * A message whose tree is built the first time `tree` is read, and kept. Building never throws:
 * a tree that cannot be read says so. (`tree` is an accessor: spread or JSON leave it out.)
 */
export class MysqlMessage implements WireMessage {
  declare masked?: [number, number][];
  declare key?: string;
  declare error?: boolean;
  declare detail?: unknown;
  #recipe: Recipe | null;
  #tree: TraceNode[] | null;

  constructor(
    readonly dir: TraceDir,
    readonly bytes: Buffer,
    readonly summary: string,
    readonly role: WireMessage['role'],
    tree: TraceNode[] | Recipe,
  ) {
    const ready = Array.isArray(tree);
    this.#recipe = ready ? null : tree;
    this.#tree = ready ? tree : null;
  }

  get tree(): TraceNode[] {
    if (this.#tree === null) {
      try {
        this.#tree = readTree(this.#recipe!, this.bytes);
      } catch (err) {
        this.#tree = [{ label: 'the tree could not be read', value: err instanceof Error ? err.message : String(err) }];
      }
      this.#recipe = null;
    }
    return this.#tree;
  }

  set tree(tree: TraceNode[]) {
    this.#tree = tree;
  }
}
