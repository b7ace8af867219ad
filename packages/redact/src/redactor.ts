import type { Attributes } from '@opentelemetry/api';
import { RateLimitedWarning } from '@threadline/core';
import { createObjectWalker } from './object-walker.ts';
import { resolveRedactorOptions } from './resolve-options.ts';
import { KeyClassifier, isRedactingDecision } from './sensitive-keys.ts';
import { MIN_BUILT_IN_LENGTH, createStringRedaction } from './string-redaction.ts';
import type { Redactor, RedactorOptions } from './types.ts';

/**
 * Where a redactor keeps its walk for values that are plain data by construction (see
 * `ObjectWalker.redactPlainData`); read by the redacting log processor for the records
 * `@threadline/winston`'s direct path marks as such. Not part of the public `Redactor` type.
 */
export const REDACT_PLAIN_DATA: unique symbol = Symbol('@threadline/redact.redactPlainData');

/** Creates a redactor; invalid options throw a `TypeError` here, nothing throws afterwards. */
export function createRedactor(options?: RedactorOptions): Redactor {
  const resolved = resolveRedactorOptions(options);
  const marker = resolved.replacement;
  // A key that is itself a secret (a token used as an object or Map key) is replaced too;
  // the check runs once per key, cached with the key's decision. The classifier and the string
  // redaction need each other, hence the late binding.
  let redactString: (value: string) => string = (value) => value;
  const keys = new KeyClassifier(
    resolved.extraKeys,
    resolved.allowKeys,
    (key) => key.length >= MIN_BUILT_IN_LENGTH && redactString(key) !== key,
  );
  redactString = createStringRedaction({
    marker,
    keys,
    disabledPatterns: resolved.disabledPatterns,
    extraPatterns: resolved.extraPatterns,
  });
  const warning = new RateLimitedWarning(
    '@threadline/redact: a value could not be redacted and was replaced whole',
  );
  const { redactValue, redactPlainData, redactHeaders } = createObjectWalker({
    keys,
    marker,
    maxDepth: resolved.maxDepth,
    redactString,
    warning,
  });

  const redactor: Redactor & { [REDACT_PLAIN_DATA]: (value: unknown) => unknown } = {
    redactValue,
    [REDACT_PLAIN_DATA]: redactPlainData,
    redactString(value: string): string {
      if (typeof value !== 'string') return redactValue(value) as string;
      try {
        return redactString(value);
      } catch (error) {
        warning.report(error);
        return marker;
      }
    },
    redactAttributes<T extends Attributes | undefined>(attributes: T): T {
      return redactValue(attributes) as T;
    },
    redactHeaders: redactHeaders as Redactor['redactHeaders'],
    isSensitiveKey(key: string): boolean {
      return typeof key === 'string' && isRedactingDecision(keys.classify(key));
    },
    replacement: marker,
    get failureCount(): number {
      return warning.count;
    },
  };
  return redactor;
}
