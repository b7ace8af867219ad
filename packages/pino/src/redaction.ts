// What pino prints (stdout, `pino.destination()`, `pino.transport()` targets) hides what the
// OTLP record hides: the same redactor runs over each log call's arguments before pino
// serializes them, and the OTLP record is built from the line pino wrote (or from the redacted
// merge object where that provably gives the same record, record-from-call.ts), so the two
// cannot differ (pino's own `redact` paths apply to both as well).
//
// Where it hooks, and why there. pino turns a call into text in one pass (`asJson`) on the
// calling thread, then hands the text to the destination or to a transport's worker; nothing
// after that pass sees fields any more, so redaction has to run before it. Of pino's own
// extension points:
// - `hooks.logMethod` sees a call's arguments before pino merges, interpolates or serializes
//   them: the merge object, an Error logged alone, the message and the `%s`/`%o` arguments. An
//   Error's message becomes the line's `msg` inside pino, so it must be redacted before that.
//   This is the one walk per call: the merge object goes to the redactor whole, so its
//   top-level keys are decided exactly as nested ones.
// - `formatters.log` sees the merged object but not the message; redacting there as well would
//   walk every entry twice, so it is left to the user.
// - child bindings are serialized once, in `child()`, and pino resets `formatters.bindings` for
//   children, so `child()` and `setBindings()` are wrapped on the root logger (children are
//   `Object.create(parent)` and inherit the wrapper); the root's `base` goes through a composed
//   `formatters.bindings`.
// - a user `mixin` adds fields after the hook: its result is redacted too (only when there is one).
// The user's own `hooks.logMethod`, `formatters`, `mixin`, `redact` and serializers keep working:
// ours compose with theirs (their hook runs first and calls a redacting `method`).
//
// What it does not do: `msgPrefix` (configuration text, not data) is left alone, and a
// serializer the user registers runs after the redactor, on redacted input (its own output is
// not scanned again).

/** What the redaction needs of a redactor (`createRedactor()` of `@threadline/redact` has both). */
export interface PinoRedactor {
  /** A copy of `value` with secrets replaced (or `value` itself when nothing changed). */
  redactValue(value: unknown): unknown;
  /** `value` with secrets replaced. */
  redactString(value: string): string;
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;
type LogMethodHook = (
  this: unknown,
  args: unknown[],
  method: AnyFunction,
  level: number,
) => unknown;

interface PinoOptions {
  hooks?: { logMethod?: LogMethodHook; [key: string]: unknown };
  formatters?: { bindings?: (bindings: object) => object; [key: string]: unknown };
  mixin?: AnyFunction;
  [key: string]: unknown;
}

/** What the redaction reads of the `pino` factory. */
export interface PinoSerializerSource {
  stdSerializers?: {
    mapHttpRequest?: (req: unknown) => unknown;
    mapHttpResponse?: (res: unknown) => unknown;
  };
}

interface PinoLogger {
  child?: AnyFunction;
  setBindings?: AnyFunction;
}

/** The redacting steps for one pino module, given to every logger its factory creates. */
export class PinoRedaction {
  readonly #redactor: PinoRedactor;
  readonly #pino: PinoSerializerSource;

  constructor(redactor: PinoRedactor, pino: PinoSerializerSource) {
    this.#redactor = redactor;
    this.#pino = pino;
  }

  /** An object with its secrets replaced; `{}` if the redactor could not walk it at all. */
  redactObject(value: unknown): object {
    const redacted = this.#redactor.redactValue(value);
    return typeof redacted === 'object' && redacted !== null ? redacted : {};
  }

  /** A log call's arguments with secrets replaced (the same array when nothing changed). */
  redactArgs(args: unknown[]): unknown[] {
    let out: unknown[] | undefined;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      let redacted: unknown = arg;
      if (typeof arg === 'string') redacted = this.#redactor.redactString(arg);
      else if (typeof arg === 'object' && arg !== null)
        redacted = this.#redactor.redactValue(i === 0 ? this.#asPinoMaps(arg) : arg);
      if (redacted !== arg) {
        out ??= args.slice();
        out[i] = redacted;
      }
    }
    return out ?? args;
  }

  // pino maps a request or response logged as the merge object to `{ req }` / `{ res }` with its
  // own serializers; done here first, the redactor sees (and pino prints) the mapped headers
  // instead of walking a socket.
  #asPinoMaps(arg: object): object {
    try {
      const o = arg as {
        method?: unknown;
        headers?: unknown;
        socket?: unknown;
        setHeader?: unknown;
      };
      const serializers = this.#pino.stdSerializers;
      if (o.method && o.headers && o.socket && serializers?.mapHttpRequest)
        return serializers.mapHttpRequest(arg) as object;
      if (typeof o.setHeader === 'function' && serializers?.mapHttpResponse)
        return serializers.mapHttpResponse(arg) as object;
    } catch {
      // A hostile getter: the redactor walks the object as it is and marks what it cannot read.
    }
    return arg;
  }

  /** The factory's arguments with our options added to (a copy of) the user's. */
  withOptions(args: unknown[]): unknown[] {
    const first = args[0];
    if (first === undefined) return [this.#options(undefined), ...args.slice(1)];
    // `pino(destination)` / `pino('/path')`: the same as `pino({}, destination)`.
    if (typeof first === 'string' || isStreamLike(first))
      return [this.#options(undefined), ...args];
    if (typeof first === 'object' && first !== null)
      return [this.#options(first as PinoOptions), ...args.slice(1)];
    return args;
  }

  #options(user: PinoOptions | undefined): PinoOptions {
    const userHook = user?.hooks?.logMethod;
    const userBindings = user?.formatters?.bindings;
    const userMixin = user?.mixin;
    const options: PinoOptions = {
      ...user,
      hooks: { ...user?.hooks, logMethod: this.#logMethod(userHook) },
      formatters: {
        ...user?.formatters,
        bindings: (bindings) =>
          this.redactObject(typeof userBindings === 'function' ? userBindings(bindings) : bindings),
      },
    };
    if (typeof userMixin === 'function') {
      const redactObject = (value: unknown): object => this.redactObject(value);
      options.mixin = function redactedMixin(this: unknown, ...mixinArgs: unknown[]) {
        return redactObject(userMixin.apply(this, mixinArgs));
      };
    }
    return options;
  }

  #logMethod(userHook: LogMethodHook | undefined): LogMethodHook {
    // Plain functions below: pino calls hooks and methods with the logger as `this`.
    const redactArgs = (args: unknown[]): unknown[] => this.redactArgs(args);
    if (typeof userHook !== 'function') {
      return function logMethod(this: unknown, args, method) {
        return method.apply(this, redactArgs(args));
      };
    }
    // The user's hook may add or rewrite arguments: it runs first and calls a redacting method.
    return function logMethod(this: unknown, args, method, level) {
      const redactingMethod = function (this: unknown, ...inner: unknown[]) {
        return method.apply(this, redactArgs(inner));
      };
      return userHook.call(this, args, redactingMethod, level);
    };
  }

  /** Wraps `child()` and `setBindings()` on a root logger; its descendants inherit them. */
  wrapBindings(logger: unknown): void {
    if (typeof logger !== 'object' || logger === null) return;
    const target = logger as PinoLogger;
    for (const name of ['child', 'setBindings'] as const) {
      const original = target[name];
      if (typeof original !== 'function') continue;
      const redactObject = (value: unknown): object => this.redactObject(value);
      Object.defineProperty(target, name, {
        value: function (this: unknown, bindings: unknown, ...rest: unknown[]) {
          // pino throws its own error for missing bindings: keep that.
          const redacted =
            typeof bindings === 'object' && bindings !== null ? redactObject(bindings) : bindings;
          return original.call(this, redacted, ...rest);
        },
        writable: true,
        configurable: true,
        enumerable: false,
      });
    }
  }
}

// pino's own test for a destination given in place of options (`normalizeArgs`): a SonicBoom
// (`pino.destination()`), or anything with `writable` or `_writableState`. Anything else is
// options, even with a `write` method.
function isStreamLike(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { writable?: unknown; _writableState?: unknown };
  return (
    Boolean(v.writable) ||
    Boolean(v._writableState) ||
    (value.constructor as { name?: unknown } | undefined)?.name === 'SonicBoom'
  );
}
