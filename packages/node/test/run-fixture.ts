import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('./fixtures/app/', import.meta.url));

export interface FixtureRun {
  readonly child: ChildProcess;
  /** Resolves once stdout has printed a line containing `text`. */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
  /** Resolves with how the process ended; kills it when it outlives the timeout. */
  exited(timeoutMs?: number): Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>;
}

/**
 * Runs a fixture app the way a user would: `node --import @threadline/node/register app`
 * (or `--require` for CommonJS), exporting to `endpoint` with short batch delays.
 */
export function runFixture(
  file: string,
  options: { endpoint: string; preload?: '--import' | '--require'; env?: Record<string, string> },
): FixtureRun {
  const child = spawn(
    process.execPath,
    [options.preload ?? '--import', '@threadline/node/register', `${FIXTURES}${file}`],
    {
      cwd: FIXTURES,
      env: {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: options.endpoint,
        OTEL_BLRP_SCHEDULE_DELAY: '100',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_METRICS_EXPORTER: 'none',
        // vitest sets NODE_ENV=test; fixtures should see what a plain shell gives them.
        NODE_ENV: '',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    async waitForOutput(text, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!stdout.includes(text)) {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`fixture exited before printing "${text}"; stderr:\n${stderr}`);
        }
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for "${text}"; stderr:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async exited(timeoutMs = 20_000) {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        const result = await exit;
        return { ...result, stdout, stderr };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
