// `for…in` over a plain object walks V8's enum cache and reads each value by field index: for
// the handful of attributes a log record has, several times cheaper than `Object.keys()` plus
// a keyed load per key. It also visits inherited enumerable properties, so it is used only
// when the object's prototype is `Object.prototype` and that has none (nothing polluted it),
// which is checked on every call: an empty object whose `for…in` finds a key means it did.
const PROBE: object = {};

/** True when `for…in` over `map` visits exactly `Object.keys(map)`, in the same order. */
export function enumeratesOwnKeysOnly(map: object): boolean {
  if (Object.getPrototypeOf(map) !== Object.prototype) return false;
  for (const _ in PROBE) return false;
  return true;
}

/**
 * What to run `for…in` over to visit exactly `Object.keys(source)`, in order: `source` itself
 * when {@link enumeratesOwnKeysOnly}, else an object holding only its own keys. Filtering
 * `for…in` over `source` instead would be right in result but not in cost: it visits every
 * inherited key first, ten million for an object whose prototype is a 10 MiB Buffer (winston
 * sets that for metadata with a `__proto__` key). Read the values from `source`.
 */
export function ownKeysForIn(source: object): object {
  if (enumeratesOwnKeysOnly(source)) return source;
  const keys = Object.create(null) as Record<string, true>;
  for (const key of Object.keys(source)) keys[key] = true;
  return keys;
}
