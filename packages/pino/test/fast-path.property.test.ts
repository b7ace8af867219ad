// The fast path (a record built from the merge object, record-from-call.ts) against its
// reference (the record built from the line pino wrote, record-from-line.ts): for any merge
// object, message and bindings, what the processor receives equals what parsing the printed
// line gives. fast-check generates the values, hostile ones included (prototype keys, -0,
// NaN, sparse arrays, Dates, functions, undefined, pino's own field names).
import fc from 'fast-check';
import { SeverityNumber } from '@opentelemetry/api';
import { PinoInstrumentation } from '@threadline/pino';
import { afterAll, describe, expect, it } from 'vitest';
import { recordFromLine } from '../src/record-from-line.ts';
import { DEFAULT_LOG_KEYS } from '../src/resolve-options.ts';
import { Lines, freshPino, plainProvider } from './helpers/pino-under-test.ts';

const instrumentation = new PinoInstrumentation({ enabled: false });
const { provider, capture } = plainProvider();
instrumentation.setLoggerProvider(provider);
instrumentation.enable();
afterAll(() => instrumentation.disable());
const pino = freshPino();

const key = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom(
    '__proto__',
    'constructor',
    'msg',
    'err',
    'level',
    'time',
    'pid',
    'trace_id',
    'toString',
    'name',
  ),
);
const leaf = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(-0),
  fc.constant(Number.NaN),
  fc.constant(() => 1),
  fc.date({ noInvalidDate: true }),
);
const value = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.sparseArray(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 3 }),
  ),
})).value;

describe('fast path ≡ parsing the printed line', () => {
  it('gives the same record for any merge object, message and bindings', () => {
    fc.assert(
      fc.property(
        fc.dictionary(key, value, { maxKeys: 5 }),
        fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
        fc.dictionary(fc.string({ maxLength: 4 }), leaf, { maxKeys: 2 }),
        (merge, msg, bindings) => {
          const out = new Lines();
          let logger = pino(out);
          if (Object.keys(bindings).length > 0) logger = logger.child({ ...bindings });
          capture.seen.length = 0;
          if (msg === undefined) logger.info(merge);
          else logger.info(merge, msg);
          expect(capture.seen).toHaveLength(1);
          const reference = recordFromLine(
            out.raw[0],
            { severityNumber: SeverityNumber.INFO, severityText: 'info' },
            { messageKey: 'msg', errorKey: 'err', dropTime: true, logKeys: DEFAULT_LOG_KEYS },
          );
          const got = capture.seen[0].record;
          expect(got.body).toEqual(reference.body);
          expect(got.attributes).toEqual(reference.attributes);
        },
      ),
      {
        numRuns: 400,
        // A field overriding a binding of the same name, with null and with a value.
        examples: [
          [{ name: null }, 'm', { name: 'svc' }],
          [{ name: 'own' }, undefined, { name: 'svc' }],
          [{ msg: 'from the object' }, undefined, {}],
        ],
      },
    );
  });

  it('gives the same record for every call of one logger, whose key sets repeat and change', () => {
    // A logger remembers the keys of its last merge object that needed nothing left out; a key
    // seen there is not checked again. Sequences of objects over a few keys (pino's own and
    // the message key among them) exercise that memory with keys appearing, moving and going.
    const fewKeys = fc.constantFrom('a', 'b', 'c', 'msg', 'err', 'level', 'time', 'trace_id');
    const fewValues = fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.constant(null));
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(fewKeys, fewValues, { maxKeys: 4 }), {
          minLength: 1,
          maxLength: 12,
        }),
        (merges) => {
          const out = new Lines();
          const logger = pino(out);
          capture.seen.length = 0;
          for (const merge of merges) logger.info(merge, 'm');
          expect(capture.seen).toHaveLength(merges.length);
          merges.forEach((_, i) => {
            const reference = recordFromLine(
              out.raw[i],
              { severityNumber: SeverityNumber.INFO, severityText: 'info' },
              { messageKey: 'msg', errorKey: 'err', dropTime: true, logKeys: DEFAULT_LOG_KEYS },
            );
            expect(capture.seen[i].record.attributes).toEqual(reference.attributes);
          });
        },
      ),
      {
        numRuns: 300,
        examples: [
          [[{ a: 1, b: 2 }, { a: 1, b: 2 }, { a: 1, msg: 'x' }, { a: 1 }, { a: 1, b: 2, c: 3 }]],
          [[{ a: 1 }, { level: 'x' }, { a: 1, time: 5 }, { b: 'y', a: 2 }]],
        ],
      },
    );
  });
});
