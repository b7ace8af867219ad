import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';

/** Options for {@link startCollectorProcess}. */
export interface CollectorProcessOptions {
  /** Path of the collector binary (e.g. `.collector/otelcol-threadline`). */
  binary: string;
  /** Path of the configuration file. */
  config: string;
  /** Environment for the collector, added to a minimal PATH/HOME environment. @default {} */
  env?: Record<string, string>;
  /** Port of its `health_check` extension, polled until it answers 200. */
  healthPort: number;
  /** How long start and restart may take. @default 30000 */
  startTimeoutMs?: number;
}

/** A running collector that a test can kill and restart. */
export interface CollectorProcess {
  readonly pid: number;
  /** Everything the collector wrote to stdout and stderr, across restarts. */
  output(): string;
  /** Sends a signal and waits for the process to end (SIGKILL is `kill -9`). */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the same binary with the same config and env again, once healthy. */
  restart(): Promise<void>;
  /** SIGTERM (graceful: drains queues), SIGKILL after 10 s. Idempotent. */
  stop(): Promise<void>;
}

/** Returns `count` distinct free loopback TCP ports. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

async function waitHealthy(
  port: number,
  child: ChildProcess,
  timeoutMs: number,
  log: () => string,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `collector exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${log()}`,
      );
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`, {
        signal: AbortSignal.timeout(1000),
      });
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new Error(`collector not healthy on port ${port} after ${timeoutMs} ms:\n${log()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

class CollectorProcessHandle implements CollectorProcess {
  readonly #options: CollectorProcessOptions;
  readonly #output: string[] = [];
  #child!: ChildProcess;

  constructor(options: CollectorProcessOptions) {
    this.#options = options;
  }

  get pid(): number {
    return this.#child.pid ?? -1;
  }

  output(): string {
    return this.#output.join('');
  }

  async start(): Promise<void> {
    const child = spawn(this.#options.binary, [`--config=${this.#options.config}`], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...this.#options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    child.stdout!.setEncoding('utf8').on('data', (d: string) => this.#output.push(d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => this.#output.push(d));
    await waitHealthy(this.#options.healthPort, child, this.#options.startTimeoutMs ?? 30_000, () =>
      this.output().slice(-4000),
    );
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  async restart(): Promise<void> {
    await this.kill('SIGKILL');
    await this.start();
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    try {
      await this.kill('SIGTERM');
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Starts a collector binary and resolves once its health check answers 200. */
export async function startCollectorProcess(
  options: CollectorProcessOptions,
): Promise<CollectorProcess> {
  const handle = new CollectorProcessHandle(options);
  await handle.start();
  return handle;
}
