/** What run.ts asks one child process to measure. */
export interface ChildJob {
  scenario: string;
  mode: 'saturate' | 'rate' | 'burst' | 'serializer' | 'verify';
  /** Column name in the report, e.g. `rate10k` or `rate30k+25ms`. */
  label: string;
  endpoint: string;
  warmup: number;
  /** Logs per setImmediate turn for the saturating producer. */
  chunk: number;
  n: number;
  rate: number;
  durationMs: number;
  burstSize: number;
  bursts: number;
  burstGapMs: number;
  /** The sink counts as drained when nothing arrived for this long. */
  quietMs: number;
  drainTimeoutMs: number;
  /** Serializer benchmark: records per batch, CPU time per encoder. */
  batchSize: number;
  serializerCpuMs: number;
  /** Round number, to rotate the order of encoders within the serializer child. */
  round: number;
}

export interface SinkSnapshot {
  records: number;
  requests: number;
  bytes: number;
  badRequests: number;
  firstArrivalMs: number;
  lastArrivalMs: number;
}

export interface ChildResult {
  scenario: string;
  mode: string;
  label: string;
  produced: number;
  delivered: number;
  drops: number;
  /** process.cpuUsage() user+system, all threads, from the first measured log until drained. */
  cpuNs: number;
  /** The kernel's share of cpuNs (system time: syscalls, page faults, loopback TCP). */
  cpuSystemNs?: number;
  cpuNsPerLog: number;
  /** First measured log until the last record arrived (or production ended). */
  wallMs: number;
  produceMs?: number;
  deliveredPerSec: number;
  eldP99Ms?: number;
  eldMaxMs?: number;
  eldMeanMs?: number;
  maxRssMB?: number;
  requests?: number;
  bytes?: number;
  badRequests?: number;
  warmupDelivered?: number;
  notes?: string;
}

export interface SerializerResult {
  mode: 'serializer';
  batchSize: number;
  /** Records encoded per CPU-second, per encoder. */
  recordsPerCpuSecond: Record<string, number>;
  bytesPerRecord: Record<string, number>;
  notes?: string;
}

/** `verify` mode: what the child logged, for run.ts to compare with what arrived. */
export interface VerifyResult {
  mode: 'verify';
  scenario: string;
  traceId: string;
  spanId: string;
  lines: string[];
  notes?: string;
}
