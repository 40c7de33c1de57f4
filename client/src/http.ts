// JSON over HTTP for the playground's APIs (lessons, classroom, dashboard, files), keeping the
// status: the join page and the sign-in form answer 404, 409 and 401 with their own words, and
// saving files retries only what may pass later. The learner (or instructor) is the cookie the
// server sets; these same-origin requests send it.

/** Any failed request: `status` is 0 when the server did not answer at all. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'HttpError';
  }
}

/** The part of fetch this module uses, so tests can hand in a fake. */
export type FetchLike = (
  url: string,
  init: RequestInit,
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** The request outlives the page (pagehide); browsers cap such bodies at 64 KiB. */
  keepalive?: boolean;
  fetch?: FetchLike;
  /** A success without a JSON body (204) is fine: it resolves to null. */
  allowEmpty?: boolean;
}

export async function requestJson<T>(method: string, url: string, options: RequestOptions = {}): Promise<T> {
  const doFetch: FetchLike = options.fetch ?? ((u, init) => fetch(u, init));
  let response: Awaited<ReturnType<FetchLike>>;
  try {
    response = await doFetch(url, {
      method,
      signal: options.signal,
      keepalive: options.keepalive,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(options.body !== undefined && { 'content-type': 'application/json' }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new HttpError(0, 'the playground server did not answer (is it running?)', { cause: err });
  }
  const body = (await response.json().catch(() => null)) as (T & { error?: unknown }) | null;
  if (response.ok && body === null && options.allowEmpty) return null as T;
  if (!response.ok || body === null) {
    const said = body && typeof body.error === 'string' ? body.error : null;
    throw new HttpError(response.status, said ?? `the server answered ${response.status}`);
  }
  return body;
}

/** Whether trying the same request again later may work (the server was away or busy). */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof HttpError)) return true;
  return err.status === 0 || err.status === 408 || err.status === 429 || err.status >= 500;
}
