import {
  endHttpSpan,
  resolveUrl,
  startHttpSpan,
  type HttpInstrumentationContext,
} from './http-span.ts';

interface RequestLine {
  method: string;
  url: string;
}

type OpenFunction = (this: XMLHttpRequest, ...args: unknown[]) => void;
type SendFunction = (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) => void;

/**
 * Patches `XMLHttpRequest.prototype.open`/`send`: a CLIENT span per request, started at
 * `send()` as a child of the span then active and ended at `loadend`, and `traceparent` on
 * requests to allowed targets. Returns the uninstaller.
 */
export function instrumentXhr(
  xhrClass: typeof XMLHttpRequest,
  context: HttpInstrumentationContext,
): () => void {
  const proto = xhrClass.prototype;
  const originalOpen = proto.open as OpenFunction;
  const originalSend = proto.send as SendFunction;
  const originalSetHeader = proto.setRequestHeader;
  const lines = new WeakMap<XMLHttpRequest, RequestLine>();

  const open: OpenFunction = function open(this: XMLHttpRequest, ...args: unknown[]): void {
    try {
      lines.set(this, { method: String(args[0]), url: String(args[1]) });
    } catch (error) {
      context.onError(error);
    }
    return originalOpen.apply(this, args);
  };

  const send: SendFunction = function send(this: XMLHttpRequest, body) {
    try {
      const line = lines.get(this);
      const url = line === undefined ? undefined : resolveUrl(context, line.url);
      if (
        line !== undefined &&
        url !== undefined &&
        (url.protocol === 'http:' || url.protocol === 'https:')
      ) {
        const span = startHttpSpan(context, line.method, url);
        if (context.shouldPropagate(url))
          originalSetHeader.call(this, 'traceparent', span.traceparent());
        let failure: string | undefined;
        const onFailure = (event: Event) => {
          failure =
            event.type === 'error'
              ? 'network_error'
              : event.type === 'abort'
                ? 'aborted'
                : 'timeout';
        };
        this.addEventListener('error', onFailure);
        this.addEventListener('abort', onFailure);
        this.addEventListener('timeout', onFailure);
        this.addEventListener(
          'loadend',
          function onLoadEnd(this: XMLHttpRequest) {
            try {
              endHttpSpan(span, failure === undefined ? this.status : 0, failure);
            } catch (error) {
              context.onError(error);
            }
          },
          { once: true },
        );
      }
    } catch (error) {
      context.onError(error);
    }
    return originalSend.call(this, body);
  };

  proto.open = open as XMLHttpRequest['open'];
  proto.send = send;
  return () => {
    if (proto.open === (open as unknown)) proto.open = originalOpen as XMLHttpRequest['open'];
    if (proto.send === send) proto.send = originalSend;
  };
}

/** Instruments `XMLHttpRequest` where the environment has one (Node has none). */
export function xhrInstrumentationIfAvailable(
  context: HttpInstrumentationContext,
): (() => void) | undefined {
  return typeof XMLHttpRequest === 'function' ? instrumentXhr(XMLHttpRequest, context) : undefined;
}
