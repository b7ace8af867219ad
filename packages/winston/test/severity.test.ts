import { SeverityNumber } from '@opentelemetry/api';
import {
  OpenTelemetryTransport,
  WinstonInstrumentation,
  severityForLevel,
  traceContextFormat,
} from '@threadline/winston';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import winston from 'winston';
import { createLogCapture } from './helpers/otel.ts';

const S = SeverityNumber;

/** Logs one entry per level through a real logger and returns what each record carried. */
function recordedSeverities(
  levels: Record<string, number>,
  options: ConstructorParameters<typeof OpenTelemetryTransport>[0] = {},
): Record<string, { severityNumber?: number; severityText?: string }> {
  const capture = createLogCapture();
  const mostVerbose = Object.entries(levels).sort((a, b) => b[1] - a[1])[0][0];
  const logger = winston.createLogger({
    levels,
    level: mostVerbose,
    transports: [new OpenTelemetryTransport({ loggerProvider: capture.provider, ...options })],
  });
  for (const level of Object.keys(levels)) logger.log(level, `at ${level}`);
  const seen: Record<string, { severityNumber?: number; severityText?: string }> = {};
  for (const record of capture.records()) {
    seen[String(record.body).slice(3)] = {
      severityNumber: record.severityNumber,
      severityText: record.severityText,
    };
  }
  return seen;
}

describe('severity of the built-in winston level sets', () => {
  it.each([
    [
      'npm',
      winston.config.npm.levels,
      {
        error: S.ERROR,
        warn: S.WARN,
        info: S.INFO,
        http: S.DEBUG4,
        verbose: S.DEBUG2,
        debug: S.DEBUG,
        silly: S.TRACE,
      },
    ],
    [
      'cli',
      winston.config.cli.levels,
      {
        error: S.ERROR,
        warn: S.WARN,
        help: S.INFO3,
        data: S.INFO2,
        info: S.INFO,
        debug: S.DEBUG,
        prompt: S.TRACE4,
        verbose: S.TRACE3,
        input: S.TRACE2,
        silly: S.TRACE,
      },
    ],
    [
      'syslog',
      winston.config.syslog.levels,
      {
        emerg: S.FATAL,
        alert: S.ERROR3,
        crit: S.ERROR2,
        error: S.ERROR,
        warning: S.WARN,
        notice: S.INFO2,
        info: S.INFO,
        debug: S.DEBUG,
      },
    ],
  ] as const)(
    'maps every %s level and keeps its name as severityText',
    (_name, levels, expected) => {
      const seen = recordedSeverities(levels as Record<string, number>);
      expect(Object.keys(seen).sort()).toEqual(Object.keys(expected).sort());
      for (const [level, severityNumber] of Object.entries(expected)) {
        expect(seen[level], level).toEqual({ severityNumber, severityText: level });
        expect(severityForLevel(level, levels as Record<string, number>)).toEqual({
          severityNumber,
          severityText: level,
        });
      }
    },
  );

  it('tells npm verbose (DEBUG2) from cli verbose (TRACE3) by the levels object', () => {
    expect(severityForLevel('verbose', winston.config.npm.levels).severityNumber).toBe(S.DEBUG2);
    expect(severityForLevel('verbose', winston.config.cli.levels).severityNumber).toBe(S.TRACE3);
  });

  it('maps level names without a levels object by name, npm first', () => {
    expect(severityForLevel('warn')).toEqual({ severityNumber: S.WARN, severityText: 'warn' });
    expect(severityForLevel('emerg').severityNumber).toBe(S.FATAL);
    expect(severityForLevel('verbose').severityNumber).toBe(S.DEBUG2);
    expect(severityForLevel('FATAL').severityNumber).toBe(S.FATAL);
    expect(severityForLevel('something-else')).toEqual({
      severityNumber: S.INFO,
      severityText: 'something-else',
    });
  });
});

describe('severity of custom levels', () => {
  it('pins well-known names and places unknown ones between them by priority', () => {
    const seen = recordedSeverities({
      fatal: 0,
      error: 1,
      warn: 2,
      audit: 3,
      info: 4,
      debug: 5,
      trace: 6,
    });
    expect(seen.fatal.severityNumber).toBe(S.FATAL);
    expect(seen.error.severityNumber).toBe(S.ERROR);
    expect(seen.warn.severityNumber).toBe(S.WARN);
    expect(seen.audit).toEqual({ severityNumber: S.INFO3, severityText: 'audit' });
    expect(seen.info.severityNumber).toBe(S.INFO);
    expect(seen.debug.severityNumber).toBe(S.DEBUG);
    expect(seen.trace.severityNumber).toBe(S.TRACE);
  });

  it('maps the README example: audit between warn and info is INFO3', () => {
    expect(severityForLevel('audit', { error: 0, warn: 1, audit: 2, info: 3 })).toEqual({
      severityNumber: S.INFO3,
      severityText: 'audit',
    });
  });

  it('puts a level more severe than error in the FATAL range and one below info under it', () => {
    const seen = recordedSeverities({ meltdown: 0, error: 1, info: 2, chatter: 3 });
    expect(seen.meltdown.severityNumber).toBe(S.FATAL);
    expect(seen.chatter.severityNumber).toBe(S.DEBUG);
  });

  it('spreads a set with no well-known names from ERROR to DEBUG', () => {
    const seen = recordedSeverities({ important: 0, normal: 1, chatty: 2 });
    expect(seen.important.severityNumber).toBe(S.ERROR);
    expect(seen.normal.severityNumber).toBe(S.INFO3);
    expect(seen.chatty.severityNumber).toBe(S.DEBUG);
  });

  it('never leaves a custom level UNSPECIFIED and keeps the order of the priorities', () => {
    const levelSets = fc.uniqueArray(
      fc.record({
        name: fc.string({ minLength: 1, maxLength: 12 }),
        priority: fc.integer({ min: 0, max: 50 }),
      }),
      { minLength: 1, maxLength: 15, selector: (level) => level.name },
    );
    fc.assert(
      fc.property(levelSets, (entries) => {
        const levels = Object.fromEntries(entries.map(({ name, priority }) => [name, priority]));
        const mapped = Object.keys(levels).map((name) => ({
          priority: levels[name],
          severity: severityForLevel(name, levels).severityNumber,
        }));
        for (const a of mapped) {
          expect(a.severity).toBeGreaterThanOrEqual(S.TRACE);
          expect(a.severity).toBeLessThanOrEqual(S.FATAL4);
          for (const b of mapped)
            if (a.priority < b.priority) expect(a.severity).toBeGreaterThanOrEqual(b.severity);
        }
      }),
    );
  });

  it('lets severityMap override the mapping for any level', () => {
    const seen = recordedSeverities(
      { error: 0, warn: 1, audit: 2, info: 3 },
      { severityMap: { audit: S.WARN2, info: S.INFO4 } },
    );
    expect(seen.audit).toEqual({ severityNumber: S.WARN2, severityText: 'audit' });
    expect(seen.info.severityNumber).toBe(S.INFO4);
    expect(seen.error.severityNumber).toBe(S.ERROR);
  });

  it('sends only records at or above logSeverity', () => {
    const seen = recordedSeverities(winston.config.npm.levels, { logSeverity: S.WARN });
    expect(Object.keys(seen).sort()).toEqual(['error', 'warn']);
  });
});

describe('option validation', () => {
  it('rejects bad options when constructed, naming the option', () => {
    expect(
      () => new OpenTelemetryTransport({ severityMap: { audit: 99 as SeverityNumber } }),
    ).toThrow(/severityMap\.audit/);
    expect(() => new OpenTelemetryTransport({ logSeverity: -1 as SeverityNumber })).toThrow(
      /logSeverity/,
    );
    expect(() => new OpenTelemetryTransport({ limits: { maxDepth: 0 } })).toThrow(
      /limits\.maxDepth/,
    );
    expect(() => new OpenTelemetryTransport({ limits: { maxStringLength: 1.5 } })).toThrow(
      /maxStringLength/,
    );
    expect(() => traceContextFormat({ preset: 'elastic' as 'ecs' })).toThrow(/preset/);
    expect(() => traceContextFormat({ logKeys: { traceId: 'x', spanId: 'x' } })).toThrow(
      /different names/,
    );
    expect(() => traceContextFormat({ logKeys: { traceId: 'message' } })).toThrow(
      /winston uses that field/,
    );
    expect(
      () => new WinstonInstrumentation({ enabled: false, logSeverity: 25 as SeverityNumber }),
    ).toThrow(/logSeverity/);
  });
});
