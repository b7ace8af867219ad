// Issue 16, item 3: in production, errorHandler answered any error carrying a 4xx status with
// its message as-is, so internals reached strangers. Each case below was answered with the
// secret-bearing message before this change; now only errors meant for clients are shown.
import { ATTR_EXCEPTION_MESSAGE } from '@opentelemetry/semantic-conventions';
import { ClientError, errorHandler, httpError } from '@threadline/express';
import type { ErrorResponseBody } from '@threadline/express';
import express from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTelemetry } from './helpers/otel.ts';
import type { Telemetry } from './helpers/otel.ts';
import { get, startServer } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  vi.unstubAllEnvs();
});

/** Serves an app whose `GET /fail` throws `failure()`, and returns what a client gets back. */
async function answerTo(
  failure: () => unknown,
  telemetry: Telemetry = createTelemetry(),
): Promise<{ status: number; text: string; body: ErrorResponseBody }> {
  const app = express();
  app.get('/fail', async () => {
    throw failure();
  });
  app.use(errorHandler({ loggerProvider: telemetry.loggerProvider }));
  const server = await startServer(app, telemetry.tracer);
  servers.push(server);
  const response = await get(`${server.url}/fail`);
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as ErrorResponseBody };
}

/** Shaped like an AWS SDK v3 S3 `AccessDenied`, with the status copied on as apps often do. */
function awsAccessDenied(): Error {
  return Object.assign(
    new Error(
      'User: arn:aws:iam::123456789012:user/svc-orders is not authorized to perform: ' +
        's3:GetObject on resource: "arn:aws:s3:::acme-prod-invoices/2026/customer-4711.pdf"',
    ),
    {
      name: 'AccessDenied',
      Code: 'AccessDenied',
      code: 'AccessDenied',
      $fault: 'client',
      $metadata: {
        httpStatusCode: 403,
        requestId: 'K2H6N7ZGQT6WHCEG',
        extendedRequestId: 'x3CZJb4+dYbXe2y7n0gq2Q==',
        attempts: 1,
      },
      status: 403,
    },
  );
}

function dnsFailureAs404(): Error {
  return Object.assign(new Error('getaddrinfo ENOTFOUND db-primary.prod.internal'), {
    code: 'ENOTFOUND',
    errno: -3008,
    syscall: 'getaddrinfo',
    hostname: 'db-primary.prod.internal',
    status: 404,
  });
}

describe('errorHandler with NODE_ENV=production', () => {
  it('an AWS SDK 403 answers Forbidden: no ARN, account, bucket or request id', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const telemetry = createTelemetry();
    const { status, text, body } = await answerTo(awsAccessDenied, telemetry);
    expect(status).toBe(403);
    expect(body.error.message).toBe('Forbidden');
    expect(body.error.code).toBeUndefined();
    expect(text).not.toMatch(/arn:|123456789012|acme-prod-invoices|svc-orders|K2H6N7|AccessDenied/);
    // The operators' log keeps the whole message.
    expect(telemetry.records()[0].attributes[ATTR_EXCEPTION_MESSAGE]).toMatch(/svc-orders/);
  });

  it('a DNS failure tagged 404 answers Not Found: no host name, no code', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const { status, text, body } = await answerTo(dnsFailureAs404);
    expect(status).toBe(404);
    expect(body.error.message).toBe('Not Found');
    expect(text).not.toMatch(/db-primary|prod\.internal|ENOTFOUND|getaddrinfo/);
  });

  it('other unmarked 4xx errors get their status text, whichever field carries the status', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const cases: Array<[() => unknown, number, string]> = [
      [
        () => Object.assign(new Error('token for alice@corp expired'), { statusCode: 401 }),
        401,
        'Unauthorized',
      ],
      [
        () => Object.assign(new Error('row 42 locked by pid 7'), { status: 409, expose: 'yes' }),
        409,
        'Conflict',
      ],
      [
        () => ({ status: 429, message: 'bucket user:alice at 1000/1000' }),
        429,
        'Too Many Requests',
      ],
      [() => Object.assign(new Error('teapot at 10.0.3.17'), { status: 418 }), 418, "I'm a Teapot"],
    ];
    for (const [failure, expectedStatus, text] of cases) {
      const answer = await answerTo(failure);
      expect(answer.status).toBe(expectedStatus);
      expect(answer.body.error.message).toBe(text);
      expect(answer.text).not.toMatch(/alice|pid 7|10\.0\.3\.17/);
    }
  });

  it('an http-errors-style 400 with expose: true is shown, with its code', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const { status, body } = await answerTo(() =>
      Object.assign(new Error('email must be an address'), {
        status: 400,
        expose: true,
        code: 'INVALID_EMAIL',
      }),
    );
    expect(status).toBe(400);
    expect(body.error).toMatchObject({
      message: 'email must be an address',
      code: 'INVALID_EMAIL',
    });
    expect(body.error.stack).toBeUndefined();
  });

  it('a 500 with expose: true is not shown', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const { status, text, body } = await answerTo(() =>
      Object.assign(new Error('pool exhausted on pg-3.internal:5432'), {
        status: 500,
        expose: true,
        code: 'EPOOL',
      }),
    );
    expect(status).toBe(500);
    expect(body.error.message).toBe('Internal Server Error');
    expect(text).not.toMatch(/pg-3|EPOOL/);
  });

  it('a 503 ClientError cannot be built; ClientError and httpError 4xx messages are shown', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    expect(() => httpError(503, 'x')).toThrow(TypeError);
    const made = await answerTo(() =>
      httpError(422, 'quantity must be at least 1', { code: 'QTY' }),
    );
    expect(made.status).toBe(422);
    expect(made.body.error).toMatchObject({ message: 'quantity must be at least 1', code: 'QTY' });
    const plain = await answerTo(() => new ClientError(404));
    expect(plain.status).toBe(404);
    expect(plain.body.error.message).toBe('Not Found');
  });

  it('an expose getter that throws still gets an answer, and no message', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const { status, text } = await answerTo(() => {
      const err = Object.assign(new Error('secret at 10.1.2.3'), { status: 403 });
      Object.defineProperty(err, 'expose', {
        get() {
          throw new Error('boom');
        },
      });
      return err;
    });
    expect(status).toBe(403);
    expect(text).not.toMatch(/10\.1\.2\.3/);
  });
});

describe('errorHandler outside production', () => {
  it('shows every message and the stack, for developers', async () => {
    vi.stubEnv('NODE_ENV', 'development');
    const { body } = await answerTo(dnsFailureAs404);
    expect(body.error.message).toBe('getaddrinfo ENOTFOUND db-primary.prod.internal');
    expect(body.error.code).toBe('ENOTFOUND');
    expect(body.error.stack).toMatch(/getaddrinfo/);
  });
});
