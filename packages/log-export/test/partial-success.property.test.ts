// readPartialSuccess reads a body the transport may have cut at its cap (issue 16 item 5).
// Whatever the body and wherever the cut, it must never throw and never report a count the
// receiver did not send: the true count, or `undefined` (unknown) for a cut body.
import { readPartialSuccess, receiverText } from '@threadline/log-export/internal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Number(process.env.LOG_EXPORT_PROPERTY_RUNS ?? 500);

function varint(value: number): number[] {
  const bytes: number[] = [];
  while (value >= 128) {
    bytes.push((value & 127) | 128);
    value = Math.floor(value / 128);
  }
  bytes.push(value);
  return bytes;
}

function protobuf(count: number, message: string, countFirst: boolean): Buffer {
  const text = [...Buffer.from(message, 'utf8')];
  const countField = [0x08, ...varint(count)];
  const messageField = [0x12, ...varint(text.length), ...text];
  const inner = countFirst ? [...countField, ...messageField] : [...messageField, ...countField];
  return Buffer.from([0x0a, ...varint(inner.length), ...inner]);
}

function json(count: number, message: string, countFirst: boolean, asString: boolean): Buffer {
  const countPair = `"rejectedLogRecords":${asString ? `"${count}"` : count}`;
  const messagePair = `"errorMessage":${JSON.stringify(message)}`;
  const pairs = countFirst ? `${countPair},${messagePair}` : `${messagePair},${countPair}`;
  return Buffer.from(`{"partialSuccess":{${pairs}}}`, 'utf8');
}

describe('readPartialSuccess', () => {
  it('gives the true count for a whole body, and the true count or unknown for any cut of it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (count, message, countFirst, isJson, asString, cutAt) => {
          const body = isJson
            ? json(count, message, countFirst, asString)
            : protobuf(count, message, countFirst);
          expect(readPartialSuccess(body, isJson, true).rejected).toBe(count);
          const cut = Math.floor(cutAt * body.length);
          const read = readPartialSuccess(body.subarray(0, cut), isJson, false).rejected;
          expect(read === undefined || read === count).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('never throws on arbitrary bytes, whole or cut', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.boolean(),
        fc.boolean(),
        (bytes, isJson, complete) => {
          const result = readPartialSuccess(bytes, isJson, complete);
          expect(result.rejected === undefined || Number.isInteger(result.rejected)).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('a JSON body nested 100,000 deep is refused without exhausting the stack', () => {
    const deep = Buffer.from(`{"x":${'['.repeat(100_000)}`, 'utf8');
    expect(readPartialSuccess(deep, true, false)).toEqual({ rejected: 0, message: '' });
  });
});

describe('receiverText', () => {
  it('escapes the line and paragraph separators, which start a new line in many viewers', () => {
    expect(receiverText('bad record\u2028level=info forged\u2029')).toBe(
      'bad record\\u2028level=info forged\\u2029',
    );
  });

  it('output has no control or bidi characters and stays within the cap plus its note', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 3000 }), (text) => {
        const shown = receiverText(text);
        expect(
          [...shown].some((c) =>
            /[\p{Cc}\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u.test(c),
          ),
        ).toBe(false);
        expect(shown.length).toBeLessThanOrEqual(1024 + 40);
        if (
          text.length <= 100 &&
          !/[\p{Cc}\p{Cs}\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u.test(text)
        ) {
          expect(shown).toBe(text);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
