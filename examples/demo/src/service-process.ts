import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const EXAMPLES_DIR = fileURLToPath(new URL('../../', import.meta.url));
const LISTENING = /^listening on (\d+)$/;

export interface ServiceProcessOptions {
  /** Folder under `examples/` holding the service; it runs `src/main.ts` from there. */
  name: string;
  /** Added to the inherited environment (after `PORT=0`, `HOST=127.0.0.1`). */
  env?: Record<string, string>;
  /**
   * Preload `@threadline/node/register` as the `start` script does; off runs the service
   * without telemetry (its own tests of what it serves).
   * @default true
   */
  register?: boolean;
  /**
   * How long to wait for the `listening on <port>` log line.
   * @default 20000
   */
  startTimeoutMs?: number;
}

export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the service ignored SIGTERM and had to be killed. */
  forced: boolean;
}

export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  /** Everything the service wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then SIGKILL if the service has not exited after `timeoutMs` (default 10000). */
  stop(timeoutMs?: number): Promise<ServiceExit>;
}

/**
 * Starts an example service the way its `npm start` script does (preloading the
 * `@threadline/node/register` hook) on a random port, and resolves once it listens.
 */
export async function startService(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const { name, register = true, startTimeoutMs = 20_000 } = options;
  // Same command as the services' `start` script; `--conditions` makes the workspace
  // packages resolve to their TypeScript sources.
  const child = spawn(
    process.execPath,
    [
      '--conditions=@threadline/source',
      ...(register ? ['--import', '@threadline/node/register'] : []),
      'src/main.ts',
    ],
    {
      cwd: `${EXAMPLES_DIR}${name}`,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.once('exit', (code, signal) => resolve([code, signal]));
  });

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(`did not log "listening on <port>" within ${startTimeoutMs} ms`),
      startTimeoutMs,
    );
    const fail = (reason: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${name} ${reason}; its output:\n${output.join('')}`));
    };
    const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(`exited before listening (code ${code}, signal ${signal})`);
    child.once('error', (err) => fail(`could not be spawned (${err.message})`));
    child.once('exit', onEarlyExit);
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(`${line}\n`);
      const port = listeningPort(line);
      if (port !== undefined) {
        clearTimeout(timer);
        child.removeListener('exit', onEarlyExit);
        resolve(port);
      }
    });
  });

  return {
    name,
    pid: child.pid!,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => output.join(''),
    async stop(timeoutMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) {
        return { code: child.exitCode, signal: child.signalCode, forced: false };
      }
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const result = await Promise.race([exited, timedOut]);
      clearTimeout(timer);
      if (result !== 'timeout') return { code: result[0], signal: result[1], forced: false };
      child.kill('SIGKILL');
      const [code, signal] = await exited;
      return { code, signal, forced: true };
    },
  };
}

// The services log `listening on <port>` as a JSON line; anything else on stdout is ignored.
function listeningPort(line: string): number | undefined {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return undefined;
  }
  const message = (record as { message?: unknown } | null)?.message;
  const match = typeof message === 'string' ? LISTENING.exec(message) : null;
  return match ? Number(match[1]) : undefined;
}
