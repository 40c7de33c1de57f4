// Watching someone's screen: every socket of a learner (or of the instructor) reports its terminals
// and runs here, and whoever watches that person gets the same stream, read-only. A watcher who
// arrives late first gets each open channel with its recent output (the scrollback), so the
// screen they see is not empty.
//
// With several instances the person's sockets may be on another one. A watcher here follows the
// person's topic on the event channel (`mirror:<owner>`) and asks the others once for their open
// channels with scrollback (`mirror-sync`, answered on a topic of its own). An instance publishes
// a person's events on that topic only while a watcher elsewhere has asked and since said it is
// still there (`mirror-watching`, every WATCH_RENEW_MS) — not every keystroke of every learner.
// When a person's first channel opens on an instance (they connected, or moved there when theirs
// died), it says so (`mirror-here`), and watchers elsewhere ask it at once.
import { randomBytes } from 'node:crypto';
import type { MirrorEvent } from '../../shared/classroom-api.ts';
import type { SocketTap } from '../ws/socket-session.ts';
import type { ClassBus } from './events/index.ts';

const SYNC_TOPIC = 'mirror-sync';
const RENEW_TOPIC = 'mirror-watching';
const HERE_TOPIC = 'mirror-here';
const ownerTopic = (owner: string) => `mirror:${owner}`;

/** How often a watcher says it still watches; one that has not said so for 3 of these is gone. */
export const WATCH_RENEW_MS = 20_000;

/** A watcher's messages to the other instances: who is watched, and the watcher's own topic. */
interface WatchNotice {
  owner: string;
  reply: string;
  /** Renewals only: false when the watcher stopped. */
  on?: boolean;
}

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
  /** Owner → the watchers on other instances (their reply topics) → when they lapse (ms). */
  private readonly watchedElsewhere = new Map<string, Map<string, number>>();
  /** This instance's watchers of people elsewhere: reply topic → owner, renewed on the channel. */
  private readonly watchingElsewhere = new Map<string, string>();
  private readonly stops: Array<() => void> = [];
  private renewTimer: NodeJS.Timeout | null = null;

  /** Without a bus (or with one instance's), watching reaches this process's sockets only. */
  constructor(private readonly bus: ClassBus | null = null) {
    if (!bus) return;
    // Another instance's watcher arrived: our channels of that owner, with their scrollback, and
    // from now on that owner's events on the channel.
    this.stops.push(
      bus.subscribe(SYNC_TOPIC, (m) => {
        if (m.from === bus.instanceId) return;
        const { owner, reply } = m.body as WatchNotice;
        this.noteWatcher(owner, reply, true);
        for (const [channel, c] of this.owners.get(owner)?.channels ?? []) {
          bus.publish(reply, { kind: 'open', channel, label: c.label, scrollback: c.scrollback } satisfies MirrorEvent);
        }
      }),
      bus.subscribe(RENEW_TOPIC, (m) => {
        if (m.from === bus.instanceId) return;
        const { owner, reply, on } = m.body as WatchNotice;
        this.noteWatcher(owner, reply, on !== false);
      }),
      // Someone we watch has channels on another instance now: ask it, as when the watch began.
      bus.subscribe(HERE_TOPIC, (m) => {
        if (m.from === bus.instanceId) return;
        const { owner } = m.body as { owner: string };
        for (const [reply, watched] of this.watchingElsewhere) {
          if (watched === owner) bus.publish(SYNC_TOPIC, { owner, reply } satisfies WatchNotice);
        }
      }),
    );
    this.renewTimer = setInterval(() => {
      for (const [reply, owner] of this.watchingElsewhere)
        bus.publish(RENEW_TOPIC, { owner, reply } satisfies WatchNotice);
    }, WATCH_RENEW_MS);
    this.renewTimer.unref();
  }

  /** Stops answering other instances' watchers (the server stops). */
  detach(): void {
    for (const stop of this.stops.splice(0)) stop();
    if (this.renewTimer) clearInterval(this.renewTimer);
  }

  /** Whether a watcher on another instance follows `owner` now (so their events go on the channel). */
  watchedFromElsewhere(owner: string): boolean {
    const watchers = this.watchedElsewhere.get(owner);
    if (!watchers) return false;
    const now = Date.now();
    for (const [reply, lapses] of watchers) if (lapses < now) watchers.delete(reply);
    if (watchers.size === 0) this.watchedElsewhere.delete(owner);
    return watchers.size > 0;
  }

  private noteWatcher(owner: string, reply: string, on: boolean): void {
    let watchers = this.watchedElsewhere.get(owner);
    if (on) {
      if (!watchers) this.watchedElsewhere.set(owner, (watchers = new Map()));
      watchers.set(reply, Date.now() + 3 * WATCH_RENEW_MS);
    } else if (watchers) {
      watchers.delete(reply);
      if (watchers.size === 0) this.watchedElsewhere.delete(owner);
    }
  }

  /** A tap for one socket of `owner`; its channel ids are made unique across the owner's sockets. */
  tap(owner: string): SocketTap {
    // With a bus, the instance's id too: a watcher may see the owner's channels of two instances.
    const prefix = `${this.bus ? `${this.bus.instanceId}:` : ''}s${this.nextSocket++}:`;
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
    bus.publish(SYNC_TOPIC, { owner, reply } satisfies WatchNotice);
    this.watchingElsewhere.set(reply, owner);
    return () => {
      for (const stop of stops) stop();
      this.watchingElsewhere.delete(reply);
      bus.publish(RENEW_TOPIC, { owner, reply, on: false } satisfies WatchNotice);
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
    if (o.channels.size === 0) this.bus?.publish(HERE_TOPIC, { owner });
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
    if (this.bus && this.watchedFromElsewhere(owner)) this.bus.publish(ownerTopic(owner), event);
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
