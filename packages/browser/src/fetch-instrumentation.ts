import {
  endHttpSpan,
  resolveUrl,
  startHttpSpan,
  type HttpInstrumentationContext,
} from './http-span.ts';
import type { Span } from './types.ts';

interface FetchHost {
  fetch: typeof fetch;
}

/**
 * Wraps `host.fetch`: a CLIENT span per call, child of the active span, and `traceparent` on
 * requests to allowed targets. The span ends when the response headers arrive (or the call
 * fails). The wrapper hands back fetch's own promise outcome: the page sees the same
 * responses and errors as without it. Returns the uninstaller.
 */
export function instrumentFetch(host: FetchHost, context: HttpInstrumentationContext): () => void {
  const original = host.fetch;
  const wrapped = function fetch(
    this: unknown,
    input: RequestInfo | URL,
    init?: RequestInit,
  ): Promise<Response> {
    let span: Span | undefined;
    let args: [RequestInfo | URL, RequestInit | undefined] = [input, init];
    try {
      const request =
        typeof Request !== 'undefined' && input instanceof Request ? input : undefined;
      const url = resolveUrl(context, request?.url ?? String(input));
      if (url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:')) {
        span = startHttpSpan(context, init?.method ?? request?.method ?? 'GET', url);
        if (context.shouldPropagate(url)) {
          // init.headers replace a Request's headers in fetch(), so start from whichever applies.
          const headers = new Headers(init?.headers ?? request?.headers);
          if (!headers.has('traceparent')) headers.set('traceparent', span.traceparent());
          args = [input, { ...init, headers }];
        }
      }
    } catch (error) {
      context.onError(error);
      args = [input, init];
    }
    const result = original.apply(this, args);
    if (span === undefined) return result;
    const started = span;
    return result.then(
      (response) => {
        try {
          endHttpSpan(started, response.status);
        } catch (error) {
          context.onError(error);
        }
        return response;
      },
      (error: unknown) => {
        try {
          const aborted = (error as { name?: unknown } | null)?.name === 'AbortError';
          endHttpSpan(started, 0, aborted ? 'aborted' : 'network_error');
        } catch (internal) {
          context.onError(internal);
        }
        throw error;
      },
    );
  };
  host.fetch = wrapped as typeof fetch;
  return () => {
    if (host.fetch === wrapped) host.fetch = original;
  };
}
