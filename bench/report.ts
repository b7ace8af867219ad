import type { ChildResult, SerializerResult } from './job.ts';
import type { RoundResult } from './run.ts';
import { SCENARIOS } from './scenarios.ts';

export interface Stats {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function stats(values: number[]): Stats | undefined {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { median, min: v[0], max: v[v.length - 1], n: v.length };
}

type Metric = keyof Pick<
  ChildResult,
  'cpuNsPerLog' | 'eldP99Ms' | 'eldMaxMs' | 'maxRssMB' | 'deliveredPerSec' | 'drops'
>;

interface Input {
  meta: { delayMs: number; scenarios: { id: string }[] } & Record<string, unknown>;
  results: RoundResult[];
  serializer: (SerializerResult | { error: string })[];
}

export interface Target {
  target: string;
  threshold: string;
  measured: string;
  pass: boolean | undefined;
}

export function renderReport(input: Input) {
  const { results, meta } = input;
  const ok = (r: RoundResult): r is RoundResult & { result: ChildResult } => !('error' in r.result);
  const perRound = (id: string, label: string, metric: Metric): Map<number, number> => {
    const m = new Map<number, number>();
    for (const r of results)
      if (ok(r) && r.scenario === id && r.label === label) {
        const v = r.result[metric];
        if (typeof v === 'number') m.set(r.round, v);
      }
    return m;
  };
  const abs = (id: string, label: string, metric: Metric) =>
    stats([...perRound(id, label, metric).values()]);
  /** Per-round `scenario / W` (or `scenario − W` with diff), then their median and range. */
  const vsW = (id: string, label: string, metric: Metric, diff = false) => {
    const s = perRound(id, label, metric);
    const w = perRound('W', label, metric);
    const out: number[] = [];
    for (const [round, v] of s) {
      const base = w.get(round);
      if (base !== undefined) out.push(diff ? v - base : v / base);
    }
    return stats(out);
  };
  const dropPct = (id: string, label: string) => {
    const out: number[] = [];
    for (const r of results)
      if (ok(r) && r.scenario === id && r.label === label && r.result.produced > 0)
        out.push((100 * r.result.drops) / r.result.produced);
    return stats(out);
  };

  const fmt = (s: Stats | undefined, digits = 0, unit = '') =>
    s
      ? `${s.median.toFixed(digits)}${unit}` +
        (s.n > 1 ? ` (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})` : '')
      : 'n/a';
  const ratio = (s: Stats | undefined) => fmt(s, 2, '×');
  const ids = meta.scenarios.map((s) => s.id);
  const title = (id: string) => SCENARIOS.find((s) => s.id === id)?.title ?? id;
  const exporting = ids.filter((id) => SCENARIOS.find((s) => s.id === id)?.exports);
  const d = meta.delayMs;

  const lines: string[] = [];
  lines.push('### CPU, event-loop delay and memory (median, min–max over rounds)', '');
  lines.push(
    'Ratios are per-round `scenario ÷ W` (lower is better); CPU in ns of user+system CPU per log, export work until the sink has everything included.',
    '',
  );
  lines.push(
    '| id | scenario | CPU/log saturating (ns) | ×W | CPU/log at 10k/s (ns) | ×W | ELD p99 at 10k/s (ms) | ×W | ELD max (ms) | peak RSS at 10k/s (MB) | −W (MB) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  );
  const summary: Record<string, unknown> = {};
  for (const id of ids) {
    const row = {
      cpuSaturate: abs(id, 'saturate', 'cpuNsPerLog'),
      cpuSaturateVsW: vsW(id, 'saturate', 'cpuNsPerLog'),
      cpu10k: abs(id, 'rate10k', 'cpuNsPerLog'),
      cpu10kVsW: vsW(id, 'rate10k', 'cpuNsPerLog'),
      eldP99: abs(id, 'rate10k', 'eldP99Ms'),
      eldP99VsW: vsW(id, 'rate10k', 'eldP99Ms'),
      eldMax: abs(id, 'rate10k', 'eldMaxMs'),
      rss: abs(id, 'rate10k', 'maxRssMB'),
      rssMinusW: vsW(id, 'rate10k', 'maxRssMB', true),
    };
    summary[id] = row;
    lines.push(
      `| ${id} | ${title(id)} | ${fmt(row.cpuSaturate)} | ${ratio(row.cpuSaturateVsW)} | ${fmt(row.cpu10k)} | ${ratio(row.cpu10kVsW)} | ${fmt(row.eldP99, 2)} | ${ratio(row.eldP99VsW)} | ${fmt(row.eldMax, 1)} | ${fmt(row.rss, 1)} | ${fmt(row.rssMinusW, 1)} |`,
    );
  }

  lines.push(
    '',
    `### Delivery at the sink (exporting scenarios; drops in % of produced, median (min–max))`,
    '',
  );
  lines.push(
    `| id | delivered/s saturating | drops saturating | drops, bursts of 2,000/tick (+${d} ms) | drops 10k/s +${d} ms | drops 20k/s +${d} ms | drops 30k/s +${d} ms | delivered/s at 30k/s +${d} ms |`,
    '|---|---|---|---|---|---|---|---|',
  );
  for (const id of exporting) {
    const row = {
      deliveredPerSecSaturate: abs(id, 'saturate', 'deliveredPerSec'),
      dropsSaturatePct: dropPct(id, 'saturate'),
      dropsBurstPct: dropPct(id, `burst2000+${d}ms`),
      drops10kPct: dropPct(id, `rate10k+${d}ms`),
      drops20kPct: dropPct(id, `rate20k+${d}ms`),
      drops30kPct: dropPct(id, `rate30k+${d}ms`),
      deliveredPerSec30k: abs(id, `rate30k+${d}ms`, 'deliveredPerSec'),
    };
    Object.assign(summary[id] as object, row);
    lines.push(
      `| ${id} | ${fmt(row.deliveredPerSecSaturate)} | ${fmt(row.dropsSaturatePct, 1, '%')} | ${fmt(row.dropsBurstPct, 1, '%')} | ${fmt(row.drops10kPct, 1, '%')} | ${fmt(row.drops20kPct, 1, '%')} | ${fmt(row.drops30kPct, 1, '%')} | ${fmt(row.deliveredPerSec30k)} |`,
    );
  }

  // Serializer: records per CPU-second, per-round ratio to the SDK's protobuf serializer.
  const ser = input.serializer.filter((s): s is SerializerResult => !('error' in s));
  const encoders = [...new Set(ser.flatMap((s) => Object.keys(s.recordsPerCpuSecond)))];
  const serSummary: Record<string, unknown> = {};
  if (ser.length > 0) {
    lines.push('', `### Serializers: records per CPU-second, batches of ${ser[0].batchSize}`, '');
    lines.push('| encoder | records/CPU-s | × SDK protobuf | bytes/record |', '|---|---|---|---|');
    for (const e of encoders) {
      const rate = stats(ser.map((s) => s.recordsPerCpuSecond[e]));
      const vsSdk = stats(
        ser.map((s) => s.recordsPerCpuSecond[e] / s.recordsPerCpuSecond['sdk-protobuf']),
      );
      serSummary[e] = { recordsPerCpuSecond: rate, vsSdkProtobuf: vsSdk };
      lines.push(
        `| ${e} | ${fmt(rate)} | ${ratio(vsSdk)} | ${ser[0].bytesPerRecord[e]?.toFixed(0) ?? 'n/a'} |`,
      );
    }
    if (ser[0].notes) lines.push('', `Note: ${ser[0].notes}.`);
  }

  // Targets (Threadline scenarios T0/T1/T2 against W).
  const s = summary as Record<string, Record<string, Stats | undefined>>;
  const le = (x: Stats | undefined, limit: number) => (x ? x.median <= limit : undefined);
  const maxDrop = (...xs: (Stats | undefined)[]) =>
    xs.some((x) => x === undefined) ? undefined : Math.max(...xs.map((x) => x!.max));
  const drops30 = maxDrop(s.T1?.drops30kPct, s.T2?.drops30kPct);
  const dropsBurst = maxDrop(s.T1?.dropsBurstPct, s.T2?.dropsBurstPct);
  const enc = serSummary['threadline-protobuf'] as { vsSdkProtobuf?: Stats } | undefined;
  /** Per-round `id ÷ baseId` (same round), then their median and range; undefined without both. */
  const vsScenario = (
    id: string,
    baseId: string,
    label: string,
    metric: Metric = 'cpuNsPerLog',
  ): Stats | undefined => {
    const a = perRound(id, label, metric);
    const b = perRound(baseId, label, metric);
    const out: number[] = [];
    for (const [round, v] of a) {
      const base = b.get(round);
      if (base !== undefined) out.push(v / base);
    }
    return out.length > 0 ? stats(out) : undefined;
  };
  // Issue 15 acceptance 4: redaction as @threadline/node sets it up costs at most 15 % more.
  const redactSaturate = vsScenario('T1r', 'T1', 'saturate');
  const redact10k = vsScenario('T1r', 'T1', 'rate10k');
  // Issue 18 acceptance 1: Threadline pino → OTLP against pino alone (P1), per round.
  const pinoSaturate = vsScenario('TP1', 'P1', 'saturate');
  const pino10k = vsScenario('TP1', 'P1', 'rate10k');
  const pinoEld = vsScenario('TP1', 'P1', 'rate10k', 'eldP99Ms');
  const pinoDrops = maxDrop(s.TP1?.drops30kPct, s.TP1?.dropsBurstPct);
  const targets: Target[] = [
    {
      target: 'correlation only, CPU per log (T0, saturating)',
      threshold: '≤ 1.05 × W',
      measured: ratio(s.T0?.cpuSaturateVsW),
      pass: le(s.T0?.cpuSaturateVsW, 1.05),
    },
    {
      target: 'winston → OTLP protobuf, saturating, CPU per log (T1)',
      threshold: '≤ 2.0 × W',
      measured: ratio(s.T1?.cpuSaturateVsW),
      pass: le(s.T1?.cpuSaturateVsW, 2.0),
    },
    {
      target: 'winston → OTLP protobuf at 10k logs/s, CPU per log (T1)',
      threshold: '≤ 1.8 × W',
      measured: ratio(s.T1?.cpu10kVsW),
      pass: le(s.T1?.cpu10kVsW, 1.8),
    },
    {
      target: 'winston → OTLP JSON, saturating, CPU per log (T2)',
      threshold: '≤ 2.3 × W',
      measured: ratio(s.T2?.cpuSaturateVsW),
      pass: le(s.T2?.cpuSaturateVsW, 2.3),
    },
    {
      target: `drops at 30k logs/s with ${d} ms round trip, default settings (T1, T2; worst round)`,
      threshold: '0 %',
      measured: drops30 === undefined ? 'n/a' : `${drops30.toFixed(2)} %`,
      pass: drops30 === undefined ? undefined : drops30 === 0,
    },
    {
      target: 'drops in bursts of 2,000 per tick (T1, T2; worst round)',
      threshold: '0 % up to the documented queue bound',
      measured: dropsBurst === undefined ? 'n/a' : `${dropsBurst.toFixed(2)} %`,
      pass: dropsBurst === undefined ? undefined : dropsBurst === 0,
    },
    {
      target: 'event-loop delay p99 at 10k logs/s (T1)',
      threshold: '≤ 1.5 × W',
      measured: ratio(s.T1?.eldP99VsW),
      pass: le(s.T1?.eldP99VsW, 1.5),
    },
    {
      target: 'protobuf encoder, records per CPU-second',
      threshold: "≥ 1.5 × the SDK's",
      measured: enc?.vsSdkProtobuf ? ratio(enc.vsSdkProtobuf) : 'n/a (no Threadline encoder yet)',
      pass: enc?.vsSdkProtobuf ? enc.vsSdkProtobuf.median >= 1.5 : undefined,
    },
    {
      target: 'redaction, saturating, CPU per log (T1r ÷ T1, per round)',
      threshold: '≤ 1.15 × T1',
      measured: redactSaturate ? ratio(redactSaturate) : 'n/a',
      pass: le(redactSaturate, 1.15),
    },
    {
      target: 'redaction at 10k logs/s, CPU per log (T1r ÷ T1, per round)',
      threshold: '≤ 1.15 × T1',
      measured: redact10k ? ratio(redact10k) : 'n/a',
      pass: le(redact10k, 1.15),
    },
    {
      target: 'pino → OTLP protobuf, saturating, CPU per log (TP1 ÷ P1, per round)',
      threshold: '≤ 2.0 × P1',
      measured: pinoSaturate ? ratio(pinoSaturate) : 'n/a',
      pass: le(pinoSaturate, 2.0),
    },
    {
      target: 'pino → OTLP protobuf at 10k logs/s, CPU per log (TP1 ÷ P1, per round)',
      threshold: '≤ 2.0 × P1',
      measured: pino10k ? ratio(pino10k) : 'n/a',
      pass: le(pino10k, 2.0),
    },
    {
      target: `pino drops at 30k logs/s with ${d} ms round trip and in bursts (TP1; worst round)`,
      threshold: '0 %',
      measured: pinoDrops === undefined ? 'n/a' : `${pinoDrops.toFixed(2)} %`,
      pass: pinoDrops === undefined ? undefined : pinoDrops === 0,
    },
    {
      target: 'pino event-loop delay p99 at 10k logs/s (TP1 ÷ P1, per round)',
      threshold: '≤ 1.5 × P1',
      measured: pinoEld ? ratio(pinoEld) : 'n/a',
      pass: le(pinoEld, 1.5),
    },
    {
      target: 'peak RSS at 10k logs/s (T1)',
      threshold: '≤ W + 15 MB',
      measured: s.T1?.rssMinusW ? `W + ${fmt(s.T1.rssMinusW, 1)} MB` : 'n/a',
      pass: le(s.T1?.rssMinusW, 15),
    },
  ];
  lines.push(
    '',
    '### Targets',
    '',
    '| target | threshold | measured (median, min–max) | result |',
    '|---|---|---|---|',
  );
  for (const t of targets)
    lines.push(
      `| ${t.target} | ${t.threshold} | ${t.measured} | ${t.pass === undefined ? 'n/a' : t.pass ? 'pass' : '**FAIL**'} |`,
    );

  const notes = [
    ...new Set(
      results.flatMap((r) => (ok(r) && r.result.notes ? [`${r.scenario}: ${r.result.notes}`] : [])),
    ),
  ];
  if (notes.length) lines.push('', `Implementations: ${notes.join('; ')}.`);
  const errors = results.filter((r) => !ok(r));
  if (errors.length) {
    lines.push('', `### Failed child runs (${errors.length})`, '');
    for (const e of errors)
      lines.push(
        `- r${e.round} ${e.label} ${e.scenario}: ${(e.result as { error: string }).error}`,
      );
  }
  return {
    markdown: lines.join('\n'),
    summary: { scenarios: summary, serializer: serSummary },
    targets,
  };
}
