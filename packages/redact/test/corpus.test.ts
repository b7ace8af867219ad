import { inspect } from 'node:util';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ATTR_HTTP_REQUEST_HEADER, ATTR_URL_FULL } from '@opentelemetry/semantic-conventions';
import { createRedactingSpanProcessor, createRedactor } from '@threadline/redact';
import {
  LOOK_ALIKE_KINDS,
  SECRET_KINDS,
  generateLookAlikeCorpus,
  generateSecretCorpus,
  lostLookAlikes,
  survivingSecrets,
} from '@threadline/redact/test-corpus';
import type { SecretSample } from '@threadline/redact/test-corpus';
import { describe, expect, it } from 'vitest';

const redactor = createRedactor();
const secrets = generateSecretCorpus();
const lookAlikes = generateLookAlikeCorpus();

/** Everything reachable from `value`, including non-enumerable Error fields and symbol keys. */
function serialise(value: unknown): string {
  return inspect(value, {
    depth: Infinity,
    showHidden: true,
    maxArrayLength: Infinity,
    maxStringLength: Infinity,
    breakLength: Infinity,
  });
}

const PARAMETERS = ['token', 'access_token', 'api_key', 'password', 'client_secret', 'sig'];

function urlWith(sample: SecretSample, index: number): string {
  const parameter = PARAMETERS[index % PARAMETERS.length];
  return `https://api.example.com/v1/callback?page=2&${parameter}=${encodeURIComponent(sample.secret)}&lang=en`;
}

/** Fragments as they may appear once percent-encoded in a URL, too. */
function survivorsWithEncoding(output: string, samples: readonly SecretSample[]): SecretSample[] {
  return samples.filter((s) =>
    s.fragments.some((f) => output.includes(f) || output.includes(encodeURIComponent(f))),
  );
}

describe('secret corpus', () => {
  it('is large, covers every kind, and is deterministic', () => {
    expect(secrets.length).toBeGreaterThanOrEqual(200);
    expect(new Set(secrets.map((s) => s.kind))).toEqual(new Set(SECRET_KINDS));
    expect(generateSecretCorpus()).toEqual(secrets);
    expect(generateSecretCorpus({ seed: 7 })).not.toEqual(secrets);
    // The check below can fail: unredacted, every secret is found.
    expect(survivingSecrets(serialise(secrets.map((s) => s.text)), secrets)).toHaveLength(
      secrets.length,
    );
  });

  it('leaves no secret in log messages', () => {
    const out = secrets.map((s) => redactor.redactString(s.text));
    expect(survivingSecrets(serialise(out), secrets).map((s) => s.text)).toEqual([]);
  });

  it('leaves no secret in nested metadata, arrays or symbol-keyed fields', () => {
    const records = secrets.map((s) => ({
      level: 'warn',
      message: s.text,
      meta: {
        request: { body: { note: s.text, ...(s.field ? { [s.field.key]: s.field.value } : {}) } },
        history: ['ok', s.text, ['deeper', { text: s.text }]],
        byName: new Map([['note', s.text]]),
      },
      [Symbol.for('message')]: JSON.stringify({ message: s.text }),
    }));
    const out = records.map((r) => redactor.redactValue(r));
    expect(survivingSecrets(serialise(out), secrets).map((s) => s.text)).toEqual([]);
  });

  it('leaves no secret in Error messages, stacks, fields or causes', () => {
    const errors = secrets.map((s) =>
      Object.assign(new Error(`request failed: ${s.text}`, { cause: new Error(s.text) }), {
        detail: s.text,
        ...(s.field ? { [s.field.key]: s.field.value } : {}),
      }),
    );
    const out = errors.map((e) => redactor.redactValue(e));
    for (const error of out) expect(error).toBeInstanceOf(Error);
    expect(survivingSecrets(serialise(out), secrets).map((s) => s.text)).toEqual([]);
  });

  it('leaves no secret in URLs', () => {
    const out = secrets.map((s, i) => redactor.redactString(urlWith(s, i)));
    expect(survivorsWithEncoding(serialise(out), secrets).map((s) => s.text)).toEqual([]);
    for (const url of out)
      expect(url).toMatch(
        /^https:\/\/api\.example\.com\/v1\/callback\?page=2&\w+=\[REDACTED\]&lang=en$/,
      );
  });

  it('leaves no secret in span attributes and span events', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      spanProcessors: [
        createRedactingSpanProcessor(redactor),
        new SimpleSpanProcessor({ exporter }),
      ],
    });
    const tracer = provider.getTracer('corpus');
    secrets.forEach((s, i) => {
      const span = tracer.startSpan('handle', { attributes: { [ATTR_URL_FULL]: urlWith(s, i) } });
      span.setAttribute('app.note', s.text);
      if (s.field)
        span.setAttribute(ATTR_HTTP_REQUEST_HEADER(s.field.key.toLowerCase()), [s.field.value]);
      span.recordException(new Error(s.text));
      span.addEvent('note', { text: s.text });
      span.end();
    });
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans().map((span) => ({
      attributes: span.attributes,
      events: span.events.map((e) => e.attributes),
    }));
    expect(spans).toHaveLength(secrets.length);
    expect(survivorsWithEncoding(serialise(spans), secrets).map((s) => s.text)).toEqual([]);
  });

  it('leaves no secret in HTTP headers', () => {
    const out = secrets.map((s, i) =>
      redactor.redactHeaders({
        ...(s.field ? { [s.field.key]: s.field.value } : {}),
        referer: urlWith(s, i),
        'x-note': s.text.replace(/\n/g, ' '),
        accept: 'application/json',
      }),
    );
    expect(survivorsWithEncoding(serialise(out), secrets).map((s) => s.text)).toEqual([]);
  });
});

describe('look-alike corpus', () => {
  it('is large, covers every kind, and is deterministic', () => {
    expect(lookAlikes.length).toBeGreaterThanOrEqual(200);
    expect(new Set(lookAlikes.map((s) => s.kind))).toEqual(new Set(LOOK_ALIKE_KINDS));
    expect(generateLookAlikeCorpus()).toEqual(lookAlikes);
  });

  it('loses nothing from messages: each text comes back unchanged', () => {
    for (const sample of lookAlikes)
      expect(redactor.redactString(sample.text), sample.kind).toBe(sample.text);
    expect(
      lostLookAlikes(serialise(lookAlikes.map((s) => redactor.redactString(s.text))), lookAlikes),
    ).toEqual([]);
  });

  it('loses nothing from metadata, arrays, Errors, span attributes and headers', async () => {
    const record = {
      message: lookAlikes.map((s) => s.text).join(' | '),
      meta: Object.fromEntries(lookAlikes.map((s, i) => [`${s.kind}_${i}`, s.value])),
      list: lookAlikes.map((s) => s.value),
    };
    expect(redactor.redactValue(record)).toBe(record);
    const error = new Error(lookAlikes.map((s) => s.value).join(' '));
    expect(redactor.redactValue(error)).toBe(error);
    const headers = {
      'x-request-id': lookAlikes[0].value,
      referer: lookAlikes.find((s) => s.kind === 'url')?.value,
    };
    expect(redactor.redactHeaders(headers)).toBe(headers);

    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      spanLimits: { attributeCountLimit: 1_000 },
      spanProcessors: [
        createRedactingSpanProcessor(redactor),
        new SimpleSpanProcessor({ exporter }),
      ],
    });
    const span = provider.getTracer('corpus').startSpan('handle');
    lookAlikes.forEach((s, i) => span.setAttribute(`app.${s.kind}.${i}`, s.text));
    span.end();
    await provider.forceFlush();
    expect(
      lostLookAlikes(serialise(exporter.getFinishedSpans()[0].attributes), lookAlikes),
    ).toEqual([]);
  });
});
