import { diag } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_URL_PATH } from '@opentelemetry/semantic-conventions';
import { requestLogger } from '@threadline/express';
import { captureDiagWarnings } from '@threadline/testing';
import express from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTelemetry } from './helpers/otel.ts';
import { get, startServer } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';

// Issue 18 item 4: express warned on every construction with its own wording; a bad value is
// now reported by @threadline/core's one policy: once, naming the variable and the default,
// which is then what the app gets.

const servers: TestServer[] = [];
let warnings: string[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  vi.unstubAllEnvs();
  diag.disable();
});

function captureWarnings(): void {
  warnings = captureDiagWarnings(diag);
}

/** Three apps built under the same environment, one request each to `path`. */
async function requestThreeApps(path: string) {
  const telemetry = createTelemetry();
  for (let i = 0; i < 3; i++) {
    const app = express();
    app.use(requestLogger({ loggerProvider: telemetry.loggerProvider }));
    app.get(/.*/, (_req, res) => void res.json({ ok: true }));
    const server = await startServer(app, telemetry.tracer);
    servers.push(server);
    const response = await get(`${server.url}${path}`);
    await response.body?.cancel();
  }
  return telemetry;
}

describe('bad environment values in @threadline/express', () => {
  it.each(['loud', 'debug', ''.padEnd(500, 'x')])(
    'THREADLINE_REQUEST_LOG_LEVEL=%j: warned once naming "info", and 200s are logged at info',
    async (value) => {
      captureWarnings();
      vi.stubEnv('THREADLINE_REQUEST_LOG_LEVEL', value);
      const telemetry = await requestThreeApps('/orders');
      await vi.waitFor(() => expect(telemetry.records()).toHaveLength(3));
      expect(telemetry.records().map((r) => r.attributes[ATTR_URL_PATH])).toEqual([
        '/orders',
        '/orders',
        '/orders',
      ]);
      const mine = warnings.filter((w) => w.includes('THREADLINE_REQUEST_LOG_LEVEL'));
      expect(mine).toHaveLength(1);
      expect(mine[0]).toContain('@threadline/express: ignoring THREADLINE_REQUEST_LOG_LEVEL=');
      expect(mine[0]).toContain('expected one of info, warn, error; using info');
      // A long value is cut: the warning stays one short line.
      expect(mine[0]!.length).toBeLessThan(250);
    },
  );

  it('THREADLINE_REQUEST_LOG_IGNORED_PATHS with a relative path: warned once, default paths kept', async () => {
    captureWarnings();
    vi.stubEnv('THREADLINE_REQUEST_LOG_IGNORED_PATHS', '/internal,metrics');
    const telemetry = await requestThreeApps('/healthz');
    const other = await requestThreeApps('/internal');
    await vi.waitFor(() => expect(other.records()).toHaveLength(3));
    // The default list still ignores /healthz; the bad list was not half-applied.
    expect(telemetry.records()).toHaveLength(0);
    expect(other.records().map((r) => r.attributes[ATTR_HTTP_REQUEST_METHOD])).toEqual([
      'GET',
      'GET',
      'GET',
    ]);
    const mine = warnings.filter((w) => w.includes('THREADLINE_REQUEST_LOG_IGNORED_PATHS'));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toContain('="metrics": expected paths starting with \'/\'; using /health');
  });
});
