// Browser-safe (no imports): @threadline/browser takes it through `@threadline/core/http-methods`.

/**
 * The request methods the HTTP semantic conventions name (`http.request.method`), QUERY
 * included; any other method is recorded as `_OTHER`.
 */
export const HTTP_METHODS: ReadonlySet<string> = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'QUERY',
  'TRACE',
]);

/**
 * `http.request.method` for a method as sent: the method when known, else `_OTHER`. Methods
 * are case-sensitive (RFC 9110, and the conventions match them exactly): `get` is `_OTHER`.
 */
export function httpRequestMethod(method: string): string {
  return HTTP_METHODS.has(method) ? method : '_OTHER';
}
