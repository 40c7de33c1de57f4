// The one rule for a file name that travels with a snippet run (and that lessons and the classroom's
// saved files use too): a plain name, no folders, no dot-files. Zod-free, so the page's first bundle
// can import it without the schema library.

/** Letters, digits, _ . - ; not starting with . or - ; up to 64 characters. */
export const FILE_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

/** What the rule says, in words for an error message. */
export const FILE_NAME_RULE = 'a plain file name (letters, digits, _ . -), up to 64 characters';

export function isFileName(name: string): boolean {
  return FILE_NAME_PATTERN.test(name);
}
