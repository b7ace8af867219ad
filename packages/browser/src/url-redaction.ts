// What a URL may carry that must not leave the page: the fragment (OAuth's implicit flow puts
// `access_token=` there; SPAs put state there), credentials in query parameters, and secrets
// typed into a search box or a path.
import { isUrlCredentialParameter } from '@threadline/redact/rules';

/** How a URL's parts are judged: by parameter name, and by the shape of the text. */
export interface UrlRedactionRules {
  readonly marker: string;
  /** Whether a field or parameter with this name holds a secret. */
  isSensitiveKey(name: string): boolean;
  /** The text with every recognised secret replaced. */
  text(value: string): string;
}

function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    // Malformed escapes: judge the text as written.
    return text;
  }
}

// Re-encoded after redaction, but the marker stays readable: `q=%5BREDACTED%5D` would be
// correct and unhelpful.
function encodeComponent(text: string, marker: string): string {
  return encodeURIComponent(text).split(encodeURIComponent(marker)).join(marker);
}

function redactParameter(part: string, rules: UrlRedactionRules): string {
  const equals = part.indexOf('=');
  const rawName = equals < 0 ? part : part.slice(0, equals);
  const name = decodeComponent(rawName);
  const redactedName = rules.text(name);
  // A secret used as the parameter itself (`?ghp_…`): the whole parameter goes.
  if (redactedName !== name) return encodeComponent(redactedName, rules.marker);
  if (equals < 0) return part;
  const rawValue = part.slice(equals + 1);
  if (rawValue === '') return part;
  // `code`, `ticket`, `SAMLResponse`, …: credentials in a URL only (@threadline/redact's list,
  // the services apply the same one to URLs in their text).
  if (isUrlCredentialParameter(name) || rules.isSensitiveKey(name))
    return `${rawName}=${rules.marker}`;
  const value = decodeComponent(rawValue);
  const redacted = rules.text(value);
  return redacted === value ? part : `${rawName}=${encodeComponent(redacted, rules.marker)}`;
}

/**
 * The URL without its fragment, with the value of every sensitive query parameter replaced
 * by the marker (the name stays, so the URL still says what was sent), and secrets recognised
 * by shape replaced in the rest (user info, path, other parameter values). Works on the text,
 * not through `URL`, so nothing else about the URL changes; relative URLs work the same.
 */
export function redactUrl(url: string, rules: UrlRedactionRules): string {
  const hash = url.indexOf('#');
  const withoutFragment = hash < 0 ? url : url.slice(0, hash);
  const question = withoutFragment.indexOf('?');
  const base = question < 0 ? withoutFragment : withoutFragment.slice(0, question);
  // The path arrives percent-encoded (`/reset/abc%20def`): judge it decoded, as a reader would.
  const decodedBase = decodeComponent(base);
  const redactedBase = rules.text(decodedBase);
  const head = redactedBase === decodedBase ? base : redactedBase;
  if (question < 0) return head;
  const query = withoutFragment
    .slice(question + 1)
    .split('&')
    .map((part) => redactParameter(part, rules))
    .join('&');
  return `${head}?${query}`;
}
