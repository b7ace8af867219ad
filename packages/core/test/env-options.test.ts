import { diag } from '@opentelemetry/api';
import {
  HTTP_METHODS,
  ThreadlineConfigError,
  createEnvReader,
  httpRequestMethod,
  integerOption,
  invalidOption,
  reportBadEnvValue,
} from '@threadline/core';
import type { BadEnvValue } from '@threadline/core';
import { httpRequestMethod as browserSafeMethod } from '@threadline/core/http-methods';
import { captureDiagWarnings } from '@threadline/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';

const captureWarnings = () => captureDiagWarnings(diag);

afterEach(() => {
  diag.disable();
  vi.useRealTimers();
});

// Each test names its own variables: the warnings are rate-limited per variable and value
// for the whole process.
let serial = 0;
const variable = (stem: string) => `THREADLINE_TEST_${stem}_${++serial}`;

describe('createEnvReader: booleans (one spelling list for every package)', () => {
  it.each([
    ['true', true],
    [' TRUE ', true],
    ['1', true],
    ['yes', true],
    ['On', true],
    ['false', false],
    ['0', false],
    ['No', false],
    ['off', false],
  ])('%j reads as %s without a warning', (raw, expected) => {
    const warnings = captureWarnings();
    const name = variable('BOOL');
    expect(createEnvReader('@threadline/x', { [name]: raw }).boolean(name, !expected)).toBe(
      expected,
    );
    expect(warnings).toEqual([]);
  });

  it('unset and blank take the fallback silently; a bad value warns once naming the default', () => {
    const warnings = captureWarnings();
    const name = variable('BOOL');
    const read = createEnvReader('@threadline/x', { [name]: 'enabled', BLANK: '  ' });
    expect(read.boolean('UNSET', true)).toBe(true);
    expect(read.boolean('BLANK', false)).toBe(false);
    for (let i = 0; i < 5; i++) expect(read.boolean(name, true)).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`@threadline/x: ignoring ${name}="enabled"`);
    expect(warnings[0]).toContain('expected true or false');
    expect(warnings[0]).toContain('using true');
  });
});

describe('createEnvReader: integers', () => {
  it.each(['abc', '1.5', '0x10', '1e3', '-3', '0', '100001', 'NaN', '9007199254740993'])(
    'rejects %j for [1, 100000] and uses the fallback',
    (raw) => {
      const warnings = captureWarnings();
      const name = variable('INT');
      expect(
        createEnvReader('@threadline/x', { [name]: raw }).integer(name, 42, {
          min: 1,
          max: 100_000,
        }),
      ).toBe(42);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`ignoring ${name}=`);
      expect(warnings[0]).toContain('an integer from 1 to 100000; using 42');
    },
  );

  it('accepts whole numbers with spaces and a plus sign; an undefined fallback says "the default"', () => {
    const warnings = captureWarnings();
    const good = variable('INT');
    const bad = variable('INT');
    const read = createEnvReader('@threadline/x', { [good]: ' +250 ', [bad]: 'lots' });
    expect(read.integer(good, undefined, { min: 0 })).toBe(250);
    expect(read.integer(bad, undefined, { min: 0 })).toBeUndefined();
    expect(warnings).toEqual([
      `@threadline/x: ignoring ${bad}="lots": expected an integer ≥ 0; using the default (1 so far)`,
    ]);
  });

  it('cuts a long hostile value in the warning to one short line', () => {
    const warnings = captureWarnings();
    const name = variable('INT');
    createEnvReader('@threadline/x', { [name]: `\u001b[31m${'9'.repeat(10_000)}\n` }).integer(
      name,
      7,
      { min: 1 },
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.length).toBeLessThan(300);
    expect(warnings[0]).not.toContain('\n');
    expect(warnings[0]).not.toContain('\u001b');
  });
});

describe('createEnvReader: numbers', () => {
  it('accepts plain decimals within bounds and rejects the rest with one warning each', () => {
    const warnings = captureWarnings();
    const names = Array.from({ length: 7 }, () => variable('NUM'));
    const values = ['2.5', ' .5 ', '0x10', '1e3', 'Infinity', '-1', '7 ms'];
    const read = createEnvReader(
      '@threadline/x',
      Object.fromEntries(names.map((n, i) => [n, values[i]])),
    );
    expect(names.map((n) => read.number(n, 9, { min: 0, max: 100 }))).toEqual([
      2.5, 0.5, 9, 9, 9, 9, 9,
    ]);
    expect(warnings).toHaveLength(5);
    expect(warnings[0]).toContain(
      `ignoring ${names[2]}="0x10": expected a number from 0 to 100; using 9`,
    );
  });
});

describe('createEnvReader: strings, lists, choices', () => {
  it('trims strings and lists, drops empty entries, treats blank as unset', () => {
    const read = createEnvReader('@threadline/x', { S: '  a b ', L: ' a, ,b ,, c', B: ' ' });
    expect(read.string('S')).toBe('a b');
    expect(read.string('B')).toBeUndefined();
    expect(read.list('L')).toEqual(['a', 'b', 'c']);
    expect(read.list('B')).toBeUndefined();
  });

  it('matches choices in any case and warns on another word', () => {
    const warnings = captureWarnings();
    const good = variable('CHOICE');
    const bad = variable('CHOICE');
    const read = createEnvReader('@threadline/x', { [good]: 'WARN', [bad]: 'loud' });
    expect(read.choice(good, ['info', 'warn'] as const, 'info')).toBe('warn');
    expect(read.choice(bad, ['info', 'warn'] as const, 'info')).toBe('info');
    expect(warnings).toEqual([
      `@threadline/x: ignoring ${bad}="loud": expected one of info, warn; using info (1 so far)`,
    ]);
  });

  it('reads process.env through @opentelemetry/core when given process.env', () => {
    const name = variable('PROCESS');
    process.env[name] = '  from-process  ';
    try {
      expect(createEnvReader('@threadline/x').string(name)).toBe('from-process');
    } finally {
      delete process.env[name];
    }
    expect(createEnvReader('@threadline/x').string(name)).toBeUndefined();
  });
});

describe('bad value policy', () => {
  it('a deferring sink receives the problem instead of diag; reporting it later warns the same way', () => {
    const warnings = captureWarnings();
    const problems: BadEnvValue[] = [];
    const name = variable('DEFER');
    const read = createEnvReader('@threadline/node', { [name]: 'x' }, (p) => problems.push(p));
    expect(read.integer(name, 5, { min: 1 })).toBe(5);
    expect(warnings).toEqual([]);
    expect(problems).toEqual([
      {
        owner: '@threadline/node',
        variable: name,
        value: 'x',
        expected: 'an integer ≥ 1',
        fallback: '5',
      },
    ]);
    reportBadEnvValue(problems[0]!);
    expect(warnings).toEqual([
      `@threadline/node: ignoring ${name}="x": expected an integer ≥ 1; using 5 (1 so far)`,
    ]);
  });

  it('warns again for the same value after the interval, with the count held back', () => {
    vi.useFakeTimers({ now: 0 });
    const warnings = captureWarnings();
    const name = variable('AGAIN');
    const read = createEnvReader('@threadline/x', { [name]: 'bad' });
    for (let i = 0; i < 3; i++) read.boolean(name, false);
    vi.setSystemTime(60_000);
    read.boolean(name, false);
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toContain('(4 so far, 2 not reported since the last warning)');
  });
});

describe('code options', () => {
  it('integerOption: the fallback for undefined, the value within bounds, else ThreadlineConfigError', () => {
    expect(integerOption(undefined, 9, 'owner', 'size', { min: 1 })).toBe(9);
    expect(integerOption(3, 9, 'owner', 'size', { min: 1, max: 3 })).toBe(3);
    for (const bad of [0, 4, 1.5, Number.NaN, '3', null, 2 ** 60]) {
      expect(() => integerOption(bad, 9, 'owner', 'size', { min: 1, max: 3 })).toThrow(
        ThreadlineConfigError,
      );
    }
    expect(() => integerOption('3', 9, 'owner', 'size', { min: 1 })).toThrow(
      'owner: size must be an integer ≥ 1, got "3"',
    );
  });

  it('ThreadlineConfigError is a TypeError, so existing instanceof checks hold', () => {
    try {
      invalidOption('owner', 'x', 'a boolean', { secret: 'hunter2' });
    } catch (error) {
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).name).toBe('ThreadlineConfigError');
      // The value is described, never printed: an option object may hold a secret.
      expect((error as Error).message).toBe('owner: x must be a boolean, got an object');
      return;
    }
    expect.unreachable();
  });
});

describe('HTTP methods', () => {
  it('knows QUERY and the RFC 9110 methods, exactly as spelled; anything else is _OTHER', () => {
    for (const method of ['GET', 'POST', 'QUERY', 'PATCH', 'TRACE', 'CONNECT'])
      expect(httpRequestMethod(method)).toBe(method);
    for (const method of ['get', 'Post', 'PROPFIND', 'FOO', '', 'GET ', '__proto__'])
      expect(httpRequestMethod(method)).toBe('_OTHER');
    expect(HTTP_METHODS.size).toBe(10);
    expect(browserSafeMethod('QUERY')).toBe('QUERY');
  });
});
