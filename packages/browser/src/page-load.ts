import { ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_URL_FULL } from '@opentelemetry/semantic-conventions';
import type { Tracer } from './tracer.ts';

// Navigation Timing marks recorded as span events, in the order they happen.
const MARKS = [
  'fetchStart',
  'domainLookupStart',
  'domainLookupEnd',
  'connectStart',
  'secureConnectionStart',
  'connectEnd',
  'requestStart',
  'responseStart',
  'responseEnd',
  'domInteractive',
  'domContentLoadedEventStart',
  'domContentLoadedEventEnd',
  'domComplete',
  'loadEventStart',
  'loadEventEnd',
] as const;

/**
 * Records one root `documentLoad` span from the navigation timing entry, from navigation start
 * to the end of the `load` event, with one event per timing mark. Waits for `load` if the page
 * has not finished loading. Returns a canceller.
 */
export function recordPageLoad(
  tracer: Tracer,
  win: Window,
  onError: (error: unknown) => void,
): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const record = () => {
    try {
      const [entry] = win.performance.getEntriesByType(
        'navigation',
      ) as PerformanceNavigationTiming[];
      if (entry === undefined) return;
      const origin = win.performance.timeOrigin;
      const span = tracer.startSpan('documentLoad', {
        parent: null,
        startTime: origin + entry.startTime,
        attributes: { [ATTR_URL_FULL]: entry.name },
      });
      const status = (entry as { responseStatus?: number }).responseStatus;
      if (typeof status === 'number' && status > 0)
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      for (const mark of MARKS) {
        const at = entry[mark];
        if (typeof at === 'number' && at > 0) span.addEvent(mark, undefined, origin + at);
      }
      const end = entry.loadEventEnd > 0 ? entry.loadEventEnd : entry.duration;
      span.end(origin + Math.max(end, entry.responseEnd));
    } catch (error) {
      onError(error);
    }
  };
  // loadEventEnd is set only after the load handlers ran: record on the next task.
  const onLoad = () => {
    timer = setTimeout(record, 0);
  };
  if (win.document.readyState === 'complete') onLoad();
  else win.addEventListener('load', onLoad, { once: true });
  return () => {
    win.removeEventListener('load', onLoad);
    if (timer !== undefined) clearTimeout(timer);
  };
}
