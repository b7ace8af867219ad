// Browser-safe entry (`@threadline/redact/rules`): the redaction rules without the Node-only
// parts (no Buffer, no OpenTelemetry SDK), for `@threadline/browser` and other bundles.
// Nothing here may import a module that uses Node APIs.
export {
  SENSITIVE_KEYS,
  SENSITIVE_KEY_MARKERS,
  SENSITIVE_LAST_WORDS,
  SECRET_KEY_QUALIFIERS,
  TOKEN_COUNT_QUALIFIERS,
  isSensitiveKeyName,
  normalizeKey,
  splitKey,
} from './sensitive-keys.ts';
export type { KeyWords } from './sensitive-keys.ts';
