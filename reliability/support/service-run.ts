import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REPORT_PREFIX } from '../fixtures/service-report.ts';
import type { ServiceReport, StateReport, StateReportType } from '../fixtures/service-report.ts';

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

type ReportOf<T extends ServiceReport['type']> = T extends StateReportType
  ? StateReport
  : Extract<ServiceReport, { type: T }>;

export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** `Date.now()` when the process ended. */
  at: number;
}

export interface ServiceRun {
  readonly child: ChildProcess;
  /** `Date.now()` when the service said it started logging. */
  readonly startedAt: Promise<number>;
  /** Every report so far, in order. */
  reports(): ServiceReport[];
  /** The last report of this type, if any. */
  last<T extends ServiceReport['type']>(type: T): ReportOf<T> | undefined;
  /** Resolves with the first report of this type matching `predicate`. */
  waitFor<T extends ServiceReport['type']>(
    type: T,
    predicate?: (report: ReportOf<T>) => boolean,
    timeoutMs?: number,
  ): Promise<ReportOf<T>>;
  /** Starts a new measurement phase in the service (event-loop delay, memory peaks). */
  phase(name: string): void;
  /** Resolves when the process ends; SIGKILLs it when it outlives `timeoutMs`. */
  exited(timeoutMs?: number): Promise<ServiceExit>;
  stderr(): string;
}

const running = new Set<ChildProcess>();

/** Kills every service still running; for afterEach/afterAll, so no scenario leaks a process. */
export function killAllServices(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/**
 * Starts a fixture service as a user would: `node --import @threadline/node/register`,
 * exporting to `endpoint`. NODE_OPTIONS (with `--conditions=@threadline/source`) is inherited
 * from the vitest process, so the packages run from their sources on this Node (24).
 */
export function startService(options: {
  endpoint: string;
  env?: Record<string, string>;
  fixture?: string;
}): ServiceRun {
  // RELIABILITY_CPU_PROF_DIR=/some/dir: each service writes a CPU profile there when it ends
  // (Node refuses --cpu-prof in NODE_OPTIONS).
  const profileDir = process.env.RELIABILITY_CPU_PROF_DIR;
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(
    process.execPath,
    [
      ...profile,
      '--import',
      '@threadline/node/register',
      `${FIXTURES_DIR}${options.fixture ?? 'service.ts'}`,
    ],
    {
      cwd: FIXTURES_DIR,
      env: {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: options.endpoint,
        OTEL_SERVICE_NAME: 'reliability-service',
        // Final drop counters reach the receiver within a second.
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
        // vitest sets NODE_ENV=test; a service sees what a plain shell gives it.
        NODE_ENV: '',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  running.add(child);
  const reports: ServiceReport[] = [];
  const listeners = new Set<() => void>();
  let stderr = '';
  let pending = '';
  let resolveStarted!: (at: number) => void;
  const startedAt = new Promise<number>((resolve) => (resolveStarted = resolve));
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (!line.startsWith(REPORT_PREFIX)) continue;
      const report = JSON.parse(line.slice(REPORT_PREFIX.length)) as ServiceReport;
      if (report.type === 'started') resolveStarted(Date.now());
      reports.push(report);
    }
    for (const listener of [...listeners]) listener();
  });
  // Bounded: a service that warns on every record must not grow the test's memory.
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < 256 * 1024) stderr += chunk;
  });
  let exitedAt = 0;
  let closed = false;
  child.on('exit', () => (exitedAt = Date.now()));
  // 'close' comes after the last stdout chunk, so no report is missed.
  const exit = new Promise<ServiceExit>((resolve) =>
    child.on('close', (code, signal) => {
      closed = true;
      running.delete(child);
      resolve({ code, signal, at: exitedAt || Date.now() });
      for (const listener of [...listeners]) listener();
    }),
  );

  const last = <T extends ServiceReport['type']>(type: T): ReportOf<T> | undefined =>
    reports.findLast((r): r is ReportOf<T> => r.type === type);

  return {
    child,
    startedAt,
    reports: () => [...reports],
    last,
    waitFor(type, predicate = () => true, timeoutMs = 120_000) {
      type Report = ReportOf<typeof type>;
      return new Promise<Report>((resolve, reject) => {
        const check = () => {
          const found = reports.find((r): r is Report => r.type === type && predicate(r as Report));
          if (found !== undefined) {
            done();
            resolve(found);
          } else if (closed) {
            done();
            reject(
              new Error(
                `service exited (${child.exitCode ?? child.signalCode}) before a "${type}" report; stderr:\n${stderr.slice(-2000)}`,
              ),
            );
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no "${type}" report within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    phase(name) {
      if (child.connected) child.send({ phase: name });
    },
    async exited(timeoutMs = 120_000) {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exit;
      } finally {
        clearTimeout(timer);
      }
    },
    stderr: () => stderr,
  };
}
