import type { Attributes } from '@opentelemetry/api';

/**
 * Names of the built-in value patterns, applied to every string the redactor sees (messages,
 * nested values, array items, Error messages and stacks, URLs, attribute values).
 */
export type BuiltInPatternName =
  /** `-----BEGIN … PRIVATE KEY-----` … `-----END … PRIVATE KEY-----` blocks (PEM, OpenSSH, PGP). */
  | 'privateKey'
  /** JSON Web Tokens: three (or five) base64url segments starting with `eyJ`. */
  | 'jwt'
  /**
   * Vendor credentials recognised by shape (GitHub, GitLab, Slack, Stripe, Google, OpenAI, …;
   * the list is `CREDENTIAL_FORMATS` in `@threadline/redact/rules`).
   */
  | 'credentialFormats'
  /** `Bearer <token>` and `Basic <base64 user:password>` credentials. */
  | 'authorizationCredentials'
  /** The password in `scheme://user:password@host` (and token-like user-only userinfo). */
  | 'urlCredentials'
  /** `name=value`, `name: value`, `"name":"value"` and query parameters whose name is a sensitive key. */
  | 'sensitiveParameters'
  /**
   * Secrets in other syntaxes: SQL `PASSWORD '…'` / `IDENTIFIED BY …`, `--password …` and
   * mysql's `-p…`, `<password>…</password>`, URL path segments after a sensitive word
   * (`/reset-password/<token>`).
   */
  | 'secretSyntaxes'
  /** AWS access key ids (`AKIA…`, `ASIA…`). */
  | 'awsAccessKeyId'
  /** Payment card numbers: 13–19 digits, optionally grouped, that pass the Luhn check. */
  | 'cardNumber';

/** Options of {@link createRedactor}. All optional. */
export interface RedactorOptions {
  /**
   * More key names to redact, matched like the built-in list (case- and
   * separator-insensitive). A leading and/or trailing `*` matches any prefix/suffix
   * (`'*iban*'` matches `customerIbanNumber`). Added to `THREADLINE_REDACT_EXTRA_KEYS`.
   * @default []
   */
  extraKeys?: readonly string[];
  /**
   * Key names never redacted: neither by key nor by value pattern, at any depth below them.
   * Wins over the built-in and extra keys. Replaces `THREADLINE_REDACT_ALLOW_KEYS` when set.
   * @default []
   */
  allowKeys?: readonly string[];
  /**
   * More value patterns; each match is replaced by `replacement`. A missing `g` flag is
   * added. Code only: a pattern read from the environment could not be reviewed for cost.
   * @default []
   */
  extraPatterns?: readonly RegExp[];
  /**
   * Built-in value patterns to turn off. Replaces `THREADLINE_REDACT_DISABLE_PATTERNS` when set.
   * @default []
   */
  disablePatterns?: readonly BuiltInPatternName[];
  /**
   * What replaces a redacted value or match. Replaces `THREADLINE_REDACT_REPLACEMENT` when set.
   * @default '[REDACTED]'
   */
  replacement?: string;
  /**
   * Nesting levels inspected below the value passed in; deeper objects become `'[MaxDepth]'`
   * (what cannot be inspected is not passed on). 1–100. Replaces `THREADLINE_REDACT_MAX_DEPTH`.
   * @default 10
   */
  maxDepth?: number;
}

/** Node's `IncomingHttpHeaders`/`OutgoingHttpHeaders` shape, or any record of header values. */
export type HeaderRecord = Record<string, string | readonly string[] | number | undefined>;

/** A redaction engine. Every method is safe to call with any input and never throws. */
export interface Redactor {
  /**
   * Returns `value` with secrets replaced. The same reference comes back when nothing had to
   * change; otherwise a copy (inputs are never modified). Cycles become `'[Circular]'`,
   * values that throw when read `'[Unreadable]'`, objects deeper than `maxDepth` `'[MaxDepth]'`.
   */
  redactValue(value: unknown): unknown;
  /** Returns `value` with every secret the value patterns find replaced. */
  redactString(value: string): string;
  /** Returns OpenTelemetry attributes with sensitive keys and secrets replaced (same object if clean). */
  redactAttributes<T extends Attributes | undefined>(attributes: T): T;
  /**
   * Returns headers with sensitive header values replaced (`Bearer [REDACTED]` keeps the
   * scheme); other values are scanned by the value patterns. Also accepts Node's
   * `rawHeaders` (alternating names and values) and a fetch `Headers` (returned as a record).
   */
  redactHeaders<T extends HeaderRecord | readonly string[]>(headers: T): T;
  redactHeaders(headers: Headers): HeaderRecord | Headers;
  /** Whether values under `key` are redacted (an allowed key never is). */
  isSensitiveKey(key: string): boolean;
  /** The replacement marker in use. */
  readonly replacement: string;
  /** Values the redactor failed on and replaced whole by the marker (a bug or a hostile value). */
  readonly failureCount: number;
}
