import { createHash, randomBytes } from 'node:crypto';
import { createEnvReader, invalidOption } from '@threadline/core';
import type {
  BruteForceKeyType,
  FailureCount,
  FailureStore,
  RedisClientLike,
  RedisFailureStoreOptions,
} from './types.ts';

// Failure counts in Redis, shared by every replica. One Lua script per failure makes the
// count atomic (two replicas cannot both see "4, then 5" and both report, nor miss a crossing):
// per key a sorted set of failure times (score = time, member unique per failure) and a
// "disarmed" flag, both expiring `windowMs` after the key's last failure, so Redis holds
// nothing for a key that stopped failing. The crossing rule is the in-memory detector's.

const OWNER = 'createRedisFailureStore';
const MAX_KEY_PREFIX_LENGTH = 128;
export const DEFAULT_REDIS_KEY_PREFIX = 'threadline:bf:';
export const ENV_REDIS_KEY_PREFIX = 'THREADLINE_BRUTE_FORCE_REDIS_PREFIX';

// KEYS[1] failure times (sorted set), KEYS[2] disarmed flag.
// ARGV now, windowMs, threshold, member. Returns {count, firstFailureAt, crossed (0|1)}.
const RECORD_SCRIPT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local threshold = tonumber(ARGV[3])
local ttl = math.ceil(window)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < threshold then redis.call('DEL', KEYS[2]) end
redis.call('ZADD', KEYS[1], now, ARGV[4])
count = count + 1
if count > threshold then
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, count - threshold - 1)
  count = threshold
end
redis.call('PEXPIRE', KEYS[1], ttl)
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]
local crossed = 0
if count >= threshold then
  if redis.call('EXISTS', KEYS[2]) == 0 then crossed = 1 end
  redis.call('SET', KEYS[2], '1', 'PX', ttl)
end
return {count, first, crossed}
`;

// KEYS[1] failure times. ARGV now, windowMs. Returns the failures inside the window.
const COUNT_SCRIPT = `
return redis.call('ZCOUNT', KEYS[1], '(' .. (tonumber(ARGV[1]) - tonumber(ARGV[2])), '+inf')
`;

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

const RECORD_SHA = sha1(RECORD_SCRIPT);
const COUNT_SHA = sha1(COUNT_SCRIPT);

function hasMethods(value: unknown, methods: readonly string[]): boolean {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function')
  );
}

class RedisFailureStore implements FailureStore {
  readonly #client: RedisClientLike;
  readonly #prefix: string;
  /** Makes each failure's sorted-set member unique across replicas and calls. */
  readonly #instance = randomBytes(6).toString('base64url');
  #sequence = 0;

  constructor(client: RedisClientLike, prefix: string) {
    this.#client = client;
    this.#prefix = prefix;
  }

  // Keys hold a digest, not the address or typed name: what people type into a login name
  // field (sometimes a password) is not copied into Redis, and every key has the same length.
  // The `{…}` hash tag keeps a key's two entries on one Redis Cluster slot for the script.
  #keys(keyType: BruteForceKeyType, key: string): [string, string] {
    const digest = createHash('sha256').update(`${keyType}\0${key}`).digest('base64url');
    const base = `${this.#prefix}{${digest.slice(0, 22)}}`;
    return [`${base}:f`, `${base}:d`];
  }

  async #eval(script: string, sha: string, keys: string[], args: (string | number)[]) {
    try {
      return await this.#client.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      // The server forgot the script (restart, SCRIPT FLUSH, a failover): send it once more.
      if (!String((error as Error | undefined)?.message).startsWith('NOSCRIPT')) throw error;
      return await this.#client.eval(script, keys.length, ...keys, ...args);
    }
  }

  async recordFailure(
    keyType: BruteForceKeyType,
    key: string,
    now: number,
    policy: { readonly threshold: number; readonly windowMs: number },
  ): Promise<FailureCount> {
    const member = `${now}:${this.#instance}:${this.#sequence++}`;
    const reply = await this.#eval(RECORD_SCRIPT, RECORD_SHA, this.#keys(keyType, key), [
      now,
      policy.windowMs,
      policy.threshold,
      member,
    ]);
    if (!Array.isArray(reply) || reply.length !== 3) {
      throw new TypeError(`unexpected reply from Redis: ${typeof reply}`);
    }
    return {
      count: Number(reply[0]),
      firstFailureAt: Number(reply[1]),
      crossed: Number(reply[2]) === 1,
    };
  }

  async failureCount(
    keyType: BruteForceKeyType,
    key: string,
    now: number,
    windowMs: number,
  ): Promise<number> {
    const [times] = this.#keys(keyType, key);
    return Number(await this.#eval(COUNT_SCRIPT, COUNT_SHA, [times], [now, windowMs]));
  }

  async reset(keyType: BruteForceKeyType, key: string): Promise<void> {
    await this.#client.del(...this.#keys(keyType, key));
  }

  async clear(): Promise<void> {
    // SCAN, not KEYS: the server keeps serving others while this walks the key space.
    const pattern = `${this.#prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await this.#client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = String(next);
      // One DEL per key: on Redis Cluster the keys of one call must share a slot.
      for (const key of keys) await this.#client.del(key);
    } while (cursor !== '0');
  }
}

// A bad env value must not stop the app: reported (core's one policy), default used.
function envKeyPrefix(): string {
  const env = createEnvReader('@threadline/events');
  const prefix = env.string(ENV_REDIS_KEY_PREFIX);
  if (prefix === undefined) return DEFAULT_REDIS_KEY_PREFIX;
  if (prefix.length <= MAX_KEY_PREFIX_LENGTH) return prefix;
  env.reject(ENV_REDIS_KEY_PREFIX, prefix, 'at most 128 characters', DEFAULT_REDIS_KEY_PREFIX);
  return DEFAULT_REDIS_KEY_PREFIX;
}

/**
 * A {@link FailureStore} in Redis for `bruteForce.store`, so that replicas count one attacker
 * together. `client` is yours (an `ioredis` client or anything with its `evalsha`, `eval`,
 * `scan` and `del`); the store never connects, quits or configures it. Throws `TypeError` for a
 * client without those methods or an invalid prefix.
 */
export function createRedisFailureStore(
  client: RedisClientLike,
  options: RedisFailureStoreOptions = {},
): FailureStore {
  if (!hasMethods(client, ['evalsha', 'eval', 'scan', 'del'])) {
    throw new TypeError(`${OWNER}: client must have evalsha, eval, scan and del (ioredis)`);
  }
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${OWNER}: options must be an object`);
  }
  const prefix = options.keyPrefix ?? envKeyPrefix();
  if (typeof prefix !== 'string' || prefix.length === 0 || prefix.length > MAX_KEY_PREFIX_LENGTH) {
    invalidOption(OWNER, 'keyPrefix', 'a string of 1 to 128 characters', prefix);
  }
  return new RedisFailureStore(client, prefix);
}
