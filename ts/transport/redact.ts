/**
 * Keeping secrets out of error messages and status events.
 *
 * Signed REST requests carry `signature=` (and sometimes `apiKey=`/`timestamp=`) in the query
 * string, and some private WebSocket endpoints take tokens as query parameters. Errors end up in
 * logs, so anything we put in a message or status event goes through these helpers first. Headers
 * are never put in messages at all.
 */

/** `url` without its query string and fragment: `wss://h/ws?token=x` -> `wss://h/ws`. */
export function stripQuery(url: string): string {
  const i = url.search(/[?#]/);
  return i === -1 ? url : url.slice(0, i);
}

// A URL (any scheme://) followed by a query string or fragment; group 1 is the part we keep.
const URL_WITH_QUERY = /([a-z][a-z0-9+.-]*:\/\/[^\s?#'"<>]*)[?#][^\s'"<>]*/gi;

/**
 * Strips the query string / fragment of every URL that appears in free text (e.g. a library's
 * error message). URLs are recognized by their scheme; pass `knownUrl` (the URL we actually used)
 * to also remove its query string wherever it appears, e.g. in "Invalid URL: host/ws?key=..".
 */
export function redactUrls(text: string, knownUrl?: string): string {
  let out = text;
  if (knownUrl) {
    const i = knownUrl.search(/[?#]/);
    if (i !== -1 && i < knownUrl.length - 1) out = out.split(knownUrl.slice(i)).join('');
  }
  return out.replace(URL_WITH_QUERY, '$1');
}

/**
 * A copy of `err` that is safe to attach as `cause`: same name and `code`, message with URLs'
 * query strings removed (see {@link redactUrls}). Returns `err` itself when there was nothing to
 * remove, so the original stack survives in the common case.
 */
export function redactError(err: unknown, knownUrl?: string): unknown {
  if (!(err instanceof Error)) return err;
  const message = redactUrls(err.message, knownUrl);
  const stack = err.stack ?? '';
  if (message === err.message && redactUrls(stack, knownUrl) === stack) return err;
  const copy = new Error(message);
  copy.name = err.name;
  const code = (err as { code?: unknown }).code;
  if (code !== undefined) (copy as { code?: unknown }).code = code;
  return copy;
}
