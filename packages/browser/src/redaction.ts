// Redaction before export, with @threadline/redact's rules: what counts as a secret (the key
// classifier, the value patterns with the vendor credential formats) has one home there and
// comes through its browser-safe `rules` entry; this module applies it to what the browser
// records.
import {
  KEY_SECRETS_OR_COUNT,
  KeyClassifier,
  createStringRedaction,
  isRedactingDecision,
  parseKeyRule,
  type KeyRule,
} from '@threadline/redact/rules';
import { redactUrl, type UrlRedactionRules } from './url-redaction.ts';

/** What the encoders apply to every string and key they write. */
export interface Redaction extends UrlRedactionRules {
  /** Whether the value under `key` is replaced by the marker. */
  masks(key: string, value: unknown): boolean;
  /** The URL without fragment and with sensitive query values replaced. */
  url(value: string): string;
}

/** `@threadline/redact`'s default replacement, so the browser's records read like the services'. */
export const REDACTED = '[REDACTED]';

/**
 * Builds the redaction of one telemetry instance: the built-in rules plus `extraKeys`
 * (checked by {@link parseRedactKeys}). A rule that fails on a string replaces the whole
 * string rather than letting it through, and is reported to `onError`.
 */
export function createRedaction(
  extraKeys: readonly string[],
  onError: (error: unknown) => void,
): Redaction {
  const keys = new KeyClassifier(parseRedactKeys(extraKeys), []);
  // The services' string redaction: value patterns after one cheap pre-scan, rescans where a
  // replacement may uncover more, and text percent-encoded once or several times.
  const redactString = createStringRedaction({
    marker: REDACTED,
    keys,
    disabledPatterns: new Set(),
    extraPatterns: [],
  });
  const text = (value: string): string => {
    try {
      return redactString(value);
    } catch (error) {
      onError(error);
      return REDACTED;
    }
  };
  const isSensitiveKey = (key: string) => isRedactingDecision(keys.classify(key));
  const rules: UrlRedactionRules = { marker: REDACTED, isSensitiveKey, text };
  // Every record carries the page URL: redact it once per change, not once per record.
  let lastUrl = '';
  let lastRedacted = '';
  return {
    ...rules,
    masks(key, value) {
      // A boolean cannot carry a secret (`password_set: true`); a number under a plural such
      // as `tokens` is a count.
      if (value === null || typeof value === 'boolean') return false;
      const decision = keys.classify(key);
      if (decision === KEY_SECRETS_OR_COUNT) return typeof value !== 'number';
      return isRedactingDecision(decision);
    },
    url(value) {
      if (value !== lastUrl) {
        try {
          lastRedacted = redactUrl(value, rules);
        } catch (error) {
          onError(error);
          lastRedacted = REDACTED;
        }
        lastUrl = value;
      }
      return lastRedacted;
    },
  };
}

/**
 * Parses `redactKeys` the way `@threadline/redact` parses its extra keys.
 * @throws {TypeError} for a value that is not an array of key names, or a name that would
 *   match every key (`'*'`).
 */
export function parseRedactKeys(extraKeys: readonly string[]): KeyRule[] {
  if (!Array.isArray(extraKeys)) throw new TypeError('redactKeys must be an array of key names');
  return extraKeys.map((key: unknown) => {
    const rule = typeof key === 'string' ? parseKeyRule(key) : undefined;
    if (rule === undefined)
      throw new TypeError(`redactKeys: ${String(key)} is not a key name (nor a * pattern of one)`);
    return rule;
  });
}
