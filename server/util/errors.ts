// An error as one line of plain words, for logs, terminals and API answers.

export function errorText(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return errorText(err.errors[0]);
  return err instanceof Error ? err.message || err.name : String(err);
}
