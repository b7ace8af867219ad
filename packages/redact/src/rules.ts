// `@threadline/redact/rules`: the redaction rules without the engine around them, for code
// that must stay small and runs where Node's APIs do not exist (`@threadline/browser`).
// Everything exported here is browser-safe: no Buffer, no `node:` imports.
export {
  CREDENTIAL_FORMATS,
  mayContainCredential,
  redactCredentialFormats,
} from './credential-formats.ts';
export type { CredentialFormat } from './credential-formats.ts';
// Sensitive keys (keys engineer): which names hold secrets, normalised and word-aware.
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
