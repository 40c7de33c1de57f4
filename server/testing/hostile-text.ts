// A value that would take over a terminal if it were written raw, and the check that a terminal's
// output carries none of its control characters: the integration tests of each service's terminal
// store it, read it back and look at what the learner would see. Test support only.

/** The sequences a stored value could use: clipboard write, link, title, clear screen, cursor home, 8-bit CSI, bell. */
export const HOSTILE_PARTS = [
  '\x1b]52;c;aGk=\x07',
  '\x1b]8;;http://x\x07link',
  '\x1b]0;title\x07',
  '\x1b[2J',
  '\x1b[H',
  '\x9b31m',
  '\x07',
] as const;

/** All of them in one value, between plain words so the neighbours can be checked too. */
export const HOSTILE_VALUE = `<${HOSTILE_PARTS.join('|')}>`;

/** How the playground's escaping shows HOSTILE_VALUE (server/services/visible-text.ts). */
export const HOSTILE_SHOWN =
  '<\\x1b]52;c;aGk=\\x07|\\x1b]8;;http://x\\x07link|\\x1b]0;title\\x07|\\x1b[2J|\\x1b[H|\\xc2\\x9b31m|\\x07>';

/** The playground's own colours (SGR: ESC [ digits and semicolons m), the only sequences it may write. */
const OWN_SGR = /\x1b\[[0-9;]*m/g;

/**
 * What in `output` could drive the terminal once the playground's own colours are taken out: ESC,
 * BEL, any C1 control, any C0 control but CR, LF and TAB. Empty when the output is inert.
 */
export function controlsIn(output: string): string[] {
  return [...output.replace(OWN_SGR, '').matchAll(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g)].map((m) =>
    JSON.stringify(m[0]),
  );
}
