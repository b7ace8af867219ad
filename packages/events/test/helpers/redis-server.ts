import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

/** Whether `redis-server` (Debian package `redis-server`) can be run here. */
export const REDIS_SERVER_AVAILABLE =
  spawnSync('redis-server', ['--version'], { encoding: 'utf8', timeout: 10_000 }).status === 0;

export const REDIS_MISSING_HINT =
  'redis-server is not installed: run `bash deploy/scripts/install-tools.sh` as root';

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Starts a throwaway `redis-server` on 127.0.0.1 and a free port, with no persistence (no RDB
 * snapshot, no append-only file), and resolves once it accepts connections (within 10 s).
 */
export async function startRedisServer(): Promise<RedisServer> {
  let lastError: unknown;
  // A port found free can be taken before redis binds it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--protected-mode',
        'yes',
        '--loglevel',
        'warning',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      await waitReady(child, port);
      return {
        port,
        url: `redis://127.0.0.1:${port}`,
        stop: () => stop(child),
      };
    } catch (error) {
      lastError = error;
      await stop(child);
    }
  }
  throw lastError;
}

async function waitReady(child: ChildProcess, port: number): Promise<void> {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += String(chunk)));
  child.stderr?.on('data', (chunk: Buffer) => (output += String(chunk)));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`redis-server exited (${child.exitCode}): ${output.slice(0, 2000)}`);
    }
    const reply = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping'], {
      encoding: 'utf8',
      timeout: 2000,
    });
    if (reply.stdout?.trim() === 'PONG') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server did not answer on port ${port} within 10 s: ${output}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
