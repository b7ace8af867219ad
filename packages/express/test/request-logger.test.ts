import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SeverityNumber, context, trace } from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import { ATTR_USER_ID } from '@opentelemetry/semantic-conventions/incubating';
import {
  ATTR_THREADLINE_HTTP_DURATION_MS,
  ATTR_THREADLINE_REQUEST_ID,
  errorHandler,
  requestLogger,
} from '@threadline/express';
import type { RequestLoggerOptions } from '@threadline/express';
import express from 'express';
import type { Request } from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import winston from 'winston';
import Transport from 'winston-transport';
import { createTelemetry, inMiddlewareSpan, inServerSpan } from './helpers/otel.ts';
import type { Telemetry } from './helpers/otel.ts';
import { get, startServer } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';

type AuthenticatedRequest = Request & { user?: { id: string } };

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.unstubAllEnvs();
});

/** An app with a few routes, one nested router, the request logger first and the error handler last. */
async function serveApp(
  telemetry: Telemetry,
  options: RequestLoggerOptions<AuthenticatedRequest> = {},
): Promise<string> {
  const app = express();
  app.use(requestLogger({ loggerProvider: telemetry.loggerProvider, ...options }));
  app.use((req: AuthenticatedRequest, _res, next) => {
    const user = req.headers['x-user'];
    if (typeof user === 'string') req.user = { id: user };
    next();
  });
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/redirect', (_req, res) => {
    res.redirect(302, '/elsewhere');
  });
  const api = express.Router();
  api.get('/items/:id', (req, res) => {
    if (req.params.id === 'missing') res.status(404).json({ error: 'no such item' });
    else res.json({ id: req.params.id });
  });
  api.get('/items/:id/explode', () => {
    throw new RangeError('explode');
  });
  app.use('/api', api);
  app.use(errorHandler({ loggerProvider: telemetry.loggerProvider }));
  server = await startServer(app, telemetry.tracer);
  return server.url;
}

describe('requestLogger records', () => {
  it('one INFO record per successful request, with the semantic-convention attributes', async () => {
    const telemetry = createTelemetry();
    const url = await serveApp(telemetry, { getUserId: (req) => req.user?.id });

    const response = await get(`${url}/api/items/42?expand=true`, {
      headers: { 'user-agent': 'threadline-test/1.0', 'x-user': 'u-7' },
    });
    await response.body?.cancel();

    await vi.waitFor(() => expect(telemetry.records()).toHaveLength(1));
    const [record] = telemetry.records();
    expect(record.severityNumber).toBe(SeverityNumber.INFO);
    expect(record.severityText).toBe('INFO');
    expect(record.body).toMatch(/^GET \/api\/items\/:id 200 \d+\.\d ms$/);
    expect(record.attributes).toMatchObject({
      [ATTR_HTTP_REQUEST_METHOD]: 'GET',
      [ATTR_HTTP_ROUTE]: '/api/items/:id',
      [ATTR_URL_PATH]: '/api/items/42',
      [ATTR_HTTP_RESPONSE_STATUS_CODE]: 200,
      [ATTR_CLIENT_ADDRESS]: '127.0.0.1',
      [ATTR_USER_AGENT_ORIGINAL]: 'threadline-test/1.0',
      [ATTR_USER_ID]: 'u-7',
    });
    expect(record.attributes[ATTR_THREADLINE_HTTP_DURATION_MS]).toBeGreaterThan(0);
    expect(record.attributes[ATTR_THREADLINE_HTTP_DURATION_MS]).toBeLessThan(5000);
    expect(record.attributes[ATTR_THREADLINE_REQUEST_ID]).toBe(
      response.headers.get('x-request-id'),
    );
    expect(record.attributes[ATTR_THREADLINE_REQUEST_ID]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs 3xx at INFO, 4xx at WARN and 5xx at ERROR', async () => {
    const telemetry = createTelemetry();
    const url = await serveApp(telemetry);

    for (const path of ['/redirect', '/api/items/missing', '/api/items/1/explode']) {
      const response = await get(`${url}${path}`, { redirect: 'manual' });
      await response.body?.cancel();
    }

    await vi.waitFor(() => expect(telemetry.records().length).toBeGreaterThanOrEqual(4));
    const requests = telemetry
      .records()
      .filter((r) => r.attributes[ATTR_THREADLINE_REQUEST_ID] !== undefined);
    expect(
      requests.map((r) => [r.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE], r.severityText]),
    ).toEqual([
      [302, 'INFO'],
      [404, 'WARN'],
      [500, 'ERROR'],
    ]);
    expect(requests.map((r) => r.severityNumber)).toEqual([
      SeverityNumber.INFO,
      SeverityNumber.WARN,
      SeverityNumber.ERROR,
    ]);
    // The failed request names its route though the error left the nested router, and the
    // error the error handler answered.
    expect(requests[2].attributes[ATTR_HTTP_ROUTE]).toBe('/api/items/:id/explode');
    expect(requests[2].attributes[ATTR_ERROR_TYPE]).toBe('RangeError');
  });

  it('gives requests no route matched no http.route, not the raw path', async () => {
    const telemetry = createTelemetry();
    const url = await serveApp(telemetry);

    const response = await get(`${url}/no/such/page/8f3a`);
    await response.body?.cancel();

    await vi.waitFor(() => expect(telemetry.records()).toHaveLength(1));
    const [record] = telemetry.records();
    expect(record.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE]).toBe(404);
    expect(record.attributes).not.toHaveProperty(ATTR_HTTP_ROUTE);
    expect(record.attributes[ATTR_URL_PATH]).toBe('/no/such/page/8f3a');
  });

  it('keeps a usable incoming x-request-id and replaces an unusable one', async () => {
    const telemetry = createTelemetry();
    const url = await serveApp(telemetry);

    const kept = await get(`${url}/api/items/1`, { headers: { 'x-request-id': 'req-abc-123' } });
    const replaced = await get(`${url}/api/items/1`, {
      headers: { 'x-request-id': 'x'.repeat(500) },
    });
    await kept.body?.cancel();
    await replaced.body?.cancel();

    expect(kept.headers.get('x-request-id')).toBe('req-abc-123');
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await vi.waitFor(() => expect(telemetry.records()).toHaveLength(2));
    expect(telemetry.records()[0].attributes[ATTR_THREADLINE_REQUEST_ID]).toBe('req-abc-123');
  });

  it('records unknown methods as _OTHER with the original', async () => {
    const telemetry = createTelemetry();
    const url = await serveApp(telemetry);
    const response = await get(`${url}/api/items/1`, { method: 'PURGE' });
    await response.body?.cancel();
    await vi.waitFor(() => expect(telemetry.records()).toHaveLength(1));
    expect(telemetry.records()[0].attributes).toMatchObject({
      [ATTR_HTTP_REQUEST_METHOD]: '_OTHER',
      [ATTR_HTTP_REQUEST_METHOD_ORIGINAL]: 'PURGE',
    });
  });

  it('writes the record in the server span, not in its middleware span or the span active when the response ends', async () => {
    const telemetry = createTelemetry();
    const app = express();
    app.use(
      inMiddlewareSpan(
        telemetry.tracer,
        requestLogger({ loggerProvider: telemetry.loggerProvider }),
      ),
    );
    app.get('/inner', (_req, res) => {
      const inner = telemetry.tracer.startSpan('handler');
      context.with(trace.setSpan(context.active(), inner), () => res.json({ ok: true }));
      inner.end();
    });
    server = await startServer(app, telemetry.tracer);

    const response = await get(`${server.url}/inner`);
    await response.body?.cancel();

    await vi.waitFor(() => expect(telemetry.records()).toHaveLength(1));
    const serverSpan = telemetry.spans().find((s) => s.name === 'server');
    expect(telemetry.records()[0].spanContext?.spanId).toBe(serverSpan?.spanContext().spanId);
  });
});

describe('requestLogger filtering', () => {
  it('skips health-check paths by default', async () => {
    const telemetry = createTelemetry();
    const url = await serveApp(telemetry);

    for (const path of ['/health', '/healthz', '/health?verbose=1', '/api/items/1']) {
      const response = await get(`${url}${path}`);
      await response.body?.cancel();
    }

    await vi.waitFor(() => expect(telemetry.records().length).toBeGreaterThan(0));
    expect(telemetry.records().map((r) => r.attributes[ATTR_URL_PATH])).toEqual(['/api/items/1']);
  });

  it('takes its own ignored paths, with prefixes ending in *', async () => {
    const telemetry = createTelemetry();
    const url = await serveApp(telemetry, { ignoredPaths: ['/api/items/*'] });

    for (const path of ['/api/items/1', '/health']) {
      const response = await get(`${url}${path}`);
      await response.body?.cancel();
    }

    await vi.waitFor(() => expect(telemetry.records().length).toBeGreaterThan(0));
    expect(telemetry.records().map((r) => r.attributes[ATTR_URL_PATH])).toEqual(['/health']);
  });

  it("level 'warn' leaves successful requests out; THREADLINE_REQUEST_LOG_LEVEL sets it too", async () => {
    vi.stubEnv('THREADLINE_REQUEST_LOG_LEVEL', 'warn');
    const telemetry = createTelemetry();
    const url = await serveApp(telemetry);

    for (const path of ['/api/items/1', '/api/items/missing']) {
      const response = await get(`${url}${path}`);
      await response.body?.cancel();
    }

    await vi.waitFor(() => expect(telemetry.records().length).toBeGreaterThan(0));
    expect(telemetry.records().map((r) => r.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE])).toEqual([
      404,
    ]);
  });

  it('the code option wins over the environment', async () => {
    vi.stubEnv('THREADLINE_REQUEST_LOG_LEVEL', 'error');
    const telemetry = createTelemetry();
    const url = await serveApp(telemetry, { level: 'info' });
    const response = await get(`${url}/api/items/1`);
    await response.body?.cancel();
    await vi.waitFor(() => expect(telemetry.records()).toHaveLength(1));
  });
});

describe('requestLogger robustness', () => {
  it('writes the record without user.id when getUserId throws', async () => {
    const telemetry = createTelemetry();
    const url = await serveApp(telemetry, {
      getUserId: () => {
        throw new Error('session store down');
      },
    });

    const response = await get(`${url}/api/items/1`);
    expect(response.status).toBe(200);
    await response.body?.cancel();

    await vi.waitFor(() => expect(telemetry.records()).toHaveLength(1));
    expect(telemetry.records()[0].attributes).not.toHaveProperty(ATTR_USER_ID);
  });

  it('logs a request the client abandoned as aborted, at WARN', async () => {
    const telemetry = createTelemetry();
    const app = express();
    app.use(requestLogger({ loggerProvider: telemetry.loggerProvider }));
    app.get('/slow', () => {
      // Never answers: the client gives up.
    });
    server = await startServer(app, telemetry.tracer);

    await expect(
      fetch(`${server.url}/slow`, { signal: AbortSignal.timeout(100) }),
    ).rejects.toThrow();

    await vi.waitFor(() => expect(telemetry.records()).toHaveLength(1));
    const [record] = telemetry.records();
    expect(record.severityNumber).toBe(SeverityNumber.WARN);
    expect(record.body).toMatch(/^GET \/slow aborted after \d+\.\d ms$/);
    expect(record.attributes).not.toHaveProperty(ATTR_HTTP_RESPONSE_STATUS_CODE);
  });

  it('throws for invalid options at construction', () => {
    expect(() => requestLogger({ level: 'debug' as never })).toThrow(/level/);
    expect(() => requestLogger({ ignoredPaths: ['health'] })).toThrow(/ignoredPaths/);
    expect(() => requestLogger({ getUserId: 'user' as never })).toThrow(/getUserId/);
    expect(() => requestLogger({ requestIdHeader: 'bad header' })).toThrow(/requestIdHeader/);
  });
});

describe('requestLogger with a winston logger', () => {
  it('writes through the logger, with the attributes as metadata, in the server span', async () => {
    const telemetry = createTelemetry();
    const entries: Record<string, unknown>[] = [];
    const logger = winston.createLogger({
      transports: [
        new (class extends Transport {
          override log(info: Record<string, unknown>, callback: () => void) {
            const span = trace.getActiveSpan()?.spanContext();
            entries.push({ ...info, activeSpanId: span?.spanId });
            callback();
          }
        })(),
      ],
    });
    const url = await serveApp(telemetry, { logger });

    const response = await get(`${url}/api/items/missing`);
    await response.body?.cancel();

    await vi.waitFor(() => expect(entries).toHaveLength(1));
    const serverSpan = telemetry.spans().find((s) => s.name === 'server');
    expect(entries[0]).toMatchObject({
      level: 'warn',
      message: expect.stringMatching(/^GET \/api\/items\/:id 404 /),
      [ATTR_HTTP_ROUTE]: '/api/items/:id',
      [ATTR_HTTP_RESPONSE_STATUS_CODE]: 404,
      activeSpanId: serverSpan?.spanContext().spanId,
    });
    // Never both: the logger's own OpenTelemetry bridge sends it.
    expect(telemetry.records()).toEqual([]);
  });
});

describe('requestLogger in a node:http server', () => {
  it('logs from a plain request listener, with a route from getRoute', async () => {
    const telemetry = createTelemetry();
    const logRequest = requestLogger({
      loggerProvider: telemetry.loggerProvider,
      getRoute: (req) => (req.url?.startsWith('/users/') ? '/users/{id}' : undefined),
    });
    const plain = createServer((req, res) =>
      inServerSpan(telemetry.tracer, res, () => {
        logRequest(req, res);
        res.statusCode = req.url === '/users/9' ? 200 : 404;
        res.end();
      }),
    );
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const { port } = plain.address() as AddressInfo;
    try {
      for (const path of ['/users/9', '/other']) {
        const response = await get(`http://127.0.0.1:${port}${path}`);
        await response.body?.cancel();
      }
      await vi.waitFor(() => expect(telemetry.records()).toHaveLength(2));
      expect(
        telemetry.records().map((r) => [r.attributes[ATTR_HTTP_ROUTE], r.severityText]),
      ).toEqual([
        ['/users/{id}', 'INFO'],
        [undefined, 'WARN'],
      ]);
    } finally {
      plain.closeAllConnections();
      await new Promise((resolve) => plain.close(resolve));
    }
  });
});
