import type { Attributes } from '@opentelemetry/api';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { RateLimitedWarning } from '@threadline/core';
import type { Redactor } from './types.ts';

interface MutableAttributesHolder {
  attributes?: Attributes;
}

interface MutableEvent extends MutableAttributesHolder {
  name: string;
}

function redactHolders(redactor: Redactor, holders: readonly MutableAttributesHolder[]): void {
  for (const holder of holders) {
    const attributes = holder.attributes;
    if (attributes === undefined) continue;
    const redacted = redactor.redactAttributes(attributes);
    // Events and links are plain objects the SDK built; nothing else holds their attributes yet.
    if (redacted !== attributes) holder.attributes = redacted;
  }
}

// An event name is free text (`login failed for token=…`): scanned by the value patterns like
// the span name.
function redactEventNames(redactor: Redactor, events: readonly MutableEvent[]): void {
  for (const event of events) {
    const name = event.name;
    if (typeof name !== 'string') continue;
    const redacted = redactor.redactString(name);
    if (redacted !== name) event.name = redacted;
  }
}

function redactSpan(redactor: Redactor, span: Span): void {
  const attributes = span.attributes;
  const redacted = redactor.redactAttributes(attributes);
  if (redacted !== attributes) {
    for (const key of Object.keys(redacted)) {
      if (redacted[key] !== attributes[key]) span.setAttribute(key, redacted[key]);
    }
  }
  redactHolders(redactor, span.events);
  redactEventNames(redactor, span.events as MutableEvent[]);
  redactHolders(redactor, span.links);
  const name = redactor.redactString(span.name);
  if (name !== span.name) span.updateName(name);
  const status = span.status;
  if (status.code === SpanStatusCode.ERROR && typeof status.message === 'string') {
    const message = redactor.redactString(status.message);
    if (message !== status.message) span.setStatus({ code: status.code, message });
  }
}

/**
 * A SpanProcessor that redacts, while the span is ending, its attributes (URLs, headers,
 * `db.query.text`, exception messages…), its events' names and attributes, its links'
 * attributes, its name and its status message. The SDK calls every processor's `onEnding` before any `onEnd`, so the
 * exporting processors see the redacted span wherever this one is registered.
 */
export function createRedactingSpanProcessor(redactor: Redactor): SpanProcessor {
  if (
    redactor === null ||
    typeof redactor !== 'object' ||
    typeof redactor.redactAttributes !== 'function'
  ) {
    throw new TypeError('createRedactingSpanProcessor: redactor must come from createRedactor()');
  }
  const warning = new RateLimitedWarning('@threadline/redact: could not redact a span');
  return {
    onStart(): void {},
    onEnding(span: Span): void {
      try {
        redactSpan(redactor, span);
      } catch (error) {
        warning.report(error);
      }
    },
    onEnd(_span: ReadableSpan): void {},
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}
