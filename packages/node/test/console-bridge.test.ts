// The console bridge in-process, on a Console of its own writing to collected streams, next to
// an unpatched Console fed the same arguments: what it prints must be the same bytes (redaction
// aside), every call becomes one record with its method's severity and the active span, hostile
// arguments behave exactly as they do on plain console, and nothing the bridge's own pipeline
// prints (a processor inside emit, an exporter's callback) becomes a record or loops.
// Real processes (--import/--require, the receiver): console-bridge-process.test.ts.
import { Console } from 'node:console';
import { PassThrough } from 'node:stream';
import { format } from 'node:util';
import { context, diag, DiagLogLevel, SeverityNumber, trace, TraceFlags } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { suppressTracing } from '@opentelemetry/core';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import type { LogRecordProcessor, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { createRedactor } from '@threadline/redact';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_BRIDGE_SCOPE, installConsoleBridge } from '../src/console-bridge.ts';
import { leakedIn, plantSecrets } from './planted-secrets.ts';

type Method = 'log' | 'info' | 'warn' | 'error' | 'debug' | 'trace';
const METHODS: readonly Method[] = ['log', 'info', 'warn', 'error', 'debug', 'trace'];
const SEVERITY: Record<Method, [SeverityNumber, string]> = {
  log: [SeverityNumber.INFO, 'INFO'],
  info: [SeverityNumber.INFO, 'INFO'],
  warn: [SeverityNumber.WARN, 'WARN'],
  error: [SeverityNumber.ERROR, 'ERROR'],
  debug: [SeverityNumber.DEBUG, 'DEBUG'],
  trace: [SeverityNumber.TRACE, 'TRACE'],
};

interface Printed {
  readonly console: Console;
  stdout(): string;
  stderr(): string;
}

function collectingConsole(): Printed {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough().on('data', (chunk: Buffer) => out.push(String(chunk)));
  const stderr = new PassThrough().on('data', (chunk: Buffer) => err.push(String(chunk)));
  return {
    console: new Console({ stdout, stderr }),
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

// One call site for both consoles, so console.trace's stack (taken above the method) is the
// same text for the reference and the bridged console.
function call(target: Console, method: Method, args: readonly unknown[]): void {
  (target[method] as (...a: unknown[]) => void)(...args);
}

const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
});
afterAll(() => {
  context.disable();
});

interface Bridged extends Printed {
  readonly exporter: InMemoryLogRecordExporter;
  records(): ReadableLogRecord[];
  stop(): void;
}

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

function bridged(extraProcessors: (target: Console) => LogRecordProcessor[] = () => []): Bridged {
  const printed = collectingConsole();
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    processors: [new SimpleLogRecordProcessor({ exporter }), ...extraProcessors(printed.console)],
  });
  const stop = installConsoleBridge({
    console: printed.console,
    redactor: createRedactor(),
    logger: provider.getLogger(CONSOLE_BRIDGE_SCOPE),
  });
  stops.push(stop);
  return { ...printed, exporter, records: () => exporter.getFinishedLogRecords(), stop };
}

function inSpan<T>(work: () => T): { result: T; traceId: string; spanId: string } {
  const traceId = Array.from({ length: 32 }, () =>
    Math.floor(Math.random() * 16).toString(16),
  ).join('');
  const spanId = Array.from({ length: 16 }, () => Math.floor(Math.random() * 16).toString(16)).join(
    '',
  );
  const ctx: Context = trace.setSpanContext(context.active(), {
    traceId,
    spanId,
    traceFlags: TraceFlags.SAMPLED,
  });
  return { result: context.with(ctx, work), traceId, spanId };
}

class Point {
  readonly x: number;
  readonly y: number;
  constructor(x: number, y: number) {
    this.x = x;
    this.y = y;
  }
}
const cyclic: Record<string, unknown> = { name: 'loop' };
cyclic.self = cyclic;

// Argument lists without secrets: the bridged console must print exactly these bytes.
const ARGUMENT_LISTS: readonly (readonly unknown[])[] = [
  ['plain text'],
  ['%s and %s', 'one', 2, 'extra', { left: 'over' }],
  ['%d %i %f', '42.5', 7.9, '1.25'],
  ['%j', { json: [1, 'two', null] }],
  ['%o', { list: ['x'], nested: { deep: { deeper: { deepest: 1 } } } }],
  ['%O %c styled', { a: 1 }, 'color: red'],
  ['100%% sure', 'and more'],
  ['%s', { toString: undefined, shown: true }],
  [{ nested: { list: [1, 2, 3], map: new Map([['k', 'v']]), set: new Set([1]) } }],
  [new Point(1, 2), [undefined, null, NaN, -0], 12n, Symbol('sym')],
  [new Error('plain error')],
  [cyclic],
  [new Date(0), Buffer.from('buf'), new Uint8Array([1, 2]), () => 'fn', class Named {}],
  ['unicode ✓ ünïcödé 🙂', 'tab\tand\nnewline'],
  ['x'.repeat(20_000)],
  [],
  [undefined],
  [42],
];

describe('console bridge: what the console prints', () => {
  it.each(METHODS)('console.%s prints the same bytes as an unpatched console', (method) => {
    const reference = collectingConsole();
    const subject = bridged();
    for (const args of ARGUMENT_LISTS) {
      for (const target of [reference.console, subject.console]) call(target, method, args);
    }
    expect(subject.stdout()).toBe(reference.stdout());
    expect(subject.stderr()).toBe(reference.stderr());
    expect(subject.stdout() + subject.stderr()).not.toBe('');
  });

  it('keeps console.group indentation and the console methods that print through log/warn', () => {
    const reference = collectingConsole();
    const subject = bridged();
    for (const target of [reference.console, subject.console]) {
      target.group('outer');
      target.log('inside %s', 'group');
      target.group();
      target.trace('nested trace');
      target.groupEnd();
      target.groupEnd();
      target.assert(false, 'assertion %s', 'failed');
      target.table([{ a: 1, b: 'two' }]);
      target.count('counted');
    }
    expect(subject.stdout()).toBe(reference.stdout());
    expect(subject.stderr()).toBe(reference.stderr());
  });

  it('redacts planted secrets in what is printed and in the record, and only them', () => {
    const secrets = plantSecrets();
    const reference = collectingConsole();
    const subject = bridged();
    const lines: (readonly unknown[])[] = [
      ['login', { user: 'ann', password: secrets.password }],
      [`reset password=${secrets.password} for ann`],
      ['auth %s', 'header', { authorization: secrets.bearer }],
      ['%j', { apiKey: secrets.opaque, orderId: 'ord_1' }],
      ['card %s on file', secrets.card],
      ['token %o', secrets.jwt],
      ['%d%% done, password=%s %s', 50, secrets.password, '%s stays'],
    ];
    for (const method of METHODS) {
      for (const args of lines) {
        for (const target of [reference.console, subject.console]) call(target, method, args);
      }
    }
    const printed = subject.stdout() + subject.stderr();
    const plain = reference.stdout() + reference.stderr();
    // The same app without the bridge prints every secret.
    expect(leakedIn(plain, secrets).sort()).toEqual(
      [
        'bearer token',
        'card number',
        'JWT payload',
        'JWT signature',
        'opaque token',
        'password',
      ].sort(),
    );
    expect(leakedIn(printed, secrets)).toEqual([]);
    const bodies = subject.records().map((r) => String(r.body));
    expect(bodies).toHaveLength(METHODS.length * lines.length);
    expect(leakedIn(bodies.join('\n'), secrets)).toEqual([]);
    // What surrounds the secret is unchanged.
    expect(printed).toContain("login { user: 'ann', password: '[REDACTED]' }\n");
    expect(printed).toContain("auth header { authorization: 'Bearer [REDACTED]' }\n");
    expect(printed).toContain('"orderId":"ord_1"');
    // The redacted line is printed as one string: its % signs are not read as specifiers.
    expect(printed).toContain('50% done, password=[REDACTED] %s stays\n');
    // Each record's body is the line printed (trace: the stack after it as well).
    for (const body of bodies.filter((b) => !b.startsWith('Trace:'))) {
      expect(printed).toContain(`${body}\n`);
    }
  });
});

describe('console bridge: long output', () => {
  // @threadline/redact cuts strings over 1 MiB; a CLI that prints a large JSON document with
  // console.log must still print all of it (the bridge redacts such text in pieces).
  it('prints a multi-MiB JSON line whole, every planted password redacted wherever it falls', () => {
    const secrets = Array.from({ length: 40 }, () => plantSecrets().password);
    const entries = Array.from({ length: 60_000 }, (_, i) => ({
      id: i,
      note: 'x'.repeat(i % 97),
      ...(i % 1500 === 7 && { password: secrets[(i / 1500) | 0] }),
    }));
    const reference = collectingConsole();
    const subject = bridged();
    reference.console.log('%j', entries);
    subject.console.log('%j', entries);
    const plain = reference.stdout();
    expect(plain.length).toBeGreaterThan(3 * 1024 * 1024);
    let expected = plain;
    for (const secret of secrets) expected = expected.replaceAll(secret, '[REDACTED]');
    expect(subject.stdout().length).toBe(expected.length);
    expect(subject.stdout() === expected).toBe(true);
    expect(String(subject.records()[0].body) === expected.slice(0, -1)).toBe(true);
  });

  it('prints a multi-MiB line without separators and a multi-line inspected object whole', () => {
    const reference = collectingConsole();
    const subject = bridged();
    const solid = 'ab'.repeat(1_600_000);
    const wide = Object.fromEntries(
      Array.from({ length: 40_000 }, (_, i) => [`key${i}`, 'v'.repeat(i % 50)]),
    );
    for (const target of [reference.console, subject.console]) {
      target.log(solid);
      target.error('wide %o', wide);
    }
    expect(subject.stdout() === reference.stdout()).toBe(true);
    expect(subject.stderr() === reference.stderr()).toBe(true);
    expect(subject.stderr().length).toBeGreaterThan(1024 * 1024);
  });
});

describe('console bridge: records', () => {
  it.each(METHODS)(
    'console.%s becomes one record with its severity, the formatted text and the active span',
    (method) => {
      const subject = bridged();
      const args = ['%s paid %d for %j', `user-${Math.random()}`, 42, { items: ['a'] }, 'tail'];
      const { traceId, spanId } = inSpan(() => call(subject.console, method, args));
      call(subject.console, method, ['outside any span']);
      const records = subject.records();
      expect(records).toHaveLength(2);
      const [inside, outside] = records;
      const [number, text] = SEVERITY[method];
      expect(inside.severityNumber).toBe(number);
      expect(inside.severityText).toBe(text);
      expect(inside.instrumentationScope.name).toBe(CONSOLE_BRIDGE_SCOPE);
      expect(inside.spanContext?.traceId).toBe(traceId);
      expect(inside.spanContext?.spanId).toBe(spanId);
      expect(outside.spanContext).toBeUndefined();
      if (method === 'trace') {
        expect(String(inside.body)).toMatch(
          new RegExp(`^Trace: ${escape(format(...args))}\\n {4}at call \\(`),
        );
        expect(subject.stderr()).toContain(String(inside.body));
      } else {
        expect(inside.body).toBe(format(...args));
        expect(outside.body).toBe('outside any span');
      }
    },
  );

  it('makes no record of a blank console.log() but still prints the blank line', () => {
    const subject = bridged();
    subject.console.log();
    expect(subject.stdout()).toBe('\n');
    expect(subject.records()).toHaveLength(0);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('console bridge: hostile arguments', () => {
  it('throws exactly what plain console throws for a throwing toString, and records nothing', () => {
    const reference = collectingConsole();
    const subject = bridged();
    const hostiles: [string, unknown[]][] = [
      [
        'toString behind %s',
        [
          '%s',
          {
            toString(): string {
              throw new Error('hostile toString');
            },
          },
        ],
      ],
      [
        'valueOf behind %d',
        [
          '%d',
          {
            valueOf(): number {
              throw new RangeError('hostile valueOf');
            },
          },
        ],
      ],
      [
        'custom inspect',
        [
          {
            [Symbol.for('nodejs.util.inspect.custom')]() {
              throw new TypeError('hostile inspect');
            },
          },
        ],
      ],
    ];
    for (const [name, args] of hostiles) {
      for (const method of METHODS) {
        let expected: unknown;
        try {
          call(reference.console, method, args);
        } catch (error) {
          expected = error;
        }
        expect(expected, `${name}: plain console throws`).toBeInstanceOf(Error);
        expect(() => call(subject.console, method, args), `${name} ${method}`).toThrow(
          (expected as Error).message,
        );
      }
    }
    expect(subject.stdout()).toBe(reference.stdout());
    expect(subject.stderr()).toBe(reference.stderr());
    expect(subject.records()).toHaveLength(0);
    // The console keeps working afterwards, and so does the bridge.
    subject.console.log('after the hostile calls');
    expect(subject.records().map((r) => r.body)).toEqual(['after the hostile calls']);
  });

  it('prints a Proxy with throwing traps and a throwing getter as console does, and records them', () => {
    const reference = collectingConsole();
    const subject = bridged();
    const trap = (): never => {
      throw new Error('trap');
    };
    const proxy = new Proxy(
      { shown: 1 },
      { get: trap, ownKeys: trap, has: trap, getPrototypeOf: trap },
    );
    const getter = {
      get total(): number {
        throw new Error('getter');
      },
      visible: 'yes',
    };
    for (const target of [reference.console, subject.console]) {
      target.log('proxy', proxy);
      target.warn('getter %o', getter);
      target.info('%s', proxy);
    }
    expect(subject.stdout()).toBe(reference.stdout());
    expect(subject.stderr()).toBe(reference.stderr());
    expect(subject.records()).toHaveLength(3);
  });
});

describe('console bridge: no recursion', () => {
  it("prints, but does not record, what a log processor prints from inside the bridge's emit", () => {
    let processorCalls = 0;
    const subject = bridged((target) => [
      {
        onEmit(record) {
          processorCalls++;
          // An exporter or processor that reports through the console: without the guard,
          // each of these would emit a record, which would call this again, without end.
          target.warn('processor saw: %s', record.body);
          target.log('processor log');
          target.trace('processor trace');
        },
        forceFlush: async () => {},
        shutdown: async () => {},
      },
    ]);
    subject.console.info('application line');
    expect(processorCalls).toBe(1);
    expect(subject.records().map((r) => r.body)).toEqual(['application line']);
    expect(subject.stdout()).toBe('application line\nprocessor log\n');
    expect(subject.stderr()).toMatch(
      /^processor saw: application line\nTrace: processor trace\n {4}at /,
    );
  });

  it("prints, but does not record, what an exporter's callback prints under suppressed tracing", async () => {
    let callbacks = 0;
    const printedLater: Promise<void>[] = [];
    const subject = bridged((target) => [
      {
        onEmit() {
          // Exporters run under suppressTracing (the SDK's marker for its own work); their
          // asynchronous callbacks keep that context.
          printedLater.push(
            context.with(
              suppressTracing(context.active()),
              () =>
                new Promise<void>((resolve) =>
                  setTimeout(() => {
                    callbacks++;
                    target.error('export failed: %s', 'connection refused');
                    resolve();
                  }, 5),
                ),
            ),
          );
        },
        forceFlush: async () => {},
        shutdown: async () => {},
      },
    ]);
    for (let i = 0; i < 5; i++) subject.console.log('line %d', i);
    await Promise.all(printedLater);
    expect(callbacks).toBe(5);
    expect(subject.records().map((r) => r.body)).toEqual([0, 1, 2, 3, 4].map((i) => `line ${i}`));
    expect(subject.stderr()).toBe('export failed: connection refused\n'.repeat(5));
  });
});

describe('console bridge: OpenTelemetry diagnostics', () => {
  it('prints, but never records, what a diag logger registered after the bridge prints to the console', () => {
    const subject = bridged();
    // A diag logger that writes to the bridged console, as a DiagConsoleLogger from a copy of
    // the API loaded after the bridge does.
    const toConsole =
      (method: 'error' | 'warn' | 'info' | 'debug' | 'log') =>
      (message: string, ...args: unknown[]) =>
        subject.console[method](message, ...args);
    diag.setLogger(
      {
        error: toConsole('error'),
        warn: toConsole('warn'),
        info: toConsole('info'),
        debug: toConsole('debug'),
        verbose: toConsole('log'),
      },
      { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true },
    );
    try {
      diag.warn('diag warning %s', 'with args');
      diag.createComponentLogger({ namespace: 'component' }).error('component error');
      inSpan(() => {
        diag.debug('diag inside a span');
        subject.console.log('application line');
      });
    } finally {
      diag.disable();
    }
    expect(subject.records().map((r) => r.body)).toEqual(['application line']);
    expect(subject.stderr()).toContain('diag warning with args\n');
    expect(subject.stderr()).toContain('component component error\n');
    expect(subject.stdout()).toContain('@opentelemetry/api: Registered a global for diag');
    expect(subject.stdout()).toContain('\ndiag inside a span\napplication line\n');
  });

  it('gives the diag logger registered before it back, unwrapped, when removed', () => {
    const registry = (globalThis as Record<symbol, Record<string, unknown>>)[
      Symbol.for('opentelemetry.js.api.1')
    ];
    const logger = { error() {}, warn() {}, info() {}, debug() {}, verbose() {} };
    diag.setLogger(logger, { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
    try {
      const registered = registry.diag;
      const subject = bridged();
      expect(registry.diag).not.toBe(registered);
      subject.stop();
      expect(registry.diag).toBe(registered);
      expect(Object.getOwnPropertyDescriptor(registry, 'diag')?.get).toBeUndefined();
    } finally {
      diag.disable();
    }
  });
});

describe('console bridge: uninstall', () => {
  it('restores the original methods and stops recording and redacting', () => {
    const printed = collectingConsole();
    const originals = METHODS.map((m) => printed.console[m]);
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({
      processors: [new SimpleLogRecordProcessor({ exporter })],
    });
    const stop = installConsoleBridge({
      console: printed.console,
      redactor: createRedactor(),
      logger: provider.getLogger(CONSOLE_BRIDGE_SCOPE),
    });
    expect(METHODS.map((m) => printed.console[m])).not.toEqual(originals);
    printed.console.log('password=%s', 'hunter2-secret');
    stop();
    stop();
    expect(METHODS.map((m) => printed.console[m])).toEqual(originals);
    printed.console.log('password=%s', 'hunter2-secret');
    expect(printed.stdout()).toBe('password=[REDACTED]\npassword=hunter2-secret\n');
    expect(exporter.getFinishedLogRecords()).toHaveLength(1);
  });

  it('leaves a wrapper installed after it in place, passing calls through unrecorded', () => {
    const subject = bridged();
    const ours = subject.console.log;
    const seen: unknown[][] = [];
    subject.console.log = (...args: unknown[]) => {
      seen.push(args);
      ours(...args);
    };
    const theirs = subject.console.log;
    subject.stop();
    expect(subject.console.log).toBe(theirs);
    subject.console.log('still printed');
    expect(seen).toEqual([['still printed']]);
    expect(subject.stdout()).toBe('still printed\n');
    expect(subject.records()).toHaveLength(0);
  });

  it('leaves a console with a missing method untouched instead of breaking it', () => {
    const printed = collectingConsole();
    const log = printed.console.log;
    (printed.console as unknown as Record<string, unknown>).debug = undefined;
    const stop = installConsoleBridge({ console: printed.console, redactor: createRedactor() });
    expect(printed.console.log).toBe(log);
    printed.console.log('password=%s', 'kept-as-printed');
    expect(printed.stdout()).toBe('password=kept-as-printed\n');
    stop();
  });

  it('installs once per console: a second install changes nothing', () => {
    const subject = bridged();
    const before = subject.console.log;
    const second = installConsoleBridge({ console: subject.console, redactor: createRedactor() });
    expect(subject.console.log).toBe(before);
    subject.console.log('once');
    second();
    expect(subject.records().map((r) => r.body)).toEqual(['once']);
  });
});
