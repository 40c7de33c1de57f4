// `help <topic>`: the server's HELP statement, shown as the client's com_server_help shows it.
import { escapeControls } from './columns.ts';

/** `rows` of the HELP statement's result, `columns` its column count. */
export function formatServerHelp(
  topic: string,
  columns: number,
  rows: ReadonlyArray<ReadonlyArray<string | null>>,
): string {
  const text = (v: string | null | undefined) => escapeControls(v ?? '');
  if (columns === 3 && rows.length === 1) {
    const [name, description, example] = rows[0];
    let out = `Name: '${text(name)}'\nDescription:\n${text(description)}`;
    if (example) out += `Examples:\n${text(example)}`;
    return out + '\n';
  }
  if (columns >= 2 && rows.length > 0) {
    let out = '';
    let nameAt = 0;
    let categoryAt = 1;
    if (columns === 2) {
      out += 'Many help items for your request exist.\n';
      out += "To make a more specific request, please type 'help <item>',\nwhere <item> is one of the following\n";
    } else {
      out += `You asked for help about help category: "${text(rows[0][0])}"\n`;
      out += "For more information, type 'help <item>', where <item> is one of the following\n";
      nameAt = 1;
      categoryAt = 2;
    }
    let lastKind = '';
    for (const row of rows) {
      const kind = (row[categoryAt] ?? '').charAt(0);
      if (kind !== lastKind) {
        out += kind === 'Y' ? 'categories:\n' : 'topics:\n';
        lastKind = kind;
      }
      out += `   ${text(row[nameAt])}\n`;
    }
    return out + '\n';
  }
  if (/^'?contents'?$/i.test(topic.trim())) return "\nNothing found\n\nPlease check if 'help tables' are loaded.\n\n";
  return "\nNothing found\nPlease try to run 'help contents' for a list of all accessible topics\n\n";
}
