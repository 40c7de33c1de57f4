// Watching someone's screen: every socket of a learner (or of the instructor) reports its terminals
// and runs here, and whoever watches that person gets the same stream, read-only. A watcher who
// arrives late first gets each open channel with its recent output (the scrollback), so the
// screen they see is not empty.
//
// With several instances the person's sockets may be on another one. Each instance publishes its
// people's events on the event channel, one topic per person (`mirror:<owner>`; a topic nobody
// follows costs nothing), and a watcher here follows that topic too; it asks the others for their
// open channels with scrollback once (`mirror-sync`), answered on a topic of its own.
import { randomBytes } from 'node:crypto';
import type { MirrorEvent } from '../../shared/classroom-api.ts';
import type { SocketTap } from '../ws/socket-session.ts';
import type { ClassBus } from './events/index.ts';

const SYNC_TOPIC = 'mirror-sync';
const ownerTopic = (owner: string) => `mirror:${owner}`;

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
  private readonly stopSync: () => void = () => {};

  /** Without a bus (or with one instance's), watching reaches this process's sockets only. */
  constructor(private readonly bus: ClassBus | null = null) {
    if (!bus) return;
    // Another instance's watcher arrived: our channels of that owner, with their scrollback.
    this.stopSync = bus.subscribe(SYNC_TOPIC, (m) => {
      if (m.from === bus.instanceId) return;
      const { owner, reply } = m.body as { owner: string; reply: string };
      for (const [channel, c] of this.owners.get(owner)?.channels ?? []) {
        bus.publish(reply, { kind: 'open', channel, label: c.label, scrollback: c.scrollback } satisfies MirrorEvent);
      }
    });
  }

  /** Stops answering other instances' watchers (the server stops). */
  detach(): void {
    this.stopSync();
  }

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
    const stopRemote = this.watchElsewhere(owner, listener);
    return () => {
      stopRemote();
      o.listeners.delete(listener);
      this.forgetIfUnused(owner, o);
    };
  }

  /** The owner's channels on other instances: their events, and once their screens so far. */
  private watchElsewhere(owner: string, listener: Listener): () => void {
    const bus = this.bus;
    if (!bus) return () => {};
    const fromOthers = (m: { from: string; body: unknown }) => {
      if (m.from !== bus.instanceId) listener(m.body as MirrorEvent);
    };
    const reply = `mirror-reply:${randomBytes(8).toString('hex')}`;
    const stops = [bus.subscribe(ownerTopic(owner), fromOthers), bus.subscribe(reply, fromOthers)];
    bus.publish(SYNC_TOPIC, { owner, reply });
    return () => {
      for (const stop of stops) stop();
    };
  }

  channelCount(owner: string): number {
    return this.owners.get(owner)?.channels.size ?? 0;
  }

  /** The owner is gone for good (removed from the class): watchers see every channel close. */
  drop(owner: string): void {
    const o = this.owners.get(owner);
    if (!o) return;
    for (const channel of o.channels.keys()) this.emit(o, { kind: 'close', channel }, owner);
    o.channels.clear();
    this.forgetIfUnused(owner, o);
  }

  private open(owner: string, channel: string, label: string): void {
    const o = this.owner(owner);
    o.channels.set(channel, { label, scrollback: '' });
    this.emit(o, { kind: 'open', channel, label }, owner);
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
    this.emit(o, { kind: 'output', channel, data }, owner);
  }

  private close(owner: string, channel: string): void {
    const o = this.owners.get(owner);
    if (!o || !o.channels.delete(channel)) return;
    this.emit(o, { kind: 'close', channel }, owner);
    this.forgetIfUnused(owner, o);
  }

  /** To the owner's watchers here, and on the owner's topic for those on other instances. */
  private emit(o: Owner, event: MirrorEvent, owner: string): void {
    for (const listener of o.listeners) listener(event);
    this.bus?.publish(ownerTopic(owner), event);
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
