// Issue 15, acceptance 1 (service side): the generated corpus (@threadline/redact/test-corpus:
// ≥ 400 secrets over ≥ 40 formats, ≥ 300 look-alikes) planted in every way a winston entry is
// built, printed through every built-in winston format to a Console and a File transport,
// and through pino to stdout and a file, in child processes started with
// `node --import @threadline/node/register`, exporting OTLP to @threadline/testing's receiver.
// No secret may survive in console text, file text, stderr or the OTLP records; no
// look-alike may be lost. Each fixture runs twice: with redaction (the test) and with
// THREADLINE_REDACT_ENABLED=false (the baseline), which proves that each place and position
// really carries the corpus (so the test can fail) and tells which look-alikes a place prints.
import { describe, expect, it } from 'vitest';
import { startOtlpReceiver } from '@threadline/testing';
import {
  PINO_POSITIONS,
  WINSTON_FORMATS,
  WINSTON_POSITIONS,
  redactionCorpus,
} from './fixtures/redaction-plan.ts';
import {
  Ledger,
  addPlace,
  findDamage,
  findLeaks,
  phases,
  recordContent,
  recordsByPosition,
  runRedactionFixture,
} from './redaction-findings.ts';
import type { FixtureOutput, OutputTexts } from './redaction-findings.ts';

const { secrets, lookAlikes } = redactionCorpus();

interface Run {
  readonly output: FixtureOutput;
  readonly texts: OutputTexts;
  /** `position#id` of every tagged OTLP record. */
  readonly tags: Set<string>;
  readonly records: number;
}

/** Runs one fixture with redaction on or off and reads every output back, by place. */
async function run(
  label: string,
  file: string,
  env: Record<string, string>,
  redact: boolean,
): Promise<Run> {
  const receiver = await startOtlpReceiver();
  try {
    const output = await runRedactionFixture(file, {
      endpoint: receiver.url,
      env: {
        ...env,
        OTEL_SERVICE_NAME: `redaction-${label}`,
        // Nothing may be dropped for lack of room: a dropped record could hide a leak.
        OTEL_BLRP_MAX_QUEUE_SIZE: '100000',
        ...(redact ? {} : { THREADLINE_REDACT_ENABLED: 'false' }),
      },
      timeoutMs: 150_000,
    });
    const records = receiver.logs();
    const texts: OutputTexts = new Map();
    addPlace(texts, `${label}/console`, phases(output.stdout));
    addPlace(texts, `${label}/stderr`, phases(output.stderr));
    for (const [name, text] of output.files)
      addPlace(
        texts,
        `${label}/file`,
        // A defaultMeta logger's file holds that position only.
        name.startsWith('default-meta-') ? new Map([['defaultMeta', text]]) : phases(text),
      );
    const tags = new Set<string>();
    addPlace(texts, `${label}/otlp`, recordsByPosition(records.map(recordContent), tags));
    return { output, texts, tags, records: records.length };
  } finally {
    await receiver.close();
  }
}

const baselines: { positions: readonly string[]; texts: OutputTexts }[] = [];

function describeOutputs(
  label: string,
  file: string,
  env: Record<string, string>,
  positions: readonly string[],
): void {
  describe(label, () => {
    let redacted: Run;
    let baseline: Run;
    // Set once both fixtures ran to their end: the tests after the first read their outputs,
    // which would pass vacuously if a fixture had printed nothing.
    let complete = false;

    it('runs to the end with and without redaction, every phase printed and exported', async () => {
      [redacted, baseline] = await Promise.all([
        run(label, file, env, true),
        run(label, file, env, false),
      ]);
      for (const r of [redacted, baseline]) {
        expect(r.output.done, r.output.stderr.slice(-2000)).toBe(true);
        expect(r.output.code).toBe(0);
      }
      baselines.push({ positions, texts: baseline.texts });
      complete = true;
      for (const r of [redacted, baseline]) {
        const printed = [...(r.texts.get(`${label}/console`)?.keys() ?? [])];
        expect(printed).toEqual(expect.arrayContaining([...positions, 'end']));
      }
      // Every entry the baseline exported, the redacted run exported too: none was dropped.
      const missing = [...baseline.tags].filter((tag) => !redacted.tags.has(tag));
      expect(missing.length, `records missing, e.g. ${missing.slice(0, 5).join(' ')}`).toBe(0);
      expect(redacted.records).toBeGreaterThanOrEqual(secrets.length + lookAlikes.length);
    }, 320_000);

    it('leaves no secret on the console, in files, on stderr or in OTLP records', () => {
      expect(complete, 'the runs above did not complete').toBe(true);
      const leaks = new Ledger();
      findLeaks(redacted.texts, secrets, leaks);
      expect(leaks.count, leaks.summary(`secrets survived (${label})`)).toBe(0);
    });

    it('damages no look-alike that the same place prints without redaction', () => {
      expect(complete, 'the runs above did not complete').toBe(true);
      const damage = new Ledger();
      findDamage(redacted.texts, baseline.texts, lookAlikes, damage);
      expect(damage.count, damage.summary(`look-alikes lost (${label})`)).toBe(0);
    });
  });
}

describe('winston: every entry position, every built-in format, Console and File transports', () => {
  for (const formatName of WINSTON_FORMATS)
    describeOutputs(
      formatName,
      'redaction-winston.ts',
      { REDACTION_FORMAT: formatName },
      WINSTON_POSITIONS,
    );
});

describe('pino: every entry position, stdout and a file destination', () => {
  describeOutputs('pino', 'redaction-pino.ts', {}, PINO_POSITIONS);
});

describe('the baseline (redaction off)', () => {
  it('prints every secret in every position somewhere, so the checks above can fail', () => {
    const vacuous: string[] = [];
    for (const { positions, texts } of baselines)
      for (const position of positions) {
        const best = Math.max(
          0,
          ...[...texts.values()].map(
            (byPosition) =>
              secrets.filter((s) => (byPosition.get(position) ?? '').includes(s.fragments[0]))
                .length,
          ),
        );
        if (best < secrets.length) vacuous.push(`${position}: ${best}/${secrets.length}`);
      }
    expect(baselines.length).toBeGreaterThan(0);
    expect(vacuous).toEqual([]);
  });
});
