import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_ROUTE,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import { httpRequestMethod } from '@threadline/core';
import type { Redactor } from '@threadline/redact';
import {
  MAX_EXTRA_ENTRIES,
  REDACTION_WINDOW,
  cappedValue,
  cutText,
  putAttribute,
  toAttributeValue,
} from './capped-value.ts';
import { isOutcome } from './event-spec.ts';
import { ATTR_USER_ID, ATTR_USER_NAME } from './semconv.ts';
import type { EventFields, EventOutcome } from './types.ts';

/**
 * Builds an event's attributes from what the caller passed: every string redacted and cut to
 * `maxStringLength`, extra attributes capped in count, depth and length.
 */
export class EventAttributes {
  readonly redactor: Redactor;
  readonly #maxStringLength: number;

  constructor(redactor: Redactor, maxStringLength: number) {
    this.redactor = redactor;
    this.#maxStringLength = maxStringLength;
  }

  /** A redacted, length-capped string for an attribute, or undefined for unusable values. */
  text(value: unknown): string | undefined {
    let s: string;
    switch (typeof value) {
      case 'string':
        s = value;
        break;
      case 'number':
      case 'bigint':
      case 'boolean':
        s = String(value);
        break;
      default:
        return undefined;
    }
    const max = this.#maxStringLength;
    // Redact a window a few times the cap, not a 10 MiB string: a secret that starts inside
    // the kept part still ends inside the window.
    if (s.length > max * REDACTION_WINDOW) s = s.slice(0, max * REDACTION_WINDOW);
    return cutText(this.redactor.redactString(s), max);
  }

  /** Sets `key` to {@link text} of `value` when there is one. */
  putText(attributes: Attributes, key: string, value: unknown): void {
    if (value === undefined || value === null) return;
    const s = this.text(value);
    if (s !== undefined) attributes[key] = s;
  }

  /** Sets `key` to `value` when it is a finite number. */
  putNumber(attributes: Attributes, key: string, value: unknown): void {
    if (typeof value === 'number' && Number.isFinite(value)) attributes[key] = value;
  }

  /** Sets `key` to the {@link text} of each item (at most 100) when `value` is an array. */
  putTextArray(attributes: Attributes, key: string, value: unknown): void {
    if (!Array.isArray(value)) return;
    const out: string[] = [];
    for (const item of value as unknown[]) {
      const s = this.text(item);
      if (s !== undefined) out.push(s);
      if (out.length >= 100) break;
    }
    attributes[key] = out;
  }

  /**
   * A new attribute map with the user's extra attributes (redacted) and the common fields.
   * Extra attributes come first so that the typed fields win.
   */
  common(fields: EventFields | undefined, more?: Attributes): Attributes {
    const attributes: Attributes = {};
    if (fields !== undefined && fields !== null) this.#putExtra(attributes, fields.attributes);
    this.#putExtra(attributes, more);
    if (fields === undefined || fields === null) return attributes;
    this.putText(attributes, ATTR_USER_ID, fields.userId);
    this.putText(attributes, ATTR_USER_NAME, fields.userName);
    this.putText(attributes, ATTR_CLIENT_ADDRESS, fields.clientAddress);
    this.putText(attributes, ATTR_USER_AGENT_ORIGINAL, fields.userAgent);
    this.putText(attributes, ATTR_HTTP_ROUTE, fields.httpRoute);
    const method = fields.httpMethod;
    if (typeof method === 'string' && method.length > 0) {
      const known = httpRequestMethod(method);
      attributes[ATTR_HTTP_REQUEST_METHOD] = known;
      if (known === '_OTHER') this.putText(attributes, ATTR_HTTP_REQUEST_METHOD_ORIGINAL, method);
    }
    return attributes;
  }

  /** `value` within the event caps (see {@link cappedValue}), e.g. audit before/after values. */
  cap(value: unknown): unknown {
    return cappedValue(toAttributeValue(value), 0, this.#maxStringLength * REDACTION_WINDOW);
  }

  /** The caller's outcome when it is one, else `fallback`. */
  outcome(fields: { outcome?: unknown } | undefined, fallback: EventOutcome): EventOutcome {
    const outcome = fields?.outcome;
    return isOutcome(outcome) ? outcome : fallback;
  }

  #putExtra(attributes: Attributes, extra: unknown): void {
    if (extra === undefined || extra === null || typeof extra !== 'object') return;
    // Depth −1: the extra object itself is not a level; its values start at 0, as below.
    const windowed = cappedValue(
      toAttributeValue(extra),
      -1,
      this.#maxStringLength * REDACTION_WINDOW,
    );
    if (windowed === null || typeof windowed !== 'object') return;
    const redacted = this.redactor.redactAttributes(windowed as Attributes);
    const keys = Object.keys(redacted);
    // Extra attributes get the same caps as the standard ones: an event is a small record.
    const max = this.#maxStringLength;
    for (let i = 0; i < keys.length && i < MAX_EXTRA_ENTRIES; i++) {
      const value = cappedValue(toAttributeValue(redacted[keys[i]]), 0, max);
      if (value !== undefined)
        putAttribute(attributes, cappedValue(keys[i], 0, max) as string, value);
    }
  }
}
