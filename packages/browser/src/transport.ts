/** One export request, encoded. */
export interface ExportRequest {
  url: string;
  body: string;
  /** UTF-8 length of `body`. */
  bytes: number;
  headers: Readonly<Record<string, string>>;
}

/** How export requests leave the page. */
export interface Transport {
  /**
   * Sends while the page lives; resolves with the HTTP status, or 0 for a network error.
   * `keepalive` is used when allowed and the budget has room, so a navigation does not
   * cancel the request.
   */
  send(request: ExportRequest, allowKeepalive: boolean): Promise<number>;
  /** Hands a request to the browser as the page is hidden; false when it could not. */
  sendOnHide(request: ExportRequest): boolean;
}

/**
 * The Fetch standard lets a page have at most 64 KiB of `keepalive` request bodies in flight
 * (sendBeacon counts too); beyond that fetch fails. Chromium also caps the number of such
 * requests, so stay well under both.
 */
export const KEEPALIVE_BYTES = 65_536;
const KEEPALIVE_REQUESTS = 10;

type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;
type BeaconFunction = (url: string, data: Blob) => boolean;

/**
 * A transport over `fetch` (the original one, captured before instrumentation, so exports are
 * never traced). On page hide it prefers `fetch(..., { keepalive: true })`, which can carry
 * `Content-Type: application/json` and custom headers after a CORS preflight; `sendBeacon` is
 * the fallback where keepalive fetch is missing (Firefox before 133), with an
 * `application/json` Blob, which is not CORS-safelisted, so the browser preflights it too
 * (the collector accepts no `text/plain`). A beacon cannot carry custom headers, so with
 * `headers` configured it is not used.
 */
export function createFetchTransport(
  fetchFunction: FetchFunction,
  beacon: BeaconFunction | undefined,
  keepaliveSupported: boolean,
): Transport {
  let inflightBytes = 0;
  let inflightRequests = 0;
  const fits = (bytes: number) =>
    keepaliveSupported &&
    inflightBytes + bytes <= KEEPALIVE_BYTES &&
    inflightRequests < KEEPALIVE_REQUESTS;

  const post = (request: ExportRequest, keepalive: boolean): Promise<number> => {
    if (keepalive) {
      inflightBytes += request.bytes;
      inflightRequests++;
    }
    let settled = false;
    const release = () => {
      if (keepalive && !settled) {
        settled = true;
        inflightBytes -= request.bytes;
        inflightRequests--;
      }
    };
    let sent: Promise<Response>;
    try {
      sent = fetchFunction(request.url, {
        method: 'POST',
        headers: { ...request.headers, 'content-type': 'application/json' },
        body: request.body,
        keepalive,
        // Telemetry needs no cookies, and leaving them out keeps the CORS answer simple.
        credentials: 'omit',
      });
    } catch {
      release();
      return Promise.resolve(0);
    }
    return sent.then(
      (response) => {
        release();
        // Free the connection; the OTLP answer (partial success) is not used.
        response.body?.cancel().catch(() => undefined);
        return response.status;
      },
      () => {
        release();
        return 0;
      },
    );
  };

  return {
    send: (request, allowKeepalive) => post(request, allowKeepalive && fits(request.bytes)),
    sendOnHide(request) {
      if (fits(request.bytes)) {
        void post(request, true);
        return true;
      }
      if (beacon === undefined || keepaliveSupported) return false;
      const extraHeaders = Object.keys(request.headers).some(
        (name) => name.toLowerCase() !== 'content-type',
      );
      if (extraHeaders || request.bytes > KEEPALIVE_BYTES) return false;
      try {
        return beacon(request.url, new Blob([request.body], { type: 'application/json' }));
      } catch {
        return false;
      }
    },
  };
}
