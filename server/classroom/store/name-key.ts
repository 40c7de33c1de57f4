// The form of a display name that uniqueness is judged on. Both stores keep it in a column of its
// own and compare it byte for byte, because neither database can be trusted to fold case the way
// the other does: SQLite's lower() only knows ASCII ("Émile" and "émile" would both get in), and
// MariaDB's *_ci collations also treat "e" and "é" as equal (so would refuse "Rene" next to "René").
// NFC first, so "é" typed as one code point or as "e" + combining accent is the same name.

export function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}
