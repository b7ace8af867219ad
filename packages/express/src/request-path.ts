import type { IncomingMessage } from 'node:http';

/**
 * The path of the request as the client sent it, without the query string. express rewrites
 * `req.url` inside mounted routers and keeps the original in `req.originalUrl`.
 */
export function requestPath(req: IncomingMessage): string {
  const url = (req as { originalUrl?: unknown }).originalUrl ?? req.url ?? '/';
  const raw = typeof url === 'string' ? url : '/';
  const query = raw.indexOf('?');
  return query === -1 ? raw : raw.slice(0, query);
}

/** `req.url` without the query string: the path relative to an express mount point. */
export function mountedPath(req: IncomingMessage): string {
  const raw = req.url ?? '/';
  const query = raw.indexOf('?');
  return query === -1 ? raw : raw.slice(0, query);
}

/**
 * Returns a predicate matching exact paths, or prefixes for patterns ending in `*`, the same
 * rule as `@threadline/node`'s `ignoredPaths`.
 */
export function createPathMatcher(patterns: readonly string[]): (path: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const pattern of patterns) {
    if (pattern.endsWith('*')) prefixes.push(pattern.slice(0, -1));
    else exact.add(pattern);
  }
  return (path) => exact.has(path) || prefixes.some((prefix) => path.startsWith(prefix));
}
