// Turns what xterm.js reports through onData (the bytes a real terminal would send to a program)
// into editing keys. xterm delivers one key, or one whole paste, per onData call, so no state
// is carried between calls.
import { PASTE_END, PASTE_START } from '../../../shared/ansi.ts';

export type EditKey =
  | 'enter'
  | 'tab'
  | 'backspace'
  | 'delete'
  | 'left'
  | 'right'
  | 'up'
  | 'down'
  | 'home'
  | 'end'
  | 'word-left'
  | 'word-right'
  | 'kill-word-left'
  | 'kill-word-right'
  | 'rubout-word'
  | 'kill-to-end'
  | 'kill-to-start'
  | 'yank'
  | 'interrupt'
  | 'eof'
  | 'clear-screen'
  | 'reverse-search'
  | 'cancel'
  | 'escape'
  | 'transpose';

export type KeyToken = { kind: 'text'; text: string } | { kind: 'paste'; text: string } | { kind: 'key'; key: EditKey };

const CONTROL_KEYS: Record<string, EditKey> = {
  '\r': 'enter',
  '\n': 'enter',
  '\t': 'tab',
  '\x7f': 'backspace',
  '\x08': 'backspace',
  '\x01': 'home',
  '\x02': 'left',
  '\x03': 'interrupt',
  '\x04': 'eof',
  '\x05': 'end',
  '\x06': 'right',
  '\x07': 'cancel',
  '\x0b': 'kill-to-end',
  '\x0c': 'clear-screen',
  '\x0e': 'down',
  '\x10': 'up',
  '\x12': 'reverse-search',
  '\x14': 'transpose',
  '\x15': 'kill-to-start',
  '\x17': 'rubout-word',
  '\x19': 'yank',
};

/** ESC followed by one character: what Alt+key sends. */
const META_KEYS: Record<string, EditKey> = {
  b: 'word-left',
  f: 'word-right',
  d: 'kill-word-right',
  '\x7f': 'kill-word-left',
  '\x08': 'kill-word-left',
};

/** Final byte of a cursor-key sequence (CSI or SS3). */
const CURSOR_FINALS: Record<string, EditKey> = { A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end' };

/** CSI <n> ~ sequences (VT220 editing keys). */
const TILDE_KEYS: Record<string, EditKey> = { '1': 'home', '7': 'home', '4': 'end', '8': 'end', '3': 'delete' };

function csiKey(params: string, final: string): EditKey | null {
  const [first, modifierText] = params.split(';');
  // xterm encodes modifiers as 1 + (shift 1 | alt 2 | ctrl 4): Ctrl or Alt with an arrow moves by word.
  const modifier = modifierText ? Number(modifierText) - 1 : 0;
  const byWord = (modifier & 6) !== 0;
  if (final === '~') {
    const key = TILDE_KEYS[first];
    if (key === 'delete' && byWord) return 'kill-word-right';
    return key ?? null;
  }
  const key = CURSOR_FINALS[final];
  if (!key) return null;
  if (byWord && key === 'left') return 'word-left';
  if (byWord && key === 'right') return 'word-right';
  return key;
}

/** Splits one onData chunk into text runs, pastes and editing keys, in order. */
export function parseKeys(data: string): KeyToken[] {
  const tokens: KeyToken[] = [];
  let text = '';
  const flushText = () => {
    if (text) tokens.push({ kind: 'text', text });
    text = '';
  };
  let i = 0;
  while (i < data.length) {
    const ch = data[i];
    if (ch === '\x1b') {
      if (data.startsWith(PASTE_START, i)) {
        flushText();
        const end = data.indexOf(PASTE_END, i + PASTE_START.length);
        const stop = end === -1 ? data.length : end;
        tokens.push({ kind: 'paste', text: data.slice(i + PASTE_START.length, stop) });
        i = end === -1 ? data.length : end + PASTE_END.length;
        continue;
      }
      const next = data[i + 1];
      if (next === '[') {
        // CSI: parameters and intermediates up to a final byte in @..~.
        let j = i + 2;
        while (j < data.length && !(data.charCodeAt(j) >= 0x40 && data.charCodeAt(j) <= 0x7e)) j++;
        const key = j < data.length ? csiKey(data.slice(i + 2, j), data[j]) : null;
        if (key) {
          flushText();
          tokens.push({ kind: 'key', key });
        }
        i = j + 1;
        continue;
      }
      if (next === 'O' && i + 2 < data.length) {
        const key = CURSOR_FINALS[data[i + 2]];
        if (key) {
          flushText();
          tokens.push({ kind: 'key', key });
        }
        i += 3;
        continue;
      }
      flushText();
      if (next === undefined) {
        tokens.push({ kind: 'key', key: 'escape' });
        i += 1;
        continue;
      }
      const meta = META_KEYS[next] ?? META_KEYS[next.toLowerCase()];
      if (meta) tokens.push({ kind: 'key', key: meta });
      i += 2;
      continue;
    }
    const control = CONTROL_KEYS[ch];
    if (control) {
      flushText();
      // A CR LF pair is one Enter.
      if (ch === '\r' && data[i + 1] === '\n') i++;
      tokens.push({ kind: 'key', key: control });
      i++;
      continue;
    }
    const code = ch.charCodeAt(0);
    if (code >= 0x20 && !(code >= 0x7f && code < 0xa0)) text += ch;
    i++;
  }
  flushText();
  return tokens;
}
