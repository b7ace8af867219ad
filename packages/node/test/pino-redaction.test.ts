// The pino factory wrapper in-process: every way of calling the factory gets redaction, hostile
// merge objects never make a log call throw, pino's own argument errors stay, and disable()
// stops it for loggers created afterwards. (What a real app prints: pino-outputs.test.ts.)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createRedactor } from '@threadline/redact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PinoRedactionInstrumentation } from '../src/pino-redaction.ts';
import { leakedIn, plantSecrets } from './planted-secrets.ts';

const require = createRequire(import.meta.url);

type Pino = ((...args: unknown[]) => PinoLogger) & {
  pino: Pino;
  default: Pino;
};
interface PinoLogger {
  info(...args: unknown[]): void;
  child(bindings?: unknown): PinoLogger;
}

class Lines extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  }
}

/** Loads pino afresh, so the instrumentation enabled before sees it load, as in an app. */
function freshPino(): Pino {
  const dir = require.resolve('pino').replace(/pino\.js$/, '');
  for (const id of Object.keys(require.cache)) if (id.startsWith(dir)) delete require.cache[id];
  return require('pino') as Pino;
}

const secrets = plantSecrets();
const instrumentation = new PinoRedactionInstrumentation({
  redactor: createRedactor(),
  enabled: false,
});
beforeAll(() => instrumentation.enable());
afterAll(() => instrumentation.disable());

describe('PinoRedactionInstrumentation', () => {
  it('redacts loggers made by every form of the factory', () => {
    const pino = freshPino();
    const made: [string, (out: Lines) => PinoLogger][] = [
      ['pino(stream)', (out) => pino(out)],
      ['pino(options, stream)', (out) => pino({ level: 'debug', name: 'svc' }, out)],
      ['pino.pino(stream)', (out) => pino.pino(out)],
      ['pino.default(undefined, stream)', (out) => pino.default(undefined, out)],
    ];
    for (const [form, make] of made) {
      const out = new Lines();
      make(out).info({ password: secrets.password, card: `c ${secrets.card}` }, form);
      expect(out.lines, form).toHaveLength(1);
      expect(JSON.parse(out.lines[0])).toMatchObject({ msg: form, password: '[REDACTED]' });
      expect(leakedIn(out.lines[0], secrets), form).toEqual([]);
    }
  });

  it('tells a destination from options exactly as pino does', () => {
    const pino = freshPino() as Pino & { destination(options: object): unknown };
    // A plain object with a `write` method is options to pino, not a stream.
    const options = { level: 'warn', write: () => {} } as unknown;
    expect((pino(options) as unknown as { level: string }).level).toBe('warn');
    const dir = mkdtempSync(join(tmpdir(), 'pino-dest-'));
    try {
      const file = join(dir, 'out.log');
      pino(pino.destination({ dest: file, sync: true })).info({ password: secrets.password }, 'd');
      const text = readFileSync(file, 'utf8');
      expect(JSON.parse(text)).toMatchObject({ msg: 'd', password: '[REDACTED]' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never throws into the app for hostile merge objects, and still writes the line', () => {
    const pino = freshPino();
    const out = new Lines();
    const logger = pino(out);
    const getter = {
      token: secrets.opaque,
      get boom(): string {
        throw new Error('getter');
      },
    };
    const cyclic: Record<string, unknown> = { apiKey: secrets.opaque };
    cyclic.self = cyclic;
    const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
    const inputs: [string, unknown][] = [
      ['getter', getter],
      ['cyclic', cyclic],
      ['wide', { ...wide, password: secrets.password }],
      [
        'deep',
        JSON.parse(`${'{"a":'.repeat(50)}{"secret":"${secrets.password}"}${'}'.repeat(50)}`),
      ],
    ];
    for (const [name, input] of inputs) {
      expect(() => logger.info(input, name), name).not.toThrow();
      const line = out.lines.find((l) => l.includes(`"msg":"${name}"`));
      expect(line, name).toBeDefined();
      expect(leakedIn(line!, secrets), name).toEqual([]);
    }
  });

  it("keeps pino's own error for a child without bindings", () => {
    const logger = freshPino()(new Lines());
    expect(() => logger.child()).toThrow('missing bindings for child Pino');
  });

  it('stops redacting loggers created after disable(), and starts again after enable()', () => {
    const pino = freshPino();
    instrumentation.disable();
    try {
      const out = new Lines();
      pino(out).info({ password: secrets.password }, 'off');
      expect(out.lines[0]).toContain(secrets.password);
    } finally {
      instrumentation.enable();
    }
    const out = new Lines();
    pino(out).info({ password: secrets.password }, 'on');
    expect(out.lines[0]).not.toContain(secrets.password);
  });
});
