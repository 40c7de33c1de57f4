// Progress as CSV for a spreadsheet: one row per learner, then one column per step holding when it
// was done (ISO time), "stuck", or nothing. RFC 4180 quoting; a leading =, +, - or @ is defused so a
// display name cannot become a formula. The count of steps done is a plain number under a header
// that names the total ("steps done (of 42)"): written as "3/42", spreadsheets read it as a date.
import { cellState, type ClassDetail } from '../../shared/classroom-api.ts';

export function csvField(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function progressCsv(detail: ClassDetail, now = Date.now()): string {
  const checked = detail.steps.filter((s) => s.hasCheck);
  const header = [
    'learner',
    'joined',
    'last active',
    'current lesson',
    `steps done (of ${checked.length})`,
    ...checked.map((s) => s.key),
  ];
  const rows = detail.learners.map((l) => {
    const done = checked.filter((s) => l.steps[s.key]?.doneAt).length;
    return [
      l.name,
      l.joinedAt,
      l.lastActiveAt ?? '',
      l.current ?? '',
      done,
      ...checked.map((s) => {
        const state = cellState(l, s, detail.steps, now);
        return state === 'done' ? l.steps[s.key]!.doneAt! : state === 'stuck' ? 'stuck' : '';
      }),
    ];
  });
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
