// Watching someone's screen: every socket of a learner (or of the instructor) reports its terminals
// and runs here, and whoever watches that person gets the same stream, read-only. A watcher who
// arrives late first gets each open channel with its recent output (the scrollback), so the
// screen they see is not empty.
import type { MirrorEvent } from '../../shared/classroom-api.ts';
import type { SocketTap } from '../ws/socket-session.ts';

/** Recent output kept per channel for late watchers: a couple of screens. */
export const MIRROR_SCROLLBACK_BYTES = 16 * 1024;

interface Channel {
  label: string;
  scrollback: string;
}

type Listener = (event: MirrorEvent) => void;

interface Owner {
  channels: Map<string, Channel>;
  listeners: Set<Listener>;
}

export class MirrorHub {
  private readonly owners = new Map<string, Owner>();
  private nextSocket = 1;

  /** A tap for one socket of `owner`; its channel ids are made unique across the owner's sockets. */
  tap(owner: string): SocketTap {
    const prefix = `s${this.nextSocket++}:`;
    return {
      open: (id, label) => this.open(owner, prefix + id, label),
      output: (id, data) => this.output(owner, prefix + id, data),
      close: (id) => this.close(owner, prefix + id),
    };
  }

  /** Starts watching `owner`: the listener gets an `open` (with scrollback) per live channel at once. */
  watch(owner: string, listener: Listener): () => void {
    const o = this.owner(owner);
    for (const [channel, c] of o.channels)
      listener({ kind: 'open', channel, label: c.label, scrollback: c.scrollback });
    o.listeners.add(listener);
    return () => {
      o.listeners.delete(listener);
      this.forgetIfUnused(owner, o);
    };
  }

  channelCount(owner: string): number {
    return this.owners.get(owner)?.channels.size ?? 0;
  }

  /** The owner is gone for good (removed from the class): watchers see every channel close. */
  drop(owner: string): void {
    const o = this.owners.get(owner);
    if (!o) return;
    for (const channel of o.channels.keys()) this.emit(o, { kind: 'close', channel });
    o.channels.clear();
    this.forgetIfUnused(owner, o);
  }

  private open(owner: string, channel: string, label: string): void {
    const o = this.owner(owner);
    o.channels.set(channel, { label, scrollback: '' });
    this.emit(o, { kind: 'open', channel, label });
  }

  private output(owner: string, channel: string, data: string): void {
    const o = this.owners.get(owner);
    const c = o?.channels.get(channel);
    if (!o || !c) return;
    c.scrollback += data;
    if (c.scrollback.length > MIRROR_SCROLLBACK_BYTES) {
      // Cut at a line start where possible, so the late watcher's first line is whole.
      let cut = c.scrollback.length - MIRROR_SCROLLBACK_BYTES;
      const nl = c.scrollback.indexOf('\n', cut);
      if (nl !== -1 && nl - cut < 1024) cut = nl + 1;
      c.scrollback = c.scrollback.slice(cut);
    }
    if (o.listeners.size > 0) this.emit(o, { kind: 'output', channel, data });
  }

  private close(owner: string, channel: string): void {
    const o = this.owners.get(owner);
    if (!o || !o.channels.delete(channel)) return;
    this.emit(o, { kind: 'close', channel });
    this.forgetIfUnused(owner, o);
  }

  private emit(o: Owner, event: MirrorEvent): void {
    for (const listener of o.listeners) listener(event);
  }

  private owner(owner: string): Owner {
    let o = this.owners.get(owner);
    if (!o) {
      o = { channels: new Map(), listeners: new Set() };
      this.owners.set(owner, o);
    }
    return o;
  }

  private forgetIfUnused(owner: string, o: Owner): void {
    if (o.channels.size === 0 && o.listeners.size === 0) this.owners.delete(owner);
  }
}
