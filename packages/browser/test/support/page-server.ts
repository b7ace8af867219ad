import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface PageServer {
  readonly url: string;
  readonly origin: string;
  /** Every request served, in order. */
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

/**
 * Serves the test pages: `/telemetry.js` (the bundled package), `/` and `/next.html`
 * (HTML given by the test), `/api/<status>` answering that status, and CORS preflights that
 * allow `traceparent` from `corsOrigin` (so it can stand for a cross-origin API).
 */
export async function startPageServer(options: {
  bundle: string;
  pages: Record<string, string>;
  corsOrigin?: () => string | undefined;
}): Promise<PageServer> {
  const seen: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    seen.push({ method: req.method ?? '', path, headers: req.headers });
    const allowOrigin = options.corsOrigin?.();
    const cors: Record<string, string> =
      allowOrigin === undefined
        ? {}
        : {
            'access-control-allow-origin': allowOrigin,
            'access-control-allow-headers': 'traceparent, content-type',
          };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'access-control-allow-methods': 'GET, POST' }).end();
      return;
    }
    if (path === '/telemetry.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(options.bundle);
      return;
    }
    const api = /^\/api\/(\d{3})$/.exec(path);
    if (api !== null) {
      req.resume();
      res.writeHead(Number(api[1]), { ...cors, 'content-type': 'application/json' }).end('{}');
      return;
    }
    const page = options.pages[path];
    if (page !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/`,
    origin,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
