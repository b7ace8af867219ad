// Query parameters that carry a credential in a URL although the same word as a log field or
// a `name=value` in prose does not. Browser-safe: `@threadline/browser` takes it through
// `@threadline/redact/rules` for every URL it records, and the services' string redaction
// (value-patterns.ts) applies it to `?name=` / `&name=` / `#name=` in any text, so an
// outgoing span's `url.full` or a logged callback URL loses `?code=…` in Node too.
import { normalizeKey } from './sensitive-keys.ts';

/**
 * The URL-only credential parameters, normalised as {@link normalizeKey} does (`SAMLResponse`
 * → `samlresponse`, `X-Amz-Credential` → `xamzcredential`):
 * - `code`: OAuth 2.0 authorization code, exchangeable for tokens (RFC 6749 §4.1.2);
 * - `oauth_verifier`: its OAuth 1.0a counterpart (RFC 5849 §2.2);
 * - `key`: Google and other API keys passed as `?key=`;
 * - `ticket`: CAS service ticket;
 * - `SAMLResponse`, `SAMLRequest`, `SAMLart`: SAML messages and artifacts (a response is a
 *   signed assertion: whoever holds it is logged in);
 * - `X-Amz-Credential`, `X-Amz-Security-Token`: AWS SigV4 pre-signed URLs (the signature,
 *   `X-Amz-Signature`, is a sensitive key everywhere);
 * - `X-Goog-Credential`, `X-Goog-Signature`, `X-Google-Signature`: Google Cloud Storage
 *   signed URLs.
 *
 * Not here, on purpose: OAuth `state` (a CSRF nonce bound to the session, worthless without
 * the `code` beside it, and an ordinary word: `?state=open`); Azure SAS `sv`, `se`, `st`,
 * `sp`, `sr` (version, expiry, start, permissions, resource: not secret; the SAS secret is
 * `sig`, a sensitive key everywhere); `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders`.
 * `access_token`, `id_token`, `client_secret`, `api_key`, `password`, `sig`, … need no entry:
 * the key rules (sensitive-keys.ts) already decide them in URLs and everywhere else.
 */
export const URL_CREDENTIAL_PARAMETERS: ReadonlySet<string> = new Set([
  'code',
  'oauthverifier',
  'key',
  'ticket',
  'samlresponse',
  'samlrequest',
  'samlart',
  'xamzcredential',
  'xamzsecuritytoken',
  'xgoogcredential',
  'xgoogsignature',
  'xgooglesignature',
]);

/** Whether a URL query or fragment parameter named `name` carries a credential in a URL. */
export function isUrlCredentialParameter(name: string): boolean {
  return URL_CREDENTIAL_PARAMETERS.has(normalizeKey(name));
}

// A whole string that is a form-encoded list (`code=…&state=…`): the value of a `url.query`
// attribute (semantic conventions: the query without `?`) or an OAuth token request body. At
// least one `&` and no whitespace, so `code=2` or `exit code=2 & retry` in prose stays. The
// classes exclude `&`, so the expression runs in linear time.
const FORM_ENCODED = /^[^\s&=]+=[^\s&]*(?:&[^\s&]*)+$/;

/**
 * Whether `name`, read just before the `=` at `separator` in `text`, is a URL credential
 * parameter written as one: directly after `?`, `&` or `#` (`/callback?code=…`, `#code=…` of
 * OAuth's fragment response mode), or first in a form-encoded string (`code=…&state=…`).
 * `code=` in prose (`exit code=2`) stays.
 */
export function isUrlCredentialAt(text: string, separator: number, name: string): boolean {
  const start = separator - name.length;
  if (text.charCodeAt(separator) !== 0x3d || !text.startsWith(name, start)) return false; // =
  const before = text.charCodeAt(start - 1);
  const inUrl =
    before === 0x3f || // ?
    before === 0x26 || // &
    before === 0x23 || // #
    (start === 0 && FORM_ENCODED.test(text));
  return inUrl && isUrlCredentialParameter(name);
}
