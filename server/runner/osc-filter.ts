// A run's output is the learner's own program: colours and cursor moves reach the pane as they
// are, but no Operating System Command does. OSC sequences (ESC ] … BEL, or … ESC \) write the
// browser's clipboard (OSC 52), make links (OSC 8), set the window title (OSC 0/1/2) and the
// palette: a program pasted from anywhere must not do those to the learner's page. They are
// dropped here, on the web server, before the output is batched, kept for a reload or mirrored.
// A sequence may be split across writes: the filter keeps its place between them.

const ESC = '\x1b';
const BEL = '\x07';
/** C1 forms: OSC and String Terminator as single characters (U+009D, U+009C). */
const C1_OSC = '\x9d';
const C1_ST = '\x9c';
/**
 * An OSC longer than this is not waited for any more: it is dropped up to here and the filter
 * reads normally again (a program that never terminates one cannot make the pane swallow the rest).
 */
export const MAX_OSC_CHARS = 64 * 1024;

export class OscFilter {
  /** Inside an OSC: characters dropped so far (its end not seen yet). */
  private inOsc = false;
  private oscChars = 0;
  /** An ESC ended the last write: what follows decides whether it begins (or ends) an OSC. */
  private pendingEsc = false;

  /** The text to show of the next piece of output. */
  write(text: string): string {
    let out = '';
    let i = 0;
    if (this.pendingEsc) {
      this.pendingEsc = false;
      if (text.length === 0) {
        this.pendingEsc = true;
        return '';
      }
      if (this.inOsc) {
        // ESC \ ends it; an ESC followed by anything else is still inside the (broken) OSC.
        if (text[0] === '\\') {
          this.inOsc = false;
          i = 1;
        }
      } else if (text[0] === ']') {
        this.startOsc();
        i = 1;
      } else {
        out += ESC;
      }
    }
    while (i < text.length) {
      if (this.inOsc) {
        const end = this.oscEnd(text, i);
        if (end < 0) return out;
        i = end;
        continue;
      }
      const esc = nextOscStart(text, i);
      if (esc < 0) {
        out += text.slice(i);
        break;
      }
      out += text.slice(i, esc);
      if (text[esc] === C1_OSC) {
        this.startOsc();
        i = esc + 1;
      } else if (esc + 1 >= text.length) {
        this.pendingEsc = true;
        break;
      } else if (text[esc + 1] === ']') {
        this.startOsc();
        i = esc + 2;
      } else {
        out += ESC;
        i = esc + 1;
      }
    }
    return out;
  }

  private startOsc(): void {
    this.inOsc = true;
    this.oscChars = 0;
  }

  /** Where reading goes on after the OSC that `text` continues at `from`; -1: all of it was inside. */
  private oscEnd(text: string, from: number): number {
    for (let j = from; j < text.length; j++) {
      const c = text[j];
      if (c === BEL || c === C1_ST) {
        this.inOsc = false;
        return j + 1;
      }
      if (c === ESC) {
        if (j + 1 >= text.length) {
          this.pendingEsc = true;
          return -1;
        }
        if (text[j + 1] === '\\') {
          this.inOsc = false;
          return j + 2;
        }
      }
      if (++this.oscChars > MAX_OSC_CHARS) {
        this.inOsc = false;
        return j + 1;
      }
    }
    return -1;
  }
}

/** The next ESC or C1 OSC at or after `from`, or -1. */
function nextOscStart(text: string, from: number): number {
  const esc = text.indexOf(ESC, from);
  const c1 = text.indexOf(C1_OSC, from);
  if (esc < 0) return c1;
  if (c1 < 0) return esc;
  return Math.min(esc, c1);
}
