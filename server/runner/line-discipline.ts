// What a terminal's line discipline does for a program reading stdin, done here because a run's
// stdin is a pipe, not a PTY: keys arrive as typed; they are echoed, edited (Backspace, Ctrl-U)
// and handed to the program a line at a time when Enter is pressed; Ctrl-D on an empty line is end
// of input; Ctrl-C interrupts. Escape sequences (arrows, function keys) are dropped, as a
// canonical-mode tty without readline would show them as garbage otherwise.
import { MAX_LINE_BYTES } from '../../shared/limits.ts';
import { charWidth } from '../../shared/char-width.ts';

export interface DisciplineResult {
  /** Terminal text to show (the echo). */
  echo: string;
  /** Bytes for the program's stdin, in order. */
  deliver: string;
  /** End of input: close the program's stdin after `deliver`. */
  eof: boolean;
  /** Ctrl-C was typed. */
  interrupt: boolean;
}

const ERASE = '\b \b';
const BELL = '\x07';

export class LineDiscipline {
  private line = '';
  private lineBytes = 0;
  private afterCr = false;
  /** Inside an escape sequence: 'esc' after ESC, 'csi' after ESC [, 'ss3' after ESC O. */
  private escape: 'none' | 'esc' | 'csi' | 'ss3' = 'none';
  private closed = false;

  feed(data: string): DisciplineResult {
    const out: DisciplineResult = { echo: '', deliver: '', eof: false, interrupt: false };
    if (this.closed) return out;
    for (const ch of data) {
      const code = ch.codePointAt(0)!;
      if (this.escape !== 'none') {
        this.skipEscape(ch, code);
        continue;
      }
      if (ch === '\n' && this.afterCr) {
        this.afterCr = false; // "\r\n" from a paste is one line end
        continue;
      }
      this.afterCr = ch === '\r';
      if (ch === '\r' || ch === '\n') {
        out.echo += '\r\n';
        out.deliver += this.line + '\n';
        this.clearLine();
      } else if (ch === '\x7f' || ch === '\b') {
        out.echo += this.eraseLast();
      } else if (ch === '\x15') {
        while (this.line) out.echo += this.eraseLast();
      } else if (ch === '\x04') {
        if (this.line === '') {
          out.eof = true;
          this.closed = true;
          return out;
        }
        // As a tty: Ctrl-D on a non-empty line hands over what is there, without a newline.
        out.deliver += this.line;
        this.clearLine();
      } else if (ch === '\x03') {
        out.echo += '^C\r\n';
        out.interrupt = true;
        this.clearLine();
      } else if (ch === '\x1b') {
        this.escape = 'esc';
      } else if (ch === '\t' || code >= 0x20) {
        const bytes = Buffer.byteLength(ch);
        if (this.lineBytes + bytes > MAX_LINE_BYTES) {
          out.echo += BELL;
          continue;
        }
        this.line += ch;
        this.lineBytes += bytes;
        out.echo += ch;
      }
      // other control characters are ignored
    }
    return out;
  }

  private clearLine(): void {
    this.line = '';
    this.lineBytes = 0;
  }

  private eraseLast(): string {
    const chars = [...this.line];
    const last = chars.pop();
    if (last === undefined) return '';
    this.line = chars.join('');
    this.lineBytes -= Buffer.byteLength(last);
    // A combining mark took no cell; a tab is taken back as one (the column it reached is not tracked).
    return ERASE.repeat(last === '\t' ? 1 : charWidth(last.codePointAt(0)!));
  }

  private skipEscape(ch: string, code: number): void {
    if (this.escape === 'esc') {
      this.escape = ch === '[' ? 'csi' : ch === 'O' ? 'ss3' : 'none';
    } else if (this.escape === 'ss3') {
      this.escape = 'none';
    } else if (code >= 0x40 && code <= 0x7e) {
      this.escape = 'none'; // the final byte of a CSI sequence
    }
  }
}
