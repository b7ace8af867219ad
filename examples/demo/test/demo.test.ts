// `npm run demo` end to end: it must exit 0 and print the cross-service trees.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DEMO_TIMEOUT_MS = 60_000;

it(
  'npm run demo exits 0 and prints each trace as a tree across the three services',
  { timeout: DEMO_TIMEOUT_MS + 10_000 },
  async () => {
    // Its own process group, so a hung demo can be killed with every service it started.
    const child = spawn('npm', ['run', '--silent', 'demo'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), DEMO_TIMEOUT_MS);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve)).finally(
      () => clearTimeout(timer),
    );

    expect(code, output).toBe(0);
    expect(output).toMatch(/placing orders through the gateway/);
    // One line per span, indented by parentage: gateway → orders → payments in one tree.
    expect(output).toMatch(/^└─ gateway {2}POST \/orders {2}server {2}[\d.]+ m?s/m);
    expect(output).toMatch(/^[ │]+[├└]─ orders {2}POST \/orders {2}server {2}/m);
    expect(output).toMatch(/^[ │]+[├└]─ payments {2}POST \/payments {2}server {2}/m);
    expect(output).toMatch(/^[ │]+[├└]─ ✗ payments {2}[^\n]*ERROR: card ending 0002 was declined/m);
    expect(output).toMatch(
      /^[ │]+[├└]─ ✗ payments {2}INSERT payments {2}client {2}[^\n]*ERROR: canceling statement due to statement timeout/m,
    );
    // Logs sit under the span they were written in, exceptions with an abbreviated stack.
    expect(output).toMatch(
      /^[ │]+[├└]─ ERROR payment declined: card ending 0002[^\n]*\n[ │]+CardDeclinedError: card ending 0002[^\n]*\n[ │]+ {2}at /m,
    );
    expect(output).toMatch(
      /^[ │]+[├└]─ ERROR could not record payment:[^\n]*\n[ │]+DatabaseTimeoutError: /m,
    );
    expect(output.match(/^trace [0-9a-f]{32} · gateway → orders → payments/gm)).toHaveLength(3);
  },
);
