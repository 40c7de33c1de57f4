// Which mirrored terminals a watcher has and which one is shown, as plain data: the instructor's
// drawer and the learners' "Instructor's screen" panel both follow a MirrorEvent stream with it.
import type { MirrorEvent } from '../../../shared/classroom-api.ts';

/** Screens kept per watcher: runs come and go, and every screen holds an xterm with its scrollback. */
export const MAX_MIRROR_CHANNELS = 8;

export interface MirrorChannel {
  channel: string;
  label: string;
  /** Its terminal or run is gone; the text stays readable until it is pushed out. */
  ended: boolean;
}

export interface MirrorChannelsState {
  channels: MirrorChannel[];
  /** The channel shown; null when there is none. */
  active: string | null;
  /**
   * Following: the screen shown is the one that last printed something, as the person watched
   * moves between terminals. Choosing a tab stops that until the watcher follows again.
   */
  follow: boolean;
}

export const EMPTY_MIRROR: MirrorChannelsState = { channels: [], active: null, follow: true };

/**
 * The state after an event, and the channels it pushed out (their screens are to be disposed).
 * While following, the channel that printed last is shown; otherwise a new channel is shown only
 * when nothing live is, and the watcher's choice stands.
 */
export function applyMirrorEvent(
  state: MirrorChannelsState,
  event: MirrorEvent,
): { state: MirrorChannelsState; dropped: string[] } {
  const existing = state.channels.find((c) => c.channel === event.channel);
  if (event.kind === 'close') {
    if (!existing || existing.ended) return { state, dropped: [] };
    return {
      state: { ...state, channels: state.channels.map((c) => (c === existing ? { ...c, ended: true } : c)) },
      dropped: [],
    };
  }
  const printed = event.kind === 'output' ? event.data !== '' : !!event.scrollback;
  const followed = (active: string | null) => (state.follow && printed ? event.channel : active);
  if (existing) {
    const active = followed(state.active);
    if (event.kind === 'output' && !existing.ended) {
      return { state: active === state.active ? state : { ...state, active }, dropped: [] };
    }
    const label = event.kind === 'open' ? event.label : existing.label;
    const channels = state.channels.map((c) => (c === existing ? { channel: c.channel, label, ended: false } : c));
    return { state: { ...state, channels, active }, dropped: [] };
  }
  // Output of a channel whose "open" was missed still deserves a screen.
  const added: MirrorChannel = {
    channel: event.channel,
    label: event.kind === 'open' ? event.label : event.channel,
    ended: false,
  };
  let channels = [...state.channels, added];
  const dropped: string[] = [];
  while (channels.length > MAX_MIRROR_CHANNELS) {
    const victim = channels.find((c) => c.ended) ?? channels[0];
    dropped.push(victim.channel);
    channels = channels.filter((c) => c !== victim);
  }
  const current = channels.find((c) => c.channel === state.active);
  const active = followed(current && !current.ended ? current.channel : added.channel);
  return { state: { ...state, channels, active }, dropped };
}

/** The watcher chose a tab: it stays on screen (following stops). */
export function selectChannel(state: MirrorChannelsState, channel: string): MirrorChannelsState {
  if (!state.channels.some((c) => c.channel === channel)) return state;
  if (state.active === channel && !state.follow) return state;
  return { ...state, active: channel, follow: false };
}

/**
 * One tab per label. The person watched may have the page open twice (or reloaded it, leaving the
 * old page's screens ended): each of their sockets reports its own "Redis", and a tab each would
 * show every terminal twice. A label's tab stands for the channel on screen if it has that label,
 * otherwise for its newest live channel (the page opened last), otherwise its newest ended one.
 * Tabs keep the order in which their labels first appeared.
 */
export function visibleChannels(state: MirrorChannelsState): MirrorChannel[] {
  const byLabel = new Map<string, MirrorChannel>();
  for (const c of state.channels) {
    const shown = byLabel.get(c.label);
    if (shown?.channel === state.active) continue;
    if (!shown || c.channel === state.active || !c.ended || shown.ended) byLabel.set(c.label, c);
  }
  return [...byLabel.values()];
}

/** Back to showing whichever screen prints. */
export function followChannels(state: MirrorChannelsState): MirrorChannelsState {
  return state.follow ? state : { ...state, follow: true };
}
