import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver } from '@threadline/testing';
import { runFixture } from './run-fixture.ts';

const receiver = await startOtlpReceiver();
afterAll(() => receiver.close());
beforeEach(() => receiver.reset());

const SECRETS = [
  'hunter2-correct-horse',
  '4111 1111 1111 1111',
  'sk_live_51Habc123def456',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJlLXZhbHVl',
];

let console = '';

async function received(env: Record<string, string> = {}): Promise<string> {
  const run = runFixture('leaky-app.mjs', { endpoint: receiver.url, env });
  console = (await run.exited()).stdout;
  await receiver.waitForLogs(2);
  await receiver.waitForSpans((spans) => spans.some((s) => s.name.startsWith('GET')));
  return JSON.stringify(
    { logs: receiver.logs(), spans: receiver.spans() },
    (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value),
  );
}

describe('redaction in @threadline/node', () => {
  it('is on by default: no secret reaches the collector, ordinary values do', async () => {
    const wire = await received();
    for (const secret of SECRETS) expect(wire, secret).not.toContain(secret);
    expect(wire).toContain('[REDACTED]');
    expect(wire).toContain('ord_1001');
    expect(wire).toContain('ada');
    // The winston instrumentation redacts entries before formats run: the console too.
    expect(console).toContain('"name":"ada"');
    for (const secret of SECRETS.slice(0, 2)) expect(console, secret).not.toContain(secret);
    expect(console).toContain('[REDACTED]');
  });

  it('is off with THREADLINE_REDACT_ENABLED=false', async () => {
    const wire = await received({ THREADLINE_REDACT_ENABLED: 'false' });
    expect(wire).toContain('hunter2-correct-horse');
    expect(wire).not.toContain('[REDACTED]');
    expect(console).toContain('hunter2-correct-horse');
  });
});
