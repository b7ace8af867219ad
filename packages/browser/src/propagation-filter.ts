import type { PropagationTarget } from './types.ts';

/** Decides whether a request URL may receive the `traceparent` header. */
export type PropagationFilter = (url: URL) => boolean;

/**
 * Builds the filter from the configured targets. The page's own origin is always allowed
 * (same-origin requests need no CORS permission); a string target must be an origin such as
 * `https://api.example.com` (a trailing `/` is tolerated), matched against the URL's origin;
 * a RegExp is tested against the full URL.
 * @throws {TypeError} for a string that is not an origin, so a typo fails at start-up.
 */
export function createPropagationFilter(
  targets: readonly PropagationTarget[],
  pageOrigin: string | undefined,
): PropagationFilter {
  const origins = new Set<string>();
  const patterns: RegExp[] = [];
  if (pageOrigin !== undefined && pageOrigin !== 'null') origins.add(pageOrigin);
  for (const target of targets) {
    if (target instanceof RegExp) {
      patterns.push(target);
      continue;
    }
    let parsed: URL | undefined;
    try {
      parsed = typeof target === 'string' ? new URL(target) : undefined;
    } catch {
      parsed = undefined;
    }
    const path = parsed === undefined ? '' : `${parsed.pathname}${parsed.search}${parsed.hash}`;
    if (parsed === undefined || parsed.origin === 'null' || (path !== '' && path !== '/')) {
      throw new TypeError(
        `propagateTraceHeaderCorsUrls: ${String(target)} is neither an origin (such as https://api.example.com) nor a RegExp`,
      );
    }
    origins.add(parsed.origin);
  }
  return (url) => {
    if (origins.has(url.origin)) return true;
    const href = url.href;
    for (const pattern of patterns) {
      // A global or sticky RegExp keeps lastIndex between calls; start from 0 every time.
      pattern.lastIndex = 0;
      if (pattern.test(href)) return true;
    }
    return false;
  };
}
