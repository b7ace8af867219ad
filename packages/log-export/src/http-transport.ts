import http from 'node:http';
import https from 'node:https';
import { RETRYABLE_NETWORK_CODES } from './retry-policy.ts';

/** How one attempt ended: an HTTP answer, or a failure to get one. */
export type SendOutcome =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly retryAfter: string | undefined;
      /** At most {@link MAX_RESPONSE_BYTES}: the first bytes of the body. */
      readonly body: Buffer;
      /** False when the body went on past the cap and was not read further. */
      readonly complete: boolean;
      readonly json: boolean;
    }
  | {
      readonly kind: 'error';
      readonly error: Error;
      readonly retryable: boolean;
      readonly timedOut: boolean;
    };

/** An attempt that can be cut short (by shutdown). */
export interface PendingSend {
  readonly outcome: Promise<SendOutcome>;
  abort(): void;
}

export interface HttpTransportOptions {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly contentType: string;
  readonly gzip: boolean;
  readonly timeoutMillis: number;
  readonly maxSockets: number;
}

/**
 * Most bytes of a response body read. Responses are small status messages; a receiver sending
 * more (or never ending) is not read further: the response is destroyed at the cap, so it can
 * hold neither memory nor the export slot.
 */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/** POSTs bodies to one OTLP/HTTP endpoint over a keep-alive agent. Never throws or rejects. */
export class HttpTransport {
  readonly #options: HttpTransportOptions;
  readonly #agent: http.Agent;
  readonly #request: typeof http.request;

  constructor(options: HttpTransportOptions) {
    this.#options = options;
    const isHttps = options.url.protocol === 'https:';
    this.#agent = new (isHttps ? https.Agent : http.Agent)({
      keepAlive: true,
      maxSockets: options.maxSockets,
    });
    this.#request = isHttps ? https.request : http.request;
  }

  send(body: Buffer): PendingSend {
    const options = this.#options;
    let request: http.ClientRequest | undefined;
    let timer: NodeJS.Timeout | undefined;
    let settle!: (outcome: SendOutcome) => void;
    let settled = false;
    const outcome = new Promise<SendOutcome>((resolve) => {
      settle = (value) => {
        if (settled) return;
        settled = true;
        if (timer !== undefined) clearTimeout(timer);
        resolve(value);
      };
    });
    const fail = (error: Error, timedOut = false): void => {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      settle({
        kind: 'error',
        error,
        retryable: timedOut || RETRYABLE_NETWORK_CODES.has(code),
        timedOut,
      });
    };
    try {
      request = this.#request(options.url, {
        method: 'POST',
        agent: this.#agent,
        headers: {
          ...options.headers,
          'Content-Type': options.contentType,
          'Content-Length': String(body.length),
          ...(options.gzip ? { 'Content-Encoding': 'gzip' } : {}),
        },
      });
      timer = setTimeout(() => {
        const error = Object.assign(
          new Error(`OTLP export timed out after ${options.timeoutMillis} ms`),
          {
            code: 'ERR_REQUEST_TIMEOUT',
          },
        );
        fail(error, true);
        request?.destroy(error);
      }, options.timeoutMillis);
      timer.unref();
      request.on('error', (error) => fail(error));
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const answer = (complete: boolean): void => {
          const retryAfter = response.headers['retry-after'];
          settle({
            kind: 'response',
            status: response.statusCode ?? 0,
            retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
            body: Buffer.concat(chunks),
            complete,
            json: (response.headers['content-type'] ?? '').includes('json'),
          });
        };
        response.on('data', (chunk: Buffer) => {
          if (settled) return;
          const room = MAX_RESPONSE_BYTES - size;
          if (chunk.length < room) {
            size += chunk.length;
            chunks.push(chunk);
            return;
          }
          chunks.push(chunk.subarray(0, room));
          size = MAX_RESPONSE_BYTES;
          // Whether the body ends exactly here or goes on is unknown until the next read, which
          // is not made: at the cap the body counts as cut.
          answer(false);
          response.destroy();
        });
        response.on('error', (error) => fail(error));
        response.on('end', () => answer(true));
      });
      request.end(body);
    } catch (error) {
      fail(error instanceof Error ? error : new Error(String(error)));
    }
    return {
      outcome,
      abort: () => {
        const error = Object.assign(new Error('OTLP export aborted at shutdown'), {
          code: 'ABORTED',
        });
        fail(error);
        request?.destroy(error);
      },
    };
  }

  close(): void {
    this.#agent.destroy();
  }
}
