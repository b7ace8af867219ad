import { createServer } from 'node:http';
import type { RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Tracer } from '@opentelemetry/api';
import { inServerSpan } from './otel.ts';

export interface TestServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves `listener` on 127.0.0.1 at a free port. With a tracer, every request runs inside a
 * server span, as under the http instrumentation.
 */
export async function startServer(listener: RequestListener, tracer?: Tracer): Promise<TestServer> {
  const server = createServer((req, res) => {
    if (tracer === undefined) listener(req, res);
    else inServerSpan(tracer, res, () => listener(req, res));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** fetch with a time limit, so a hung server fails the test instead of stalling it. */
export function get(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { signal: AbortSignal.timeout(5000), ...init });
}
