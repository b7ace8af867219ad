// Redaction before export, with @threadline/redact's rules: what counts as a secret (the key
// classifier, the value patterns with the vendor credential formats) has one home there and
// comes through its browser-safe `rules` entry; this module applies it to what the browser
// records.
import {
  BUILT_IN_PATTERNS,
  KEY_SECRETS_OR_COUNT,
  KeyClassifier,
  isRedactingDecision,
  parseKeyRule,
  scanForMarkers,
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

// A replacement can uncover a match the text around it hid (`[REDACTED]` glued to a word):
// a changed string is scanned again, a bounded number of times.
const MAX_PASSES = 4;
// Text from a URL or a form arrives percent-encoded, sometimes twice (`password%253D…`).
const ENCODED = /%[0-9A-Fa-f]{2}/;
const MAX_DECODES = 2;

function percentDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    // A stray `%`: decode the well-formed runs of escapes only.
    return value.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

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
  const patterns = [...BUILT_IN_PATTERNS.values()];
  const context = { marker: REDACTED, keys };

  const plain = (value: string): string => {
    let out = value;
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      // One cheap scan: most strings have no marker of any pattern and stop here.
      const markers = scanForMarkers(out);
      if (markers === 0) return out;
      let next = out;
      for (const pattern of patterns)
        if ((markers & pattern.marker) !== 0) next = pattern.redact(next, context);
      if (next === out) return out;
      out = next;
    }
    return out;
  };
  const text = (value: string): string => {
    try {
      const out = plain(value);
      // A secret found only in the decoded text: the decoded, redacted text is sent.
      let current = out;
      for (let decodes = 0; decodes < MAX_DECODES && ENCODED.test(current); decodes++) {
        const decoded = percentDecode(current);
        if (decoded === current) break;
        const redacted = plain(decoded);
        if (redacted !== decoded) return redacted;
        current = decoded;
      }
      return out;
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
