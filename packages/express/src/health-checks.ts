import { checkBooleanOption, checkNumberOption, invalidOption } from './option-values.ts';
import { stripUrl } from './safe-error-text.ts';
import type { HealthCheck, HealthCheckOptions, HttpCheckOptions } from './types.ts';

/**
 * A check that runs a cheap query, e.g. `databaseCheck('postgres', () => pool.query('SELECT 1'))`;
 * the database client stays the application's, this package does not depend on one.
 */
export function databaseCheck(
  name: string,
  query: (signal: AbortSignal) => unknown,
  options: HealthCheckOptions = {},
): HealthCheck {
  return buildCheck('databaseCheck', name, query, 'database', options);
}

/** A check that pings a cache, e.g. `cacheCheck('redis', () => redis.ping())`. */
export function cacheCheck(
  name: string,
  ping: (signal: AbortSignal) => unknown,
  options: HealthCheckOptions = {},
): HealthCheck {
  return buildCheck('cacheCheck', name, ping, 'cache', options);
}

/** A check of anything else: it passes when `check` resolves to anything but `false`. */
export function customCheck(
  name: string,
  check: (signal: AbortSignal) => unknown,
  options: HealthCheckOptions = {},
): HealthCheck {
  return buildCheck('customCheck', name, check, 'custom', options);
}

/**
 * A check calling a downstream HTTP endpoint with global fetch (typically the other service's
 * liveness path); it passes on the expected status (any 2xx by default). Credentials in the
 * URL (`https://user:pass@host/…`) are taken out of it and sent as `Authorization: Basic`
 * (fetch refuses URLs with credentials), unless `headers` has an `authorization` of its own.
 */
export function httpCheck(
  name: string,
  url: string | URL,
  options: HttpCheckOptions = {},
): HealthCheck {
  const owner = 'httpCheck';
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    invalidOption(owner, 'url', 'an absolute URL', stripUrl(String(url)));
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    invalidOption(owner, 'url', 'an http: or https: URL', stripUrl(target.href));
  }
  const accepts = statusPredicate(options.expectStatus, owner);
  const method = options.method ?? 'GET';
  if (typeof method !== 'string' || method === '')
    invalidOption(owner, 'method', 'a method', method);
  if (typeof (options.headers ?? {}) !== 'object' || options.headers === null) {
    invalidOption(owner, 'headers', 'an object', options.headers);
  }
  const headers: Record<string, string> = { ...options.headers };
  if (target.username !== '' || target.password !== '') {
    const credentials = `${decodeUserInfo(target.username)}:${decodeUserInfo(target.password)}`;
    target.username = '';
    target.password = '';
    if (!Object.keys(headers).some((key) => key.toLowerCase() === 'authorization')) {
      headers.authorization = `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
    }
  }
  const href = target.href;
  // What error text names: the endpoint without its query (API keys travel there too).
  const shown = stripUrl(href);

  return buildCheck(
    owner,
    name,
    async (signal) => {
      let response: Response;
      try {
        response = await fetch(href, { method, headers, signal, redirect: 'manual' });
      } catch (err) {
        throw new Error(`${method} ${shown} failed: ${fetchFailure(err)}`, { cause: err });
      }
      // Only the status matters; leaving the body unread would hold the connection.
      await response.body?.cancel().catch(() => undefined);
      if (!accepts(response.status))
        throw new Error(`${method} ${shown} answered ${response.status}`);
    },
    'http',
    options,
  );
}

// URL user info is percent-encoded (`p%40ss` for `p@ss`); a malformed escape is kept as written.
function decodeUserInfo(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function buildCheck(
  owner: string,
  name: string,
  check: (signal: AbortSignal) => unknown,
  type: string,
  options: HealthCheckOptions,
): HealthCheck {
  if (typeof name !== 'string' || name === '')
    invalidOption(owner, 'name', 'a non-empty string', name);
  if (typeof check !== 'function') invalidOption(owner, 'check', 'a function', check);
  if (options === null || typeof options !== 'object') {
    invalidOption(owner, 'options', 'an object', options);
  }
  const result: HealthCheck = { name, check, type };
  const critical = checkBooleanOption(options.critical, owner, 'critical');
  if (critical !== undefined) result.critical = critical;
  const timeoutMs = checkNumberOption(options.timeoutMs, owner, 'timeoutMs', { min: 1 });
  if (timeoutMs !== undefined) result.timeoutMs = timeoutMs;
  return result;
}

function statusPredicate(
  expect: HttpCheckOptions['expectStatus'],
  owner: string,
): (status: number) => boolean {
  if (expect === undefined) return (status) => status >= 200 && status < 300;
  if (typeof expect === 'function') return expect;
  const list = typeof expect === 'number' ? [expect] : expect;
  if (!Array.isArray(list) || list.length === 0 || list.some((s) => !Number.isInteger(s))) {
    invalidOption(owner, 'expectStatus', 'a status, a list of statuses or a function', expect);
  }
  const accepted = new Set(list);
  return (status) => accepted.has(status);
}

// fetch reports every network failure as `TypeError: fetch failed` and puts the reason
// (ECONNREFUSED, a DNS failure, the abort) in `cause`.
function fetchFailure(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'AbortError' || err.name === 'TimeoutError') return 'aborted';
  const cause = err.cause as { code?: unknown; message?: unknown } | undefined;
  if (typeof cause?.code === 'string') return `${err.message} (${cause.code})`;
  if (typeof cause?.message === 'string') return `${err.message} (${cause.message})`;
  return err.message;
}
