// The contract between @threadline/winston's direct path and the log record processors that
// accept its plain records (@threadline/log-export, @threadline/redact): one definition, so
// the packages cannot drift apart. `Symbol.for`, so a second copy of a package (two versions
// installed side by side) still recognises the other's processors and records.

/**
 * Set (to `true`) on a `LogRecordProcessor` whose `onEmit` only reads the record's data fields
 * (`hrTime`, `hrTimeObserved`, `spanContext`, `severityNumber`, `severityText`, `body`,
 * `attributes`, `droppedAttributesCount`, `eventName`, `resource`, `instrumentationScope`)
 * during the call, changes nothing but `body` and `attributes` (by assigning new values, never
 * through SDK methods), and keeps no reference to the record or anything in it (the emitter
 * reuses the record object and its timestamp array for the next record). `@threadline/log-export`'s
 * `OtlpLogRecordProcessor` and `@threadline/redact`'s redacting processor set it; so can any
 * processor that honours the contract.
 */
export const PLAIN_RECORD_PROCESSOR = Symbol.for('@threadline/log-record-processor.plain-records');

/**
 * Set (to `true`) on every record `@threadline/winston`'s direct path emits: its `body` and
 * `attributes` are plain data by construction (primitives, `Uint8Array`s, and plain objects and
 * arrays of them with string keys only, no getters, no `toJSON`). A processor honouring
 * {@link PLAIN_RECORD_PROCESSOR} that assigns new values keeps them plain data.
 * `@threadline/redact`'s redacting processor reads it to skip listing symbol keys, which
 * would cost more than the rest of a small record's walk.
 */
export const PLAIN_DATA_RECORD = Symbol.for('@threadline/log-record.plain-data');
