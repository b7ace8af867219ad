// `@threadline/redact/rules`: the redaction rules without the engine around them, for code
// that must stay small and runs where Node's APIs do not exist (`@threadline/browser`).
// Everything exported here is browser-safe: no Buffer, no `node:` imports.
//
// The browser bundles all of it (10.3 KiB gzipped of its 18.8, see @threadline/browser's
// README, Bundle size), on purpose: a page hides what the services hide. Issue 15's 12 KiB
// budget for the whole browser bundle would leave 3.9 KiB for these rules; a more compact
// writing does not get there (gzip already takes the repetition out: class shorthands for the
// credential formats saved 85 B, word lists as strings 33 B), and a browser subset would let
// vendor keys, SQL/shell/XML/YAML passwords and look-alike key names out of the page. What is
// kept out is only what a page never runs: the formats' names, titles and sources
// (CREDENTIAL_FORMATS is built only when read) and the object walker.
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
// The string patterns and the key classifier they take, for `@threadline/browser`'s own walk
// over records (browser engineer). Browser-safe: the Basic-credential check decodes with
// `atob`, which Node and pages both have.
export type { BuiltInPattern, PatternContext, ValuePattern } from './value-patterns.ts';
export { BUILT_IN_PATTERNS, scanForMarkers } from './value-patterns.ts';
// The whole string redaction (patterns, rescans, percent-decoded forms), so the browser
// redacts a string exactly as the services do.
export { createStringRedaction } from './string-redaction.ts';
export type { StringRedactionOptions } from './string-redaction.ts';
export {
  KEY_SECRETS_OR_COUNT,
  KeyClassifier,
  isRedactingDecision,
  parseKeyRule,
} from './sensitive-keys.ts';
export type { KeyDecision, KeyRule } from './sensitive-keys.ts';
// Query parameters that hold a credential only in a URL (`code`, `ticket`, `SAMLResponse`,
// `X-Amz-Credential`, …): one list for the browser's URL redaction and the services' strings.
export { URL_CREDENTIAL_PARAMETERS, isUrlCredentialParameter } from './url-params.ts';
