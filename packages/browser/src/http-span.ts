import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';
import { httpRequestMethod } from '@threadline/core/http-methods';
import type { PropagationFilter } from './propagation-filter.ts';
import type { Tracer } from './tracer.ts';
import type { Span } from './types.ts';

/** What the fetch and XHR instrumentations share. */
export interface HttpInstrumentationContext {
  readonly tracer: Tracer;
  readonly shouldPropagate: PropagationFilter;
  /** Base for relative request URLs: the page URL. */
  baseUrl(): string | undefined;
  onError(error: unknown): void;
}

/** Starts a CLIENT span named after the method, with the HTTP client attributes. */
export function startHttpSpan(context: HttpInstrumentationContext, method: string, url: URL): Span {
  // fetch and XHR send the standard methods upper-cased whatever the caller wrote.
  const known = httpRequestMethod(method.toUpperCase());
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return context.tracer.startSpan(known === '_OTHER' ? 'HTTP' : known, {
    kind: 'client',
    attributes: {
      [ATTR_HTTP_REQUEST_METHOD]: known,
      [ATTR_URL_FULL]: url.href,
      [ATTR_SERVER_ADDRESS]: url.hostname,
      [ATTR_SERVER_PORT]: port,
    },
  });
}

/** Ends an HTTP client span: a status of 0 is a network failure, 4xx and 5xx are errors. */
export function endHttpSpan(span: Span, status: number, failure?: string): void {
  if (status > 0) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  if (status === 0 || status >= 400) {
    span.setAttribute(
      ATTR_ERROR_TYPE,
      status === 0 ? (failure ?? 'network_error') : String(status),
    );
    span.setStatus('error', status === 0 ? failure : undefined);
  }
  span.end();
}

/** Resolves a request URL against the page; undefined when it does not parse. */
export function resolveUrl(context: HttpInstrumentationContext, raw: string): URL | undefined {
  try {
    return new URL(raw, context.baseUrl());
  } catch {
    return undefined;
  }
}
