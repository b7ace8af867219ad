import type { Redactor } from '@threadline/redact';

// Long enough for a driver's error with its host and code, short enough for a probe body.
const MAX_ERROR_LENGTH = 500;
// What is scanned at all: a check may throw a message of megabytes, and this runs per probe.
// Far past MAX_ERROR_LENGTH, so the scanned part always covers what is shown.
const MAX_SCANNED_LENGTH = 8 * 1024;

// scheme://…, up to whitespace, quotes or brackets: the URLs drivers and fetch put in errors.
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]{0,30}:\/\/[^\s"'<>()[\]{}]+/gi;

/**
 * A check's error text as the full health report shows it: every URL without its
 * credentials, query and fragment (`postgres://app:pw@db:5432/orders?sslkey=…` →
 * `postgres://db:5432/orders`), then the whole text through the redactor (tokens, keys,
 * `password=…` anywhere), cut at 500 characters only after that, so a cut never leaves half
 * a URL for the redactor to miss.
 */
export function safeErrorText(text: string, redactor: Redactor): string {
  const scanned = text.length > MAX_SCANNED_LENGTH ? text.slice(0, MAX_SCANNED_LENGTH) : text;
  const withoutUrlSecrets = scanned.replace(URL_IN_TEXT, stripUrl);
  const redacted = redactor.redactString(withoutUrlSecrets);
  return redacted.length > MAX_ERROR_LENGTH || scanned !== text
    ? `${redacted.slice(0, MAX_ERROR_LENGTH)}…`
    : redacted;
}

/** `url` with only scheme, host, port and path: what identifies the endpoint, no secret. */
export function stripUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.host !== '') return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    // Not parseable as a whole (a placeholder host, odd characters): cut by hand below.
  }
  return url.replace(/^([^:]+:\/\/)[^/?#]*@/, '$1').replace(/[?#].*$/, '');
}
