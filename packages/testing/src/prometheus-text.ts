/**
 * Sums every sample of a counter in Prometheus text format (all label sets). The collector
 * exposes counters without `_total` in the classic text format and with it in OpenMetrics;
 * both spellings are accepted.
 */
export function sumCounter(metricsText: string, name: string): number {
  const base = name.replace(/_total$/, '');
  const prefixes = [`${base}{`, `${base} `, `${base}_total{`, `${base}_total `];
  let sum = 0;
  for (const line of metricsText.split('\n')) {
    if (prefixes.some((p) => line.startsWith(p))) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return sum;
}

/** One sample of a Prometheus text exposition. */
export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the samples of a Prometheus text (or OpenMetrics) exposition. */
export function parsePrometheusText(text: string): PrometheusSample[] {
  const samples: PrometheusSample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)(?: \S+)?$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[label[1]] = label[2].replace(/\\(.)/g, (_all, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}
