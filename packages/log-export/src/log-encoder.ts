import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ProtobufWriter } from './protobuf-writer.ts';
import type { OtlpEncoding } from './types.ts';

export type LogResource = ReadableLogRecord['resource'];
export type LogScope = ReadableLogRecord['instrumentationScope'];

/** The pre-encoded framing of one resource (or one scope): bytes before and after its children. */
export interface EncodedHeader {
  readonly prefix: Buffer;
  readonly suffix: Buffer;
}

/** Records sharing a resource and a scope; their headers are encoded once and cached. */
export interface RecordGroup {
  readonly resource: EncodedHeader;
  readonly scope: EncodedHeader;
  /** Upper bound of the bytes this group adds to a request besides its records. */
  readonly overheadBytes: number;
}

/** Encoded records, in emit order, waiting to become one request. */
export interface EncodedBatch {
  readonly arena: Buffer;
  readonly groups: readonly RecordGroup[];
  /** End offset of each record in `arena`; the first starts at 0. */
  readonly ends: readonly number[];
}

/** Turns SDK records into OTLP bytes: one record at a time, then a request from pre-encoded pieces. */
export interface LogEncoder {
  readonly encoding: OtlpEncoding;
  readonly contentType: string;
  /** Appends one record at `writer.pos` (framed so requests are plain concatenations). */
  writeRecord(writer: ProtobufWriter, record: ReadableLogRecord): void;
  group(resource: LogResource, scope: LogScope): RecordGroup;
  /** The request body, in a buffer from `allocate` (of exactly the size passed to it). */
  assemble(batch: EncodedBatch, allocate: (size: number) => Buffer): Buffer;
}

/** Groups a batch's records by resource, then scope, keeping first-seen order. */
export function groupBatch(batch: EncodedBatch): Map<EncodedHeader, Map<RecordGroup, number[]>> {
  const byResource = new Map<EncodedHeader, Map<RecordGroup, number[]>>();
  const { groups } = batch;
  // Nearly always one resource and one scope: no map lookups per record.
  const only = groups[0];
  let single = only !== undefined;
  for (let i = 1; single && i < groups.length; i++) single = groups[i] === only;
  if (single) {
    const indexes = new Array<number>(groups.length);
    for (let i = 0; i < indexes.length; i++) indexes[i] = i;
    byResource.set(only.resource, new Map([[only, indexes]]));
    return byResource;
  }
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i];
    let byScope = byResource.get(group.resource);
    if (byScope === undefined) {
      byScope = new Map();
      byResource.set(group.resource, byScope);
    }
    let indexes = byScope.get(group);
    if (indexes === undefined) {
      indexes = [];
      byScope.set(group, indexes);
    }
    indexes.push(i);
  }
  return byResource;
}

/**
 * Copies the records `indexes` (ascending) from the batch's arena to `out` at `at`, one copy
 * per run of consecutive records (records are contiguous in the arena), leaving out the first
 * `skipFirst` bytes of the first record. Returns the position after them.
 */
export function copyRecords(
  batch: EncodedBatch,
  indexes: readonly number[],
  out: Buffer,
  at: number,
  skipFirst = 0,
): number {
  const { arena, ends } = batch;
  let position = at;
  let n = 0;
  while (n < indexes.length) {
    const first = indexes[n++];
    let last = first;
    while (n < indexes.length && indexes[n] === last + 1) {
      last++;
      n++;
    }
    let start = first === 0 ? 0 : ends[first - 1];
    if (first === indexes[0]) start += skipFirst;
    position += arena.copy(out, position, start, ends[last]);
  }
  return position;
}

/** Caches one group per (resource, scope) pair, by identity. */
export class GroupCache {
  readonly #byResource = new WeakMap<
    LogResource,
    { header: EncodedHeader; scopes: WeakMap<LogScope, RecordGroup>; pending: boolean }
  >();
  readonly #encodeResource: (resource: LogResource) => EncodedHeader;
  readonly #encodeScope: (scope: LogScope) => EncodedHeader;
  // Nearly every record of a process has the same resource and scope: the last hit is
  // answered without the two WeakMap lookups (never while the resource is still pending).
  #lastResource: LogResource | undefined;
  #lastScope: LogScope | undefined;
  #lastGroup: RecordGroup | undefined;

  constructor(
    encodeResource: (resource: LogResource) => EncodedHeader,
    encodeScope: (scope: LogScope) => EncodedHeader,
  ) {
    this.#encodeResource = encodeResource;
    this.#encodeScope = encodeScope;
  }

  get(resource: LogResource, scope: LogScope): RecordGroup {
    if (resource === this.#lastResource && scope === this.#lastScope)
      return this.#lastGroup as RecordGroup;
    let entry = this.#byResource.get(resource);
    if (entry === undefined || (entry.pending && !resource.asyncAttributesPending)) {
      // While asynchronous resource detection runs, records carry the attributes known so far
      // (read without the SDK's per-access error); once it settles the header is re-encoded.
      const pending = resource.asyncAttributesPending === true;
      // Nothing else settles a resource's attributes (the SDK's batch processor waits for
      // them before each export): ask once, and re-encode when they are there.
      if (pending && entry === undefined) {
        resource.waitForAsyncAttributes?.().catch(() => {
          // A failed detector leaves the attributes it could not get out; nothing to do.
        });
      }
      entry = {
        header: this.#encodeResource(pending ? settledPart(resource) : resource),
        scopes: new WeakMap(),
        pending,
      };
      this.#byResource.set(resource, entry);
    }
    let group = entry.scopes.get(scope);
    if (group === undefined) {
      const scopeHeader = this.#encodeScope(scope);
      group = {
        resource: entry.header,
        scope: scopeHeader,
        overheadBytes:
          entry.header.prefix.length +
          entry.header.suffix.length +
          scopeHeader.prefix.length +
          scopeHeader.suffix.length +
          16,
      };
      entry.scopes.set(scope, group);
    }
    if (!entry.pending) {
      this.#lastResource = resource;
      this.#lastScope = scope;
      this.#lastGroup = group;
    }
    return group;
  }
}

/** The resource's attributes that are already known, without reading the pending ones. */
function settledPart(resource: LogResource): LogResource {
  const raw = (resource as { getRawAttributes?: () => [string, unknown][] }).getRawAttributes?.();
  const attributes: Record<string, unknown> = {};
  if (Array.isArray(raw)) {
    for (const [key, value] of raw) {
      const isPromise =
        value !== null &&
        typeof value === 'object' &&
        typeof (value as PromiseLike<unknown>).then === 'function';
      // The first entry of a key wins, as in the SDK's own `attributes`.
      if (!isPromise && value !== undefined && !Object.hasOwn(attributes, key))
        attributes[key] = value;
    }
  }
  return { attributes, schemaUrl: resource.schemaUrl } as unknown as LogResource;
}
