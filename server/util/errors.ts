// An error as one line of plain words, for logs, terminals and API answers.

export function errorText(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return errorText(err.errors[0]);
  return err instanceof Error ? err.message || err.name : String(err);
}

/**
 * The 4xx status of an error the request itself caused in express.json() (body-parser raises
 * http-errors, which carry `status` and `expose`): a body that is not what its Content-Encoding
 * says, a charset it cannot read, a length that does not match, a body too large. Null for anything
 * else. Without this an API answers those with a 500, as if the server had failed.
 */
export function requestErrorStatus(err: unknown): number | null {
  const { status, expose } = (err ?? {}) as { status?: unknown; expose?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500 && expose === true ? status : null;
}
